from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("new/", views.org_edit, name="create"),
    path("positions/<int:pk>/end/", views.position_end, name="position_end"),
    path("<slug:code>/", views.org_detail, name="detail"),
    path("<slug:code>/edit/", views.org_edit, name="edit"),
    path("<slug:code>/positions/new/", views.position_add, name="position_add"),
]
