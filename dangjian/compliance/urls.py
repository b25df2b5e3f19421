from django.urls import path

from . import views

app_name = "compliance"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("mine/", views.mine, name="mine"),
    path("org/<slug:code>/", views.org_page, name="org"),
    path("org/<slug:code>/<slug:rule>/", views.verdict_detail, name="verdict"),
]
