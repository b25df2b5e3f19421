"""Ids typed into query strings and forms: anything but plain digits is ignored, never a 500."""

import pytest

from dangjian.core.params import id_param

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["²", "١٢", "12a", "", None, "9" * 19, "-1"])
def test_only_plain_digits_are_ids(value):
    assert id_param(value) is None


def test_plain_digits_are_ids():
    assert id_param("42") == 42


def test_a_superscript_member_on_the_appointment_form_is_a_form_error(world, client_for):
    response = client_for("secretary_a").post(
        "/orgs/BRA/positions/new/", {"member": "²", "title": "organiser", "started_on": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "不在可选范围内" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/discipline/org/BRA/new/?member=²", "/talks/org/BRA/new/?partner=²", "/talks/org/BRA/?member=²"]
)
def test_a_superscript_id_in_a_link_is_ignored(url, world, client_for):
    assert client_for("secretary_a").get(url).status_code == 200
