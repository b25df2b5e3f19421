from django.urls import path

from . import review_views, views

app_name = "supervision"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/dismiss/", views.dismiss, name="dismiss"),
]

# Record review (会议记录审阅)
urlpatterns += [
    path("reviews/", review_views.reviews, name="reviews"),
    path("reviews/<int:pk>/", review_views.review, name="review"),
    path("reviews/<int:pk>/decide/", review_views.decide, name="review_decide"),
    path("reviews/<int:pk>/resubmit/", review_views.resubmit, name="review_resubmit"),
    path("reviews/start/<int:activity_id>/", review_views.start, name="review_start"),
]
