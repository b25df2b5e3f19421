from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.Login.as_view(), name="login"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
    path("2fa/setup/", views.otp_setup, name="otp_setup"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        # Not under registration/: django.contrib.admin's templates of those names would win.
        auth_views.PasswordChangeView.as_view(
            success_url="/password/done/", template_name="accounts/password_change_form.html"
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("members/<int:pk>/account/", views.member_account, name="member_account"),
    path("members/<int:pk>/account/active/", views.member_account_active, name="member_account_active"),
]
