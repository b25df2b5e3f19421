from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    found = []
    if access.is_office:
        found.append(NavItem("风险信号", "supervision:desk", 42))
    if access.manage:  # reviewers, and a branch's leaders for the reviews of their records
        found.append(NavItem("记录审阅", "supervision:reviews", 43))
    if access.is_office or access.is_oversight:
        found.append(NavItem("督查轮次", "supervision:rounds", 44))
    return found
