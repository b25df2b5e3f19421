import base64
import secrets
import time

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from dangjian.evaluations.qr import svg as qr_svg
from dangjian.members.choices import DEPARTED_STATUSES

from . import twofactor
from .access import access_for
from .models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(label="手机号或用户名", max_length=150)
    error_messages = {
        "invalid_login": "手机号/用户名或密码不正确，请重新输入。连续输错多次将被暂时锁定。",
        "inactive": "该账号已停用，请联系党建办。",
    }


PENDING = "otp_pending"  # the session key of a login whose password was right and whose code is due
PENDING_SECONDS = 300


class Login(auth_views.LoginView):
    """Step one: the password. Accounts that take a code are not logged in yet: the session only remembers
    who passed step one (for five minutes); nothing is reachable, and no lockout reset, before the code."""

    form_class = LoginForm

    def form_valid(self, form):
        user = form.get_user()
        if not twofactor.needs_second_step(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "until": time.time() + PENDING_SECONDS,
        }
        return redirect("otp_verify" if user_has_device(user, confirmed=True) else "otp_setup")


def _pending_user(request) -> tuple[User | None, dict]:
    pending = request.session.get(PENDING) or {}
    if not pending or pending["until"] < time.time():
        return None, {}
    return User.objects.filter(pk=pending["user"], is_active=True).first(), pending


def _finish_login(request, user, device, pending):
    user.backend, user.otp_device = pending["backend"], device
    del request.session[PENDING]
    login(request, user)  # django-otp marks the session verified with the device
    target = pending["next"]
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else resolve_url("home")


class CodeForm(forms.Form):
    code = forms.CharField(label="验证码", max_length=16, strip=True)


@never_cache
def otp_verify(request):
    """Step two: a code from the authenticator app, or one of the recovery codes. A wrong code counts toward
    the same lockout as a wrong password."""
    user, pending = _pending_user(request)
    if user is None:
        messages.error(request, "登录已超时，请重新输入用户名和密码。")
        return redirect("login")
    credentials = {"username": user.username}
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(PENDING, None)
        return locked_out(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"].replace(" ", "").lower())
        if device is not None:
            return redirect(_finish_login(request, user, device, pending))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if AxesProxyHandler.is_locked(request, credentials):
            request.session.pop(PENDING, None)
            return locked_out(request)
        form.add_error(
            "code", "验证码不正确或已过期，请输入验证器上当前显示的 6 位数字，或一个未用过的恢复码。"
        )
    return render(request, "accounts/otp_verify.html", {"form": form, "account": user})


@never_cache
def otp_setup(request):
    """Set up the authenticator: scan the QR code (or type the key), confirm with a code, get recovery codes.
    Reached during a login that requires it, or later by a logged-in office, oversight or admin account."""
    if request.user.is_authenticated:
        user, pending = request.user, None
        if not twofactor.may_enrol(user):
            raise PermissionDenied
        if twofactor.needs_second_step(user) and not user.is_verified():
            logout(request)  # a session without its code may not replace the authenticator
            return redirect("login")
    else:
        user, pending = _pending_user(request)
        if user is None:
            return redirect(f"{resolve_url('login')}?next={request.path}")
        if user_has_device(user, confirmed=True):
            return redirect("otp_verify")  # the password alone may not replace an authenticator
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            with transaction.atomic():
                twofactor.confirm(device)
                codes = twofactor.new_recovery_codes(user)
            if pending:
                target = _finish_login(request, user, device, pending)
            else:
                otp_login(request, device)
                target = resolve_url("home")
            return render(request, "accounts/otp_recovery_codes.html", {"codes": codes, "next": target})
        form.add_error("code", "验证码不正确，请核对手机时间后输入验证器上当前显示的 6 位数字。")
    key = b32(device.bin_key)
    context = {"form": form, "qr": qr_svg(device.config_url), "key": key, "account": user}
    return render(request, "accounts/otp_setup.html", context)


def b32(key: bytes) -> str:
    """The key as authenticator apps take it when typed, in groups of four."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _initial_password() -> str:
    # Readable on paper, strong enough for Django's validators; the member changes it after logging in.
    return "Dj-" + secrets.token_urlsafe(8)


@login_required
@require_POST
def member_account(request, pk: int):
    """Open a login for a member (or reset its password); the new password is shown once."""
    member = _managed_member(request, pk)
    if member.status in DEPARTED_STATUSES:
        messages.error(request, f"{member.name} 的状态为{member.get_status_display()}，不能开通账号。")
        return redirect(member)
    password = _initial_password()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(member=member).first()
        if user is not None and not _may_reset(request.user, user):
            messages.error(
                request, f"{member.name} 的账号权限超出您的管辖范围，请联系镇党建办或系统管理员重置密码。"
            )
            return redirect(member)
        user_is_new = user is None
        if user_is_new:
            username = f"m{member.pk}"
            if User.objects.filter(username=username).exists():
                username = f"m{member.pk}-{secrets.token_hex(2)}"
            user = User(username=username, member=member, first_name=member.name)
        user.is_active = True
        user.set_password(password)
        user._change_reason = "开通账号" if user_is_new else "重置密码"
        user.save()
    messages.success(
        request,
        f"已为 {member.name} 开通/重置账号：用户名 {user.username}（也可用手机号登录），"
        f"初始密码 {password}。请当面告知本人并提醒修改密码。",
    )
    return redirect(member)


@login_required
@require_POST
def member_account_active(request, pk: int):
    """Deactivate (停用) or reactivate (启用) a member's login; kept in the account's history."""
    member = _managed_member(request, pk)
    active = request.POST.get("active") == "1"
    with transaction.atomic():
        user = get_object_or_404(User.objects.select_for_update(), member=member)
        if not _may_reset(request.user, user) or user.pk == request.user.pk:
            messages.error(request, f"{member.name} 的账号不能由您停用或启用，请联系镇党建办或系统管理员。")
            return redirect(member)
        if active and member.status in DEPARTED_STATUSES:
            messages.error(request, f"{member.name} 的状态为{member.get_status_display()}，账号不能启用。")
            return redirect(member)
        if user.is_active != active:
            user.is_active = active
            user._change_reason = "启用账号" if active else "停用账号"
            user.save(update_fields=["is_active"])
    messages.success(request, f"已{'启用' if active else '停用'} {member.name} 的登录账号。")
    return redirect(member)


def _managed_member(request, pk: int):
    member = get_object_or_404(access_for(request.user).visible_members(), pk=pk)
    if not request.user.has_perm("accounts.manage_account", member):
        raise PermissionDenied
    return member


def _may_reset(by: User, account: User) -> bool:
    """A password may only be reset by someone whose own scope covers everything that account can reach,
    so a branch secretary cannot take over the login of the town secretary who is a member of their branch."""
    if account.pk == by.pk:
        return True
    if account.is_staff or account.is_superuser or account.kind != User.Kind.MEMBER:
        return False
    return access_for(by).covers(access_for(account))


def locked_out(request, credentials=None, *args, **kwargs):
    return render(request, "accounts/locked_out.html", status=429)
