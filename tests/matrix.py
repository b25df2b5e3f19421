"""The permission matrix: every page and API call × every role, written once, used by each app's tests.

A Case names who may do something; every other role must get a refusal (403 or 404, never data),
and an anonymous visitor a redirect to the login page (pages) or 401 (API).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from .world import ROLES


@dataclass(frozen=True)
class Case:
    name: str
    url: Callable  # world -> url
    allowed: frozenset[str]
    method: str = "get"
    data: Callable | None = None  # world -> POST data
    ok: tuple[int, ...] = (200,)
    denied: tuple[int, ...] = (403, 404)
    api: bool = False
    roles: tuple[str, ...] = field(default=tuple(ROLES))

    def __post_init__(self):
        unknown = set(self.allowed) - set(ROLES)
        assert not unknown, f"unknown roles {unknown}"


def cases_for(cases: list[Case]):
    """Parametrise a test over (case, role) pairs, with readable ids."""
    params = []
    for case in cases:
        for role in [*case.roles, "anonymous"]:
            params.append(pytest.param(case, role, id=f"{case.name}-{role}"))
    return pytest.mark.parametrize("case,role", params)


def check(case: Case, role: str, world, client_for) -> None:
    client = client_for(role)
    url = case.url(world)
    data = case.data(world) if case.data else None
    if case.method == "get":
        response = client.get(url, data)
    else:
        extra = {"content_type": "application/json"} if case.api else {}
        response = getattr(client, case.method)(url, data or {}, **extra)
    if role == "anonymous":
        if case.api:
            assert response.status_code == 401, (url, response.status_code)
        else:
            redirected = response.status_code == 302 and "/login/" in response["Location"]
            assert redirected, (url, response.status_code)
        return
    if role in case.allowed:
        assert response.status_code in case.ok, (url, role, response.status_code)
    else:
        assert response.status_code in case.denied, (url, role, response.status_code)
