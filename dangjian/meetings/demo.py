"""Demo organisational life for the demo town: about 14 months of activities up to today, most rules met,
some deliberately missed (a few weak branches skip months, a 党课 given by someone else, late entries,
missing records) so the compliance pages have red cells. Plain bulk inserts, no per-row queries.
"""

import datetime as dt
import itertools
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from dangjian.members.choices import ACTIVE_STATUSES, Category
from dangjian.orgs.choices import COMMITTEE_TITLES, PositionTitle
from dangjian.orgs.models import Position
from dangjian.orgs.structure import has_committee
from dangjian.rulebook import rulebook

from .models import Activity, AgendaItem, AgendaKind, Attendance, Method, Record, Rectification, Status

MONTHS = 14
SCALE_ATTENDANCE_DAYS = 92  # at county scale only the last quarter gets attendance rows, to stay fast
THEMES = [
    "学习贯彻党的二十届四中全会精神",
    "重温入党誓词",
    "学习《中国共产党章程》",
    "传承红色基因 争做先锋党员",
    "学习习近平总书记重要讲话精神",
    "乡村振兴 党员先行",
    "清廉建设 警示教育",
    "为民办实事 志愿服务",
    "学习《中国共产党纪律处分条例》",
    "弘扬优良家风",
    "安全生产大排查",
    "学习党史 坚定信念",
]
# Minutes are put together from these, with the day, the place and who said what, so that honest
# branches' minutes differ from each other as real ones do (the supervision demo adds a copying branch).
STUDIED = [
    "传达学习上级党委近期会议精神",
    "集中学习《中国共产党章程》有关党员义务的条款",
    "观看警示教育片并交流体会",
    "学习习近平总书记关于基层治理的重要论述",
    "通报上月支部工作完成情况",
    "学习镇党委关于安全生产的通知",
    "学习身边优秀共产党员先进事迹",
    "学习《中国共产党纪律处分条例》典型案例",
    "学习关于防汛工作的部署",
    "学习党费收缴使用管理规定",
    "学习新修订的村规民约",
    "通报党员积分排名情况",
]
VERBS = ["谈到", "提出", "建议", "反映", "表示"]
TOPICS = [
    "邻里纠纷调解要有人牵头",
    "村道路灯维修需尽快落实",
    "学习资料可以发到党员微信群",
    "在外务工党员参加学习有困难",
    "结对帮扶困难户的进展情况",
    "农忙时节活动时间应适当调整",
    "环境整治还有几处死角",
    "组织党员到红色教育基地参观",
    "老党员看病出行不便",
    "按时交纳党费并督促其他党员",
    "垃圾分类宣传要进到每一户",
    "村集体经济项目账目要公开",
    "河道保洁需要志愿者轮值",
    "留守儿童暑期看护问题",
    "农产品销路可以借助电商",
    "消防通道被杂物占用",
    "年轻党员要多承担具体任务",
    "文化礼堂活动安排",
    "养老服务站用餐情况",
    "入党积极分子培养进度",
]
DECIDED = [
    "由支部委员分片走访困难党员",
    "下月组织一次志愿服务",
    "整理本季度学习记录报镇党建办",
    "安排专人跟进群众反映的问题",
    "开展一次党员先锋岗评比",
    "完善党员积分管理台账",
    "召开一次群众座谈会",
    "对村道路灯进行一次排查",
    "为老党员送学上门",
    "更新党务公开栏",
]
PLACES = ["党员活动室", "村委会会议室", "党群服务中心", "会议室", "新时代文明实践站"]
ATTENDANCE = [("present", 84), ("late", 4), ("leave", 7), ("absent", 5)]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def _months(today: dt.date, count: int) -> list[dt.date]:
    first = today.replace(day=1)
    out = []
    for _ in range(count):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return sorted(out)


def populate(ctx) -> None:
    rng, today = ctx.rng, ctx.today
    book = rulebook.current()
    now = timezone.now()
    active = [m for m in ctx.members if m.status in ACTIVE_STATUSES]
    by_branch: dict[int, list] = defaultdict(list)
    by_group: dict[int, list] = defaultdict(list)
    dual: dict[int, list] = defaultdict(list)
    for m in active:
        by_branch[m.org_id].append(m)
        if m.group_id:
            by_group[m.group_id].append(m)
        if m.is_leading_cadre and m.dual_org_id:
            dual[m.dual_org_id].append(m)
    titles: dict[int, dict[str, int]] = defaultdict(dict)
    committee: dict[int, list[int]] = defaultdict(list)
    for org_id, member_id, title in Position.objects.filter(ended_on__isnull=True).values_list(
        "org_id", "member_id", "title"
    ):
        titles[org_id][title] = member_id
        if title in COMMITTEE_TITLES:
            committee[org_id].append(member_id)
    groups_of: dict[int, list] = defaultdict(list)
    for g in ctx.groups:
        groups_of[g.parent_id].append(g)
    weak = set(rng.sample([b.pk for b in ctx.branches], k=max(1, len(ctx.branches) // 8)))
    months = _months(today, MONTHS)
    names = {m.pk: m.name for m in active}

    activities: list[Activity] = []
    expected: list[list[int]] = []
    # 组织生活会 in January, each branch in its own afternoon slot: 党员领导干部 also attend the one of
    # the branch they are a dual member of, and nobody can be at two at once.
    slots = [(day, hour) for day in range(11, 27) for hour in (14, 16)]  # 支委会 are held by the 10th
    org_life_slots = dict(zip([b.pk for b in ctx.branches], rng.sample(slots, len(slots)), strict=False))

    def add(org, kind, day, hour, expect, status=Status.HELD, **kw):
        start = _at(day, hour)
        a = Activity(
            org=org,
            kind=kind,
            title=kw.pop("title", rng.choice(THEMES)),
            planned_start=start,
            planned_end=start + dt.timedelta(hours=2),
            place=rng.choice(PLACES),
            status=status,
            **kw,
        )
        if status == Status.HELD:
            a.actual_start, a.actual_end = a.planned_start, a.planned_end
            late = rng.random() < 0.03
            a.created_at = min(
                now, start + dt.timedelta(days=rng.randint(35, 60) if late else rng.randint(0, 4))
            )
        else:
            a.created_at = min(now, start - dt.timedelta(days=rng.randint(3, 10)))
        a.fill_derived()
        activities.append(a)
        expected.append(expect)
        return a

    for branch in ctx.branches:
        members = [m.pk for m in by_branch[branch.pk]]
        if not members:
            continue
        full = sum(1 for m in by_branch[branch.pk] if m.category == Category.FULL)
        own = titles.get(branch.pk, {})
        secretary = own.get(PositionTitle.SECRETARY)
        instructor = own.get(PositionTitle.INSTRUCTOR)
        skip = 0.35 if branch.pk in weak else 0.04
        planned_theme = False
        # each branch goes through the themes in its own order, so a theme does not repeat within a year
        themes = itertools.cycle(rng.sample(THEMES, len(THEMES)))
        lectures = itertools.cycle(rng.sample(THEMES, len(THEMES)))
        for first in months:
            if first < branch.founded_on.replace(day=1):
                continue
            last_day = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            past = last_day < today

            def day_in(lo, hi, first=first, last_day=last_day):
                return first + dt.timedelta(days=rng.randint(lo, min(hi, last_day.day) - 1))

            common = {"host": secretary, "recorder": own.get(PositionTitle.ORGANISER) or secretary}
            common = {f"{k}_id": v for k, v in common.items()}
            # 主题党日: monthly; this month's is planned if its day has not come yet
            day = day_in(5, 20)
            if rng.random() > skip:
                held = day < today
                planned_theme = planned_theme or not held
                parts = list(book.item("theme_day").parts) if rng.random() < 0.8 else ["集中学习", "交纳党费"]
                add(
                    branch,
                    "theme_day",
                    day,
                    9,
                    members,
                    Status.HELD if held else Status.PLANNED,
                    parts=parts if held else [],
                    title=next(themes),
                    **common,
                )
            day = day_in(1, 10)
            if full and has_committee(full) and rng.random() > skip and day < today:
                add(
                    branch,
                    "committee_meeting",
                    day,
                    15,
                    committee.get(branch.pk, [secretary]),
                    title="研究本月支部工作",
                    **common,
                )
            for group in groups_of.get(branch.pk, []):
                day = day_in(10, 25)
                if rng.random() > skip + 0.06 and day < today:
                    leader = titles.get(group.pk, {}).get(PositionTitle.GROUP_LEADER)
                    add(
                        group,
                        "group_meeting",
                        day,
                        19,
                        [m.pk for m in by_group[group.pk]],
                        host_id=leader,
                        recorder_id=leader,
                    )
            if first.month in (3, 6, 9, 12) and rng.random() > skip and past:
                add(branch, "general_meeting", day_in(15, 26), 14, members, title="支部党员大会", **common)
            if first.month in (2, 5, 8, 11) and rng.random() > skip and past:
                speaker = secretary if rng.random() < 0.8 or not instructor else instructor
                if rng.random() < 0.05:
                    speaker = own.get(PositionTitle.ORGANISER) or speaker  # kept, and flagged
                allowed = speaker is not None and speaker in (secretary, instructor)
                add(
                    branch,
                    "party_lecture",
                    day_in(10, 25),
                    14,
                    members,
                    speaker_id=speaker,
                    speaker_allowed=allowed,
                    title="专题党课：" + next(lectures),
                    **common,
                )
            if first.month == 1 and rng.random() > skip and past:
                day, hour = org_life_slots.get(branch.pk, (rng.randint(10, 25), 14))
                add(
                    branch,
                    "org_life_meeting",
                    first.replace(day=day),
                    hour,
                    members + [m.pk for m in dual[branch.pk]],
                    title="年度组织生活会",
                    **common,
                )

        # the next 主题党日, planned: its members have been told and may ask leave
        upcoming = today + dt.timedelta(days=rng.randint(1, 20))
        if not planned_theme:
            common = {"host_id": secretary, "recorder_id": own.get(PositionTitle.ORGANISER) or secretary}
            add(branch, "theme_day", upcoming, 9, members, Status.PLANNED, **common)

    Activity.objects.bulk_create(activities, batch_size=2000)
    _attendance(ctx, activities, expected, now)
    if not ctx.scale:
        _details(ctx, activities, expected, by_branch, names)


ATTENDANCE_COLUMNS = (
    "activity_id",
    "member_id",
    "expected",
    "status",
    "method",
    "entered_at",
    "leave_reason",
    "leave_state",
)


def _attendance(ctx, activities, expected, now) -> None:
    rng = ctx.rng
    cutoff = ctx.today - dt.timedelta(days=SCALE_ATTENDANCE_DAYS)
    statuses = [s for s, _ in ATTENDANCE]
    weights = [w for _, w in ATTENDANCE]
    reasons = ["外出务工", "身体不适", "出差", "家中有事"]
    rows: list[tuple] = []
    for a, ids in zip(activities, expected, strict=True):
        if ctx.scale and a.date < cutoff:
            continue
        held = a.status == Status.HELD
        for member_id in dict.fromkeys(i for i in ids if i):
            if not held:
                rows.append((a.pk, member_id, True, "", "", None, "", ""))
                continue
            status = rng.choices(statuses, weights)[0]
            qr = status in ("present", "late") and rng.random() < 0.6
            rows.append(
                (
                    a.pk,
                    member_id,
                    True,
                    status,
                    Method.QR if qr else Method.SECRETARY,
                    a.start + dt.timedelta(minutes=rng.randint(-20, 15)) if qr else a.created_at,
                    rng.choice(reasons) if status == "leave" else "",
                    "approved" if status == "leave" else "",
                )
            )
    _insert(Attendance, ATTENDANCE_COLUMNS, rows)


def _insert(model, columns, rows) -> None:
    """Rows into a table: COPY on PostgreSQL (county scale makes hundreds of thousands), else bulk_create."""
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    model.objects.bulk_create(
        (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=5000
    )


def _minutes(rng, a: Activity, speakers: list[str], expected: int) -> str:
    said = "".join(
        f"<li>{name}{rng.choice(VERBS)}{topic}。</li>"
        for name, topic in zip(speakers, rng.sample(TOPICS, 3), strict=False)
    )
    present = expected - rng.randint(0, max(0, expected // 5))
    return (
        f"<h2>{a.title}</h2><p>{a.date:%Y年%-m月%-d日}在{a.place}召开，应到{expected}人，实到{present}人。</p>"
        f"<ul><li>{'；'.join(rng.sample(STUDIED, 2))}。</li>{said}"
        f"<li>会议议定：{'；'.join(rng.sample(DECIDED, 2))}，{rng.randint(1, 4)}周内完成。</li></ul>"
    )


def _details(ctx, activities, expected, by_branch, names) -> None:
    """Minutes, record references, votes and 整改措施 for the town-sized demo."""
    rng = ctx.rng
    book = rulebook.current()
    records, agenda, rects, changed = [], [], [], []
    for a, ids in zip(activities, expected, strict=True):
        if a.status != Status.HELD:
            continue
        if rng.random() < 0.9:
            present = [names[i] for i in ids if i in names] or ["党员"]
            a.minutes = _minutes(rng, a, rng.sample(present, min(3, len(present))), len(ids))
            changed.append(a)
        item = book.items[a.kind]
        for code in dict.fromkeys(item.records + tuple(r for s in item.stages for r in s.records)):
            if code in ("minutes", "sign_in_sheet", "rectification") or rng.random() < 0.1:
                continue  # satisfied by the page itself, or deliberately missing
            records.append(
                Record(
                    activity_id=a.pk, kind=code, reference=f"档案盒{a.date:%Y-%m}", uploaded_at=a.created_at
                )
            )
        if a.kind == "general_meeting":
            full = [m for m in by_branch[a.org_id] if m.category == Category.FULL]
            present = max(0, len(full) - rng.randint(0, 3))
            agenda.append(
                AgendaItem(
                    activity_id=a.pk,
                    kind=AgendaKind.OTHER,
                    title="讨论年度党建工作计划",
                    eligible=len(full),
                    present=present,
                    votes_for=present,
                )
            )
        if a.kind == "org_life_meeting" and ids:
            for content in ("加强政治理论学习，每月集中学习不少于1次", "党员联系群众，每季度走访不少于1次"):
                due = a.date + dt.timedelta(days=90)
                done = due < ctx.today and rng.random() < 0.85
                rects.append(
                    Rectification(
                        activity_id=a.pk,
                        content=content,
                        owner_id=ids[0],
                        due_on=due,
                        status="done" if done else "open",
                        done_at=_at(due, 10) - dt.timedelta(days=10) if done else None,
                    )
                )
    Activity.objects.bulk_update(changed, ["minutes"], batch_size=2000)
    Record.objects.bulk_create(records, batch_size=5000)
    AgendaItem.objects.bulk_create(agenda, batch_size=2000)
    Rectification.objects.bulk_create(rects, batch_size=2000)
