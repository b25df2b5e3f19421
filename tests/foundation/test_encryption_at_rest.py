"""ID and phone numbers are encrypted at rest with the key from the environment and found by keyed hash."""

import pytest
from django.db import connection

from dangjian.core import crypto
from dangjian.members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _raw(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, id_number_hash, phone_hash FROM members_member WHERE id = %s", [pk]
        )
        return cursor.fetchone()


def test_database_holds_no_clear_values():
    member = MemberFactory(phone="13912345678")
    raw = _raw(member.pk)
    row_text = " ".join(raw)
    assert member.id_number not in row_text and "13912345678" not in row_text
    assert member.id_number[6:14] not in row_text  # not even the birth date part
    assert Member.objects.get(pk=member.pk).id_number == member.id_number


def test_history_table_holds_no_clear_values():
    member = MemberFactory(phone="13912345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM members_historicalmember WHERE id = %s", [member.pk])
        rows = cursor.fetchall()
    assert rows and all(member.id_number not in r[0] and "13912345678" not in r[1] for r in rows)


def test_lookup_by_keyed_hash():
    member = MemberFactory(phone="13912345678")
    assert Member.objects.by_id_number(member.id_number.lower() + " ").get() == member
    assert Member.objects.by_phone("13912345678").get() == member
    assert _raw(member.pk)[2] == crypto.lookup_hash(member.id_number)
    assert (
        crypto.lookup_hash(member.id_number) != crypto.hashlib.sha256(member.id_number.encode()).hexdigest()
    )


def test_key_comes_from_settings(settings):
    member = MemberFactory()
    token = _raw(member.pk)[0]
    hashed = crypto.lookup_hash(member.id_number)
    settings.FIELD_ENCRYPTION_KEY = "another-key-of-at-least-thirty-two-characters"
    assert crypto.lookup_hash(member.id_number) != hashed
    with pytest.raises(ValueError, match="FIELD_ENCRYPTION_KEY"):
        crypto.decrypt(token)


def test_missing_key_refuses_to_start(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "SECRET_KEY": "x" * 50,
        "FIELD_ENCRYPTION_KEY": "short",
        "DJANGO_SETTINGS_MODULE": "dangjian.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEY" in result.stderr


def test_tokens_of_the_first_version_are_still_read(settings):
    legacy = crypto._fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(b"13912345678").decode()
    assert crypto.decrypt(legacy) == "13912345678"
    assert crypto.encrypt("13912345678") != crypto.encrypt("13912345678")  # a fresh nonce each time
