"""The navigation marks one item: the most specific one containing the page."""

import pytest


@pytest.mark.django_db
def test_only_the_most_specific_nav_item_is_active(world, client_for):
    response = client_for("secretary_a").get("/meetings/calendar/")
    active = [item["label"] for item in response.context["nav"] if item["active"]]
    assert active == ["日历"]


@pytest.mark.django_db
def test_page_title_names_the_page_and_the_site(world, client_for):
    html = client_for("secretary_a").get("/members/").content.decode()
    assert "<title>党员名册 · 党组织生活管理平台</title>" in html
