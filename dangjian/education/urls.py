from django.urls import path

from . import views

app_name = "education"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<slug:code>/", views.branch, name="branch"),
    path("org/<slug:code>/trainings/new/", views.training_create, name="training_create"),
    path("org/<slug:code>/trainings/import/", views.training_import, name="training_import"),
    path("notes/new/", views.note_create, name="note_create"),
    path("notes/<int:pk>/", views.note_detail, name="note"),
    path("notes/<int:pk>/file/", views.note_file, name="note_file"),
    path("member/<int:pk>/record/", views.member_record, name="record"),
]
