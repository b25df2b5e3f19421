from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    """The board for those who handle applicants' files (书记/组织委员, 党总支, 党建办)."""
    return [NavItem("发展党员", "recruitment:index", 44)] if access.manage else []
