"""Pick an organisation by its name in a list's filter (党组织筛选), not by typing its code.

The filter is one text box: a code, a full name, or a part of a name that only one organisation in the
user's scope has. While typing, a `<datalist>` offers names: listed in the page when the scope is small
(a town: about 60), fetched from `core:org_options` as one types when it is not (a county: 1,800 organisations
would add some 150 KB to every list page). Links keep using the code (`?org=SDS-CUN01`).
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse

from dangjian.orgs.models import Organisation

INLINE_LIMIT = 200  # more than this in scope: suggestions are fetched as one types
SUGGESTIONS = 20  # names offered for what has been typed


@dataclass
class OrgPick:
    text: str = ""  # what was typed
    org: Organisation | None = None
    problem: str = ""
    options: list[Organisation] = field(default_factory=list)  # listed in the page
    options_url: str = ""  # where to fetch suggestions, when they are not listed

    @property
    def value(self) -> str:
        """What the box shows: the name of the organisation found, else what was typed."""
        return self.org.name if self.org else self.text

    @property
    def code(self) -> str:
        return self.org.code if self.org else ""


def find_org(orgs: QuerySet[Organisation], text: str) -> OrgPick:
    """The organisation `text` names among `orgs` (by code, full name, or a part of one name), or why none."""
    text = text.strip()
    org, problem = _find(orgs, text) if text else (None, "")
    return OrgPick(text, org, problem)


def _find(orgs: QuerySet[Organisation], text: str) -> tuple[Organisation | None, str]:
    by_code = orgs.filter(code=text).first()
    if by_code is not None:
        return by_code, ""
    for matches in (orgs.filter(name=text), orgs.filter(name__icontains=text)):
        found = list(matches.select_related("parent").order_by("path")[: SUGGESTIONS + 1])
        if len(found) == 1:
            return found[0], ""
        if found:
            shown = "、".join(f"{o.name}（{_parent(o)}，代码 {o.code}）" for o in found[:5])
            if len(found) > 5:
                shown += f"等{'多' if len(found) > SUGGESTIONS else f' {len(found)} '}个"
            return None, f"有多个党组织与“{text}”相符：{shown}。请从列表中选择完整名称，或输入代码。"
    return None, f"没有名称或代码为“{text}”的党组织，或它不在您的查看范围内；请从列表中选择。"


def _parent(org: Organisation) -> str:
    return org.parent.name if org.parent else "无上级"


def offer(pick: OrgPick, orgs: QuerySet[Organisation]) -> OrgPick:
    """The names a page offers: listed in it when there are few, else fetched as one types."""
    listed = list(orgs.order_by("path").only("code", "name")[: INLINE_LIMIT + 1])
    if len(listed) > INLINE_LIMIT:
        pick.options_url = reverse("org_options")
    else:
        pick.options = listed
    return pick


def pick_org(orgs: QuerySet[Organisation], text: str) -> OrgPick:
    """The filter's state for a page: the organisation found and the names to offer."""
    return offer(find_org(orgs, text), orgs)


def suggestions(orgs: QuerySet[Organisation], text: str) -> list[dict]:
    """Up to SUGGESTIONS organisations whose name contains `text` or whose code begins with it."""
    text = text.strip()[:50]
    if not text:
        return []
    found = orgs.filter(Q(name__icontains=text) | Q(code__istartswith=text)).select_related("parent")
    return [
        {"code": o.code, "name": o.name, "parent": o.parent.name if o.parent else ""}
        for o in found.order_by("path")[:SUGGESTIONS]
    ]
