from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_edit, name="new"),
    path("unqualified/", views.unqualified, name="unqualified"),
    path("code/", views.code_entry, name="code_entry"),
    path("code/<str:code>/", views.code_entry, name="code_ballot"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/do/<str:action>/", views.campaign_action, name="action"),
    path("<int:pk>/codes/", views.codes, name="codes"),
    path("<int:pk>/exclude/<int:member_id>/", views.exclude, name="exclude"),
    path("<int:pk>/self/", views.my_self_evaluation, name="my_self"),
    path("<int:pk>/self/<int:member_id>/", views.self_evaluation, name="self"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/tally/", views.tally, name="tally"),
    path("<int:pk>/decide/<int:member_id>/", views.decide, name="decide"),
    path("<int:pk>/disposal/<int:member_id>/", views.disposal, name="disposal"),
    path("<int:pk>/export/<str:doc>.<str:fmt>", views.export, name="export"),
]
