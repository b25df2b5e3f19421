from django.urls import path

from . import views

app_name = "talks"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<slug:code>/", views.org_talks, name="org"),
    path("org/<slug:code>/new/", views.talk_create, name="create"),
    path("org/<slug:code>/coverage/", views.org_coverage, name="coverage"),
    path("<int:pk>/", views.talk_detail, name="detail"),
    path("<int:pk>/edit/", views.talk_edit, name="edit"),
]
