from django.urls import path

from . import views

app_name = "recruitment"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<slug:code>/new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/", views.add_step, name="step"),
    path("step/<int:pk>/upload/", views.upload, name="upload"),
    path("document/<int:pk>/", views.document, name="document"),
]
