from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    return [NavItem("民主评议", "evaluations:list", 40)] if access.sees_many or access.member_id else []
