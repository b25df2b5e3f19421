"""Record review (会议记录审阅): every saved text of the minutes kept, the diff, the loop in order (steps out
of order and double submissions refused), reminders and to-do, the 党总支's scope, the queue, the pages
and the API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.access import access_for
from dangjian.meetings.models import Activity, Status
from dangjian.meetings.services import save_minutes
from dangjian.notifications.models import Delivery
from dangjian.orgs.choices import PositionTitle
from dangjian.supervision import reviewing
from dangjian.supervision.review import MinutesVersion, Review, ReviewState
from dangjian.supervision.services import compute
from tests.factories import MemberFactory, UserFactory, appoint
from tests.meetings.helpers import make_activity

from .helpers import MINUTES, at, held
from .review_helpers import FIX, review_in, reviewed_activity

pytestmark = pytest.mark.django_db
ADDED = "<p>王强：调解邻里纠纷要有人牵头。</p>"


def as_(w, role):
    user = w.user(role)
    return user, access_for(user)


# ---- versions and diff ----


def test_every_saved_text_of_the_minutes_is_kept_once(world):
    activity = reviewed_activity(world)
    secretary = world.user("secretary_a")
    save_minutes(activity, MINUTES + ADDED, secretary)
    save_minutes(activity, MINUTES + ADDED, secretary)  # the same text again: no new version
    activity.title = "改了标题"
    activity.save()  # no change to the minutes: no new version
    versions = list(activity.minutes_versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].text == MINUTES and versions[1].text.endswith(ADDED)
    assert versions[1].saved_by == secretary


def test_minutes_written_before_versions_were_kept_become_version_one(world):
    activity = reviewed_activity(world)
    MinutesVersion.objects.filter(activity=activity).delete()  # as if written before this feature
    save_minutes(activity, "<p>重写后的记录：只剩一句话。</p>", world.user("secretary_a"))
    texts = list(activity.minutes_versions.order_by("number").values_list("text", flat=True))
    assert texts == [MINUTES, "<p>重写后的记录：只剩一句话。</p>"]


def test_the_diff_marks_a_changed_figure_and_an_added_paragraph():
    runs = reviewing.diff(
        "<p>应到二十人，实到十八人。</p><p>学习党章。</p>",
        "<p>应到二十人，实到十九人。</p><p>学习党章。</p><p>王强发言。</p>",
    )
    assert runs == [
        ("", "应到二十人，实到十"),
        ("del", "八"),
        ("ins", "九"),
        ("", "人。\n学习党章。\n"),
        ("ins", "王强发言。\n"),
    ]
    assert not reviewing.changed(reviewing.diff("<p>同一段</p>", "<p>同一段</p>"))


# ---- the loop ----


def test_the_review_loop_in_order_with_reminders_and_to_do(world, client_for):
    office, office_access = as_(world, "office")
    secretary, secretary_access = as_(world, "secretary_a")
    activity = reviewed_activity(world)
    review = reviewing.start(activity, office, office_access, "测试抽审")
    assert review.state == ReviewState.OPEN

    with pytest.raises(ValidationError, match="写明退回理由"):
        reviewing.decide(review, office, office_access, False, "  ")
    with pytest.raises(ValidationError, match="没有退回补正"):
        reviewing.resubmit(review, secretary, secretary_access, "提前提交")
    reviewing.decide(review, office, office_access, False, FIX)
    assert review.state == ReviewState.RETURNED

    # the branch is reminded through the outbox and sees it on its home page
    secretary_member = world.members_a[0]
    reminder = Delivery.objects.get(key__startswith=f"review:{review.pk}:", recipient=secretary_member)
    assert "退回补正" in reminder.title and FIX in reminder.body
    home = client_for("secretary_a").get("/").content.decode()
    assert "会议记录退回补正" in home and review.get_absolute_url() in home
    assert "会议记录退回补正" not in client_for("organiser_b").get("/").content.decode()

    with pytest.raises(ValidationError, match="等待支部补正"):
        reviewing.decide(review, office, office_access, True)
    with pytest.raises(ValidationError, match="补正说明"):
        reviewing.resubmit(review, secretary, secretary_access, "")  # nothing changed, nothing said
    save_minutes(activity, MINUTES + ADDED, secretary)
    reviewing.resubmit(Review.objects.get(pk=review.pk), secretary, secretary_access, "")
    with pytest.raises(ValidationError, match="补正已经提交"):  # a second click
        reviewing.resubmit(Review.objects.get(pk=review.pk), secretary, secretary_access, "")
    assert Review.objects.get(pk=review.pk).state == ReviewState.RESUBMITTED
    assert Delivery.objects.filter(key__startswith=f"review:{review.pk}:", account=office).exists()
    assert "已补正待复审" in client_for("office").get("/").content.decode()

    page = client_for("office").get(review.get_absolute_url()).content.decode()
    assert "<ins>王强：调解邻里纠纷要有人牵头。\n</ins>" in page
    assert 'id="decide"' in page and "第 2 版" in page

    reviewing.decide(review, office, office_access, True)
    with pytest.raises(ValidationError, match="已通过"):
        reviewing.decide(review, office, office_access, True)
    steps = list(review.steps.values_list("action", flat=True))
    assert steps == ["start", "return", "resubmit", "pass"]
    assert [s.version.number for s in review.steps.all()] == [1, 1, 2, 2]
    # once passed, the activity may be sampled again
    assert reviewing.start(activity, office, office_access).state == ReviewState.OPEN


def test_only_held_activities_and_one_unfinished_review_each(world):
    office, office_access = as_(world, "office")
    planned = make_activity(world.branch_a, start=at(dt.date(2025, 6, 1), 9))
    with pytest.raises(ValidationError, match="已召开"):
        reviewing.start(planned, office, office_access)
    activity = reviewed_activity(world)
    reviewing.start(activity, office, office_access)
    with pytest.raises(ValidationError, match="已在审阅中"):
        reviewing.start(activity, office, office_access)
    assert Review.objects.count() == 1


def test_a_branch_cannot_review_and_the_office_cannot_answer(world):
    review = review_in(world, "returned")
    secretary, secretary_access = as_(world, "secretary_a")
    office, office_access = as_(world, "office")
    with pytest.raises(PermissionDenied):
        reviewing.decide(review, secretary, secretary_access, True)
    with pytest.raises(PermissionDenied):
        reviewing.resubmit(review, office, office_access, "代为提交")
    organiser, organiser_access = as_(world, "organiser_b")
    with pytest.raises(PermissionDenied):
        reviewing.resubmit(review, organiser, organiser_access, "别的支部")


def test_a_general_branch_reviews_its_branches_only(world):
    leader = MemberFactory(org=world.general, name="总支书记")
    appoint(leader, world.general, PositionTitle.SECRETARY)
    user = UserFactory(username="general_secretary", member=leader)
    access = access_for(user)
    own = held(world.general, dt.date(2025, 3, 11))
    other = held(world.branch_b, dt.date(2025, 3, 12))
    review = reviewing.start(reviewed_activity(world), user, access)  # branch A is under the 党总支
    with pytest.raises(PermissionDenied):
        reviewing.start(own, user, access)  # the 党总支's own activity: the office reviews it
    with pytest.raises(PermissionDenied):
        reviewing.start(other, user, access)
    reviewing.decide(review, user, access, False, FIX)
    assert Delivery.objects.filter(recipient=world.members_a[0], key__startswith="review:").exists()
    secretary, secretary_access = as_(world, "secretary_a")
    save_minutes(review.activity, MINUTES + ADDED, secretary)
    reviewing.resubmit(review, secretary, secretary_access)
    assert Delivery.objects.filter(recipient=leader, key__startswith=f"review:{review.pk}:").exists()


# ---- the queue ----


def test_propose_orders_signals_then_late_entries_then_unreviewed_branches():
    queue = reviewing.propose({5: ["会议记录雷同"]}, {7: 40, 5: 30}, [9, 7], size=10)
    assert [pk for pk, _ in queue] == [5, 7, 9]
    assert queue[0][1] == ["风险信号：会议记录雷同", "补录：召开后 30 天才登记"]
    assert queue[1][1] == ["补录：召开后 40 天才登记", "所在支部一年多未被审阅，随机抽取"]
    assert len(reviewing.propose({}, {}, [1, 2, 3], size=2)) == 2


def test_the_queue_proposes_with_reasons_and_leaves_out_reviewed_activities(world):
    office, office_access = as_(world, "office")
    today = dt.date(2025, 5, 1)
    original = held(world.branch_a, dt.date(2025, 3, 10), minutes=MINUTES, title="重温入党誓词")
    copy = held(world.branch_b, dt.date(2025, 4, 12), minutes=MINUTES.replace("三月十日", "四月十二日"))
    compute()
    first = reviewing.queue(office_access, today)
    reasons = {p.activity.pk: p.reasons for p in first}
    assert "风险信号：会议记录雷同" in reasons[copy.pk] and "风险信号：会议记录雷同" in reasons[original.pk]
    assert [p.activity.pk for p in first] == [p.activity.pk for p in reviewing.queue(office_access, today)]
    reviewing.start(copy, office, office_access, "；".join(reasons[copy.pk]))
    assert copy.pk not in {p.activity.pk for p in reviewing.queue(office_access, today)}
    with pytest.raises(PermissionDenied):
        reviewing.queue(access_for(world.user("secretary_a")), today)


def test_a_late_entry_is_proposed_with_its_delay(world):
    office, office_access = as_(world, "office")
    late = held(world.branch_b, dt.date(2025, 3, 1))
    Activity.objects.filter(pk=late.pk).update(
        is_late_entry=True, recorded_at=at(dt.date(2025, 4, 10), 9), status=Status.HELD
    )
    reasons = {p.activity.pk: p.reasons for p in reviewing.queue(office_access, dt.date(2025, 5, 1))}
    assert "补录：召开后 40 天才登记" in reasons[late.pk]


# ---- pages and API ----


def test_the_activity_page_shows_the_review_state_to_the_branch_not_to_members(world, client_for):
    review = review_in(world, "returned")
    url = review.activity.get_absolute_url()
    page = client_for("secretary_a").get(url).content.decode()
    assert 'id="record-review"' in page and "退回补正" in page and "抽审此活动" not in page
    assert 'id="record-review"' not in client_for("member_a").get(url).content.decode()
    office_page = client_for("office").get(url).content.decode()
    assert review.get_absolute_url() in office_page and "抽审此活动" not in office_page  # one unfinished


def test_a_refused_step_on_the_page_says_why_and_changes_nothing(world, client_for):
    review = review_in(world, "open")
    response = client_for("office").post(
        f"/supervision/reviews/{review.pk}/decide/", {"decision": "return"}, follow=True
    )
    assert "未保存：请写明退回理由" in response.content.decode()
    assert Review.objects.get(pk=review.pk).state == ReviewState.OPEN


def test_the_api_runs_the_loop_and_refuses_out_of_order(world, client_for):
    office, secretary = client_for("office"), client_for("secretary_a")
    activity = reviewed_activity(world)
    created = office.post(
        "/api/supervision/reviews", {"activity_id": activity.pk}, content_type="application/json"
    )
    assert created.status_code == 200 and created.json()["state"] == "open"
    pk = created.json()["id"]
    again = office.post(
        "/api/supervision/reviews", {"activity_id": activity.pk}, content_type="application/json"
    )
    assert again.status_code == 400 and "已在审阅中" in again.json()["detail"]
    returned = office.post(
        f"/api/supervision/reviews/{pk}/decide",
        {"passed": False, "comment": FIX},
        content_type="application/json",
    )
    assert returned.json()["state"] == "returned"
    assert {r["op"] for r in returned.json()["since_return"]} == {""}  # nothing changed since sent back
    early = office.post(
        f"/api/supervision/reviews/{pk}/decide", {"passed": True}, content_type="application/json"
    )
    assert early.status_code == 400 and "等待支部补正" in early.json()["detail"]
    save_minutes(activity, MINUTES + ADDED, world.user("secretary_a"))
    done = secretary.post(f"/api/supervision/reviews/{pk}/resubmit", {}, content_type="application/json")
    body = done.json()
    assert body["state"] == "resubmitted"
    assert {"op": "ins", "text": "王强：调解邻里纠纷要有人牵头。\n"} in body["since_return"]
    assert [s["action"] for s in body["steps"]] == ["start", "return", "resubmit"]
    twice = secretary.post(f"/api/supervision/reviews/{pk}/resubmit", {}, content_type="application/json")
    assert twice.status_code == 400
