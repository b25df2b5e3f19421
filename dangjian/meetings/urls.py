from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_edit, name="create"),
    path("calendar/", views.month_calendar, name="calendar"),
    path("s/<str:token>/", views.signin, name="signin"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/minutes/", views.minutes_edit, name="minutes"),
    path("<int:pk>/print/", views.activity_print, name="print"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/qr/", views.qr, name="qr"),
    path("<int:pk>/qr/code/", views.qr_fragment, name="qr_fragment"),
    path("<int:pk>/qr/print/", views.qr_print, name="qr_print"),
    path("<int:pk>/leave/", views.leave_ask, name="leave"),
    path("<int:pk>/records/", views.record_upload, name="record_upload"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/rectifications/", views.rectification_add, name="rectification_add"),
    path("attendance/<int:pk>/leave/", views.leave_decide, name="leave_decide"),
    path("attendance/<int:pk>/makeup/", views.makeup_add, name="makeup_add"),
    path("makeup/<int:pk>/done/", views.makeup_done, name="makeup_done"),
    path("records/<int:pk>/", views.record_file, name="record_file"),
    path("records/<int:pk>/remove/", views.record_remove, name="record_remove"),
    path("rectifications/<int:pk>/done/", views.rectification_done, name="rectification_done"),
]
