"""Password policy: every validator speaks Chinese, and passwords made of the platform's or the town's names,
or of the account's own name in pinyin, are refused whatever digits and signs are added."""

import re

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError

from dangjian.accounts.models import User
from tests.factories import OrgFactory

pytestmark = pytest.mark.django_db
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def refusal(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


@pytest.mark.parametrize(
    "password", ["abc", "12345678", "password", "office123", "Dangjian2026", "Pw-1", "zhangwei"]
)
def test_every_refusal_is_in_chinese(password):
    user = User(username="office", first_name="张伟")
    messages = refusal(password, user)
    assert messages
    for message in messages:
        assert re.search(r"[\u4e00-\u9fff]", message) and not ENGLISH_WORD.search(message), message


def test_the_too_short_message_says_the_minimum_in_chinese():
    assert "密码太短，至少需要 8 个字符。" in refusal("Ab1-x")


def test_help_texts_are_in_chinese():
    for text in password_validators_help_texts():
        assert re.search(r"[\u4e00-\u9fff]", text) and not ENGLISH_WORD.search(text), text


@pytest.mark.parametrize(
    "password",
    [
        "Dangjian2026",
        "dangjian@2026",
        "DangJianBan!1",
        "shuji2026",
        "Shuji_2026",
        "2026zhibushuji",
        "党建2026",
    ],
)
def test_platform_words_with_digits_are_refused(password):
    assert any("平台名称" in m for m in refusal(password, User(username="someone")))


def test_the_towns_name_in_pinyin_or_initials_is_refused():
    OrgFactory(code="SDS", name="中共神鼎山镇委员会", kind="town", category="")
    for password in ("Shendingshan2026", "shendingshan@123", "SDS-20262026"):
        assert any("本镇名称" in m for m in refusal(password, User(username="someone"))), password


def test_the_accounts_own_name_in_pinyin_is_refused():
    user = User(username="zhangsan01", first_name="李建国")
    assert refusal("Lijianguo2026!", user) and refusal("Zhangsan01-2026", user)


@pytest.mark.parametrize(
    "password", ["Secret-pass-1", "Lijianguo-bought-7-pears", "Sds@2026demo", "Dj-x7Kq9mPz"]
)
def test_passwords_that_are_more_than_names_pass(password):
    assert refusal(password, User(username="office", first_name="李建国")) == []
