from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    return [NavItem("通知", "notifications:inbox", 90)] if access.member_id else []
