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


def test_every_static_file_a_page_asks_for_is_collected(collected, world, client_for):
    pages = [client_for("secretary_a").get(url).content.decode() for url in ("/", "/compliance/")]
    pages.append(client_for("anonymous").get("/api/docs").content.decode())
    wanted = {path for page in pages for path in re.findall(r'/static/([^"\'?]+)', page)}
    assert {collected[name] for name in ("core/app.css", "django_htmx/htmx-2.min.js")} <= wanted
    assert collected["ninja/swagger-ui-bundle.js"] in wanted
    assert wanted <= set(collected.values())
