from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    """The town office and the 上级党委 see the dashboard; so does a 党建指导员, over every branch they
    guide; whoever runs a branch also has its own page."""
    found = []
    if access.is_office or access.is_oversight or access.is_instructor:
        found.append(NavItem("督查看板", "compliance:dashboard", 40))
    if access.manage and not access.is_office:
        found.append(NavItem("本支部合规", "compliance:mine", 41))
    return found
