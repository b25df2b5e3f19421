from dangjian.core.navigation import NavItem

from .rules import reader_paths


def items(access) -> list[NavItem]:
    """Those who read sanctions; a member without that role reaches their own from their record page."""
    return [NavItem("违纪党员", "discipline:index", 45)] if reader_paths(access) else []
