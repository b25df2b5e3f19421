"""A realistic demo town, built reproducibly from a seed (and larger ones for benchmarks).

Apps add their own demo records in a `demo.py` with `populate(town)`, called in app order.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from dangjian.accounts.models import User
from dangjian.core import bulk, idcard
from dangjian.members.choices import Category, Education, Status
from dangjian.members.models import Member
from dangjian.orgs import structure
from dangjian.orgs.choices import OrgCategory, OrgKind, PositionTitle
from dangjian.orgs.models import Organisation, Position

from . import names

DEMO_PASSWORD = "Sds@2026demo"
TOWN_CODE = "SDS"
DEFAULT_MEMBERS = 800  # the "about 800 members" for the default town


@dataclass
class Town:
    rng: random.Random
    today: dt.date
    town: Organisation
    branches: list[Organisation] = field(default_factory=list)
    groups: list[Organisation] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, username, what to look at)
    scale: bool = False


# (category, general branch code or None for directly under the town, name list, members per branch range)
DEFAULT_PLAN = [
    (OrgCategory.ORGAN, "JG", names.ORGANS[:4], (22, 36)),
    (OrgCategory.SCHOOL, "JG", names.SCHOOLS[:2], (18, 30)),
    (OrgCategory.VILLAGE, "NC", names.VILLAGES[:12], (32, 46)),
    (OrgCategory.COMMUNITY, None, names.COMMUNITIES[:3], (20, 30)),
    (OrgCategory.ENTERPRISE, "FG", names.ENTERPRISES[:4], (4, 22)),
]
GENERAL_BRANCHES = {"JG": "机关党总支", "NC": "农村党总支", "FG": "非公企业党总支"}
CATEGORY_SUFFIX = {
    OrgCategory.VILLAGE: ("村党支部", "CUN"),
    OrgCategory.COMMUNITY: ("社区党支部", "SQ"),
    OrgCategory.ORGAN: ("党支部", "JG"),
    OrgCategory.SCHOOL: ("党支部", "XX"),
    OrgCategory.ENTERPRISE: ("党支部", "QY"),
}


def build(
    seed: int = 1,
    branches: int | None = None,
    members: int | None = None,
    today: dt.date | None = None,
    with_apps: bool = True,
) -> Town:
    """The town, its members, positions and logins; then (with_apps) each app's `demo.populate(ctx)`."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    with transaction.atomic():
        town = Organisation.objects.create(
            code=TOWN_CODE, name="中共神鼎山镇委员会", kind=OrgKind.TOWN, founded_on=dt.date(1956, 7, 1)
        )
        ctx = Town(rng=rng, today=today, town=town, scale=branches is not None)
        generals = {
            code: Organisation.objects.create(
                code=f"{TOWN_CODE}-{code}",
                name=f"中共神鼎山镇{label}委员会",
                kind=OrgKind.GENERAL_BRANCH,
                parent=town,
                founded_on=dt.date(1998, 7, 1),
            )
            for code, label in GENERAL_BRANCHES.items()
        }
        plan = _scaled_plan(branches) if branches else DEFAULT_PLAN
        sizes = _branch_sizes(rng, plan, members or (None if branches else DEFAULT_MEMBERS))
        _make_branches(ctx, plan, generals, sizes)
        _make_members(ctx, sizes)
        _make_positions(ctx, generals)
        _make_accounts(ctx)
        bulk.analyze(Organisation, Member, Position)
        for config in apps.get_app_configs() if with_apps else ():
            module_name = f"{config.name}.demo"
            if (
                config.name.startswith("dangjian.")
                and config.name != "dangjian.demo"
                and find_spec(module_name)
            ):
                import_module(module_name).populate(ctx)
    return ctx


def _scaled_plan(branches: int):
    """A county-sized spread of branch kinds, cycling the name lists with numbers."""
    shares = [
        (OrgCategory.VILLAGE, "NC", 0.5),
        (OrgCategory.COMMUNITY, None, 0.1),
        (OrgCategory.ORGAN, "JG", 0.15),
        (OrgCategory.SCHOOL, "JG", 0.1),
        (OrgCategory.ENTERPRISE, "FG", 0.15),
    ]
    base = {
        OrgCategory.VILLAGE: names.VILLAGES,
        OrgCategory.COMMUNITY: names.COMMUNITIES,
        OrgCategory.ORGAN: names.ORGANS,
        OrgCategory.SCHOOL: names.SCHOOLS,
        OrgCategory.ENTERPRISE: names.ENTERPRISES,
    }
    plan = []
    remaining = branches
    for i, (category, general, share) in enumerate(shares):
        count = remaining if i == len(shares) - 1 else max(1, round(branches * share))
        remaining -= count
        pool = base[category]
        labels = [
            pool[j % len(pool)] + (str(j // len(pool) + 1) if j >= len(pool) else "") for j in range(count)
        ]
        plan.append((category, general, labels, (20, 40)))
    return plan


def _branch_sizes(rng, plan, total: int | None) -> list[int]:
    sizes = [rng.randint(*span) for _, _, labels, span in plan for _ in labels]
    if total:
        scale = total / sum(sizes)
        sizes = [max(structure.load().branch.count, round(s * scale)) for s in sizes]
        sizes[-1] = max(structure.load().branch.count, sizes[-1] + total - sum(sizes))
    return sizes


def _make_branches(ctx: Town, plan, generals, sizes) -> None:
    rng, index = ctx.rng, 0
    rows, group_specs = [], []
    counters: dict[str, int] = {}
    for category, general_code, labels, _ in plan:
        suffix, prefix = CATEGORY_SUFFIX[category]
        for label in labels:
            counters[prefix] = counters.get(prefix, 0) + 1
            parent = generals[general_code] if general_code else ctx.town
            founded = dt.date(rng.randint(1985, 2015), rng.randint(1, 12), 1)
            rows.append(
                Organisation(
                    code=f"{TOWN_CODE}-{prefix}{counters[prefix]:02d}"
                    if not ctx.scale
                    else f"{TOWN_CODE}-{prefix}{counters[prefix]:04d}",
                    name=_branch_name(label, suffix, category),
                    kind=OrgKind.BRANCH,
                    category=category,
                    parent=parent,
                    founded_on=founded,
                )
            )
            group_specs.append(category == OrgCategory.VILLAGE and sizes[index] >= 36)
            index += 1
    # One branch founded this year shows pro-rata checks in the compliance pages.
    if not ctx.scale and rows:
        rows[-1].founded_on = ctx.today.replace(month=max(1, ctx.today.month - 5), day=1)
    ctx.branches = _bulk_orgs(rows)
    groups = []
    for branch, wants_groups in zip(ctx.branches, group_specs, strict=True):
        if wants_groups:
            for n in range(1, 4):
                groups.append(
                    Organisation(
                        code=f"{branch.code}-G{n}",
                        name=f"第{'一二三'[n - 1]}党小组",
                        kind=OrgKind.GROUP,
                        parent=branch,
                        founded_on=branch.founded_on,
                    )
                )
    ctx.groups = _bulk_orgs(groups)


def _branch_name(label: str, suffix: str, category: str) -> str:
    if category == OrgCategory.ENTERPRISE:
        return f"中共{label}{suffix}"
    return f"中共神鼎山{'' if label.startswith('镇') else '镇'}{label}{suffix}"


def _bulk_orgs(rows: list[Organisation]) -> list[Organisation]:
    created = bulk_create_with_history(rows, Organisation, batch_size=500)
    if any(o.pk is None for o in created):  # backends without RETURNING
        by_code = Organisation.objects.in_bulk([o.code for o in rows], field_name="code")
        created = [by_code[o.code] for o in rows]
    for org in created:
        org.path = f"{org.parent.path}{org.pk}/"
    Organisation.objects.bulk_update(created, ["path"], batch_size=500)
    return created


def _person(rng: random.Random, today: dt.date, probationary: bool) -> dict:
    gender = rng.choice("MF") if rng.random() < 0.7 else "F"
    surname = rng.choices(names.SURNAMES, weights=names.SURNAME_WEIGHTS)[0]
    chars = names.MALE_CHARS if gender == "M" else names.FEMALE_CHARS
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.75 else "")
    if probationary:
        birth = today - dt.timedelta(days=rng.randint(20 * 365, 40 * 365))
        joined = today - dt.timedelta(days=rng.randint(30, 330))
    else:
        birth = dt.date(rng.randint(1945, 2000), rng.randint(1, 12), rng.randint(1, 28))
        earliest = birth.replace(year=birth.year + 19)
        latest = min(today - dt.timedelta(days=400), birth.replace(year=birth.year + 50))
        joined = earliest + dt.timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))
    seq = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if gender == "M" else (0, 2, 4, 6, 8))
    first17 = f"{rng.choice(names.AREA_CODES)}{birth:%Y%m%d}{seq:03d}"
    return {
        "name": surname + given,
        "gender": gender,
        "birth_date": birth,
        "id_number": first17 + idcard.check_char(first17),
        "phone": rng.choice(names.PHONE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
        if rng.random() < 0.85
        else "",
        "joined_on": joined,
        "confirmed_on": None
        if probationary
        else joined.replace(year=joined.year + 1)
        if joined.month != 2 or joined.day != 29
        else joined + dt.timedelta(days=365),
    }


def _make_members(ctx: Town, sizes: list[int]) -> None:
    rng, today = ctx.rng, ctx.today
    groups_by_branch: dict[int, list[Organisation]] = {}
    for group in ctx.groups:
        groups_by_branch.setdefault(group.parent_id, []).append(group)
    seen: set[str] = set()
    rows = []
    educations = [e for e, _ in Education.choices]
    for branch, size in zip(ctx.branches, sizes, strict=True):
        for i in range(size):
            probationary = rng.random() < 0.03 and i > 8
            person = _person(rng, today, probationary)
            while person["id_number"] in seen:
                person = _person(rng, today, probationary)
            seen.add(person["id_number"])
            status = Status.NORMAL
            if i > 8:
                status = rng.choices(
                    [Status.NORMAL, Status.MOBILE, Status.LOST, Status.DECEASED], weights=[94, 4, 1, 1]
                )[0]
            member = Member(
                **person,
                ethnicity="汉族" if rng.random() < 0.95 else rng.choice(["土家族", "回族", "苗族", "满族"]),
                education=rng.choice(educations),
                work_unit=_work_unit(rng, branch),
                category=Category.PROBATIONARY if probationary else Category.FULL,
                status=status,
                org=branch,
                group=rng.choice(groups_by_branch[branch.pk]) if branch.pk in groups_by_branch else None,
            )
            member.fill_derived()
            rows.append(member)
    bulk.insert_with_history(rows, key="id_number_hash")
    ctx.members = rows


def _work_unit(rng: random.Random, branch: Organisation) -> str:
    if branch.category == OrgCategory.VILLAGE:
        return rng.choice(["村民", "村民委员会 委员", "种养大户", "个体经营户", "外出务工"])
    unit = branch.name.removeprefix("中共").removesuffix("党支部").removeprefix("神鼎山")
    return f"{unit} {rng.choice(['职工', '科员', '教师', '技术员', '管理人员'])}"


def _eligible(member: Member, on: dt.date) -> bool:
    """Whether a member may take a post on `on`: a 正式党员 by then (a 预备党员 has no right to be elected),
    and so a member well before it, whose record is in order."""
    return (
        member.category == Category.FULL
        and member.status == Status.NORMAL
        and member.confirmed_on is not None
        and member.confirmed_on <= on
    )


def _make_positions(ctx: Town, generals) -> None:
    rng = ctx.rng
    by_branch: dict[int, list[Member]] = {}
    for m in ctx.members:
        by_branch.setdefault(m.org_id, []).append(m)
    positions = []
    for branch in ctx.branches:
        started = max(branch.founded_on, ctx.today.replace(year=ctx.today.year - 2, month=1, day=1))
        pool = [m for m in by_branch.get(branch.pk, []) if _eligible(m, started)]
        full = sum(1 for m in by_branch.get(branch.pk, []) if m.category == Category.FULL and m.is_active)
        titles = [PositionTitle.SECRETARY]
        if structure.has_committee(full):
            titles += [PositionTitle.ORGANISER, PositionTitle.PROPAGANDA, PositionTitle.DISCIPLINE]
            if len(pool) > 30:
                titles.append(PositionTitle.DEPUTY)
        for title, member in zip(titles, pool, strict=False):
            positions.append(Position(org=branch, member=member, title=title, started_on=started))
        for group in (g for g in ctx.groups if g.parent_id == branch.pk):
            leader = next((m for m in pool[len(titles) :] if m.group_id == group.pk), None)
            if leader:
                positions.append(
                    Position(org=group, member=leader, title=PositionTitle.GROUP_LEADER, started_on=started)
                )
    town_started = ctx.today.replace(year=ctx.today.year - 3, month=1, day=1)  # the earliest post below
    organ_members = [
        m
        for b in ctx.branches
        if b.category == OrgCategory.ORGAN
        for m in by_branch.get(b.pk, [])
        if _eligible(m, town_started)
    ]
    taken = {p.member_id for p in positions}
    spare = [m for m in organ_members if m.pk not in taken]
    # The town committee's posts are held by the leading cadres (党员领导干部) of the town's organs.
    town_titles = [PositionTitle.SECRETARY, PositionTitle.DEPUTY, PositionTitle.ORGANISER]
    leaders = spare[: len(town_titles)]
    for title, member in zip(town_titles, leaders, strict=False):
        positions.append(Position(org=ctx.town, member=member, title=title, started_on=town_started))
    spare = spare[len(town_titles) :]
    # 党建指导员: two organ members, each guiding a share of the village and community branches.
    guided = [b for b in ctx.branches if b.category in (OrgCategory.VILLAGE, OrgCategory.COMMUNITY)]
    instructors = spare[:2]
    for i, branch in enumerate(guided):
        if instructors:
            positions.append(
                Position(
                    org=branch,
                    member=instructors[i % len(instructors)],
                    title=PositionTitle.INSTRUCTOR,
                    started_on=ctx.today.replace(year=ctx.today.year - 1, month=1, day=1),
                )
            )
    bulk_create_with_history(positions, Position, batch_size=1000)
    # The town's leaders and a few more cadres keep a second organisational life in a village branch.
    cadres = leaders + spare[2:7]
    for i, member in enumerate(cadres):
        member.is_leading_cadre = True
        member.dual_org = guided[i % len(guided)] if guided else None
    Member.objects.bulk_update(cadres, ["is_leading_cadre", "dual_org"])
    rng.shuffle(spare)  # keep the generator's state independent of list lengths above


def _make_accounts(ctx: Town) -> None:
    town = ctx.town
    users = [
        User(username="dangjianban", first_name="镇党建办", kind=User.Kind.OFFICE, scope_org=town),
        User(username="shangji", first_name="县委组织部", kind=User.Kind.OVERSIGHT, scope_org=town),
    ]
    ctx.logins += [
        ("党建办", "dangjianban", "全镇督查、党组织与党员"),
        ("上级党委（只读）", "shangji", "全镇只读"),
    ]
    positions = list(
        Position.objects.filter(org__path__startswith=town.path)
        .select_related("org", "member")
        .order_by("org__path", "id")
    )
    village = OrgCategory.VILLAGE
    picks = [
        ("shuji", "支部书记", lambda p: p.title == PositionTitle.SECRETARY and p.org.category == village),
        (
            "zuzhi",
            "组织委员",
            lambda p: (
                p.title == PositionTitle.ORGANISER
                and p.org.kind == OrgKind.BRANCH
                and p.org.category == OrgCategory.ORGAN
            ),
        ),
        ("zhidaoyuan", "党建指导员", lambda p: p.title == PositionTitle.INSTRUCTOR),
        ("xiaozuzhang", "党小组长", lambda p: p.title == PositionTitle.GROUP_LEADER),
    ]
    holders = {p.member_id for p in positions}
    branch_of_secretary = None
    for username, role, wanted in picks:
        position = next((p for p in positions if wanted(p)), None)
        if position is None:
            continue
        branch_of_secretary = branch_of_secretary or position.org_id
        users.append(User(username=username, first_name=position.member.name, member=position.member))
        ctx.logins.append((role, username, position.org.name))
    plain = next(
        (
            m
            for m in ctx.members
            if m.org_id == branch_of_secretary
            and m.pk not in holders
            and m.status == Status.NORMAL
            and m.category == Category.FULL
        ),
        None,
    )
    if plain is not None:
        users.append(User(username="dangyuan", first_name=plain.name, member=plain))
        ctx.logins.append(("党员", "dangyuan", plain.org.name))
    for user in users:
        user.set_password(DEMO_PASSWORD)
    User.objects.bulk_create(users)
    User.objects.create_superuser("admin", password=DEMO_PASSWORD, first_name="系统管理员")
    ctx.logins.append(("系统管理员", "admin", "/admin/"))
