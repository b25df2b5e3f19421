from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    found = []
    if access.is_office or access.is_oversight:
        found.append(NavItem("督查看板", "compliance:dashboard", 40))
    elif access.manage:
        found.append(NavItem("本支部合规", "compliance:mine", 40))
    return found
