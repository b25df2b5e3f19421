from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    return (
        [NavItem("党费", "dues:index", 45)]
        if access.manage or access.member_id or access.is_oversight
        else []
    )
