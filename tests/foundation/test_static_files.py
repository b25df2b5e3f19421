"""collectstatic ships what the pages load and leaves out what no page loads (a cold start's cost)."""

import json
import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    # The manifest without compression: the same names and reference checks, seconds faster.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", "-v0")
    return json.loads((tmp_path / "staticfiles.json").read_text())["paths"]  # name -> hashed name


def test_unused_vendor_files_are_not_collected(collected):
    assert not [p for p in collected if "redoc" in p or p.startswith("django_htmx/ext/") or "-4" in p]
    assert not [p for p in collected if "select2" in p or "autocomplete" in p]


def test_the_admin_forms_find_their_static_files(collected, world, client):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dangjian.accounts.models import User

    admin = User.objects.create_superuser("root", password="Root-pass-2026")
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=admin, name="手机").persistent_id
    session.save()
    pages = [client.get(url) for url in ("/admin/", "/admin/orgs/position/add/", "/admin/orgs/organisation/")]
    assert all(page.status_code == 200 for page in pages)
    wanted = {path for page in pages for path in re.findall(r'/static/([^"\'?]+)', page.content.decode())}
    assert collected["admin/js/core.js"] in wanted
    assert wanted <= set(collected.values())


def test_every_static_file_a_page_asks_for_is_collected(collected, world, client_for):
    pages = [client_for("secretary_a").get(url).content.decode() for url in ("/", "/compliance/")]
    pages.append(client_for("anonymous").get("/api/docs").content.decode())
    wanted = {path for page in pages for path in re.findall(r'/static/([^"\'?]+)', page)}
    assert {collected[name] for name in ("core/app.css", "django_htmx/htmx-2.min.js")} <= wanted
    assert collected["ninja/swagger-ui-bundle.js"] in wanted
    assert wanted <= set(collected.values())
