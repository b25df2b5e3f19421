from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    if access.reads_assessment:
        return [NavItem("考核", "assessment:table", 44), NavItem("通报", "assessment:notices", 46)]
    if access.is_manager:
        return [NavItem("本支部考核", "assessment:mine", 44)]
    return []
