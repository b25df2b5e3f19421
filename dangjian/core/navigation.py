"""The navigation each role sees: every app may add items in a `navigation.py` with `items(access)`."""

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50


def items_for(access) -> list[NavItem]:
    found: list[NavItem] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("dangjian."):
            continue
        if find_spec(f"{config.name}.navigation") is None:
            continue
        found.extend(import_module(f"{config.name}.navigation").items(access))
    return sorted(found, key=lambda item: item.order)


def items(access) -> list[NavItem]:
    return [NavItem("首页", "home", 0)]
