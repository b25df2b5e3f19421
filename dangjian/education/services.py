"""Reads the facts for 学时, the six-month rule and a member's 组织生活记录 in a fixed number of queries, and
hands them to the pure functions (hours.py, inactivity.py). Views, the API, the verdict and the reminders
all ask here, so the page and the API show the same result."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils import timezone

from dangjian.meetings.models import ATTENDED, Attendance, AttendanceStatus, LeaveState, Status
from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member
from dangjian.orgs.choices import COMMITTEE_TITLES, OrgKind
from dangjian.orgs.models import Position
from dangjian.rulebook import rulebook

from . import hours as hours_rules
from . import inactivity, policy
from .hours import Completion, HourLine
from .models import StudyNote, Training, TrainingForm

DERIVED_LABEL = {"lecture": TrainingForm.LECTURE.label, "theme_day": TrainingForm.THEME_DAY.label}
# Organisations whose 书记 and committee members are 基层党组织 leaders (the 56 学时 target).
LEADER_ORG_KINDS = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.TOWN)


def year_bounds(year: int, as_of: dt.date | None = None) -> tuple[dt.date, dt.date]:
    end = dt.date(year, 12, 31)
    return dt.date(year, 1, 1), min(end, as_of) if as_of else end


def derived_lines(members: QuerySet, start: dt.date, end: dt.date) -> dict[int, list[HourLine]]:
    """学时 from 党课 and 主题党日 held in [start, end] that each member attended (出席 or 迟到): one query.
    Read from the activity each time, so editing it changes the hours and never adds them twice."""
    rules = policy.current().derived
    kinds = {rules.lecture_kind: "lecture", rules.theme_day_kind: "theme_day"}
    rows = Attendance.objects.filter(
        member__in=members.values("pk"),
        status__in=ATTENDED,
        activity__status=Status.HELD,
        activity__kind__in=list(kinds),
        activity__date__range=(start, end),
    ).values_list(
        "member_id",
        "activity_id",
        "activity__kind",
        "activity__title",
        "activity__date",
        "activity__parts",
        "activity__planned_start",
        "activity__planned_end",
        "activity__actual_start",
        "activity__actual_end",
        "activity__org__name",
    )
    out: dict[int, list[HourLine]] = defaultdict(list)
    for member_id, pk, kind, title, day, parts, ps, pe, a_s, a_e, org_name in rows:
        value = hours_rules.activity_hours(kind, parts or [], a_s or ps, a_e or pe, rules)
        if value:
            out[member_id].append(
                HourLine(
                    day,
                    title,
                    DERIVED_LABEL[kinds[kind]],
                    value,
                    org_name,
                    reverse("meetings:detail", args=[pk]),
                    True,
                )
            )
    return out


def entered_lines(members: QuerySet, start: dt.date, end: dt.date) -> dict[int, list[HourLine]]:
    """学时 from trainings entered or imported: one query."""
    through = Training.attendees.through
    rows = through.objects.filter(
        member__in=members.values("pk"), training__held_on__range=(start, end)
    ).values_list(
        "member_id",
        "training__held_on",
        "training__topic",
        "training__form",
        "training__hours",
        "training__organiser",
    )
    labels = dict(TrainingForm.choices)
    out: dict[int, list[HourLine]] = defaultdict(list)
    for member_id, day, topic, form, value, organiser in rows:
        out[member_id].append(HourLine(day, topic, labels.get(form, form), value, organiser))
    return out


def completions(
    members: QuerySet, year: int, as_of: dt.date | None = None, with_notes: bool = False, lines: bool = True
) -> list[Completion]:
    """Each member's 学时 of `year` (up to `as_of`) against their target: three queries whatever the count.

    The higher target is for those holding a committee post (书记, 副书记, 委员 …) of a branch, 党总支 or the
    town at the end of the period; `with_notes` also counts each member's 学习心得 of the year. Without
    `lines`, trainings entered are read as each member's sum (two queries: what a verdict needs)."""
    start, end = year_bounds(year, as_of)
    book = policy.current()
    posts = Position.objects.current(end).filter(
        member=OuterRef("pk"), title__in=COMMITTEE_TITLES, org__kind__in=LEADER_ORG_KINDS
    )
    people = members.order_by("name_pinyin", "pk").annotate(is_leader=Exists(posts))
    if with_notes:
        written = StudyNote.objects.filter(member=OuterRef("pk"), written_on__year=year).order_by()
        people = people.annotate(
            notes=Subquery(written.values("member").annotate(n=Count("pk")).values("n")[:1])
        )
    if not lines:
        attended = Training.attendees.through.objects.filter(
            member=OuterRef("pk"), training__held_on__range=(start, end)
        ).order_by()
        total = attended.values("member").annotate(s=Sum("training__hours")).values("s")[:1]
        people = people.annotate(entered=Subquery(total))
    fields = ["pk", "name", "org_id", "is_leader"] + ([] if lines else ["entered"])
    fields += ["notes"] if with_notes else []
    derived = derived_lines(members, start, end)
    entered = entered_lines(members, start, end) if lines else {}
    out = []
    for row in people.values_list(*fields):
        got = dict(zip(fields, row, strict=True))
        pk = got["pk"]
        found = Completion(
            pk,
            got["name"],
            hours_rules.target_for(got["is_leader"], book),
            sorted(derived.get(pk, []) + entered.get(pk, []), key=lambda line: (line.date, line.topic)),
            org_id=got["org_id"],
            entered=got.get("entered") or Decimal(0),
            notes=got.get("notes") or 0,
        )
        out.append(found)
    return out


def branch_members(org) -> QuerySet:
    """The active members of a branch (or of every branch under a 党总支 or the town)."""
    return Member.objects.filter(org__path__startswith=org.path, status__in=ACTIVE_STATUSES)


# ---- the six-month rule ----


def inactive_flags(
    members: QuerySet, as_of: dt.date, paid_months: dict[int, set[dt.date]] | None = None
) -> list[inactivity.Flag]:
    """Active members of `members` meeting the six-month rule on `as_of`, with the facts: one query.

    Only members expected at something held in the window can have missed a month, so the attendance rows
    name everyone to look at. A 补学 counts in the month it was done. `paid_months`: dues paid by member id
    (months as their first day), e.g. from `dangjian.dues.services.paid_months(ids, start, end)` once the
    dues ledger exists; None leaves the dues ground out (then members without any expected activity are
    not looked at either)."""
    required = policy.current().inactivity.months
    start = inactivity.month_start(as_of, required)
    rows = (
        Attendance.objects.filter(
            member__in=members.filter(status__in=ACTIVE_STATUSES).values("pk"),
            expected=True,
            activity__status=Status.HELD,
            activity__date__range=(start, as_of),
        )
        .order_by("member__name_pinyin", "member_id")
        .values_list(
            "member_id",
            "member__name",
            "member__joined_on",
            "activity__date",
            "status",
            "leave_state",
            "makeup__done_at",
        )
    )
    people: dict[int, tuple] = {}
    counts: dict[int, dict[dt.date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    for member_id, name, joined, day, status, leave, done_at in rows:
        people[member_id] = (member_id, name, joined)
        c = counts[member_id][day.replace(day=1)]
        c[0] += 1
        c[1] += status in ATTENDED
        c[2] += status == AttendanceStatus.LEAVE and leave == LeaveState.APPROVED
        if done_at is not None:
            counts[member_id][timezone.localdate(done_at).replace(day=1)][3] += 1
    facts = {m: {k: inactivity.MonthFacts(*c) for k, c in months.items()} for m, months in counts.items()}
    if paid_months is not None:
        for pk, name, joined in members.filter(status__in=ACTIVE_STATUSES).values_list(
            "pk", "name", "joined_on"
        ):
            people.setdefault(pk, (pk, name, joined))
    return inactivity.flags(list(people.values()), facts, as_of, required, paid_months)


def inactive_flags_with_dues(members: QuerySet, as_of: dt.date) -> list[inactivity.Flag]:
    """`inactive_flags` with the dues ground too (党章 第九条: six months without organisational life, or
    without paying dues), from the dues ledger: for the branch's own page and API. The home shows the dues
    ground in its arrears card instead, so it is not counted twice there."""
    from dangjian.dues.services import months_unpaid

    months = policy.current().inactivity.months
    ids = members.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True)
    # Months unpaid as the dues ledger counts them (from each member's ledger start, exemptions settled),
    # given as the months paid in the window before them.
    unpaid = months_unpaid(list(ids), as_of)
    window = range(1, months + 1)
    paid = {i: {inactivity.month_start(as_of, b) for b in window if b > unpaid.get(i, 0)} for i in ids}
    return inactive_flags(members, as_of, paid)


# ---- a member's record of organisational life ----


def member_record(member: Member, year: int) -> dict:
    """Everything the branch needs of one member's `year` before evaluating them: constant queries."""
    from dangjian.discipline.models import Sanction
    from dangjian.evaluations.models import Decision
    from dangjian.talks.models import Talk

    one = Member.objects.filter(pk=member.pk)
    items = rulebook.current().items
    attendance = list(
        Attendance.objects.filter(member=member, expected=True, activity__date__year=year)
        .exclude(activity__status=Status.CANCELLED)
        .select_related("activity__org", "makeup")
        .order_by("activity__date", "activity_id")
    )
    for row in attendance:
        item = items.get(row.activity.kind)
        row.kind_name = item.name if item else row.activity.kind
    completion = completions(one, year)[0]
    talks = list(
        Talk.objects.in_year(year)
        .involving(member.pk)
        .select_related("initiator", "partner")
        .order_by("talked_on")
    )
    grades = list(
        Decision.objects.filter(member=member, campaign__year=year)
        .select_related("campaign")
        .order_by("decided_on")
    )
    sanctions = list(Sanction.objects.filter(member=member).in_year(year).order_by("decided_on"))
    held = [r for r in attendance if r.activity.status == Status.HELD]
    tally = {s: sum(r.status == s for r in held) for s, _ in AttendanceStatus.choices}
    return {
        "year": year,
        "attendance": attendance,
        "tally": tally,
        "expected_held": len(held),
        "makeups_done": sum(1 for r in held if hasattr(r, "makeup") and r.makeup.done_at),
        "completion": completion,
        "talks": talks,
        "grades": grades,
        "sanctions": sanctions,
        "notes": StudyNote.objects.filter(member=member, written_on__year=year).count(),
    }


RECORD_HEADERS = ["类别", "日期", "事项", "组织", "情况", "学时", "说明"]


def record_rows(member: Member, record: dict) -> list[list]:
    """The record as the rows of its .xlsx export."""
    rows: list[list] = []
    for r in record["attendance"]:
        makeup = getattr(r, "makeup", None) if hasattr(r, "makeup") else None
        note = ""
        if makeup is not None:
            note = f"补学：{makeup.content}（{'已完成' if makeup.done_at else '未完成'}）"
        state = r.get_status_display() or ("未召开" if r.activity.status != Status.HELD else "未记录")
        rows.append(
            [
                "组织生活",
                r.activity.date,
                f"{r.kind_name}：{r.activity.title}",
                r.activity.org.name,
                state,
                None,
                note,
            ]
        )
    for line in record["completion"].lines:
        rows.append(
            [
                "学习培训",
                line.date,
                line.topic,
                line.organiser,
                line.form,
                line.hours,
                "由活动记录计入" if line.derived else "",
            ]
        )
    c = record["completion"]
    rows.append(
        [
            "学习培训",
            None,
            "全年学时合计",
            "",
            "达到" if c.met else "未达到",
            c.hours,
            f"目标{c.target.hours}学时（{c.target.source}）",
        ]
    )
    for t in record["talks"]:
        other = t.partner if t.initiator_id == member.pk else t.initiator
        rows.append(["谈心谈话", t.talked_on, f"与{other.name}谈话", "", t.get_form_display(), None, ""])
    for d in record["grades"]:
        rows.append(
            [
                "民主评议",
                d.decided_on,
                f"{d.campaign.year}年度民主评议党员",
                "",
                d.get_grade_display(),
                None,
                "",
            ]
        )
    for s in record["sanctions"]:
        rows.append(
            [
                "党纪处分",
                s.decided_on,
                s.level_name,
                s.decided_by,
                "已撤销或恢复" if s.lifted_on else "",
                None,
                "",
            ]
        )
    rows.append(
        ["学习心得", None, f"{record['year']}年提交学习心得体会", "", f"{record['notes']}篇", None, ""]
    )
    return rows


# ---- entering and importing trainings ----


class TrainingRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def training_problems(org, form: str, hours: Decimal, held_on: dt.date, attendee_ids: list[int]) -> list[str]:
    """What is wrong with a training to enter (the form, the 学时, the date and the attendees)."""
    problems = []
    if form in (TrainingForm.LECTURE, TrainingForm.THEME_DAY):
        problems.append(
            f"“{TrainingForm(form).label}”的学时由组织生活中登记的活动和出勤自动计入，请在组织生活中登记，不要重复录入。"
        )
    elif form not in TrainingForm.values:
        problems.append("形式应为集中学习、线上或外出培训。")
    if not Decimal("0.5") <= hours <= policy.current().derived.max_hours:
        problems.append(f"学时应在 0.5 至 {policy.current().derived.max_hours} 之间（一次培训）。")
    if held_on > timezone.localdate():
        problems.append("日期不能晚于今天：请在培训结束后登记。")
    if not attendee_ids:
        problems.append("请至少选择一名参加的党员。")
    else:
        mine = set(branch_members(org).filter(pk__in=attendee_ids).values_list("pk", flat=True))
        if mine != set(attendee_ids):
            problems.append("参加党员只能是本组织的在册党员。")
    return problems


@transaction.atomic
def save_training(
    org, data: dict, attendee_ids: list[int], user, training: Training | None = None
) -> Training:
    problems = training_problems(org, data["form"], data["hours"], data["held_on"], attendee_ids)
    if problems:
        raise TrainingRefused(problems)
    training = training or Training(org=org, created_by=user)
    for name, value in data.items():
        setattr(training, name, value)
    training.full_clean(exclude=["attendees", "created_by"])
    training.save()
    training.attendees.set(attendee_ids)
    return training


def visible_branches(access):
    from dangjian.orgs.models import Organisation

    return Organisation.objects.filter(access.org_q(paths=access.education_paths())).exclude(
        kind=OrgKind.GROUP
    )


def branch_overview(branches, year: int) -> list[tuple]:
    """(branch, members, met, rate, notes) for each branch: the same fixed queries whatever the count."""
    branches = list(branches.order_by("path"))
    members = Member.objects.filter(org__in=[b.pk for b in branches], status__in=ACTIVE_STATUSES)
    rows: dict[int, list[Completion]] = defaultdict(list)
    for c in completions(members, year, with_notes=True):
        rows[c.org_id].append(c)
    out = []
    for b in branches:
        summary = hours_rules.branch_completion(rows[b.pk])
        out.append((b, summary.members, summary.met, summary.rate, sum(c.notes for c in rows[b.pk])))
    return out
