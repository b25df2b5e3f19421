from django.db import models


class OrgKind(models.TextChoices):
    SUPERIOR = "superior", "上级党委"
    TOWN = "town", "镇党委"
    GENERAL_BRANCH = "general", "党总支"
    BRANCH = "branch", "党支部"
    GROUP = "group", "党小组"


# Which kind may sit under which.
CHILD_KINDS = {
    OrgKind.SUPERIOR: {OrgKind.SUPERIOR, OrgKind.TOWN},
    OrgKind.TOWN: {OrgKind.GENERAL_BRANCH, OrgKind.BRANCH},
    OrgKind.GENERAL_BRANCH: {OrgKind.BRANCH},
    OrgKind.BRANCH: {OrgKind.GROUP},
    OrgKind.GROUP: set(),
}


class OrgCategory(models.TextChoices):
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    ORGAN = "organ", "机关"
    SCHOOL = "school", "学校"
    ENTERPRISE = "enterprise", "企业"
    OTHER = "other", "其他"


class PositionTitle(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY = "deputy", "副书记"
    ORGANISER = "organiser", "组织委员"
    PROPAGANDA = "propaganda", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    GROUP_LEADER = "group_leader", "党小组长"
    INSTRUCTOR = "instructor", "党建指导员"


# Positions that run an organisation (and everything under it) in this product.
MANAGING_TITLES = frozenset({PositionTitle.SECRETARY, PositionTitle.DEPUTY, PositionTitle.ORGANISER})
COMMITTEE_TITLES = frozenset(
    {
        PositionTitle.SECRETARY,
        PositionTitle.DEPUTY,
        PositionTitle.ORGANISER,
        PositionTitle.PROPAGANDA,
        PositionTitle.DISCIPLINE,
    }
)
TITLES_BY_KIND = {
    OrgKind.SUPERIOR: COMMITTEE_TITLES,
    OrgKind.TOWN: COMMITTEE_TITLES,
    OrgKind.GENERAL_BRANCH: COMMITTEE_TITLES | {PositionTitle.INSTRUCTOR},
    OrgKind.BRANCH: COMMITTEE_TITLES | {PositionTitle.INSTRUCTOR},
    OrgKind.GROUP: frozenset({PositionTitle.GROUP_LEADER}),
}
