from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    if access.is_office:
        return [NavItem("风险信号", "supervision:desk", 42), NavItem("督查轮次", "supervision:rounds", 43)]
    if access.is_oversight:
        return [NavItem("督查轮次", "supervision:rounds", 43)]
    return []
