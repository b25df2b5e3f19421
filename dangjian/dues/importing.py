"""Import of the 党费 spreadsheets branches keep: one row per member and month paid. All or nothing:
every problem is listed with its row and column, and nothing is written unless the whole file is clean.

Columns: 姓名 | 所属月份 (2026-03) | 金额 | 交纳日期 | 方式 (现金/转账/其他) | 说明
"""

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.core import xlsx
from dangjian.members.importing import Problem

from . import services
from .models import Method, Payment

HEADERS = ["姓名", "所属月份", "金额", "交纳日期", "方式", "说明"]
METHODS = {label: value for value, label in Method.choices}


class Refused(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("；".join(map(str, problems)))
        self.problems = problems


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime | dt.date):
        return dt.date(value.year, value.month, 1)
    m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", str(value or ""))
    if not m or not 1 <= int(m[2]) <= 12:
        raise ValueError("应为月份，如 2026-03")
    return dt.date(int(m[1]), int(m[2]), 1)


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip().replace("/", "-"))
    except ValueError:
        raise ValueError("应为日期，如 2026-03-15") from None


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError("应为金额，如 15.50") from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError("应为大于 0、最多两位小数的金额")
    return amount


def check(org, file, today: dt.date):
    """Parse the file: (rows to record, problems)."""
    problems: list[Problem] = []
    try:
        rows = list(xlsx.read_sheet(file, len(HEADERS)))
    except xlsx.NotASpreadsheet:
        return [], [Problem(None, "", "不是有效的 .xlsx 文件，请用 Excel 或 WPS 另存为 .xlsx 后重新上传。")]
    except xlsx.SheetRefused as exc:
        return [], [Problem(exc.row, "", str(exc))]
    if not rows:
        return [], [Problem(None, "", "文件是空的，请按模板填写后上传。")]
    header_row, header = rows[0]
    names = [str(h or "").strip() for h in header]
    missing = [h for h in HEADERS[:5] if h not in names]
    if missing:
        return [], [Problem(header_row, h, "缺少此列，请使用模板的表头") for h in missing]
    col = {h: names.index(h) for h in HEADERS if h in names}
    members = defaultdict(list)
    for m in services.active_members(org):
        members[m.name].append(m)
    parsed = []
    seen: dict[tuple[int, dt.date], int] = {}
    for number, values in rows[1:]:
        cells = {h: (values[i] if i < len(values) else None) for h, i in col.items()}
        row_problems = []
        for h, v in cells.items():
            if isinstance(v, xlsx.BadCell):
                row_problems.append(Problem(number, h, v.problem))
        if row_problems:
            problems += row_problems
            continue
        item = {"row": number}
        name = str(cells["姓名"] or "").strip()
        found = members.get(name, [])
        if not name:
            problems.append(Problem(number, "姓名", "不能为空"))
        elif not found:
            problems.append(Problem(number, "姓名", f"本支部的在册党员中没有“{name[:20]}”"))
        elif len(found) > 1:
            problems.append(
                Problem(number, "姓名", f"本支部有 {len(found)} 名党员叫“{name}”，请在页面上逐笔登记")
            )
        else:
            item["member"] = found[0]
        for h, key, parse in (
            ("所属月份", "month", _month),
            ("金额", "amount", _money),
            ("交纳日期", "paid_on", _day),
        ):
            try:
                item[key] = parse(cells[h])
            except ValueError as exc:
                problems.append(Problem(number, h, str(exc)))
        if "paid_on" in item and item["paid_on"] > today:
            problems.append(Problem(number, "交纳日期", "不能晚于今天"))
            del item["paid_on"]
        method = str(cells["方式"] or "").strip()
        if method not in METHODS:
            problems.append(Problem(number, "方式", "应为 现金、转账 或 其他"))
        item["method"] = METHODS.get(method)
        item["note"] = str(cells.get("说明") or "").strip()[:200]
        if "member" in item and "month" in item:
            key = (item["member"].pk, item["month"])
            if key in seen:
                problems.append(Problem(number, "所属月份", f"与第{seen[key]}行是同一党员的同一月份"))
            seen.setdefault(key, number)
        if {"member", "month", "amount", "paid_on"} <= item.keys() and item["method"]:
            parsed.append(item)
    if len(rows) == 1:
        problems.append(Problem(None, "", "文件只有表头，没有数据行。"))
    return parsed, problems


def run(org, file, *, user, today: dt.date) -> list[Payment]:
    """Record every row, or none: raises Refused with every problem found."""
    parsed, problems = check(org, file, today)
    if problems:
        raise Refused(problems)
    payments = []
    later: list[Problem] = []
    with transaction.atomic():
        for item in parsed:
            try:
                with transaction.atomic():
                    payments.append(
                        services.record_payment(
                            item["member"],
                            [item["month"]],
                            paid_on=item["paid_on"],
                            method=item["method"],
                            user=user,
                            amounts={item["month"]: item["amount"]},
                            source=Payment.Source.IMPORT,
                            note=item["note"],
                        )
                    )
            except ValidationError as exc:
                later.append(Problem(item["row"], "所属月份", "；".join(exc.messages)))
        if later:
            transaction.set_rollback(True)
    if later:
        raise Refused(later)
    return payments


def template() -> bytes:
    return xlsx.styled_template(
        "党费交纳台账导入模板",
        HEADERS,
        [
            "每行一名党员一个月的党费；所属月份填 2026-03 这样的月份。",
            "方式填 现金、转账 或 其他；补交、预交由系统按交纳日期自动标注。",
            "整个文件有一处错误就不导入，页面会列出每一处错误的行和列。",
        ],
        ["张三", "2026-03", "15.00", "2026-03-28", "现金", ""],
    )
