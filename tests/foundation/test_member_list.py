"""The member list: filters, pinyin order, pages, and a query count that does not grow with the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MemberFactory, OrgFactory

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [m.name for m in response.context["page"]]


def test_pinyin_order(world, client_for):
    for name in ("张三", "阿明", "白雪", "曾经"):
        MemberFactory(org=world.branch_b, name=name)
    names = _names(client_for("organiser_b").get("/members/"))
    picked = [n for n in names if n in ("张三", "阿明", "白雪", "曾经")]
    assert picked == ["阿明", "白雪", "曾经", "张三"]  # a, bai, ceng, zhang


def test_surnames_sort_by_their_surname_reading(world, client_for):
    for name in ("陈七", "曾红", "赵六", "单田"):
        MemberFactory(org=world.branch_b, name=name)
    names = _names(client_for("organiser_b").get("/members/"))
    assert [n for n in names if n in ("陈七", "曾红", "赵六", "单田")] == ["陈七", "单田", "曾红", "赵六"]
    # chen, shan (not dan), zeng (not ceng), zhao


def test_name_search_by_beginning_in_characters_or_pinyin(world, client_for):
    MemberFactory(org=world.branch_b, name="曾红")
    client = client_for("office")
    assert _names(client.get("/members/", {"q": "zeng"})) == ["曾红"]
    assert _names(client.get("/members/", {"q": "Zeng H"})) == ["曾红"]
    assert _names(client.get("/members/", {"q": "曾"})) == ["曾红"]
    assert set(_names(client.get("/members/", {"q": "乙"}))) == {m.name for m in world.members_b}
    assert _names(client.get("/members/", {"q": "红"})) == []  # by the beginning of the name only


def test_filters(world, client_for):
    client = client_for("office")
    assert set(_names(client.get("/members/", {"org": "BRB"}))) == {m.name for m in world.members_b}
    assert set(_names(client.get("/members/", {"org": "BRA-G1"}))) == set()  # groups hold no members by org
    assert _names(client.get("/members/", {"category": "probationary"})) == ["甲预备"]
    world.members_b[2].status = "mobile"
    world.members_b[2].save()
    assert _names(client.get("/members/", {"status": "mobile"})) == [world.members_b[2].name]
    assert _names(client.get("/members/", {"q": "乙指"})) == ["乙指导员"]
    assert _names(client.get("/members/", {"q": world.members_a[3].id_number})) == [world.members_a[3].name]
    assert _names(client.get("/members/", {"q": world.members_a[3].phone})) == [world.members_a[3].name]
    assert (
        _names(client.get("/members/", {"q": world.members_a[3].id_number[:10]})) == []
    )  # no partial numbers


def test_filter_cannot_reach_outside_scope(world, client_for):
    response = client_for("secretary_a").get("/members/", {"org": "BRB"})
    assert _names(response) == [] and "不在您的查看范围内" in response.content.decode()


def test_pagination(world, client_for):
    MemberFactory.create_batch(60, org=world.branch_b)
    client = client_for("organiser_b")
    first = client.get("/members/")
    assert len(_names(first)) == 50 and first.context["page"].paginator.count == 65
    second = client.get("/members/", {"page": 2, "org": "BRB"})
    assert len(_names(second)) == 15 and "第 2 / 2 页" in second.content.decode()
    assert set(_names(first)).isdisjoint(_names(second))
    assert len(_names(client.get("/members/", {"page": "999"}))) == 15  # past the end: the last page


def _queries(client, url) -> int:
    connection.queries_log.clear()  # each request clears the log when it starts (reset_queries)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert ctx.captured_queries
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/members/", "/api/members/?limit=50"])
def test_query_count_is_constant(world, client_for, url):
    branch = OrgFactory(code="BIG", parent=world.town)
    group = OrgFactory(code="BIG-G1", kind="group", parent=branch, category="")
    MemberFactory.create_batch(5, org=branch, group=group)
    client = client_for("office")
    small = _queries(client, url)
    MemberFactory.create_batch(45, org=branch, group=group)
    assert _queries(client, url) == small
