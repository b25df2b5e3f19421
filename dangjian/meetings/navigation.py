from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    if not (access.sees_many or access.member_id):
        return []
    return [NavItem("组织生活", "meetings:list", 30), NavItem("日历", "meetings:calendar", 31)]
