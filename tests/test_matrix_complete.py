"""Every URL pattern of the project is covered by some permission-matrix Case (tests/matrix.py), or is
listed below as public on purpose. A new page without a Case fails here, naming its pattern."""

import importlib
import types
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import URLResolver, get_resolver, resolve

from tests.matrix import Case

# Patterns that are not in any Case list on purpose: they answer anonymous visitors (each with a test of
# its own), or belong to Django's admin, which checks is_staff itself.
PUBLIC = {
    "login/": "登录页（tests/foundation/test_public_pages.py）",
    "logout/": "退出（tests/foundation/test_public_pages.py）",
    "healthz": "健康检查（tests/foundation/test_healthz.py）",
    "api/openapi.json": "API 说明（tests/foundation/test_public_pages.py）",
    "api/docs": "API 说明页面（test_public_pages.py）",
    "api/": "django-ninja 的根地址，只回答 404（test_public_pages.py）",
    "api/<path:rest>": "API 中没有的地址，对谁都只回答 JSON 的 404（tests/foundation/test_api_bounds.py）",
    "evaluations/code/": "群众代表凭一次性测评码投票，无需登录（tests/evaluations/test_campaign_flow.py）",
    "evaluations/code/<str:code>/": "同上：测评码本身就是凭证（tests/evaluations/test_campaign_flow.py）",
    "assessment/q/": "群众凭一次性测评码填写满意度测评，无需登录（tests/assessment/test_survey_pages.py）",
}
PUBLIC_PREFIXES = ("admin/",)


class _Probe:
    """Stands in for the test world and its helpers, so a Case's url can be built without a database."""

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __getitem__(self, key):
        return self

    def __str__(self):
        return "1"

    __format__ = lambda self, spec: "1"  # noqa: E731
    __int__ = __index__ = lambda self: 1  # noqa: E731


PROBE = _Probe()


def _probe_url(case: Case) -> str:
    """The case's url with the world and every helper function of the tests replaced by the probe."""
    func = case.url
    namespace = dict(func.__globals__)
    for name, value in namespace.items():
        if isinstance(value, types.FunctionType) and value.__module__.startswith("tests."):
            namespace[name] = PROBE
    probed = types.FunctionType(func.__code__, namespace, func.__name__, func.__defaults__, func.__closure__)
    return probed(PROBE)


def _matrix_cases() -> list[tuple[str, Case]]:
    found = []
    for path in sorted(Path(__file__).parent.glob("*/test_*permission*.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
        for value in vars(module).values():
            if isinstance(value, list) and value and all(isinstance(c, Case) for c in value):
                found += [(module.__name__, c) for c in value]
    return found


def _patterns(resolver=None, prefix: str = ""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def test_every_url_pattern_is_in_the_permission_matrix():
    covered = set()
    for module, case in _matrix_cases():
        url = urlsplit(_probe_url(case)).path
        covered.add(resolve(url).route)
        assert url, (module, case.name)
    missing = sorted(
        {p for p in _patterns() if p not in covered and p not in PUBLIC and not p.startswith(PUBLIC_PREFIXES)}
    )
    assert not missing, (
        "这些网址没有权限矩阵用例（请在该应用的 tests/*/test_*permission*.py 中添加 Case）：\n"
        + "\n".join(missing)
    )
