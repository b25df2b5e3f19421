"""The rules of activities as plain functions: applies_to, speaker, quorum, late entry, expected sets."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.meetings import services
from dangjian.meetings.models import Activity, activity_choices
from dangjian.members.choices import Status as MemberStatus
from dangjian.orgs.choices import PositionTitle
from dangjian.rulebook import rulebook
from tests.factories import MemberFactory, appoint

from .helpers import make_activity

QUORUM = rulebook.current().item("general_meeting").quorum


def test_kinds_come_from_the_rulebook_without_heart_talk():
    codes = [c for c, _ in activity_choices()]
    assert "heart_talk" not in codes
    assert codes == [i.code for i in rulebook.current().activity_items() if i.code != "heart_talk"]
    names = dict(activity_choices())
    assert names["party_lecture"] == rulebook.current().item("party_lecture").name


@pytest.mark.parametrize(
    "applies_to,org_kind,committee,ok",
    [
        ("group", "group", False, True),
        ("group", "branch", True, False),
        ("branch_with_committee", "branch", True, True),
        ("branch_with_committee", "branch", False, False),
        ("branch_with_committee", "group", False, False),
        ("branch", "branch", False, True),
        ("branch", "group", False, False),
        ("branch", "town", True, False),
    ],
)
def test_applies_to(applies_to, org_kind, committee, ok):
    assert (services.applies_problem(applies_to, org_kind, committee) is None) is ok


def draft(org, kind="theme_day", start=None, hours=1, **kw) -> Activity:
    """An unsaved activity, for checking what `activity_problems` says about it."""
    start = start or timezone.now()
    return Activity(
        org=org,
        kind=kind,
        title="x",
        planned_start=start,
        planned_end=start + dt.timedelta(hours=hours),
        **kw,
    )


@pytest.mark.django_db
def test_kind_must_apply_to_the_org(world):
    with pytest.raises(ValidationError) as exc:
        draft(world.branch_b, "committee_meeting").full_clean()
    assert "不设支部委员会" in str(exc.value)
    assert "org" in services.activity_problems(draft(world.branch_a, "group_meeting"))
    assert [c for c, _ in services.kinds_for(world.group_a1)] == ["group_meeting"]
    assert "committee_meeting" in dict(services.kinds_for(world.branch_a))
    assert "committee_meeting" not in dict(services.kinds_for(world.branch_b))


@pytest.mark.django_db
def test_unknown_kind_and_heart_talk_refused(world):
    for kind in ("heart_talk", "no_such_kind", "member_evaluation"):
        assert "kind" in services.activity_problems(draft(world.branch_a, kind)), kind


@pytest.mark.django_db
def test_end_before_start_refused(world):
    a = draft(world.branch_a, hours=-1)
    assert services.activity_problems(a)["planned_end"] == "计划结束时间应晚于开始时间。"
    past = timezone.now() - dt.timedelta(days=2)
    a = draft(world.branch_a, start=past, actual_start=past, actual_end=past - dt.timedelta(minutes=5))
    assert services.activity_problems(a)["actual_end"] == "实际结束时间应晚于开始时间。"
    a.actual_end = past + dt.timedelta(hours=1)
    assert services.activity_problems(a) == {}


@pytest.mark.django_db
def test_parts_must_be_the_items_parts(world):
    a = draft(world.branch_a, parts=["集中学习", "打篮球"])
    assert "打篮球" in services.activity_problems(a)["parts"]


@pytest.mark.django_db
def test_host_from_another_branch_refused(world):
    a = draft(world.branch_a, host=world.members_b[0])
    assert services.activity_problems(a)["host"] == "主持人应为本支部党员。"


def test_speaker_allowed_pure():
    leaders = rulebook.current().item("party_lecture").leaders
    assert services.speaker_allowed({"secretary"}, leaders)
    assert services.speaker_allowed({"instructor"}, leaders)
    assert not services.speaker_allowed({"organiser"}, leaders)
    assert not services.speaker_allowed(set(), leaders)
    assert services.speaker_allowed(set(), ())


@pytest.mark.django_db
def test_speaker_flagged_but_kept(world):
    by_secretary = make_activity(world.branch_a, "party_lecture", speaker=world.members_a[0])
    by_instructor = make_activity(world.branch_a, "party_lecture", speaker=world.members_b[4])
    by_organiser = make_activity(world.branch_a, "party_lecture", speaker=world.members_a[1])
    by_other_secretary = make_activity(world.branch_a, "party_lecture", speaker=world.members_b[0])
    assert by_secretary.speaker_allowed is True
    assert by_instructor.speaker_allowed is True
    assert by_organiser.speaker_allowed is False and Activity.objects.filter(pk=by_organiser.pk).exists()
    assert by_other_secretary.speaker_allowed is False
    assert make_activity(world.branch_a, "theme_day").speaker_allowed is None


@pytest.mark.django_db
def test_speaker_checked_at_the_activity_date(world):
    newcomer = MemberFactory(org=world.branch_b, name="新书记")
    appoint(newcomer, world.branch_b, PositionTitle.SECRETARY, started_on=timezone.localdate())
    last_year = timezone.now() - dt.timedelta(days=365)
    old = make_activity(world.branch_b, "party_lecture", start=last_year, status="held", speaker=newcomer)
    assert old.speaker_allowed is False
    assert make_activity(world.branch_b, "party_lecture", speaker=newcomer).speaker_allowed is True


@pytest.mark.parametrize(
    "eligible,present,yes,quorum,passed",
    [
        (8, 5, 5, True, True),
        (8, 4, 4, False, False),  # exactly half present: no quorum
        (8, 5, 4, True, False),  # 4 of 8 eligible in favour is not more than half
        (8, 8, 4, True, False),
        (9, 5, 5, True, True),
        (9, 5, 4, True, False),
        (0, 0, 0, False, False),
    ],
)
def test_vote_outcome(eligible, present, yes, quorum, passed):
    outcome = services.vote_outcome(QUORUM, eligible, present, yes, 0, 0)
    assert (outcome.quorum_met, outcome.passed) == (quorum, passed)


def test_vote_counts_must_add_up():
    outcome = services.vote_outcome(QUORUM, 8, 9, 5, 0, 0)
    assert not outcome.passed and "实到人数不能多于" in outcome.problems[0]
    outcome = services.vote_outcome(QUORUM, 8, 5, 4, 1, 1)
    assert not outcome.passed and "合计不能多于实到人数" in outcome.problems[0]


@pytest.mark.django_db
def test_eligible_voters(world):
    ids = services.eligible_voters(world.branch_a, timezone.localdate())
    assert len(ids) == 8  # the probationary member has no vote
    world.members_a[3].status = MemberStatus.DECEASED
    world.members_a[3].save()
    assert len(services.eligible_voters(world.branch_a, timezone.localdate())) == 7


@pytest.mark.django_db
def test_eligible_voters_hook_excludes(world, monkeypatch):
    monkeypatch.setattr(services, "members_without_vote", lambda branch, on: {world.members_a[2].pk})
    assert world.members_a[2].pk not in services.eligible_voters(world.branch_a, timezone.localdate())


@pytest.mark.django_db
def test_late_entry(world):
    now = timezone.now()
    recent = make_activity(world.branch_a, start=now - dt.timedelta(days=10), status="held")
    old = make_activity(world.branch_a, start=now - dt.timedelta(days=45), status="held")
    assert recent.is_late_entry is False
    assert old.is_late_entry is True
    assert old.date == timezone.localdate(now - dt.timedelta(days=45))


@pytest.mark.django_db
def test_expected_attendees(world):
    branch = make_activity(world.branch_a, "theme_day")
    assert set(branch.attendance.values_list("member_id", flat=True)) == {m.pk for m in world.members_a}
    group = make_activity(world.group_a1, "group_meeting")
    assert set(group.attendance.values_list("member_id", flat=True)) == {m.pk for m in world.members_a[:4]}
    committee = make_activity(world.branch_a, "committee_meeting")
    assert set(committee.attendance.values_list("member_id", flat=True)) == {
        world.members_a[0].pk,
        world.members_a[1].pk,
    }


@pytest.mark.django_db
def test_leading_cadre_expected_at_second_orgs_life_meeting(world):
    cadre = MemberFactory(org=world.branch_b, name="领导干部", is_leading_cadre=True, dual_org=world.branch_a)
    olm = make_activity(world.branch_a, "org_life_meeting")
    theme = make_activity(world.branch_a, "theme_day")
    assert olm.attendance.filter(member=cadre, expected=True).exists()
    assert not theme.attendance.filter(member=cadre).exists()


@pytest.mark.django_db
def test_planning_notifies_expected_attendees_once(world):
    from dangjian.notifications.models import Notification

    a = make_activity(world.group_a1, "group_meeting", notify=True)
    assert Notification.objects.filter(key=f"activity:{a.pk}:planned").count() == 4
    services.save_activity(a, notify=True)
    assert Notification.objects.filter(key=f"activity:{a.pk}:planned").count() == 4


@pytest.mark.django_db
def test_checklist_counts_attendance_and_minutes(world):
    a = make_activity(world.branch_a, "party_lecture", speaker=world.members_a[0])
    rows = {r.code: r for r in services.record_checklist(a)}
    assert not rows["sign_in_sheet"].present and not rows["lecture_record"].present
    services.record_attendance(a, world.members_a[2], "present", None, "secretary")
    rows = {r.code: r for r in services.record_checklist(a)}
    assert rows["sign_in_sheet"].present and "出勤" in rows["sign_in_sheet"].how
    theme = make_activity(world.branch_a, "theme_day")
    assert not {r.code: r for r in services.record_checklist(theme)}["minutes"].present
    theme.minutes = "<h2>议程</h2><ul><li>学习</li></ul>"
    assert {r.code: r for r in services.record_checklist(theme)}["minutes"].present


@pytest.mark.django_db
def test_org_life_meeting_stages(world):
    a = make_activity(world.branch_a, "org_life_meeting")
    stages = services.stage_checklist(a)
    assert [s.code for s in stages] == ["before", "during", "after"]
    assert not any(s.complete for s in stages)
    a.rectifications.create(content="加强学习", owner=world.members_a[2], due_on=timezone.localdate())
    assert services.stage_checklist(a)[2].complete


def test_minutes_sanitised():
    html = (
        '<h2 onclick="x()">议程</h2><script>alert(1)</script><ul><li><a href="javascript:x">一</a></li></ul>'
    )
    clean = services.sanitize_minutes(html)
    assert clean == "<h2>议程</h2><ul><li>一</li></ul>"
