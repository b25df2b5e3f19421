"""Stored signals: computation, dismissal kept across recomputation, the background trigger, the desk,
the detail page and the API as the office and 上级 see them."""

import datetime as dt

import pytest
from django.core.management import call_command

from dangjian.meetings.models import Activity
from dangjian.orgs.choices import PositionTitle
from dangjian.supervision.models import Signal
from dangjian.supervision.services import compute
from tests.factories import MemberFactory, UserFactory, appoint

from .helpers import MINUTES, held, signal_of, signals_world

pytestmark = pytest.mark.django_db


def test_compute_stores_each_finding_once_with_its_evidence(world):
    s = signals_world(world)
    copied = Signal.objects.get(kind="copied_minutes")
    assert copied.org == world.branch_b and copied.period == "2025"
    assert set(copied.activities.all()) == {s["original"], s["copy"]}
    assert copied.measure >= copied.threshold == 85
    lecture = Signal.objects.get(kind="thin_content")
    assert lecture.org == world.branch_a and "没有党课稿" in lecture.summary
    again = compute()
    assert again.created == 0 and again.gone == 0 and Signal.objects.count() == 2


def test_a_dismissed_signal_stays_dismissed_when_computed_again(world, client_for):
    signal = signal_of(world, "copied_minutes")
    response = client_for("office").post(
        f"/supervision/{signal.pk}/dismiss/", {"reason": "已核实，系同一次联合学习。"}
    )
    assert response.status_code == 302
    call_command("signals", stdout=open("/dev/null", "w"))
    signal.refresh_from_db()
    assert signal.is_dismissed and signal.current
    assert signal.dismiss_reason == "已核实，系同一次联合学习。" and signal.dismissed_by == world.user(
        "office"
    )
    assert not Signal.objects.open().filter(pk=signal.pk).exists()
    # the evidence goes away: the signal is kept (with its dismissal) but no longer current
    s = signals_world(world)
    Activity.objects.filter(pk=s["copy"].pk).update(minutes="<p>四月十二日召开，重新记录的内容完全不同。</p>")
    assert compute().gone == 1
    signal.refresh_from_db()
    assert signal.is_dismissed and not signal.current


def test_dismissal_needs_a_reason_and_is_refused_to_oversight(world, client_for):
    signal = signal_of(world, "copied_minutes")
    office = client_for("office")
    page = office.post(f"/supervision/{signal.pk}/dismiss/", {"reason": "  "}, follow=True)
    assert "请写明排除理由" in page.content.decode()
    api = office.post(
        f"/api/supervision/signals/{signal.pk}/dismiss", {"reason": ""}, content_type="application/json"
    )
    assert api.status_code == 400 and "请写明排除理由" in api.json()["detail"]
    signal.refresh_from_db()
    assert not signal.is_dismissed
    refused = client_for("oversight").post(f"/supervision/{signal.pk}/dismiss/", {"reason": "看过了"})
    assert refused.status_code == 403
    detail = client_for("oversight").get(f"/supervision/{signal.pk}/").content.decode()
    assert "排除该信号" not in detail  # read-only: no dismissal form


def test_recomputation_is_enqueued_once_per_transaction_after_activity_changes(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        held(world.branch_a, dt.date(2025, 5, 20), kind="party_lecture", title="专题党课")
    assert len(callbacks) == 1  # the activity and its attendance rows: one task
    assert Signal.objects.filter(
        kind="thin_content", org=world.branch_a
    ).exists()  # the immediate backend ran it


def test_desk_lists_filters_and_counts(world, client_for):
    signals_world(world)
    office = client_for("office")
    page = office.get("/supervision/").content.decode()
    assert "会议记录雷同" in page and "没有党课稿" in page and page.count('data-kind="copied_minutes"') >= 2
    only = office.get("/supervision/?kind=thin_content").content.decode()
    assert "没有党课稿" in only and "相似度" not in only
    other_year = office.get("/supervision/?period=2024").content.decode()
    assert "没有符合条件的风险信号" in other_year
    branch = office.get("/supervision/?org=BRB").content.decode()
    assert "相似度" in branch and "没有党课稿" not in branch
    dashboard = office.get("/compliance/?org=TOWN&year=2025").content.decode()
    assert 'id="signal-counts"' in dashboard and "会议记录雷同" in dashboard
    assert (
        'id="signal-counts"' not in client_for("secretary_a").get("/compliance/?year=2025").content.decode()
    )


def test_detail_shows_both_minutes_side_by_side_with_the_shared_parts_marked(world, client_for):
    signal = signal_of(world, "copied_minutes")
    page = client_for("office").get(f"/supervision/{signal.pk}/").content.decode()
    assert page.count('data-activity="') == 2 and "evidence pair" in page
    assert page.count("<mark>日上午在党员活动室召开主题党日") == 2  # the shared text, marked on both sides
    assert ">三月十<mark>" in page and ">四月十二<mark>" in page  # the changed date is not marked


def test_api_lists_pages_and_details_with_the_same_filters(world, client_for):
    signal = signal_of(world, "copied_minutes")
    client = client_for("oversight")
    listed = client.get("/api/supervision/signals?kind=copied_minutes").json()
    assert listed["count"] == 1 and listed["items"][0]["org_code"] == "BRB"
    assert client.get("/api/supervision/signals?limit=1").json()["count"] == 2
    detail = client.get(f"/api/supervision/signals/{signal.pk}").json()
    assert [e["org_code"] for e in detail["evidence"]] == ["BRA", "BRB"]
    assert any(shared for _, shared in detail["evidence"][0]["shared"])
    schema = client.get("/api/openapi.json").json()
    assert "/api/supervision/signals/{signal_id}/dismiss" in schema["paths"]


def test_a_general_branch_reads_its_branches_signals_and_a_branch_reads_none(world, client_for):
    signals_world(world)
    leader = MemberFactory(org=world.branch_a, name="总支书记")
    appoint(leader, world.general, PositionTitle.SECRETARY)
    user = UserFactory(username="general_secretary", member=leader)
    from django.test import Client

    client = Client()
    client.force_login(user)
    listed = client.get("/api/supervision/signals").json()
    assert [i["org_code"] for i in listed["items"]] == ["BRA"]  # branch B lies directly under the town
    copied = Signal.objects.get(kind="copied_minutes")
    assert client.get(f"/supervision/{copied.pk}/").status_code == 404
    assert client_for("secretary_a").get("/supervision/").status_code == 403


def test_honest_minutes_of_the_same_branch_are_not_flagged(world):
    held(world.branch_a, dt.date(2025, 3, 10), minutes=MINUTES)
    held(
        world.branch_a,
        dt.date(2025, 4, 10),
        minutes="<p>" + "四月份学习了防汛工作部署，大家交流了各自村组的准备情况。" * 2 + "</p>",
    )
    compute()
    assert not Signal.objects.filter(kind="copied_minutes").exists()


def test_no_second_task_is_queued_while_one_is_waiting(world, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for day in (dt.date(2025, 5, 20), dt.date(2025, 6, 20)):
        with django_capture_on_commit_callbacks(execute=True):
            held(world.branch_a, day, title=f"活动{day}")
    assert DBTaskResult.objects.filter(task_path="dangjian.supervision.tasks.recompute").count() == 1


def test_facts_are_read_in_five_queries_whatever_the_number_of_activities(world, django_assert_num_queries):
    from dangjian.supervision import config, facts

    signals_world(world)
    with django_assert_num_queries(5):
        few = facts.read(config.current())
    from dangjian.meetings.models import Attendance

    for month in range(1, 13):
        activity = held(world.branch_b, dt.date(2024, month, 5), minutes=MINUTES, title=f"{month}月")
        for member in world.members_b:
            Attendance.objects.update_or_create(
                activity=activity, member=member, defaults={"status": "present"}
            )
    with django_assert_num_queries(5):
        many = facts.read(config.current())
    assert len(many.activities) == len(few.activities) + 12
    assert len(many.presences) == 12 * len(world.members_b)


def test_a_general_branch_does_not_read_the_minutes_of_a_branch_outside_it_through_a_signal(world):
    """Branch A (under the 党总支) copies branch B's minutes: the 党总支 sees its branch's signal and that
    the other text lies in branch B, never branch B's minutes, attendees or photos."""
    from django.test import Client

    secret = "<p>乙支部专有内容：讨论企业改制人员安置方案。</p>"
    held(world.branch_b, dt.date(2025, 3, 10), minutes=MINUTES + secret, title="重温入党誓词")
    held(world.branch_a, dt.date(2025, 4, 12), minutes=MINUTES.replace("三月十日", "四月十二日") + secret)
    compute()
    copied = Signal.objects.get(kind="copied_minutes", org=world.branch_a)
    leader = MemberFactory(org=world.branch_a, name="总支书记")
    appoint(leader, world.general, PositionTitle.SECRETARY)
    client = Client()
    client.force_login(UserFactory(username="general_secretary", member=leader))
    page = client.get(f"/supervision/{copied.pk}/").content.decode()
    assert page.count("企业改制人员安置") == 1  # its own branch's copy only
    assert "乙企业党支部" in page and "不在您的管辖范围" in page
    detail = client.get(f"/api/supervision/signals/{copied.pk}").json()
    outside = [e for e in detail["evidence"] if e["org_code"] == "BRB"]
    assert outside and outside[0]["withheld"] and outside[0]["minutes_text"] == ""
    assert outside[0]["shared"] == [] and outside[0]["members"] == []
    office = Client()
    office.force_login(world.user("office"))
    assert office.get(f"/supervision/{copied.pk}/").content.decode().count("企业改制人员安置") >= 2
    assert office.get(f"/api/supervision/signals/{copied.pk}").json()["evidence"][0]["withheld"] is False
