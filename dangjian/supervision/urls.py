from django.urls import path

from . import review_views, views
from .rounds import views as rounds

app_name = "supervision"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    # 督查 rounds, findings and 整改
    path("rounds/", rounds.round_list, name="rounds"),
    path("rounds/new/", rounds.round_new, name="round_new"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("rounds/<int:pk>/sample/", rounds.round_sample, name="round_sample"),
    path("rounds/<int:pk>/items/", rounds.round_item, name="round_item"),
    path("rounds/<int:pk>/inspectors/", rounds.round_assign, name="round_assign"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
    path("rounds/<int:pk>/findings.xlsx", rounds.round_export, {"fmt": "xlsx"}, name="round_xlsx"),
    path("rounds/<int:pk>/report.docx", rounds.round_export, {"fmt": "docx"}, name="round_docx"),
    path("rounds/<int:pk>/<slug:code>/", rounds.inspect, name="inspect"),
    path("rounds/<int:pk>/<slug:code>/finding/", rounds.inspect_finding, name="inspect_finding"),
    path("rounds/<int:pk>/<slug:code>/visit/", rounds.inspect_visit, name="inspect_visit"),
    path(
        "rounds/<int:pk>/<slug:code>/records/<int:record_id>/", rounds.inspect_record, name="inspect_record"
    ),
    path("attachments/<int:pk>/", rounds.attachment, name="attachment"),
    path("rectifications/", rounds.rect_list, name="rectifications"),
    path("rectifications/<int:pk>/", rounds.rect_detail, name="rectification"),
    path("rectifications/<int:pk>/<str:action>/", rounds.rect_act, name="rect_act"),
]

# Record review (会议记录审阅)
urlpatterns += [
    path("reviews/", review_views.reviews, name="reviews"),
    path("reviews/<int:pk>/", review_views.review, name="review"),
    path("reviews/<int:pk>/decide/", review_views.decide, name="review_decide"),
    path("reviews/<int:pk>/resubmit/", review_views.resubmit, name="review_resubmit"),
    path("reviews/start/<int:activity_id>/", review_views.start, name="review_start"),
]
