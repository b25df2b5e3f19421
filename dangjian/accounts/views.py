import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dangjian.members.choices import DEPARTED_STATUSES

from .access import access_for
from .models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(label="手机号或用户名", max_length=150)
    error_messages = {
        "invalid_login": "手机号/用户名或密码不正确，请重新输入。连续输错多次将被暂时锁定。",
        "inactive": "该账号已停用，请联系党建办。",
    }


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
