from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    if access.is_office:
        return [NavItem("风险信号", "supervision:desk", 42)]
    return []
