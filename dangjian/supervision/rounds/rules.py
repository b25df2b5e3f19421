"""The rules of a round, as plain functions without a database: the default checklist from 附件1, who may
not inspect a branch (回避), and which 整改 steps follow which."""

import datetime as dt
from dataclasses import dataclass

from .choices import RectStatus, StepAction


@dataclass(frozen=True)
class DefaultItem:
    rule: str
    name: str
    records: str
    leaders: str
    points: str


def default_checklist(entries, book) -> list[DefaultItem]:
    """The checklist entries of the data file, named, with their records and leaders from the rules file."""
    from dangjian.orgs.choices import PositionTitle

    items = []
    for e in entries:
        item = book.item(e.rule)
        records = "、".join(book.record_name(r) for r in item.records)
        leaders = "、".join(PositionTitle(t).label for t in item.leaders) or "支部确定"
        items.append(DefaultItem(e.rule, item.name, records, leaders, e.points))
    return items


def conflict(branch_path: str, member_paths: list[str], led_paths: list[str]) -> str | None:
    """Why someone may not inspect the branch at `branch_path`, or None. `member_paths`: the organisations
    they belong to (own and 双重组织生活); `led_paths`: where they hold a post below the town committee (the
    caller leaves the town's and the county's posts out). A member of the branch or of one of its 党小组,
    or who holds a post in it, in one of its 党小组 or in the 党总支 over it, is refused."""
    for path in member_paths:
        if path.startswith(branch_path):
            return "本人是该支部的党员，须回避，不能督查本支部。请改派其他督查人员。"
    for path in led_paths:
        if path.startswith(branch_path) or branch_path.startswith(path):
            return "本人在该支部或其上级党总支担任职务，须回避，不能督查所领导的支部。请改派其他督查人员。"
    return None


# Which step may follow which state; every other step is refused with the sentence below.
NEXT = {
    StepAction.ANSWER: {RectStatus.OPEN, RectStatus.RETURNED},
    StepAction.RETURN: {RectStatus.ANSWERED},
    StepAction.ACCEPT: {RectStatus.ANSWERED},
}
AFTER = {
    StepAction.ANSWER: RectStatus.ANSWERED,
    StepAction.RETURN: RectStatus.RETURNED,
    StepAction.ACCEPT: RectStatus.ACCEPTED,
}
REFUSED = {
    (StepAction.ANSWER, RectStatus.ANSWERED): "已答复，正等待验收；验收人退回后才能再次答复。",
    (StepAction.ANSWER, RectStatus.ACCEPTED): "该整改已验收通过，不能再答复。",
    (StepAction.RETURN, RectStatus.OPEN): "支部尚未答复，没有可退回的内容。",
    (StepAction.RETURN, RectStatus.RETURNED): "已经退回，正等待支部重新答复。",
    (StepAction.RETURN, RectStatus.ACCEPTED): "该整改已验收通过，不能退回。",
    (StepAction.ACCEPT, RectStatus.OPEN): "支部尚未答复整改情况，不能验收。",
    (StepAction.ACCEPT, RectStatus.RETURNED): "已退回支部，须等支部重新答复后才能验收。",
    (StepAction.ACCEPT, RectStatus.ACCEPTED): "该整改已经验收通过。",
}


def step_problem(action: str, status: str) -> str | None:
    if status in NEXT[action]:
        return None
    return REFUSED[action, status]


def reminder(status: str, deadline: dt.date, today: dt.date, before: int, every: int) -> str | None:
    """The key suffix of the reminder due today for a 整改, or None: once `before` days ahead, on the day
    after the deadline, then every `every` days while overdue (only while the branch owes an answer)."""
    if status not in (RectStatus.OPEN, RectStatus.RETURNED):
        return None
    days_left = (deadline - today).days
    if 0 <= days_left <= before:
        return "soon"
    if days_left < 0:
        late = -days_left
        return f"overdue-{(late - 1) // every}"
    return None
