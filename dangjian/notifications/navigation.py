from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    # Office accounts have no member: their notices go to the account (see models.Notification).
    return [NavItem("通知", "notifications:inbox", 90)] if access.member_id or access.is_office else []
