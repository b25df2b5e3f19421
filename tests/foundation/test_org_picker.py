"""Lists filter by an organisation's name, picked from suggestions (core/orgpicker.py), not by its code;
a county's 1,800 organisations are not sent with every page."""

import re

import pytest
from django.utils import timezone

from dangjian.core import orgpicker
from dangjian.orgs.models import Organisation
from tests.meetings.helpers import make_activity

pytestmark = pytest.mark.django_db


def test_an_organisation_is_found_by_code_full_name_or_a_part_only_it_has(world):
    orgs = Organisation.objects.all()
    assert orgpicker.find_org(orgs, "BRB").org == world.branch_b
    assert orgpicker.find_org(orgs, "乙企业党支部").org == world.branch_b
    assert orgpicker.find_org(orgs, " 乙企业 ").org == world.branch_b
    both = orgpicker.find_org(orgs, "党小组")
    assert both.org is None and "第一党小组（甲村党支部，代码 BRA-G1）" in both.problem
    assert "第二党小组（甲村党支部，代码 BRA-G2）" in both.problem
    missing = orgpicker.find_org(orgs, "丙村")
    assert missing.org is None and "没有名称或代码为“丙村”的党组织" in missing.problem
    assert orgpicker.find_org(orgs, "").problem == ""


def test_the_same_name_twice_asks_for_the_code(world):
    Organisation.objects.create(code="BRB2", name="乙企业党支部", kind="branch", parent=world.general)
    pick = orgpicker.find_org(Organisation.objects.all(), "乙企业党支部")
    assert pick.org is None and "代码 BRB2" in pick.problem and "代码 BRB）" in pick.problem


def _titles(page: str) -> list[str]:
    return re.findall(r'<td data-label="组织">([^<]+)</td>', page)


def test_meetings_list_filters_by_a_name_and_shows_it_in_the_box(world, client_for):
    make_activity(world.branch_a, "theme_day")
    make_activity(world.branch_b, "theme_day")
    page = client_for("office").get("/meetings/", {"org": "乙企业"}).content.decode()
    assert _titles(page) == ["乙企业党支部"]
    assert 'name="org" id="org" value="乙企业党支部" list="org-options"' in page
    assert '<option value="甲村党支部">BRA</option>' in page  # a town's names are listed in the page
    assert "data-options-url" not in page
    page = client_for("office").get("/meetings/", {"org": "丙村"}).content.decode()
    assert _titles(page) == [] and "没有名称或代码为“丙村”的党组织" in page


def test_a_name_outside_ones_scope_finds_nothing(world, client_for):
    make_activity(world.branch_a, "theme_day")
    page = client_for("organiser_b").get("/meetings/", {"org": "甲村党支部"}).content.decode()
    assert _titles(page) == [] and "不在您的查看范围内" in page
    assert "甲村党支部</option>" not in page


def test_members_and_discipline_filter_by_name(world, client_for):
    page = client_for("office").get("/members/", {"org": "乙企业党支部"}).content.decode()
    assert "乙0" in page and "甲0" not in page and 'value="乙企业党支部"' in page
    response = client_for("office").get("/discipline/", {"org": "乙企业"})
    assert response.status_code == 200 and "<h1>乙企业党支部 · " in response.content.decode()
    response = client_for("office").get("/discipline/", {"org": "丙村"})
    assert response.status_code == 404 and "没有名称或代码为“丙村”的党组织" in response.content.decode()


def test_the_calendar_names_each_activity_s_branch_and_a_group_s_branch(world, client_for):
    make_activity(world.branch_a, "theme_day", start=timezone.now())
    make_activity(world.group_a1, "group_meeting", start=timezone.now())
    page = client_for("office").get("/meetings/calendar/").content.decode()
    assert '<span class="cal-org">甲村党支部</span>' in page
    assert '<span class="cal-org">甲村党支部 · 第一党小组</span>' in page
    page = client_for("office").get("/meetings/calendar/", {"org": "甲村党支部"}).content.decode()
    assert '<span class="cal-org">甲村党支部</span>' not in page  # the page is about it already
    assert '<span class="cal-org">甲村党支部 · 第一党小组</span>' in page


def test_a_large_scope_fetches_suggestions_instead_of_listing_them(world, client_for, monkeypatch):
    monkeypatch.setattr(orgpicker, "INLINE_LIMIT", 3)
    page = client_for("office").get("/meetings/").content.decode()
    assert 'data-options-url="/org-options/"' in page and "</option></datalist>" not in page
    assert 'src="/static/core/org_picker.js"' in page
    found = client_for("office").get("/org-options/", {"q": "党小组"}).json()["results"]
    assert found == [
        {"code": "BRA-G1", "name": "第一党小组", "parent": "甲村党支部"},
        {"code": "BRA-G2", "name": "第二党小组", "parent": "甲村党支部"},
    ]
    assert client_for("office").get("/org-options/", {"q": "bra-g"}).json()["results"][0]["code"] == "BRA-G1"
    assert client_for("office").get("/org-options/").json() == {"results": []}
    # only names in one's own scope
    assert client_for("organiser_b").get("/org-options/", {"q": "甲村"}).json() == {"results": []}


def test_suggestions_are_capped(world, client_for):
    Organisation.objects.bulk_create(
        Organisation(code=f"X{i:03d}", name=f"丙{i}村党支部", kind="branch", parent=world.town, path="")
        for i in range(30)
    )
    for o in Organisation.objects.filter(code__startswith="X"):
        o.save()  # fills the path
    assert len(client_for("office").get("/org-options/", {"q": "丙"}).json()["results"]) == 20
