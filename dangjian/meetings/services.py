"""The rules of organisational life records as plain functions: tested without HTTP, used by views, API,
import and demo alike."""

import datetime as dt
import hashlib
import html
import io
from dataclasses import dataclass, field

import filetype
import nh3
import qrcode
import qrcode.image.svg
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from dangjian.dues import rates as dues_rates
from dangjian.dues import theme_day as dues_theme_day
from dangjian.members.choices import ACTIVE_STATUSES, Category
from dangjian.members.models import Member
from dangjian.orgs.choices import COMMITTEE_TITLES, OrgKind, PositionTitle
from dangjian.orgs.models import Organisation, Position
from dangjian.rulebook import rulebook

from . import policy, votes
from .models import (
    ATTENDED,
    EXCLUDED_KINDS,
    Activity,
    AgendaItem,
    AgendaKind,
    Attendance,
    AttendanceStatus,
    LeaveState,
    Method,
    Record,
    Status,
)

# ---- which activity kinds an organisation holds (rulebook `applies_to`) ----

BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)


def applies_problem(applies_to: str, org_kind: str, has_committee: bool) -> str | None:
    """Why an organisation may not hold an item with this `applies_to`, or None when it may."""
    if applies_to == "group":
        return None if org_kind == OrgKind.GROUP else "党小组会只能由党小组召开，请选择党小组。"
    if org_kind not in BRANCH_KINDS:
        return "该活动应由党支部（党总支）组织，请选择党支部。"
    if applies_to == "branch_with_committee" and not has_committee:
        return "该党支部正式党员不足7人，不设支部委员会，不能召开支部委员会会议。"
    return None


def kinds_for(org: Organisation) -> list[tuple[str, str]]:
    book = rulebook.current()
    return [
        (i.code, i.name)
        for i in book.activity_items()
        if i.code not in EXCLUDED_KINDS and applies_problem(i.applies_to, org.kind, org.has_committee) is None
    ]


def branch_of(org: Organisation) -> Organisation:
    return org.parent if org.kind == OrgKind.GROUP else org


# ---- who may give a 党课 (rulebook `leaders`) ----


def speaker_allowed(titles_held: set[str], leaders: tuple[str, ...]) -> bool:
    """Whether someone holding these titles may lead an item; an item without `leaders` lets anyone lead."""
    return not leaders or bool(titles_held & set(leaders))


def speaker_titles(
    speaker_id: int, org: Organisation, on: dt.date, above: tuple[str, ...] = (PositionTitle.INSTRUCTOR,)
) -> set[str]:
    """Titles the speaker holds over `org` on a day: posts in the org, and posts titled `above` in the
    organisations above it (the rulebook's `leaders_above`: the 党总支's or 镇党委's 书记, a 党建指导员)."""
    ids = [int(i) for i in org.path.strip("/").split("/") if i]
    titles = set()
    for org_id, title in (
        Position.objects.current(on)
        .filter(member_id=speaker_id, org_id__in=ids)
        .values_list("org_id", "title")
    ):
        if org_id == org.pk or title in above:
            titles.add(title)
    return titles


# ---- validation of an activity ----

KIND_SPECIFIC_FIELDS = ("speaker", "parts")


def kind_fields(item) -> frozenset[str]:
    """Which of KIND_SPECIFIC_FIELDS an item's activities use: 授课人 for the 党课, 环节 for an item whose
    rulebook entry lists parts (主题党日)."""
    used = {"speaker"} if item.code == "party_lecture" else set()
    return frozenset(used | ({"parts"} if item.parts else set()))


def activity_problems(activity: Activity) -> dict[str, str]:
    """What is wrong with an activity, by form field, in Chinese (shared by forms, API and import)."""
    errors: dict[str, str] = {}
    book = rulebook.current()
    item = book.items.get(activity.kind)
    if item is None or not item.activity or activity.kind in EXCLUDED_KINDS:
        errors["kind"] = "活动类型不在规则文件的组织生活条目中。"
    elif activity.org_id and (
        problem := applies_problem(item.applies_to, activity.org.kind, activity.org.has_committee)
    ):
        errors["org"] = problem
    if activity.planned_start and activity.planned_end and activity.planned_end <= activity.planned_start:
        errors["planned_end"] = "计划结束时间应晚于开始时间。"
    if bool(activity.actual_start) != bool(activity.actual_end):
        errors["actual_end"] = "实际开始和结束时间应同时填写。"
    elif activity.actual_start and activity.actual_end <= activity.actual_start:
        errors["actual_end"] = "实际结束时间应晚于开始时间。"
    if activity.status == Status.HELD and not activity.actual_start:
        errors["actual_end"] = "已召开的活动请填写实际开始和结束时间。"
    if activity.actual_start and activity.actual_start > timezone.now() + dt.timedelta(minutes=5):
        errors["actual_end"] = "实际时间不能晚于现在；尚未召开的活动请只填计划时间。"
    if activity.speaker_id and activity.kind != "party_lecture":
        errors["speaker"] = "只有党课需要填写授课人。"
    if item is not None and activity.parts:
        unknown = [p for p in activity.parts if p not in item.parts]
        if unknown:
            errors["parts"] = f"“{'、'.join(unknown)}”不是{item.name}的环节。"
    if activity.org_id:
        branch = branch_of(activity.org)
        for attr, label in (("host", "主持人"), ("recorder", "记录人")):
            member = getattr(activity, attr)
            if member is not None and member.org_id != branch.pk and member.dual_org_id != branch.pk:
                errors[attr] = f"{label}应为本支部党员。"
    return errors


def refresh_speaker(activity: Activity) -> None:
    """Set `speaker_allowed` for a 党课 (None for every other kind)."""
    item = activity.item
    if activity.kind != "party_lecture" or item is None:
        activity.speaker_allowed = None
    elif activity.speaker_id is None:
        activity.speaker_allowed = False
    else:
        on = activity.date if activity.date else timezone.localdate(activity.start)
        activity.speaker_allowed = speaker_allowed(
            speaker_titles(activity.speaker_id, activity.org, on, item.leaders_above), item.leaders
        )


# ---- expected attendees ----


def members_without_vote(branch: Organisation, on: dt.date) -> set[int]:
    """Members who lose the vote on a day, e.g. under 留党察看 (《中国共产党纪律处分条例》).

    Answered from the discipline register (dangjian/discipline), whose levels data says which sanctions take
    the vote.
    """
    from dangjian.discipline.services import without_vote

    return without_vote(Member.objects.filter(org=branch).values("pk"), on)


def eligible_voters(branch: Organisation, on: dt.date) -> list[int]:
    """Full members with voting rights on the day: joined and 转正 by then, active, not under 留党察看.

    A full member without a 转正 date in the register counts as full since joining; status and branch are
    the register's current ones.
    """
    full_then = Q(confirmed_on__lte=on) | Q(confirmed_on__isnull=True, category=Category.FULL)
    ids = Member.objects.filter(full_then, org=branch, joined_on__lte=on, status__in=ACTIVE_STATUSES)
    ids = ids.values_list("pk", flat=True)
    excluded = members_without_vote(branch, on)
    return [i for i in ids if i not in excluded]


def expected_member_ids(activity: Activity) -> list[int]:
    """Who is expected, as of the activity's date: the committee at a 支部委员会, the branch's members
    otherwise (at a 党小组会 those of them in the group), and at a 组织生活会 also the 党员领导干部 whose
    second organisation it is. Membership on the day comes from the register (`talks.services.members_on`):
    who had joined and had not yet left or moved away."""
    from dangjian.talks.services import members_on

    org, on = activity.org, activity.date
    if activity.kind == "committee_meeting":
        return sorted(
            Position.objects.current(on)
            .filter(org=org, title__in=COMMITTEE_TITLES)
            .values_list("member_id", flat=True)
            .distinct()
        )
    ids = members_on(branch_of(org), on)
    if activity.kind == "group_meeting":  # the register keeps no history of groups: today's group
        ids &= set(Member.objects.filter(group=org).values_list("pk", flat=True))
    elif activity.kind == "org_life_meeting":
        ids |= set(
            Member.objects.filter(status__in=ACTIVE_STATUSES, dual_org=org, is_leading_cadre=True)
            .filter(joined_on__lte=on)
            .values_list("pk", flat=True)
        )
    return sorted(ids)


def may_attend(activity: Activity, member: Member) -> bool:
    """Anyone expected, or any active member of the branch holding it, may be recorded as attending."""
    if not member.is_active:
        return False
    branch = branch_of(activity.org)
    if member.org_id == branch.pk or member.dual_org_id == branch.pk:
        return True
    return Attendance.objects.filter(activity=activity, member=member, expected=True).exists()


@transaction.atomic
def save_activity(activity: Activity, user=None, notify: bool = True, sync: bool = True) -> Activity:
    """Save an activity (new or changed). Until it has been saved as held, its expected attendees follow
    the register as of its date (`sync=False`: the caller lists them, as the import does); afterwards they
    are a record and stay as they are. Expected attendees are told when it is planned, rescheduled (time
    or place) or cancelled, once per change."""
    before = (
        Activity.objects.filter(pk=activity.pk)
        .values("status", "planned_start", "planned_end", "place")
        .first()
        if activity.pk
        else None
    )
    if before is None and user is not None and activity.created_by_id is None:
        activity.created_by = user
    activity.fill_derived()
    refresh_speaker(activity)
    activity.save()
    cache.delete(f"meetings:signin:{activity.pk}")
    if sync and (before is None or before["status"] == Status.PLANNED):
        sync_expected(activity)
    if notify:
        notify_change(activity, before)
    return activity


def notify_change(activity: Activity, before: dict | None) -> None:
    """The in-app notice for a planned, rescheduled or cancelled activity; its key names the change, so
    saving the same state again sends nothing."""
    from dangjian.notifications.services import notify as send

    start = timezone.localtime(activity.planned_start)
    when = f"{start:%Y-%m-%d %H:%M}，{activity.place or '地点另行通知'}，{activity.org}"
    if activity.status == Status.CANCELLED:
        if before is None or before["status"] == Status.CANCELLED:
            return
        key, title, body = "cancelled", "取消", f"原定{when}的活动已取消。"
    elif activity.status != Status.PLANNED:
        return
    elif before is None:
        key, title, body = "planned", "通知", f"{when}。不能参加请在手机上请假。"
    elif (before["planned_start"], before["planned_end"], before["place"]) != (
        activity.planned_start,
        activity.planned_end,
        activity.place,
    ) or before["status"] != Status.PLANNED:
        place = hashlib.sha256(activity.place.encode()).hexdigest()[:12]
        key = f"changed:{start:%Y%m%d%H%M}:{timezone.localtime(activity.planned_end):%Y%m%d%H%M}:{place}"
        title, body = "时间地点变更", f"改为{when}。不能参加请在手机上请假。"
    else:
        return
    send(
        activity.attendance.filter(expected=True).values_list("member_id", flat=True),
        key=f"activity:{activity.pk}:{key}",
        title=f"{activity.kind_name}{title}：{activity.title}",
        body=body,
        url=activity.get_absolute_url(),
    )


def sync_expected(activity: Activity) -> int:
    """Bring the expected-attendance rows in step with `expected_member_ids`: add the missing ones, and drop
    rows of members no longer expected on which nothing was recorded (no attendance, no leave)."""
    wanted = set(expected_member_ids(activity))
    rows = dict(activity.attendance.values_list("member_id", "expected"))
    Attendance.objects.filter(
        activity=activity, member_id__in=[m for m, e in rows.items() if not e and m in wanted]
    ).update(expected=True)
    Attendance.objects.filter(activity=activity, expected=True, status="", leave_state="").exclude(
        member_id__in=wanted
    ).delete()
    new = [Attendance(activity=activity, member_id=m, expected=True) for m in sorted(wanted - set(rows))]
    Attendance.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# ---- 支部党员大会 votes (rulebook `quorum`) ----


@dataclass(frozen=True)
class VoteOutcome:
    quorum_met: bool
    passed: bool
    problems: tuple[str, ...] = ()


def vote_outcome(
    quorum,
    eligible: int,
    present: int,
    votes_for: int,
    against: int,
    abstain: int,
    written: tuple[int, int] = (0, 0),
) -> VoteOutcome:
    """Quorum: more than `present_over` of the eligible present; passes with more than `pass_over` of the
    eligible (not of those present) in favour (《中国共产党支部工作条例（试行）》第十一条).

    `written`: (for, against) 书面意见 of voting members who could not attend. By votes.toml they count in
    the votes (《发展党员工作细则》) but not toward the quorum."""
    rule = votes.written_opinions()
    written_for, written_against = written
    problems = []
    if present > eligible:
        problems.append("实到人数不能多于应到会有表决权的党员人数。")
    elif present + written_for + written_against > eligible:
        problems.append("实到人数与提交书面意见的人数合计不能多于应到会有表决权的党员人数。")
    if votes_for + against + abstain > present:
        problems.append("赞成、反对、弃权票合计不能多于实到人数。")
    if quorum is None or eligible == 0:
        return VoteOutcome(False, False, tuple(problems) or ("没有有表决权的党员，不能表决。",))
    in_quorum = present + (written_for + written_against if rule.counted_in_quorum else 0)
    quorum_met = in_quorum > eligible * quorum.present_over
    in_favour = votes_for + (written_for if rule.counted_in_votes else 0)
    passed = quorum_met and not problems and in_favour > eligible * quorum.pass_over
    return VoteOutcome(quorum_met, passed, tuple(problems))


def agenda_problems(item: AgendaItem) -> list[str]:
    """What is wrong with an agenda item beyond the vote counts: who it concerns, and `present` against the
    attendance recorded (which must be entered first)."""
    problems = []
    subject, on = item.subject, item.activity.date
    if item.kind == AgendaKind.CONFIRM and (
        subject is None
        or subject.category != Category.PROBATIONARY
        and not (subject.confirmed_on and subject.confirmed_on >= on)
    ):
        problems.append("预备党员转正的涉及人员应为会议时的预备党员。")
    if item.kind == AgendaKind.ADMIT and subject is not None and subject.joined_on < on:
        problems.append(
            f"{subject.name}在会议前已是党员（入党日期 {subject.joined_on:%Y-%m-%d}），"
            "不能作为接收预备党员的对象；"
            "申请人尚未录入名册时请不填涉及人员，在议题中写明姓名。"
        )
    rule = votes.written_opinions()
    if item.has_written and item.kind not in rule.kinds:
        names = "、".join(AgendaKind(k).label for k in rule.kinds)
        problems.append(f"书面意见只用于{names}的表决，其他议题请不要填写书面意见。")
    attended = item.activity.attendance.filter(status__in=ATTENDED).count()
    if item.present > attended:
        problems.append(
            f"实到人数（{item.present}）多于已登记出席的人数（{attended}），请先在出勤页登记出勤。"
        )
    return problems


# ---- QR sign-in ----


class SignInRefused(Exception):
    """A sign-in that records nothing; the message says why, in Chinese."""


SALT = "dangjian.meetings.signin"


def _window(now: dt.datetime) -> int:
    return int(now.timestamp() // policy.TOKEN_SECONDS)


def signin_token(activity_id: int, now: dt.datetime | None = None) -> str:
    return signing.Signer(salt=SALT).sign(f"{activity_id}.{_window(now or timezone.now())}")


PRINTED = "print"


def printed_token(activity_id: int) -> str:
    """The code to print: it does not rotate, and like every code it signs in only inside the activity's
    sign-in window (`check_window`), so a copy taken home is useless afterwards."""
    return signing.Signer(salt=SALT).sign(f"{activity_id}.{PRINTED}")


def read_token(token: str, now: dt.datetime | None = None) -> int:
    """The activity id in a printed code, or a current (or just-rotated) screen code; SignInRefused for a
    wrong or expired one."""
    try:
        activity_id, window = signing.Signer(salt=SALT).unsign(token).split(".")
        if window == PRINTED:
            return int(activity_id)
        activity_id, window = int(activity_id), int(window)
    except (signing.BadSignature, ValueError):
        raise SignInRefused("签到码无效，请重新扫描会场屏幕上的二维码。") from None
    if _window(now or timezone.now()) - window not in (0, 1):
        raise SignInRefused("签到码已过期，请重新扫描会场屏幕上最新的二维码。")
    return activity_id


def signin_window(activity: Activity) -> tuple[dt.datetime, dt.datetime]:
    return activity.start - policy.SIGN_IN_BEFORE, activity.end + policy.SIGN_IN_AFTER


def signin_activity(activity_id: int) -> Activity:
    """The activity behind a sign-in code, cached briefly: a meeting's members scan within seconds of each
    other, and `save_activity` drops the cached copy when the activity changes."""
    key = f"meetings:signin:{activity_id}"
    activity = cache.get(key)
    if activity is None:
        activity = Activity.objects.select_related("org").filter(pk=activity_id).first()
        if activity is None:
            raise SignInRefused("活动不存在或已删除。")
        cache.set(key, activity, policy.SIGNIN_CACHE_SECONDS)
    return activity


CANCELLED_MESSAGE = "该活动已取消，无需签到。"


def check_window(activity: Activity, now: dt.datetime) -> None:
    if activity.status == Status.CANCELLED:
        raise SignInRefused(CANCELLED_MESSAGE)
    opens, closes = signin_window(activity)
    if now < opens:
        raise SignInRefused(f"签到尚未开始：签到时间为 {timezone.localtime(opens):%m月%d日 %H:%M} 起。")
    if now > closes:
        raise SignInRefused("签到已结束。如您参加了活动，请联系支部书记或党小组长补登出勤。")


@dataclass(frozen=True)
class SignInResult:
    recorded: bool  # False: already signed in, nothing changed
    status: str
    entered_at: dt.datetime | None


def sign_in(
    activity: Activity, member_id: int | None, user=None, now: dt.datetime | None = None
) -> SignInResult:
    """Record a member's own QR sign-in once; a second one changes nothing.

    Fast path: the member's expected-attendance row exists, so one conditional UPDATE records it (of two
    simultaneous scans only one matches). Otherwise the member is checked and the row created. Both paths
    also ask the database that the activity is not cancelled: the cached copy may be older than that.
    """
    user_id = getattr(user, "pk", None)
    now = now or timezone.now()
    if member_id is None:
        raise SignInRefused("您的账号没有关联党员信息，无法签到，请联系支部书记。")
    check_window(activity, now)
    status = AttendanceStatus.LATE if now > activity.start + policy.LATE_AFTER else AttendanceStatus.PRESENT
    values = {"status": status, "method": Method.QR, "entered_by_id": user_id, "entered_at": now}
    if _record_signin(activity.pk, member_id, values):
        return SignInResult(True, status, now)
    not_cancelled = Activity.objects.filter(pk=activity.pk).exclude(status=Status.CANCELLED)
    mine = Attendance.objects.filter(activity=activity, member_id=member_id)
    row = mine.first()
    if row is not None and row.status in ATTENDED:
        return SignInResult(False, row.status, row.entered_at)
    if not not_cancelled.exists():
        cache.delete(f"meetings:signin:{activity.pk}")
        raise SignInRefused(CANCELLED_MESSAGE)
    member = Member.objects.filter(pk=member_id).first()
    if member is None or not may_attend(activity, member):
        raise SignInRefused(f"您不是{branch_of(activity.org)}的党员，不能在此签到。")
    with transaction.atomic():
        row, created = Attendance.objects.get_or_create(
            activity=activity, member=member, defaults={"expected": False, **values}
        )
    if created or _record_signin(activity.pk, member_id, values):
        return SignInResult(True, status, now)
    row.refresh_from_db()
    return SignInResult(False, row.status, row.entered_at)


def _record_signin(activity_id: int, member_id: int, values: dict) -> bool:
    """The sign-in UPDATE: only a row not yet signed in, of an activity not cancelled (asked in the same
    statement). Written as one prepared statement: building it through the ORM cost as much as the rest of
    the request (see docs/benchmarks.md); like the ORM's `update()`, it writes no change-log row."""
    attendance, activity = Attendance._meta.db_table, Activity._meta.db_table
    sql = (
        f"UPDATE {attendance} SET status = %s, method = %s, entered_by_id = %s, entered_at = %s "
        f"WHERE activity_id = %s AND member_id = %s AND status NOT IN (%s, %s) "
        f"AND EXISTS (SELECT 1 FROM {activity} WHERE id = %s AND status <> %s)"
    )
    ops = connection.ops
    params = [
        values["status"],
        values["method"],
        values["entered_by_id"],
        ops.adapt_datetimefield_value(values["entered_at"]),
        activity_id,
        member_id,
        *ATTENDED,
        activity_id,
        Status.CANCELLED,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount > 0


def qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    return image.to_string(encoding="unicode")


# ---- attendance entered by hand, leave, 补学 ----


def is_lecturer(access, activity: Activity) -> bool:
    """A 党建指导员 manages the 党课 they give in a branch they guide."""
    return (
        activity.kind == "party_lecture"
        and activity.org_id in access.lecture
        and (activity.speaker_id is None or activity.speaker_id == access.member_id)
    )


def entry_method(access, activity: Activity) -> str | None:
    """How this user records attendance at the activity (None: may not)."""
    if access.can_manage_org(activity.org) or is_lecturer(access, activity):
        return Method.SECRETARY
    if access.lead_groups:
        return Method.GROUP_LEADER if led_groups_at(access, activity) else None
    return None


def led_groups_at(access, activity: Activity) -> set[int]:
    """The user's 党小组 whose members they may record at this activity: their group's own meetings, or the
    branch's activities for their group's members."""
    if activity.org_id in access.lead_groups:
        return {activity.org_id}
    return set(
        Organisation.objects.filter(pk__in=access.lead_groups, parent_id=activity.org_id).values_list(
            "pk", flat=True
        )
    )


def recordable(access, activity: Activity):
    """The attendance rows this user may enter by hand."""
    rows = activity.attendance.all()
    if access.can_manage_org(activity.org) or is_lecturer(access, activity):
        return rows
    groups = led_groups_at(access, activity)
    if not groups:
        return rows.none()
    return rows.filter(Q(member__group_id__in=groups) | Q(activity__org_id__in=groups))


@transaction.atomic
def record_attendance(activity: Activity, member: Member, status: str, user, method: str) -> Attendance:
    if status not in AttendanceStatus.values:
        raise ValueError("出勤状态应为出席、迟到、请假或缺席。")
    if not may_attend(activity, member):
        raise ValueError(
            f"{member.name}不是{branch_of(activity.org)}的在册党员（或已不在党员状态），不能登记出勤；"
            "如需更正，请联系镇党建办。"
        )
    row, _ = Attendance.objects.get_or_create(activity=activity, member=member, defaults={"expected": False})
    row.status, row.method, row.entered_by, row.entered_at = status, method, user, timezone.now()
    row.save()
    return row


@transaction.atomic
def ask_leave(activity: Activity, member: Member, reason: str) -> Attendance:
    reason = reason.strip()
    if not reason:
        raise ValueError("请填写请假事由。")
    if activity.status != Status.PLANNED:
        raise ValueError("只有尚未召开的活动可以请假。")
    if not may_attend(activity, member):
        raise ValueError("您不是该活动的参加人员。")
    row, _ = Attendance.objects.get_or_create(activity=activity, member=member, defaults={"expected": False})
    if row.status in ATTENDED:
        raise ValueError("您已签到，无需请假。")
    if row.leave_state == LeaveState.APPROVED:
        raise ValueError("您的请假已获批准，无需再次申请。")
    row.leave_reason, row.leave_state, row.leave_asked_at = reason, LeaveState.ASKED, timezone.now()
    row.save()
    tell_leave_deciders(row, member)
    return row


def leave_deciders(activity: Activity, asker_id: int) -> set[int]:
    """Who decides a leave request (`rules.can_manage_activity`): the 书记, 副书记 and 组织委员 of the nearest
    organisation at or above the activity that has any besides the asker (a 党小组's: its branch's)."""
    ids = [int(i) for i in activity.org.path.strip("/").split("/")]
    held: dict[int, set[int]] = {}
    for org_id, member_id in (
        Position.objects.current().managing().filter(org_id__in=ids).values_list("org_id", "member_id")
    ):
        held.setdefault(org_id, set()).add(member_id)
    return next((held[i] - {asker_id} for i in reversed(ids) if held.get(i, set()) - {asker_id}), set())


def tell_leave_deciders(row: Attendance, member: Member) -> int:
    """The leave request, in the inbox (and e-mail) of whoever decides it; the office's when nobody above
    the activity holds a post that does."""
    from django.urls import reverse

    from dangjian.notifications.outbox import post
    from dangjian.notifications.services import office_accounts

    activity = row.activity
    deciders = leave_deciders(activity, member.pk)
    start = timezone.localtime(activity.planned_start)
    return post(
        deciders,
        accounts=() if deciders else office_accounts(activity.org),
        key=f"leave:{row.pk}:{row.leave_asked_at:%Y%m%d%H%M%S}",
        title=f"请假待审批：{member.name}（{activity.kind_name}“{activity.title}”）",
        body=f"{member.name}申请不参加{start:%m月%d日 %H:%M}的{activity.kind_name}“{activity.title}”，"
        f"事由：{row.leave_reason}。请在出勤页面批准或不批准。",
        url=reverse("meetings:attendance", args=[activity.pk]),
    )


@transaction.atomic
def decide_leave(row: Attendance, approve: bool, user) -> Attendance:
    if row.leave_state != LeaveState.ASKED:
        raise ValueError("该请假申请已处理。")
    row.leave_state = LeaveState.APPROVED if approve else LeaveState.REFUSED
    row.leave_decided_by = user
    if approve:
        row.status, row.method, row.entered_by, row.entered_at = (
            AttendanceStatus.LEAVE,
            Method.SECRETARY,
            user,
            timezone.now(),
        )
    row.save()
    return row


# ---- uploads ----


class UploadRefused(Exception):
    pass


DOCUMENT_TYPES = {"pdf", "doc", "docx", "xls", "xlsx", "jpg", "png"}
IMAGE_TYPES = {"jpg", "png"}


def check_upload(data: bytes, kind_code: str) -> tuple[bytes, str, str]:
    """(content to store, extension, MIME type) of an upload; UploadRefused with the reason otherwise.

    The type is read from the content, never the name; images are re-encoded from their pixels alone, which
    drops every metadata (EXIF location and device, comments, text chunks, colour profiles).
    """
    kind = rulebook.current().record_kinds.get(kind_code)
    if kind is None:
        raise UploadRefused("记录类型不在规则文件中。")
    return check_content(data, kind.name, kind.media)


def check_content(data: bytes, name: str, media: str = "document") -> tuple[bytes, str, str]:
    """`check_upload` for a document kind named by the caller (e.g. the 发展党员 materials)."""
    if len(data) > policy.UPLOAD_MAX_BYTES:
        raise UploadRefused(f"文件超过 {policy.UPLOAD_MAX_BYTES // (1024 * 1024)} MB，请压缩后再上传。")
    if not data:
        raise UploadRefused("文件是空的。")
    guessed = filetype.guess(data)
    allowed = IMAGE_TYPES if media == "image" else DOCUMENT_TYPES
    if guessed is None or guessed.extension not in allowed:
        names = "JPG、PNG 图片" if media == "image" else "PDF、Word、Excel 文件或 JPG、PNG 图片"
        raise UploadRefused(f"“{name}”只能上传{names}；所传文件的实际内容不是这些类型。")
    if guessed.extension in IMAGE_TYPES:
        return reencode(data, guessed.extension), guessed.extension, guessed.mime
    return data, guessed.extension, guessed.mime


def reencode(data: bytes, extension: str) -> bytes:
    """The image's pixels in a new file; the size is checked from the header before anything is decoded."""
    too_big = f"图片像素过多（超过 {policy.UPLOAD_MAX_PIXELS // 1_000_000} 百万像素），请缩小后再上传。"
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > policy.UPLOAD_MAX_PIXELS:
                raise UploadRefused(too_big)
            image = ImageOps.exif_transpose(image)
            mode = "RGB" if extension == "jpg" or image.mode not in ("RGBA", "LA", "L") else image.mode
            if image.mode == "P" and "transparency" in image.info:
                mode = "RGBA"
            image = image.convert(mode)
            pixels = Image.frombytes(mode, image.size, image.tobytes())
            out = io.BytesIO()
            if extension == "jpg":
                pixels.save(out, "JPEG", quality=85, optimize=True)
            else:
                pixels.save(out, "PNG", optimize=True)
    except Image.DecompressionBombError as exc:
        raise UploadRefused(too_big) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UploadRefused("图片已损坏，无法读取，请重新拍摄或导出后上传。") from exc
    return out.getvalue()


EXIF_IFD, EXIF_TAKEN, EXIF_DATETIME = 0x8769, 36867, 306  # Exif sub-IFD, DateTimeOriginal, DateTime

# Sent after a photo is stored, with the day the camera says it was taken (EXIF, read before the image is
# re-encoded without it) or None; supervision keeps it to compare with the activity's date.
photo_stored = Signal()


def exif_taken_on(data: bytes) -> dt.date | None:
    """The day an image's EXIF says it was taken (DateTimeOriginal, else DateTime), or None."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            raw = exif.get_ifd(EXIF_IFD).get(EXIF_TAKEN) or exif.get(EXIF_DATETIME)
        return dt.datetime.strptime(str(raw).strip("\x00 ")[:10], "%Y:%m:%d").date() if raw else None
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None


@transaction.atomic
def store_record(activity: Activity, kind_code: str, upload, user) -> Record:
    if upload.size > policy.UPLOAD_MAX_BYTES:
        raise UploadRefused(f"文件超过 {policy.UPLOAD_MAX_BYTES // (1024 * 1024)} MB，请压缩后再上传。")
    data = upload.read()
    content, extension, mime = check_upload(data, kind_code)
    record = Record(
        activity=activity,
        kind=kind_code,
        original_name=upload.name[:200],
        content_type=mime,
        size=len(content),
        uploaded_by=user,
    )
    record.file.save(f"{kind_code}.{extension}", ContentFile(content), save=False)
    record.save()
    if extension in IMAGE_TYPES:
        photo_stored.send(Record, record=record, taken_on=exif_taken_on(data))
    return record


def file_paper_record(activity: Activity, kind_code: str, reference: str, user) -> Record:
    """A record kept on paper: where it is filed (纸质存档位置), instead of a file."""
    reference = reference.strip()
    if kind_code not in rulebook.current().record_kinds:
        raise UploadRefused("记录类型不在规则文件中。")
    if not reference or len(reference) > 200:
        raise UploadRefused("请填写纸质存档位置（不超过200字），如：党建档案柜2号 2025年第3卷。")
    return Record.objects.create(activity=activity, kind=kind_code, reference=reference, uploaded_by=user)


@transaction.atomic
def remove_record(record: Record, user) -> Record:
    """Take back a record filed by mistake: kept, listed with who removed it and when, no longer counted."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.removed_at is not None:
        raise UploadRefused(f"该记录已于{timezone.localtime(record.removed_at):%Y-%m-%d %H:%M}移除。")
    record.removed_at, record.removed_by = timezone.now(), user
    record.save(update_fields=["removed_at", "removed_by"])
    return record


# ---- the checklist of required records ----


@dataclass(frozen=True)
class CheckRow:
    code: str
    name: str
    present: bool
    how: str = ""


def record_checklist(
    activity: Activity, codes: tuple[str, ...] | None = None, records=None
) -> list[CheckRow]:
    """Each record the rulebook item requires: present or missing, and how it is satisfied.

    Facts are entered once: the 签到表 is the recorded attendance, the 会议记录 may be the minutes written in
    the page, the 整改措施 are the rectification items, and a 主题党日's 党费交纳台帐 is the dues ledger.
    """
    item = activity.item
    book = rulebook.current()
    codes = codes if codes is not None else (item.records if item else ())
    if records is None:
        records = list(activity.records.kept())
    kinds = {r.kind for r in records}
    ledger = dues_rates.current().theme_record
    rows = []
    for code in codes:
        name = book.record_name(code)
        if code in kinds:
            rows.append(
                CheckRow(
                    code,
                    name,
                    True,
                    "已上传" if any(r.kind == code and r.file for r in records) else "纸质存档",
                )
            )
        elif code == "sign_in_sheet" and activity.attendance.exclude(status="").exists():
            rows.append(CheckRow(code, name, True, "出勤已登记，签到表由出勤记录生成"))
        elif code == "minutes" and has_text(activity.minutes):
            rows.append(CheckRow(code, name, True, "会议记录已在页面中填写"))
        elif code == "rectification" and activity.rectifications.exists():
            rows.append(CheckRow(code, name, True, "整改措施已逐条登记"))
        elif code == ledger and dues_theme_day.paid_at(activity):
            rows.append(CheckRow(code, name, True, "党费已登记到党费台账"))
        else:
            rows.append(CheckRow(code, name, False))
    return rows


@dataclass
class StageCheck:
    code: str
    name: str
    content: str
    rows: list[CheckRow] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(r.present for r in self.rows)


def parts_done(activity: Activity) -> set[str]:
    """The item's parts held: those ticked, and a 主题党日's 交纳党费 once the dues ledger has it."""
    done = set(activity.parts or ())
    if dues_theme_day.paid_at(activity):
        done.add(dues_rates.current().theme_part)
    return done


def stage_checklist(activity: Activity) -> list[StageCheck]:
    """组织生活会: each stage (会前/会中/会后) with its required records present or missing."""
    item = activity.item
    if item is None or not item.stages:
        return []
    records = list(activity.records.kept())
    return [
        StageCheck(s.code, s.name, s.content, record_checklist(activity, s.records, records))
        for s in item.stages
    ]


# ---- minutes ----

MINUTES_TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


def has_text(minutes: str) -> bool:
    """The one rule for whether minutes say anything: visible text once tags and blank space are gone."""
    return bool(html.unescape(nh3.clean(minutes or "", tags=set())).strip())


def sanitize_minutes(text: str) -> str:
    """Minutes as stored: cleaned HTML, or "" when nothing would be visible (a cleared editor leaves
    <p><br></p>), so that a plain `minutes != ""` (as the compliance engine asks) agrees with the page."""
    cleaned = nh3.clean(text or "", tags=MINUTES_TAGS, attributes={}).strip()
    return cleaned if has_text(cleaned) else ""


@transaction.atomic
def save_minutes(activity: Activity, text: str, user) -> Activity:
    activity.minutes = sanitize_minutes(text)
    activity.minutes_by, activity.minutes_at = user, timezone.now()
    activity.save(update_fields=["minutes", "minutes_by", "minutes_at", "updated_at"])
    return activity
