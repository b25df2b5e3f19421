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

    @cached_property
    def review_paths(self) -> tuple[str, ...]:
        """Whose activity records this user reviews (会议记录审阅, issue 11): the office its town, a 党总支's
        leaders its branches (not the 党总支's own activities); 上级 only read."""
        if self.is_office:
            return self.manage
        return () if self.is_oversight else self.signal_paths

    def can_review_org(self, org: Organisation) -> bool:
        return any(org.path.startswith(p) and (self.is_office or org.path != p) for p in self.review_paths)

    def can_answer_review(self, org: Organisation) -> bool:
        """The reviewed branch's 书记/副书记/组织委员 send the corrected records back; never the reviewer."""
        return self.can_manage_org(org) and not self.can_review_org(org)

    @cached_property
    def review_read_paths(self) -> tuple[str, ...]:
        """Whose reviews this user reads: the reviewers', 上级's, and a branch's leaders their own."""
        return _outermost(
            set(self.review_paths) | set(self.manage) | set(self.view if self.is_oversight else ())
        )

    @cached_property
    def inspecting(self) -> frozenset[tuple[int, int]]:
        """(round id, branch id) this member inspects as 督查人员 in rounds still open: the role lasts for
        the round only (issue 11). The office inspects through its own rights."""
        if not self.member_id:
            return frozenset()
        from dangjian.supervision.models import Assignment

        rows = Assignment.objects.filter(inspector__member_id=self.member_id, round__status="open")
        return frozenset(rows.values_list("round_id", "org_id"))

    def can_run_round(self, round_) -> bool:
        """Create, sample, staff and close a 督查 round: the town office."""
        return self.is_office and self.can_manage_org(round_.org)

    def can_read_round(self, round_) -> bool:
        return (self.is_office or self.is_oversight) and self.can_view_org(round_.org)

    def can_inspect(self, round_, org) -> bool:
        """Record visits and findings at a branch: the office, or its inspector while the round is open."""
        return self.can_run_round(round_) or (round_.is_open and (round_.pk, org.pk) in self.inspecting)

    def can_answer_rectification(self, org) -> bool:
        """The branch answers its 整改 (its 书记/副书记/组织委员, or the 党总支's), not the office for it."""
        return not self.is_office and self.can_manage_org(org)

    def can_decide_rectification(self, round_, org) -> bool:
        """Accept or return a 整改 answer: the office, or the branch's inspector while the round is open."""
        return self.can_inspect(round_, org)

    def education_paths(self) -> tuple[str, ...]:
        """Whose 党员教育 (学时, 学习心得) and 组织生活记录 the user reads: those who run the branch (书记,
        组织委员, the 党建办 for the town), the 上级党委 for its subtree; not 党建指导员 or 党小组长."""
        return self.view if self.is_oversight else self.manage

    def can_read_member_life(self, member) -> bool:
        """A member's 组织生活记录, 学时 and 学习心得: the member, and whoever reads their branch's."""
        return member.pk == self.member_id or any(
            member.org.path.startswith(p) for p in self.education_paths()
        )

    def can_handle_applicants(self, org: Organisation) -> bool:
        """发展党员 files (applicants' personal data included): the branch's 书记/副书记/组织委员, the 党总支
        and the 党建办 above it; not the read-only 上级 accounts, instructors or members (issue 13)."""
        return self.can_manage_org(org)

    # 党费: bases and amounts are personal data. A member sees their own; whoever runs a branch (书记,
    # 副书记, 组织委员; a 党总支's leaders and the town office above it) sees and keeps its ledger; a 上级党委
    # reads the collection totals by branch, never a member's base. Instructors and 党小组长 see none.
    def can_keep_dues(self, org: Organisation) -> bool:
        return self.can_manage_org(org)

    def can_see_dues_of(self, member) -> bool:
        return member.pk == self.member_id or self.can_manage_org(member.org)

    def can_approve_dues_relief(self, org: Organisation) -> bool:
        """The 上一级党委's approval of a branch's 减免 decision: recorded by the (town) office above the
        branch, never by the branch itself nor a 党总支 (not a 党委)."""
        return self.is_office and any(org.path.startswith(p) and org.path != p for p in self.manage)

    def dues_summary_paths(self) -> tuple[str, ...]:
        """Where the user reads the collection summary (totals by branch): what they run or oversee."""
        return self.manage + (self.view if self.is_oversight else ())

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
