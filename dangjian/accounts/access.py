"""The one place that decides who may see and change what.

Access follows the organisation tree: an office (党建办) account runs its whole town, a 书记, 副书记
or 组织委员 runs their organisation and everything below it, a 党建指导员 reads the branches they
guide and gives 党课 there, a 党小组长 records attendance in their group, a 上级党委 account reads
its subtree, and every member sees their own records. Views and API endpoints ask this module for
the querysets they may show (so another branch's ids answer 404) and for object checks.
"""

from dataclasses import dataclass
from functools import cached_property, reduce
from operator import or_

from django.db.models import Q, QuerySet

from dangjian.orgs.choices import COMMITTEE_TITLES, MANAGING_TITLES, OrgKind, PositionTitle
from dangjian.orgs.models import Organisation, Position

# Past this many subtrees a scope filters by org ids, since SQLite refuses expression trees deeper than 1000.
MAX_PATH_TERMS = 16


@dataclass(frozen=True)
class Access:
    manage: tuple[str, ...] = ()  # org paths run by this user, with their subtrees
    view: tuple[str, ...] = ()  # org paths readable by this user, with their subtrees (includes manage)
    lecture: frozenset[int] = frozenset()  # org ids where the user may give 党课 as 党建指导员
    lead_groups: frozenset[int] = frozenset()  # 党小组 ids the user leads
    committee_orgs: frozenset[int] = frozenset()  # org ids whose committee (支部委员会 …) the user sits on
    member_id: int | None = None
    is_office: bool = False
    is_oversight: bool = False

    @property
    def is_manager(self) -> bool:
        return bool(self.manage)

    @property
    def is_instructor(self) -> bool:
        return bool(self.lecture)

    @property
    def sees_many(self) -> bool:
        """Whether this user looks at organisations other than just their own record."""
        return bool(self.view)

    def role_labels(self) -> list[str]:
        labels = []
        if self.is_office:
            labels.append("党建办")
        if self.is_oversight:
            labels.append("上级党委")
        if self.manage and not self.is_office:
            labels.append("支部书记/组织委员")
        if self.lecture:
            labels.append("党建指导员")
        if self.lead_groups:
            labels.append("党小组长")
        if self.member_id:
            labels.append("党员")
        return labels

    def can_view_org(self, org: Organisation) -> bool:
        return any(org.path.startswith(p) for p in self.view)

    def can_manage_org(self, org: Organisation) -> bool:
        return any(org.path.startswith(p) for p in self.manage)

    def org_q(self, prefix: str = "", paths: tuple[str, ...] | None = None) -> Q:
        """A filter for rows whose organisation (reached through `prefix`) lies in the given subtrees."""
        paths = self.view if paths is None else paths
        if len(paths) > MAX_PATH_TERMS:  # e.g. an instructor guiding hundreds of a county's branches
            return Q(**{f"{prefix}pk__in": self._org_ids(paths)})
        field = f"{prefix}path__startswith"
        return reduce(or_, (Q(**{field: p}) for p in paths), Q(pk__in=[]))

    def _org_ids(self, paths: tuple[str, ...]) -> list[int]:
        """Ids of the organisations in the given subtrees: one flat IN list instead of a deep OR tree."""
        cache = self.__dict__.setdefault("_org_ids_cache", {})
        if paths not in cache:
            roots = set(paths)
            cache[paths] = [
                pk
                for pk, path in Organisation.objects.order_by().values_list("pk", "path")
                if any(path[: i + 1] in roots for i, ch in enumerate(path) if ch == "/")
            ]
        return cache[paths]

    def scope_name(self) -> str:
        """The organisations this user reads, by name, for the title of an export."""
        names = list(
            Organisation.objects.filter(path__in=self.view).order_by("path").values_list("name", flat=True)
        )
        return "、".join(names) if len(names) <= 3 else f"{'、'.join(names[:3])}等 {len(names)} 个党组织"

    def visible_orgs(self) -> QuerySet[Organisation]:
        return Organisation.objects.filter(self.org_q())

    def manageable_orgs(self) -> QuerySet[Organisation]:
        return Organisation.objects.filter(self.org_q(paths=self.manage))

    @cached_property
    def sees_everything(self) -> bool:
        """Whether this user's view covers every organisation tree in the database (e.g. the town office)."""
        if not self.view:
            return False
        roots = Organisation.objects.filter(parent__isnull=True).values_list("path", flat=True)
        return all(any(root.startswith(p) for p in self.view) for root in roots)

    def member_q(self) -> Q:
        if self.sees_everything:  # no filter at all: a county's register is counted and paged by its indexes
            return Q()
        # One id subquery (a union of indexed look-ups) rather than ORs across joins, so that a branch's
        # page of a county's register is found through the org index instead of scanning the sort index.
        from dangjian.members.models import Member

        orgs = self.visible_orgs().values("pk")
        unordered = Member.objects.order_by()
        ids = unordered.filter(org__in=orgs).values("pk")
        ids = ids.union(unordered.filter(dual_org__in=orgs).values("pk"))
        if self.member_id:
            ids = ids.union(unordered.filter(pk=self.member_id).values("pk"))
        return Q(pk__in=ids)

    def visible_members(self):
        from dangjian.members.models import Member

        return Member.objects.filter(self.member_q())

    def can_view_member(self, member) -> bool:
        return (
            member.pk == self.member_id
            or self.can_view_org(member.org)
            or (member.dual_org_id is not None and self.can_view_org(member.dual_org))
        )

    def can_manage_member(self, member) -> bool:
        return self.can_manage_org(member.org)

    def covers(self, other: "Access") -> bool:
        """Whether everything `other` may see lies inside what this user runs (e.g. to reset its password)."""
        return all(any(p.startswith(q) for q in self.manage) for p in other.view)

    @cached_property
    def signal_paths(self) -> tuple[str, ...]:
        """Whose 督查 risk signals this user reads: the office and 上级 everything they see, a 党总支's
        leaders its branches; a branch never sees them (issue 11)."""
        if self.is_office or self.is_oversight:
            return self.view
        if not self.manage:
            return ()
        generals = Organisation.objects.filter(self.org_q(paths=self.manage), kind=OrgKind.GENERAL_BRANCH)
        return _outermost(set(generals.values_list("path", flat=True)))

    def can_dismiss_signal(self, org: Organisation) -> bool:
        return self.is_office and self.can_manage_org(org)

    @property
    def reads_assessment(self) -> bool:
        """The town table of the 考核 and every sheet: the office and 上级 (issue 12)."""
        return self.is_office or self.is_oversight

    def can_view_sheet(self, org: Organisation) -> bool:
        """A branch's 考核 sheet: the office and 上级, those who run or guide that branch; never another's."""
        return self.can_view_org(org)

    def can_object(self, org: Organisation) -> bool:
        """申诉 against the branch's own sheet: its 书记, 副书记 or 组织委员 (not the office that scores)."""
        return not self.is_office and self.can_manage_org(org)

    def can_see_sensitive(self, member) -> bool:
        """Full ID and phone numbers: for the member themself and whoever runs their organisation."""
        return member.pk == self.member_id or self.can_manage_member(member)


ANONYMOUS = Access()


def access_for(user) -> Access:
    """The user's access, computed once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_dangjian_access", None)
    if cached is None:
        cached = _compute(user)
        user._dangjian_access = cached
    return cached


def _compute(user) -> Access:
    manage: set[str] = set()
    view: set[str] = set()
    lecture: set[int] = set()
    guided: set[str] = set()
    groups: set[int] = set()
    committees: set[int] = set()
    if user.kind == user.Kind.OFFICE and user.scope_org_id:
        manage.add(user.scope_org.path)
    if user.kind == user.Kind.OVERSIGHT and user.scope_org_id:
        view.add(user.scope_org.path)
    if user.member_id and user.member.is_active:
        for position in Position.objects.current().filter(member_id=user.member_id).select_related("org"):
            if position.title in COMMITTEE_TITLES:
                committees.add(position.org_id)
            if position.title in MANAGING_TITLES:
                manage.add(position.org.path)
            elif position.title == PositionTitle.INSTRUCTOR:
                view.add(position.org.path)
                guided.add(position.org.path)
            elif position.title == PositionTitle.GROUP_LEADER:
                groups.add(position.org_id)
        if guided:  # one query however many branches the instructor guides
            lecture.update(
                Organisation.objects.filter(Access(view=_outermost(guided)).org_q())
                .exclude(kind=OrgKind.GROUP)
                .values_list("pk", flat=True)
            )
    return Access(
        manage=_outermost(manage),
        view=_outermost(view | manage),
        lecture=frozenset(lecture),
        lead_groups=frozenset(groups),
        committee_orgs=frozenset(committees),
        member_id=user.member_id if user.member_id and user.member.is_active else None,
        is_office=user.kind == user.Kind.OFFICE,
        is_oversight=user.kind == user.Kind.OVERSIGHT,
    )


def committee_kinds() -> tuple[str, ...]:
    """Activity kinds held by an organisation's committee (支部委员会会议): the rulebook items that apply
    only to a branch with a committee. Their pages, minutes and records are for the committee members
    (and those expected at the meeting) and for whoever reads the branch from above (党建办, 上级党委,
    the 党总支 or branch leaders, 党建指导员); an ordinary member of the branch neither lists nor opens them.
    """
    from dangjian.rulebook import rulebook

    return tuple(
        i.code for i in rulebook.current().activity_items() if i.applies_to == "branch_with_committee"
    )


def _outermost(paths: set[str]) -> tuple[str, ...]:
    """Drop paths that lie inside another one, so filters stay short."""
    return tuple(sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths)))
