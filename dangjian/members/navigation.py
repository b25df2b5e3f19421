from dangjian.core.navigation import NavItem


def items(access) -> list[NavItem]:
    return (
        [NavItem("党员名册" if access.sees_many else "我的档案", "members:list", 20)]
        if access.sees_many or access.member_id
        else []
    )
