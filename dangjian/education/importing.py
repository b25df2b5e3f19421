"""Importing trainings from .xlsx (a row a training, attendees by name): all or nothing, problems named."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.core import validators, xlsx
from dangjian.members.importing import ImportRefused, Problem, open_book, sheet_rows

from . import services
from .models import Training, TrainingForm

COLUMNS = ["日期", "主题", "形式", "学时", "组织单位", "参加党员"]
FORMS = {label: value for value, label in TrainingForm.choices}
SEPARATORS = re.compile(r"[、，,；;\s]+")


def template() -> bytes:
    return xlsx.styled_template(
        "学习培训导入模板",
        COLUMNS,
        [
            "每行一次培训；参加党员填姓名，多人用顿号“、”分隔，须为本支部在册党员且姓名唯一。",
            "形式：集中学习、线上、外出培训（党课、主题党日学习由组织生活记录自动计入，不在此导入）。",
        ],
        ["2026-03-15", "学习党的二十届三中全会精神", "集中学习", 3, "镇党委", "张三、李四"],
    )


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = xlsx.text_cell(value)
    try:
        return dt.date.fromisoformat(text.replace("/", "-").replace(".", "-"))
    except ValueError:
        raise ValueError("应为日期，如 2026-03-15") from None


def _hours(value) -> Decimal:
    try:
        return Decimal(xlsx.text_cell(value))
    except (InvalidOperation, ValueError):
        raise ValueError("应为数字，如 2 或 1.5") from None


def import_trainings(file, org, user) -> int:
    """Read every row, name every problem (ImportRefused), then create all trainings in one transaction."""
    names, rows = sheet_rows(open_book(file, settings.IMPORT_MAX_ROWS * len(COLUMNS)), 0, len(COLUMNS))
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise ImportRefused([Problem(None, c, "缺少这一列，请使用导入模板") for c in missing])
    index = {c: names.index(c) for c in COLUMNS}
    people: dict[str, list[int]] = {}
    for pk, name in services.branch_members(org).values_list("pk", "name"):
        people.setdefault(name, []).append(pk)
    problems: list[Problem] = []
    ready: list[tuple[dict, list[int]]] = []
    for number, values in rows:
        cell = {c: values[i] if i < len(values) else None for c, i in index.items()}
        found: dict = {}
        row_problems: list[Problem] = []
        for column, read in (("日期", _date), ("学时", _hours)):
            try:
                found[column] = read(cell[column])
            except ValueError as exc:
                row_problems.append(Problem(number, column, str(exc)))
        for column in ("主题", "组织单位", "形式", "参加党员"):
            try:
                text = xlsx.text_cell(cell[column])
                validators.single_line(text)
            except (ValueError, ValidationError) as exc:
                message = exc.messages[0] if hasattr(exc, "messages") else str(exc)
                row_problems.append(Problem(number, column, message))
                continue
            if not text:
                row_problems.append(Problem(number, column, "必填"))
            elif (
                column in ("主题", "组织单位")
                and len(text)
                > Training._meta.get_field("topic" if column == "主题" else "organiser").max_length
            ):
                row_problems.append(Problem(number, column, "内容过长，请缩短"))
            found[column] = text
        ids: list[int] = []
        for name in SEPARATORS.split(found.get("参加党员", "")):
            if not name:
                continue
            match = people.get(name, [])
            if len(match) != 1:
                why = "不是本支部在册党员" if not match else "本支部有同名党员，请在页面上登记这次培训"
                row_problems.append(Problem(number, "参加党员", f"“{name}”{why}"))
            else:
                ids.append(match[0])
        form = FORMS.get(found.get("形式", ""), "")
        if found.get("形式") and not form:
            row_problems.append(Problem(number, "形式", "应为集中学习、线上或外出培训"))
        if "日期" in found and "学时" in found:  # the rules of an entered training, named for this row too
            issues = services.training_problems(
                org, form or TrainingForm.STUDY, found["学时"], found["日期"], ids
            )
            row_problems += [
                Problem(number, "", i) for i in issues if i not in {p.message for p in row_problems}
            ]
        if not row_problems:
            data = {
                "held_on": found["日期"],
                "topic": found["主题"],
                "form": form,
                "hours": found["学时"],
                "organiser": found["组织单位"],
            }
            ready.append((data, sorted(set(ids))))
        problems += row_problems
    if not problems and not ready:
        problems.append(Problem(None, "", "表格中没有培训记录。"))
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        for data, ids in ready:
            training = Training.objects.create(org=org, created_by=user, **data)
            training.attendees.set(ids)
    return len(ready)
