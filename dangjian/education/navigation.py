from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    """Every member has their own 学时 and 心得; readers of a branch see its members'."""
    return (
        [NavItem("党员教育", "education:index", 46)] if (access.member_id or access.education_paths()) else []
    )
