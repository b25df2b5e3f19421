"""Findings and the 整改 loop: 不符合 becomes a requirement with a deadline; the branch answers, the inspector
or office returns or accepts; steps out of order are refused; overdue items are reminded once each."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.accounts.access import access_for
from dangjian.notifications.models import Delivery
from dangjian.supervision.findings import FindingFact, findings_for_year
from dangjian.supervision.rounds import config, rules, services
from dangjian.supervision.rounds.choices import RectStatus, Result, StepAction
from dangjian.supervision.rounds.models import Attachment, Rectification

from .rounds_helpers import find, make_round, nonconforming, photo

pytestmark = pytest.mark.django_db


def act(w, rect, action, role, text="已补齐签到表并重新组织学习。", files=()):
    user = w.user(role)
    return services.act(rect, action, text, user, access_for(user), files)


def test_a_nonconforming_finding_becomes_a_rectification_with_a_deadline(world):
    rect = nonconforming(world)
    days = config.current().rectification.deadline_days
    assert rect.status == RectStatus.OPEN
    assert rect.deadline == timezone.localdate() + dt.timedelta(days=days)
    assert rect.requirement == "记录不全，缺少签到表。"  # the notes, when no separate requirement is given
    assert not hasattr(find(world, "party_lecture", Result.PARTLY), "rectification")


def test_photos_are_checked_like_meeting_uploads(world):
    f = find(world, "theme_day", Result.PARTLY, photos=[photo()])
    (a,) = Attachment.objects.filter(finding=f)
    assert a.content_type == "image/jpeg" and a.step is None
    text = SimpleUploadedFile("现场.jpg", b"not an image at all", "image/jpeg")
    with pytest.raises(ValidationError, match="“现场.jpg”未能上传：.*只能上传JPG、PNG 图片"):
        find(world, "general_meeting", Result.PARTLY, photos=[text])
    assert not Attachment.objects.exclude(pk=a.pk).exists()  # nothing half-written


def test_notes_are_required_unless_conforming(world):
    with pytest.raises(ValidationError, match="请填写情况说明"):
        find(world, "theme_day", Result.NONCONFORMING, notes="  ")
    assert not Rectification.objects.exists()
    assert find(world, "theme_day", Result.CONFORMING, notes="").result == "conforming"


def test_the_whole_loop_answer_return_answer_accept(world):
    rect = nonconforming(world)
    act(world, rect, StepAction.ANSWER, "organiser_b", files=[photo((0, 90, 0))])
    rect.refresh_from_db()
    assert rect.status == RectStatus.ANSWERED
    act(world, rect, StepAction.RETURN, "member_a", text="签到表没有本人签名，请补正。")
    rect.refresh_from_db()
    assert rect.status == RectStatus.RETURNED
    act(world, rect, StepAction.ANSWER, "organiser_b", text="已由本人补签。")
    act(world, rect, StepAction.ACCEPT, "office", text="")
    rect.refresh_from_db()
    assert rect.status == RectStatus.ACCEPTED and rect.closed_at is not None
    steps = list(rect.steps.values_list("action", "text"))
    assert steps == [
        ("answer", "已补齐签到表并重新组织学习。"),
        ("return", "签到表没有本人签名，请补正。"),
        ("answer", "已由本人补签。"),
        ("accept", "验收通过。"),
    ]
    assert rect.steps.first().attachments.count() == 1
    (fact,) = [f for f in findings_for_year(2026) if f.result == "nonconforming"]
    assert isinstance(fact, FindingFact) and fact.rectified and fact.org_id == world.branch_b.pk
    assert fact.round_name == "2026年第一轮组织生活督查" and fact.item == "主题党日"


@pytest.mark.parametrize(
    "steps,action,message",
    [
        ([], StepAction.ACCEPT, "支部尚未答复整改情况，不能验收"),
        ([], StepAction.RETURN, "支部尚未答复，没有可退回的内容"),
        ([StepAction.ANSWER], StepAction.ANSWER, "已答复，正等待验收"),
        ([StepAction.ANSWER, StepAction.RETURN], StepAction.ACCEPT, "已退回支部，须等支部重新答复后才能验收"),
        ([StepAction.ANSWER, StepAction.ACCEPT], StepAction.ANSWER, "该整改已验收通过，不能再答复"),
        ([StepAction.ANSWER, StepAction.ACCEPT], StepAction.RETURN, "该整改已验收通过，不能退回"),
    ],
)
def test_steps_out_of_order_are_refused(world, steps, action, message):
    rect = nonconforming(world)
    for s in steps:
        act(world, rect, s, "organiser_b" if s == StepAction.ANSWER else "office")
    before = rect.steps.count()
    with pytest.raises(ValidationError, match=message):
        act(world, rect, action, "organiser_b" if action == StepAction.ANSWER else "office")
    assert rect.steps.count() == before


@pytest.mark.parametrize(
    "role,action",
    [
        ("office", StepAction.ANSWER),  # the office does not answer for the branch
        ("secretary_a", StepAction.ANSWER),  # another branch
        ("member_b", StepAction.ANSWER),  # a member of the branch without a post
        ("organiser_b", StepAction.ACCEPT),  # the branch does not accept its own 整改
        ("instructor_a", StepAction.ACCEPT),
    ],
)
def test_who_may_act(world, role, action):
    rect = nonconforming(world)
    if action == StepAction.ACCEPT:
        act(world, rect, StepAction.ANSWER, "organiser_b")
    with pytest.raises(PermissionDenied):
        act(world, rect, action, role)


def test_the_inspector_decides_only_while_the_round_is_open(world):
    rect = nonconforming(world)
    act(world, rect, StepAction.ANSWER, "organiser_b")
    services.close_round(make_round(world))
    with pytest.raises(PermissionDenied):
        act(world, rect, StepAction.ACCEPT, "member_a")
    act(world, rect, StepAction.ACCEPT, "office")  # the office still can


def test_a_finding_with_an_answer_cannot_be_turned_conforming(world):
    rect = nonconforming(world)
    act(world, rect, StepAction.ANSWER, "organiser_b")
    with pytest.raises(ValidationError, match="已有整改答复"):
        find(world, "theme_day", Result.CONFORMING)
    rect.refresh_from_db()
    assert rect.finding.result == Result.NONCONFORMING


def test_reminder_schedule():
    d = dt.date(2026, 6, 30)
    r = rules.reminder
    assert r("open", d, dt.date(2026, 6, 22), 7, 7) is None
    assert r("open", d, dt.date(2026, 6, 23), 7, 7) == "soon"
    assert r("open", d, d, 7, 7) == "soon"
    assert r("open", d, dt.date(2026, 7, 1), 7, 7) == "overdue-0"
    assert r("returned", d, dt.date(2026, 7, 7), 7, 7) == "overdue-0"
    assert r("returned", d, dt.date(2026, 7, 8), 7, 7) == "overdue-1"
    assert r("answered", d, dt.date(2026, 8, 1), 7, 7) is None  # waiting for the inspector, not the branch
    assert r("accepted", d, dt.date(2026, 8, 1), 7, 7) is None


def test_overdue_reminder_goes_through_the_outbox_once(world):
    rect = nonconforming(world)
    after = rect.deadline + dt.timedelta(days=1)
    written = services.remind(after)
    rows = Delivery.objects.filter(key__startswith=f"supervision-rect-{rect.pk}-")
    recipients = set(rows.exclude(recipient=None).values_list("recipient_id", flat=True))
    assert recipients == {world.members_b[0].pk, world.members_b[1].pk}  # 书记 and 组织委员 of branch B
    assert rows.filter(account=world.user("office")).exists()  # the office hears of overdue items
    assert written == rows.count() and "已逾期" in rows.first().title
    assert services.remind(after) == 0  # once
    act(world, rect, StepAction.ANSWER, "organiser_b")
    assert services.remind(after + dt.timedelta(days=7)) == 0  # answered: no longer the branch's to do


def test_the_daily_command_reminds(world):
    from io import StringIO

    from django.core.management import call_command

    rect = nonconforming(world)
    out = StringIO()
    call_command("supervision-remind", "--as-of", f"{rect.deadline:%Y-%m-%d}", stdout=out)
    assert "新写入投递 2 条" in out.getvalue()  # 书记 and 组织委员, in-app: due today
    assert Delivery.objects.filter(title__startswith="督查整改将于").count() == 2


def test_an_accepted_rectification_is_not_rewritten_by_recording_the_finding_again(world):
    rect = nonconforming(world)
    act(world, rect, StepAction.ANSWER, "organiser_b")
    act(world, rect, StepAction.ACCEPT, "office")
    later = timezone.localdate() + dt.timedelta(days=200)
    with pytest.raises(ValidationError, match="已验收通过"):
        find(world, "theme_day", Result.NONCONFORMING, notes="另一个问题", deadline=later)
    rect.refresh_from_db()
    assert rect.status == RectStatus.ACCEPTED and rect.deadline != later
    assert rect.requirement == "记录不全，缺少签到表。" and rect.finding.notes == "记录不全，缺少签到表。"


def test_a_refused_deadline_leaves_no_photo_file_behind(world, settings):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="整改时限不能早于今天"):
        find(world, "theme_day", Result.NONCONFORMING, deadline=yesterday, photos=[photo()])
    assert not Attachment.objects.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_photo_sent_twice_is_kept_once(world):
    """A double submission on a slow phone connection: the finding is updated, its photo not doubled."""
    first = find(world, "theme_day", Result.PARTLY, photos=[photo()])
    again = find(world, "theme_day", Result.PARTLY, photos=[photo(), photo((0, 0, 200))])
    assert again.pk == first.pk
    assert Attachment.objects.filter(finding=first).count() == 2
