"""What each role's home page lists: what to do now, what is overdue, soonest first ("remind before,
rather than blame after").

- a branch's 书记/副书记/组织委员: per branch they run, the rules overdue (a finished period not met and not
  made up since) and still owed this period with the days left, leave requests to decide, this week's
  activities, open 整改措施; a 党小组长 sees their group's to-do under its branch;
- the town office, a 上级党委, the 书记 of a 党总支 or the town, a 党建指导员: the summary of every branch in
  their scope (owing this period, most overdue, 整改 overdue), each linking to its page;
- a member: their coming activities (with leave), sign-in while it is open, 民主评议 self-evaluation and
  vote while open, and 补学 not yet done.

A fixed number of queries whatever the number of branches: the verdicts come from one
`facts.iter_verdicts` over the nearest common ancestor of the organisations concerned, every list from
one query. Verdicts are read generically: anything but met or not applicable is still to do.
"""

import datetime as dt
from dataclasses import dataclass, field
from os.path import commonprefix

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from dangjian.compliance import facts
from dangjian.compliance.engine import MET, NOT_APPLICABLE, STATUS_LABELS
from dangjian.compliance.periods import Period
from dangjian.dues import services as dues
from dangjian.education.services import inactive_flags
from dangjian.evaluations.models import Campaign, Participant, SelfEvaluation, VoterRight
from dangjian.meetings import services as meetings
from dangjian.meetings.models import (
    ATTENDED,
    Activity,
    Attendance,
    LeaveState,
    Rectification,
    RectificationStatus,
    Status,
)
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation
from dangjian.supervision import reviewing
from dangjian.supervision.rounds.services import inspections_of, supervision_todo

# How far ahead a member's coming activities are listed, and a branch's "this week".
MEMBER_DAYS_AHEAD = 30
WEEK_DAYS = 7
SUMMARY_ROWS = 10  # branches listed in a summary's "most overdue"


def is_done(status: str) -> bool:
    return status in (MET, NOT_APPLICABLE)


@dataclass
class Item:
    """One rule of one period still to do, in a sentence."""

    rule: str
    period: str
    text: str
    status: str
    days_left: int = 0
    group: str = ""  # the 党小组's name, when the item is a group's
    rule_name: str = ""
    periods: int = 1  # how many periods the item stands for (see `merge_overdue`)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def urgent(self) -> bool:
        return 0 < self.days_left <= 7


@dataclass
class BranchTodo:
    id: int
    code: str
    name: str
    linked: bool  # whether the reader may open the branch's verdict pages
    overdue: list[Item] = field(default_factory=list)
    due: list[Item] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return sum(i.periods for i in self.overdue)


def todo_item(v, as_of: dt.date, group: str = "") -> Item | None:
    """The verdict as a to-do item: overdue (finished, not met), due (running, not met) or None (done)."""
    if is_done(v.status):
        return None
    period = Period.parse(v.period)
    if period.is_running(as_of):
        text = (
            v.forecast or f"{period.this_name}{v.rule_name}：{v.shortfall or STATUS_LABELS.get(v.status, '')}"
        )
        return Item(v.rule, v.period, text, v.status, period.days_remaining(as_of), group, v.rule_name)
    if v.required > v.counted:
        what = f"尚差{v.required - v.counted}次"
    elif v.missing_records:
        what = "缺少记录：" + "、".join(v.missing_records)
    else:
        what = v.shortfall.rstrip("。") or STATUS_LABELS.get(v.status, v.status)
    text = f"{period.name}{v.rule_name}：{what}"
    return Item(v.rule, v.period, text, v.status, 0, group, v.rule_name)


def merge_overdue(items: list[Item]) -> list[Item]:
    """One line per rule, 党小组 and status for overdue items of several periods (a neglected branch
    would otherwise read dozens of lines on a phone): "党小组会：2025年1月、2月，共2期未达标", linked to
    the year."""
    groups: dict[tuple[str, str, str], list[Item]] = {}
    for item in sorted(items, key=lambda i: (i.period, i.rule)):
        groups.setdefault((item.rule, item.group, item.status), []).append(item)
    out = []
    for (rule, group, status), found in groups.items():
        if len(found) == 1:
            out.append(found[0])
            continue
        periods = [Period.parse(i.period) for i in found]
        year = f"{periods[0].year}年"
        names = year + "、".join(p.name.removeprefix(year) or p.name for p in periods)
        label = STATUS_LABELS.get(status, status)
        text = f"{found[0].rule_name}：{names}，共{len(found)}期{label}"
        out.append(Item(rule, str(periods[0].year), text, status, 0, group, found[0].rule_name, len(found)))
    return out


def branch_todos(
    found, as_of: dt.date, branches: dict[int, tuple[str, str]], parent_of: dict[int, int], linked
):
    """Group the verdicts' to-do items by branch (a 党小组's under its branch), overdue oldest first and
    due soonest first. `branches`: id -> (code, name) of the branches to list; `linked(id)`."""
    out: dict[int, BranchTodo] = {}
    names: dict[int, str] = {}
    for v in found:
        branch_id = parent_of.get(v.org_id, v.org_id)
        if branch_id not in branches:
            continue
        if v.org_id != branch_id:
            names[v.org_id] = v.org_name
        item = todo_item(v, as_of, names.get(v.org_id, ""))
        if item is None:
            continue
        code, name = branches[branch_id]
        todo = out.setdefault(branch_id, BranchTodo(branch_id, code, name, linked(branch_id)))
        (todo.due if item.days_left else todo.overdue).append(item)
    for todo in out.values():
        todo.overdue = merge_overdue(todo.overdue)
        todo.due.sort(key=lambda i: (i.days_left, i.rule))
    return sorted(out.values(), key=lambda t: t.code)


@dataclass
class BranchRow:
    id: int
    code: str
    name: str
    owing: int = 0  # rules of running periods not yet met
    overdue: int = 0  # rules of finished periods not met
    rectifications_overdue: int = 0


@dataclass
class Summary:
    as_of: dt.date
    rows: list[BranchRow]
    rectifications: list  # the overdue 整改措施, oldest due first (at most SUMMARY_ROWS)

    @property
    def branches(self) -> int:
        return len(self.rows)

    @property
    def owing(self) -> list[BranchRow]:
        return [r for r in self.rows if r.owing]

    @property
    def overdue_items(self) -> int:
        return sum(r.overdue for r in self.rows)

    @property
    def rectifications_overdue(self) -> int:
        return sum(r.rectifications_overdue for r in self.rows)

    @property
    def most_overdue(self) -> list[BranchRow]:
        rows = [r for r in self.rows if r.overdue or r.rectifications_overdue]
        return sorted(rows, key=lambda r: (-r.overdue, -r.rectifications_overdue, r.code))[:SUMMARY_ROWS]

    @property
    def month(self) -> str:
        return Period.of("month", self.as_of).label


def summary_rows(found, as_of: dt.date, branches: dict[int, tuple[str, str]], parent_of: dict[int, int]):
    rows = {pk: BranchRow(pk, code, name) for pk, (code, name) in branches.items()}
    for v in found:
        row = rows.get(parent_of.get(v.org_id, v.org_id))
        if row is None or is_done(v.status):
            continue
        if Period.parse(v.period).is_running(as_of):
            row.owing += 1
        else:
            row.overdue += 1
    return rows


# ---- reading the database ----


def _root(paths) -> Organisation | None:
    """The nearest organisation holding every path. Only its path is read by `facts`, so no query."""
    parts = commonprefix([p.strip("/").split("/") for p in paths])
    if not parts:
        return None
    return Organisation(pk=int(parts[-1]), path="/" + "/".join(parts) + "/")


def _id(path: str) -> int:
    return int(path.strip("/").rsplit("/", 1)[-1])


def _verdicts(paths, as_of: dt.date, wanted: set[int] | None, brief: bool):
    """Verdicts of the year under `paths`, of the organisations in `wanted` and their 党小组 if given
    (all otherwise): one `facts.iter_verdicts`. Also gives {group id: branch id}, {branch id: (code,
    name)} of every branch met, and the ids of the branches kept."""
    parent_of: dict[int, int] = {}
    names: dict[int, tuple[str, str]] = {}
    kept: list[int] = []

    def keep(org) -> bool:
        if org.kind == OrgKind.GROUP:
            parent_of[org.id] = org.parent_id
            return wanted is None or org.id in wanted or org.parent_id in wanted
        names[org.id] = (org.code, org.name)
        if wanted is not None and org.id not in wanted:
            return False
        kept.append(org.id)
        return True

    root = _root(paths)
    found = list(facts.iter_verdicts(root, as_of.year, as_of, keep=keep, brief=brief)) if root else []
    return found, parent_of, names, kept


def _branches_under(access, paths: tuple[str, ...], kinds: dict) -> set[int] | None:
    """Ids of the branches under `paths` (None: everything under one path); a query only when some path
    is above a branch."""
    if len(paths) == 1:
        return None
    if all(_runs_one_branch(p, kinds) for p in paths):
        return {_id(p) for p in paths}
    return set(
        Organisation.objects.filter(access.org_q(paths=paths))
        .exclude(kind=OrgKind.GROUP)
        .values_list("pk", flat=True)
    )


def _runs_one_branch(path: str, kinds: dict) -> bool:
    return kinds.get(path) == OrgKind.BRANCH


def _run(access, kinds: dict) -> tuple[str, ...]:
    """The paths of the branches the user runs themself (not a 党总支 or the town as a whole)."""
    return tuple(p for p in access.manage if _runs_one_branch(p, kinds))


def branch_home(access, as_of: dt.date, kinds: dict, leaves: list) -> dict:
    """The to-do of the branches the user runs (a 书记/组织委员) and of the 党小组 they lead (under its
    branch's name, without links to the branch's pages), with the `leaves` they decide."""
    run = _run(access, kinds)
    groups = kinds["_groups"]
    led = {pk for pk, path in groups.items() if not any(path.startswith(p) for p in run)}
    if not run and not led:
        return {}
    ran = {_id(p) for p in run}
    found, parent_of, names, _ = _verdicts(
        run + tuple(groups[pk].rsplit("/", 2)[0] + "/" for pk in led),  # a group's branch: for its name
        as_of,
        ran | led if led or len(run) > 1 else None,
        brief=False,
    )
    shown = {pk: names[pk] for pk in ran} | {parent_of[g]: names[parent_of[g]] for g in led if g in parent_of}
    found = [v for v in found if v.org_id in ran or parent_of.get(v.org_id) in ran or v.org_id in led]
    todos = branch_todos(found, as_of, shown, parent_of, linked=lambda pk: pk in ran)
    context: dict = {"todos": todos, "manage": bool(run)}
    if run:
        scope = Activity.objects.filter(access.org_q("org__", paths=run))
        context["leaves"] = leaves
        context["week"] = list(
            scope.filter(
                status=Status.PLANNED, date__gte=as_of, date__lt=as_of + dt.timedelta(days=WEEK_DAYS)
            )
            .select_related("org")
            .order_by("planned_start")
        )
        context["inactive"] = inactive_flags(Member.objects.filter(access.org_q("org__", paths=run)), as_of)
        context["dues"] = dues.home_arrears(Organisation.objects.filter(access.org_q(paths=run)), as_of)
        context["rectifications"] = list(
            Rectification.objects.filter(status=RectificationStatus.OPEN, activity__in=scope)
            .select_related("activity__org", "owner")
            .order_by("due_on", "id")
        )
        context["supervision_rects"] = supervision_todo(access, run)
    return context


def summary_home(access, as_of: dt.date, paths: tuple[str, ...], kinds: dict) -> Summary | None:
    """The summary of every branch under `paths` (the office's town, an instructor's branches)."""
    if not paths:
        return None
    found, parent_of, names, kept = _verdicts(paths, as_of, _branches_under(access, paths, kinds), brief=True)
    rows = summary_rows(found, as_of, {pk: names[pk] for pk in kept}, parent_of)
    late = list(
        Rectification.objects.filter(status=RectificationStatus.OPEN, due_on__lt=as_of)
        .filter(access.org_q("activity__org__", paths=paths))
        .select_related("activity__org", "owner")
        .order_by("due_on", "id")
    )
    for item in late:
        row = rows.get(parent_of.get(item.activity.org_id, item.activity.org_id))
        if row is not None:
            row.rectifications_overdue += 1
    return Summary(as_of, sorted(rows.values(), key=lambda r: r.code), late[:SUMMARY_ROWS])


@dataclass
class MemberHome:
    signin: list  # attendance rows of activities whose sign-in is open now, not yet signed in
    coming: list  # attendance rows of planned activities ahead
    makeups: list  # 补学 not done
    campaigns: list  # Participant rows of open campaigns, annotated with what is open


def _mine_q(member_id: int, today: dt.date) -> Q:
    """The member's attendance rows the home shows: activities from yesterday to a month ahead (not
    cancelled), and any with 补学 not yet done."""
    ahead = Q(
        activity__date__gte=today - dt.timedelta(days=1),
        activity__date__lte=today + dt.timedelta(days=MEMBER_DAYS_AHEAD),
    ) & ~Q(activity__status=Status.CANCELLED)
    return Q(member_id=member_id) & (ahead | Q(makeup__isnull=False, makeup__done_at__isnull=True))


def _leaves_q(access, run: tuple[str, ...], now: dt.datetime) -> Q:
    """Leave requests waiting for a decision, of activities still ahead in the branches in `run`."""
    return Q(
        leave_state=LeaveState.ASKED, activity__status=Status.PLANNED, activity__planned_end__gte=now
    ) & Q(access.org_q("activity__org__", paths=run))


def attendance_rows(access, run: tuple[str, ...], now: dt.datetime) -> list[Attendance]:
    """One query for both the member's own rows and the leave requests they decide."""
    q = Q(pk__in=[])
    if run:
        q |= _leaves_q(access, run, now)
    if access.member_id:
        q |= _mine_q(access.member_id, timezone.localdate(now))
    if not (run or access.member_id):
        return []
    return list(
        Attendance.objects.filter(q)
        .select_related("activity__org", "member", "makeup")
        .order_by("activity__planned_start", "leave_asked_at", "id")
    )


def member_home(member_id: int, now: dt.datetime, rows: list[Attendance]) -> MemberHome:
    """From `attendance_rows`: the member's sign-ins open now, coming activities and 补学."""
    today = timezone.localdate(now)
    signin, coming, makeups = [], [], []
    for row in rows:
        if row.member_id != member_id:
            continue
        activity = row.activity
        if activity.status != Status.CANCELLED and activity.date >= today - dt.timedelta(days=1):
            opens, closes = meetings.signin_window(activity)
            if opens <= now <= closes and row.status not in ATTENDED:
                signin.append(row)
            elif (
                activity.status == Status.PLANNED
                and activity.end >= now
                and activity.date <= today + dt.timedelta(days=MEMBER_DAYS_AHEAD)
                and (row.expected or row.leave_state)
            ):
                coming.append(row)
        task = getattr(row, "makeup", None)
        if task is not None and task.done_at is None:
            makeups.append(row)
    makeups.sort(key=lambda r: r.makeup.due_on)
    campaigns = [
        p
        for p in Participant.objects.filter(member_id=member_id, campaign__status=Campaign.Status.OPEN)
        .select_related("campaign__org")
        .annotate(
            submitted=Exists(
                SelfEvaluation.objects.filter(
                    campaign=OuterRef("campaign"), member_id=member_id, submitted_on__isnull=False
                )
            ),
            may_vote=Exists(
                VoterRight.objects.filter(campaign=OuterRef("campaign"), member_id=member_id, has_voted=False)
            ),
        )
        if (p.campaign.self_is_open and p.writes_self and not p.submitted)
        or (p.campaign.vote_is_open and p.may_vote)
    ]
    return MemberHome(signin, coming, makeups, campaigns)


def org_kinds(access, own_org_id: int | None = None) -> dict:
    """{path: kind} of the organisations the user runs or reads, {"_groups": {id: path}} of the 党小组
    they lead and {"_name": name} of their own organisation: one query."""
    out: dict = {"_groups": {}, "_name": ""}
    if not (access.view or access.lead_groups or own_org_id):
        return out
    q = Q(path__in=access.view) | Q(pk__in=access.lead_groups) | Q(pk=own_org_id)
    for pk, path, kind, name in Organisation.objects.filter(q).values_list("pk", "path", "kind", "name"):
        out[path] = kind
        if pk in access.lead_groups:
            out["_groups"][pk] = path
        if pk == own_org_id:
            out["_name"] = name
    return out


def home_context(access, own_org_id: int | None = None, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    as_of = timezone.localdate(now)
    kinds = org_kinds(access, own_org_id)
    context: dict = {"as_of": as_of, "own_org": kinds["_name"]}
    run = _run(access, kinds)
    rows = attendance_rows(access, run, now)
    leaves = [
        r
        for r in rows
        if r.leave_state == LeaveState.ASKED
        and r.activity.status == Status.PLANNED
        and r.activity.planned_end >= now
        and any(r.activity.org.path.startswith(p) for p in run)
    ]
    context.update(branch_home(access, as_of, kinds, leaves))
    context.update(reviewing.home_items(access))  # 会议记录审阅: returned to correct, or waiting to review
    # Those who see more than one branch: the office, 上级党委, a 党总支's or the town's 书记, an instructor.
    wide = tuple(p for p in access.view if not _runs_one_branch(p, kinds) or p not in access.manage)
    context["summary"] = summary_home(access, as_of, wide, kinds)
    if access.member_id:
        context["mine"] = member_home(access.member_id, now, rows)
        context["inspections"] = inspections_of(access.member_id)
    return context
