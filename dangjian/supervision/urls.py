from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/dismiss/", views.dismiss, name="dismiss"),
]
