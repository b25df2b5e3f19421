from django.urls import path

from . import views

app_name = "discipline"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<slug:code>/new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/document/", views.document, name="document"),
]
