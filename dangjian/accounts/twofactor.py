"""Two-factor authentication (TOTP with django-otp) for office, oversight and admin accounts: who must use it,
who may, and the recovery codes. The views are in views.py, the guard for existing sessions below."""

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout, user_login_failed
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

KINDS = ("admin", User.Kind.OFFICE, User.Kind.OVERSIGHT)  # the values OTP_REQUIRED_KINDS may list
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread on paper


def may_enrol(user) -> bool:
    """Accounts that see a whole town (or more) or the admin site; members' logins stay one step."""
    return user.is_staff or user.is_superuser or user.kind in (User.Kind.OFFICE, User.Kind.OVERSIGHT)


def required(user) -> bool:
    kinds = set(settings.OTP_REQUIRED_KINDS)
    return user.kind in kinds or ("admin" in kinds and (user.is_staff or user.is_superuser))


def needs_second_step(user) -> bool:
    """Whether logging in takes a code: required by the setting, or chosen by enrolling."""
    return may_enrol(user) and (required(user) or user_has_device(user, confirmed=True))


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes; each works once (django-otp's static tokens) and is shown once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="恢复码")
    device.token_set.all().delete()
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed TOTP device, kept until confirmed by a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=False)


def confirm(device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])


OPEN_PATHS = ("/login/", "/logout/", "/2fa/", "/static/", "/healthz")


def require_second_step(get_response):
    """A session logged in without its code (one from before the setting, or made by other means) is ended:
    pages send the user back to the login, which asks for the code; the API answers 401."""

    def middleware(request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PATHS)
            and needs_second_step(user)
        ):
            logout(request)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "请先登录并完成两步验证。"}, status=401)
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        return get_response(request)

    return middleware


class AdminLoginForm(OTPAdminAuthenticationForm):
    """The admin site's login: a wrong code counts toward the same lockout as on the login page."""

    def clean_otp(self, user):
        try:
            super().clean_otp(user)
        except ValidationError:
            if self.cleaned_data.get("otp_token"):
                credentials = {"username": user.get_username()}
                user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            raise
