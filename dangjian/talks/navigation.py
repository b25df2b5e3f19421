from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    return [NavItem("谈心谈话", "talks:index", 35)] if access.sees_many or access.member_id else []
