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


def test_breadcrumbs_and_member_page_link_only_to_pages_the_viewer_may_open(world, client_for):
    import re

    pages = {
        "secretary_a": ["/orgs/BRA/", f"/members/{world.members_a[2].pk}/"],
        "member_a": [f"/members/{world.members_a[7].pk}/"],
        "instructor_a": ["/orgs/BRA/", f"/members/{world.members_b[4].pk}/"],
    }
    for role, urls in pages.items():
        client = client_for(role)
        for url in urls:
            html = client.get(url).content.decode()
            for link in set(re.findall(r'href="(/(?:orgs|members)/[^"?]*)"', html)):
                assert client.get(link).status_code in (200, 302), (role, url, link)
