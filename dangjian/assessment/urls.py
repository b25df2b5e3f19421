from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.town_table, name="table"),
    path("mine/", views.mine, name="mine"),
    path("org/<slug:code>/<int:year>/", views.sheet, name="sheet"),
    path("org/<slug:code>/<int:year>/entry/", views.entry, name="entry"),
    path("org/<slug:code>/<int:year>/correct/", views.correct, name="correct"),
    path("org/<slug:code>/<int:year>/object/", views.object_to, name="object"),
    path("objections/", views.objections, name="objections"),
    path("objections/<int:pk>/answer/", views.answer, name="answer"),
    path("<int:year>/finalise/", views.finalise, name="finalise"),
    path("<int:year>/ranking/", views.ranking, name="ranking"),
    path("schemes/", views.schemes, name="schemes"),
    path("schemes/<int:pk>/", views.scheme, name="scheme"),
    path("schemes/<int:pk>/publish/", views.publish_scheme, name="publish_scheme"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey"),
    path("surveys/<int:pk>/close/", views.survey_close, name="survey_close"),
    path("surveys/<int:pk>/codes/<slug:code>/", views.survey_codes, name="survey_codes"),
    path("surveys/<int:pk>/answer/", views.survey_answer, name="survey_answer"),
    path("q/", views.public_answer, name="public_answer"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/step/<slug:action>/", views.notice_step, name="notice_step"),
    path("notices/<int:pk>/respond/<slug:code>/", views.notice_respond, name="notice_respond"),
    path("notices/<int:pk>/docx/", views.notice_docx, name="notice_docx"),
    path("accountability/", views.accountability, name="accountability"),
]
