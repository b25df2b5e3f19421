from django.urls import path

from . import views

app_name = "dues"
urlpatterns = [
    path("", views.index, name="index"),
    path("confirm/", views.confirm, name="confirm"),
    path("summary/", views.summary, name="summary"),
    path("summary/remit/", views.remit, name="remit"),
    path("org/<slug:code>/", views.org_page, name="org"),
    path("org/<slug:code>/member/<int:member_id>/", views.profile_edit, name="profile"),
    path("org/<slug:code>/pay/", views.pay, name="pay"),
    path("org/<slug:code>/relief/", views.relief_create, name="relief"),
    path("org/<slug:code>/import/", views.import_view, name="import"),
    path("org/<slug:code>/remind/", views.remind, name="remind"),
    path("org/<slug:code>/ledger.<str:fmt>", views.ledger_export, name="ledger"),
    path("payment/<int:pk>/reverse/", views.reverse_payment, name="reverse"),
    path("relief/<int:pk>/approve/", views.relief_approve, name="approve"),
    path("activity/<int:pk>/", views.activity_pay, name="activity"),
]
