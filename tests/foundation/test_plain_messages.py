"""Django's own form messages read as plain Chinese on every form of the product (core/locale), and the
admin index names every app in Chinese."""

import filecmp
import shutil
import subprocess
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError

from dangjian.orgs.models import Organisation

LOCALE = Path(__file__).resolve().parents[2] / "dangjian/core/locale/zh_Hans/LC_MESSAGES"
# How Django's zh_Hans catalog words them: translated word for word from English.
STILTED = ("确保该", "这个字段", "输入一个", "选择一个有效", "null", "Email", "所提交的是空文件", "具有 ")


def _errors(field, value) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        field.clean(value)
    return caught.value.messages


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,value,expected",
    [
        (forms.CharField(), "", "此项必须填写。"),
        (forms.CharField(max_length=3), "四个汉字", "最多写 3 个字，现在有 4 个字，请删减。"),
        (forms.CharField(min_length=2), "一", "至少要写 2 个字，现在只有 1 个字。"),
        (forms.DateField(), "2025-13-01", "请填写正确的日期，如 2025-06-01。"),
        (forms.DateTimeField(), "明天", "请填写正确的日期和时间，如 2025-06-01 09:30。"),
        (forms.IntegerField(), "三", "请填写整数。"),
        (forms.IntegerField(max_value=10), "11", "不能大于 10。"),
        (forms.IntegerField(min_value=0), "-1", "不能小于 0。"),
        (forms.ChoiceField(choices=[("a", "甲")]), "b", "“b”不在可选范围内，请从列表中重新选择。"),
        (
            forms.ModelChoiceField(Organisation.objects.none()),
            "1",
            "所选的一项不在可选范围内（可能已被删除或不归您管理），请重新选择。",
        ),
        (forms.EmailField(), "a@", "请填写正确的电子邮箱地址，如 name@example.cn。"),
    ],
)
def test_django_messages_are_plain_chinese(field, value, expected):
    messages = _errors(field, value)
    assert messages == [expected]
    assert not any(word in m for m in messages for word in STILTED)


def test_every_form_of_the_product_shows_the_plain_messages():
    """A product form, posted bad: the page shows the plain wording, not Django's."""
    from dangjian.meetings.forms import LeaveForm, MakeUpForm

    leave = LeaveForm({"reason": "长" * 201})
    assert leave.errors["reason"] == ["最多写 200 个字，现在有 201 个字，请删减。"]
    assert MakeUpForm({"content": "", "due_on": "2025-02-30"}).errors == {
        "content": ["此项必须填写。"],
        "due_on": ["请填写正确的日期，如 2025-06-01。"],
    }


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="未安装 gettext（msgfmt）")
def test_compiled_catalog_matches_its_source(tmp_path):
    subprocess.run(["msgfmt", "-o", tmp_path / "django.mo", LOCALE / "django.po"], check=True)
    assert filecmp.cmp(tmp_path / "django.mo", LOCALE / "django.mo", shallow=False), (
        "core/locale 的 django.mo 已过期：请运行 msgfmt -o django.mo django.po"
    )


@pytest.mark.django_db
def test_admin_index_names_every_app_in_chinese(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dangjian.accounts.models import User

    admin = User.objects.create_superuser("root", password="Root-pass-2026")
    client.force_login(admin)
    session = client.session  # the admin site takes only sessions verified by a second step
    session["otp_device_id"] = TOTPDevice.objects.create(user=admin, confirmed=True).persistent_id
    session.save()
    page = client.get("/admin/").content.decode()
    for english in ("Axes", "Tasks Database Backend", "Access attempts", "Access logs", "Task results"):
        assert english not in page
    assert "登录保护" in page and "后台任务" in page and "登录尝试" in page
