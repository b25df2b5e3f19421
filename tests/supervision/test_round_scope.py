"""What each role sees of a round: the inspector works on their assigned branch while the round is open
and loses the right when it closes; a branch sees its own findings and 整改 on its home page, never another
branch's; the inspector's page shows the branch's verdicts, signals and records."""

import datetime as dt

import pytest

from dangjian.supervision.rounds import services
from dangjian.supervision.rounds.choices import Result

from .helpers import MINUTES, held, signals_world
from .rounds_helpers import find, item, make_round, nonconforming

pytestmark = pytest.mark.django_db


def test_the_inspector_works_only_while_the_round_is_open(world, client_for):
    r = make_round(world)
    inspector = client_for("member_a")
    page = f"/supervision/rounds/{r.pk}/BRB/"
    post = {"item": item(r, "theme_day").pk, "result": "conforming", "notes": ""}
    assert inspector.get(page).status_code == 200
    assert inspector.get(f"/supervision/rounds/{r.pk}/BRA/").status_code == 403  # not assigned there
    assert inspector.post(f"{page}finding/", post).status_code == 302
    assert r.findings.count() == 1
    services.close_round(r)
    assert inspector.get(page).status_code == 404  # the round is gone from their view
    assert inspector.post(f"{page}finding/", post).status_code == 404
    assert "home-inspections" not in inspector.get("/").content.decode()
    assert client_for("office").get(page).status_code == 200  # the office still reads it


def test_the_inspector_sees_verdicts_signals_and_records(world, client_for):
    signals_world(world)  # branch B copied branch A's minutes
    r = make_round(world)
    held(world.branch_b, dt.date(2026, 3, 5), minutes=MINUTES, title="学习党章")
    page = client_for("member_a").get(f"/supervision/rounds/{r.pk}/BRB/").content.decode()
    assert 'id="verdicts"' in page and "未达标" in page
    assert "会议记录雷同" in page
    assert "学习党章" in page and "集中学习党章有关党员义务的条款" in page


def test_a_branch_sees_its_own_rectifications_only(world, client_for):
    rect = nonconforming(world)
    home_b = client_for("organiser_b").get("/").content.decode()
    assert 'id="home-supervision"' in home_b and rect.get_absolute_url() in home_b
    home_a = client_for("secretary_a").get("/").content.decode()
    assert 'id="home-supervision"' not in home_a
    assert client_for("secretary_a").get(rect.get_absolute_url()).status_code == 404
    listing = client_for("secretary_a").get("/supervision/rectifications/").content.decode()
    assert "主题党日" not in listing and "没有督查整改" in listing
    assert "home-inspections" in client_for("member_a").get("/").content.decode()


def test_closed_items_stay_visible_and_overdue_is_red(world, client_for):
    rect = nonconforming(world)
    find(world, "party_lecture", Result.NONCONFORMING)
    from dangjian.accounts.access import access_for

    office = world.user("office")
    services.act(rect, "answer", "已整改。", world.user("organiser_b"), access_for(world.user("organiser_b")))
    services.act(rect, "accept", "", office, access_for(office))
    late = services.rectifications_visible(access_for(office)).exclude(pk=rect.pk).get()
    type(late).objects.filter(pk=late.pk).update(deadline=dt.date(2026, 1, 5))
    page = client_for("office").get("/supervision/rectifications/").content.decode()
    assert 'data-status="accepted"' in page  # closed stays listed
    assert page.count("已逾期") >= 2 and 'class="overdue"' in page
    overdue = client_for("office").get("/supervision/rectifications/?state=overdue").content.decode()
    assert 'data-status="open"' in overdue and 'data-status="accepted"' not in overdue


def test_a_refused_inspector_is_told_why_in_chinese(world, client_for):
    r = make_round(world)
    response = client_for("office").post(
        f"/supervision/rounds/{r.pk}/inspectors/", {"org": "BRA", "username": "secretary_a"}, follow=True
    )
    assert (
        "未完成：本人是该支部的党员，须回避，不能督查本支部。请改派其他督查人员。"
        in response.content.decode()
    )
    assert not r.assignments.filter(org=world.branch_a).exists()
