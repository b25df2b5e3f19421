from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    return [NavItem("党组织", "orgs:list", 10)] if access.sees_many else []
