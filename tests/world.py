"""A small town with one login for every role, shared by the tests (see the `world` fixture)."""

import datetime as dt
from dataclasses import dataclass

from dangjian.accounts.models import User
from dangjian.members.choices import Category
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgCategory, OrgKind, PositionTitle
from dangjian.orgs.models import Organisation

from .factories import MemberFactory, OrgFactory, UserFactory, appoint

PASSWORD = "Secret-pass-1"


@dataclass
class World:
    town: Organisation
    general: Organisation
    branch_a: Organisation  # 8 full members and a probationary one: has a committee, two groups
    branch_b: Organisation  # 4 full members: no committee
    group_a1: Organisation
    group_a2: Organisation
    members_a: list[Member]
    members_b: list[Member]
    users: dict[str, User]

    def user(self, role: str) -> User:
        return self.users[role]


ROLES = [
    "office",
    "oversight",
    "secretary_a",
    "organiser_b",
    "instructor_a",
    "group_leader_a",
    "member_a",
    "member_b",
]


def build_world() -> World:
    town = OrgFactory(code="TOWN", name="测试镇党委", kind=OrgKind.TOWN, category="")
    general = OrgFactory(code="GEN", name="测试党总支", kind=OrgKind.GENERAL_BRANCH, parent=town, category="")
    branch_a = OrgFactory(code="BRA", name="甲村党支部", parent=general, category=OrgCategory.VILLAGE)
    branch_b = OrgFactory(code="BRB", name="乙企业党支部", parent=town, category=OrgCategory.ENTERPRISE)
    group_a1 = OrgFactory(code="BRA-G1", name="第一党小组", kind=OrgKind.GROUP, parent=branch_a, category="")
    group_a2 = OrgFactory(code="BRA-G2", name="第二党小组", kind=OrgKind.GROUP, parent=branch_a, category="")
    members_a = [
        MemberFactory(org=branch_a, name=f"甲{i}", group=group_a1 if i < 4 else group_a2) for i in range(8)
    ]
    members_a.append(
        MemberFactory(
            org=branch_a,
            name="甲预备",
            category=Category.PROBATIONARY,
            confirmed_on=None,
            joined_on=dt.date.today() - dt.timedelta(days=100),
            group=group_a2,
        )
    )
    members_b = [MemberFactory(org=branch_b, name=f"乙{i}") for i in range(4)]
    instructor = MemberFactory(org=branch_b, name="乙指导员")
    members_b.append(instructor)
    appoint(members_a[0], branch_a, PositionTitle.SECRETARY)
    appoint(members_a[1], branch_a, PositionTitle.ORGANISER)
    appoint(members_a[4], group_a2, PositionTitle.GROUP_LEADER)
    appoint(members_b[0], branch_b, PositionTitle.SECRETARY)
    appoint(members_b[1], branch_b, PositionTitle.ORGANISER)
    appoint(instructor, branch_a, PositionTitle.INSTRUCTOR)
    users = {
        "office": UserFactory(username="office", kind=User.Kind.OFFICE, scope_org=town),
        "oversight": UserFactory(username="oversight", kind=User.Kind.OVERSIGHT, scope_org=town),
        "secretary_a": UserFactory(username="secretary_a", member=members_a[0]),
        "organiser_b": UserFactory(username="organiser_b", member=members_b[1]),
        "instructor_a": UserFactory(username="instructor_a", member=instructor),
        "group_leader_a": UserFactory(username="group_leader_a", member=members_a[4]),
        "member_a": UserFactory(username="member_a", member=members_a[7]),
        "member_b": UserFactory(username="member_b", member=members_b[3]),
    }
    return World(town, general, branch_a, branch_b, group_a1, group_a2, members_a, members_b, users)
