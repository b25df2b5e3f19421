"""Importing the member register from .xlsx: every problem named by row and column, all or nothing.

Rows are matched to the register by ID number, so importing the same file twice changes nothing.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from dangjian.accounts.services import close_departed_logins
from dangjian.compliance import triggers as verdict_triggers
from dangjian.core import bulk, crypto, idcard, validators, xlsx
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation

from .choices import Category, Education, Gender, Status
from .models import Member, Transfer, problems
from .services import end_posts_in


class ImportRefused(Exception):
    def __init__(self, problems: list["Problem"]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    message: str

    def __post_init__(self):
        # Messages and headers may quote the file: its control characters are shown, not written.
        object.__setattr__(self, "column", validators.visible(self.column))
        object.__setattr__(self, "message", validators.visible(self.message))

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{'「' + self.column + '」' if self.column else ''}：{self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return f"导入完成：新增 {self.created} 人，更新 {self.updated} 人，未变化 {self.unchanged} 人。"


def _labels(choices) -> dict[str, str]:
    return {label: value for value, label in choices.choices}


def parse_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", _text(value))
    if not match:
        raise ValueError("日期格式应为 2020-07-01")
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ValueError("不存在这一天，请核对日期") from None


def _choice(mapping: dict[str, str], aliases: dict[str, str] | None = None) -> Callable[[object], str]:
    def parse(value) -> str:
        text = _text(value)
        if not text:
            return ""
        text = (aliases or {}).get(text, text)
        if text not in mapping:
            raise ValueError(f"应为以下之一：{'、'.join(mapping)}")
        return mapping[text]

    return parse


_text = xlsx.text_cell


def _id_number(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Excel keeps 15 digits of a number: the last ones of an ID number typed into a number cell are lost.
        raise ValueError("身份证号被 Excel 存成了数字，末几位已丢失；请把该列设为“文本”格式后重新输入号码")
    return idcard.normalise(_text(value))


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text in ("", "否", "N", "n", "0"):
        return False
    if text in ("是", "Y", "y", "1"):
        return True
    raise ValueError("应填“是”或“否”")


@dataclass(frozen=True)
class Column:
    header: str
    attr: str
    parse: Callable[[object], object]
    required: bool = False
    example: object = ""


COLUMNS = [
    Column("姓名", "name", _text, True, "张三"),
    Column("身份证号", "id_number", _id_number, True, "110101198001010010"),
    Column("性别", "gender", _choice(_labels(Gender)), False, "男"),
    Column("民族", "ethnicity", _text, False, "汉族"),
    Column("出生日期", "birth_date", parse_date, False, "1980-01-01"),
    Column("手机号", "phone", _text, False, "13800000000"),
    Column("学历", "education", _choice(_labels(Education)), False, "大学本科"),
    Column("工作单位及职务", "work_unit", _text, False, "神鼎山镇人民政府 科员"),
    Column("入党日期", "joined_on", parse_date, True, "2005-07-01"),
    Column("转正日期", "confirmed_on", parse_date, False, "2006-07-01"),
    Column(
        "类别",
        "category",
        _choice(_labels(Category), {"正式": "正式党员", "预备": "预备党员"}),
        True,
        "正式党员",
    ),
    Column(
        "状态", "status", _choice(_labels(Status), {"流动": "流动党员", "失联": "失联党员"}), False, "正常"
    ),
    Column("所在党支部代码", "org", _text, True, "SDS-JG01"),
    Column("所在党小组代码", "group", _text, False, ""),
    Column("党员领导干部", "is_leading_cadre", _yes_no, False, "否"),
    Column("双重组织生活组织代码", "dual_org", _text, False, ""),
]
HEADERS = [c.header for c in COLUMNS]
FIELD_HEADER = {c.attr: c.header for c in COLUMNS}
NOTES = [
    "每行一名党员；带 * 的列必须填写：" + "、".join(c.header for c in COLUMNS if c.required) + "。",
    "身份证号按 GB 11643 校验，该列须设为“文本”格式；出生日期和性别可留空，将按身份证号填写。",
    "姓名只用汉字、字母和间隔号“·”（如 阿依古丽·买买提），不能有数字或符号。",
    "日期格式：2020-07-01（也可用 2020/7/1、2020年7月1日）。",
    "类别：正式党员 或 预备党员；状态：" + "、".join(Status.labels) + "（留空为“正常”）。",
    "学历：" + "、".join(Education.labels) + "。",
    "组织代码见“党组织”页面；只能导入到您负责的党组织。",
    "按身份证号匹配：已登记的党员将被更新，重复导入同一文件不会产生变化。",
    "文件中任何一处有误，整个文件都不会导入，请按提示逐条修改后重新上传。",
]
COMPARED = [c.attr for c in COLUMNS if c.attr not in ("org", "group", "dual_org")]
# Checked against the model's own validators (length, control characters); names apart, in _build.
TEXT_FIELDS = {
    c.attr
    for c in COLUMNS
    if isinstance(Member._meta.get_field(c.attr), models.CharField | models.TextField) and c.attr != "name"
}


def template_bytes() -> bytes:
    headers = [c.header + ("*" if c.required else "") for c in COLUMNS]
    return xlsx.styled_template("党员名册", headers, NOTES, [c.example for c in COLUMNS])


FILE_NOT_XLSX = "文件不是有效的 Excel（.xlsx）表格，请使用模板填写后另存为 .xlsx 再上传。"


def _unreadable(exc: Exception) -> ImportRefused:
    if isinstance(exc, xlsx.SheetRefused):
        return ImportRefused([Problem(exc.row, "", str(exc))])
    return ImportRefused([Problem(None, "", FILE_NOT_XLSX)])


def open_book(file: IO[bytes], max_cells: int) -> xlsx.Book:
    try:
        return xlsx.open_book(file, max_cells)
    except (xlsx.NotASpreadsheet, xlsx.SheetRefused) as exc:
        raise _unreadable(exc) from None


Rows = Iterable[tuple[int, tuple]]


def sheet_rows(book: xlsx.Book, sheet: int | str, max_columns: int) -> tuple[list[str], Rows]:
    """The header names of a sheet and an iterator of its non-blank rows; ImportRefused for a sheet that
    cannot be read, is empty, is wider than the template or repeats a header."""
    rows = iter(book.rows(sheet, max_columns))
    try:
        first = next(rows, None)
        # An exported register (re-imported after editing) starts with its title rows: one text each.
        while first and first[0] <= xlsx.TITLE_ROWS and sum(v not in (None, "") for v in first[1]) == 1:
            first = next(rows, None)
    except (xlsx.NotASpreadsheet, xlsx.SheetRefused) as exc:
        raise _unreadable(exc) from None
    if not first or first[0] > xlsx.TITLE_ROWS + 1 or not any(v not in (None, "") for v in first[1]):
        raise ImportRefused([Problem(None, "", "表格是空的，第一行应为表头。")])
    names = [str(h if h is not None else "").strip().rstrip("*") for h in first[1]]
    where: dict[str, int] = {}
    repeated = []
    for i, name in enumerate(names):
        if name in where:
            first_letter, letter = xlsx.column_letter(where[name]), xlsx.column_letter(i)
            repeated.append(
                Problem(
                    first[0], name, f"表头重复：{first_letter}列和{letter}列都是“{name}”，请删除多余的一列"
                )
            )
        elif name:
            where[name] = i
    if repeated:
        raise ImportRefused(repeated)

    def data():
        try:
            yield from rows
        except (xlsx.NotASpreadsheet, xlsx.SheetRefused) as exc:
            raise _unreadable(exc) from None

    return names, data()


def read_rows(file: IO[bytes]) -> tuple[list[str], Rows]:
    """The member register's header names and rows, bounded by the template's width."""
    return sheet_rows(open_book(file, settings.IMPORT_MAX_ROWS * len(COLUMNS)), 0, len(COLUMNS))


def import_members(file: IO[bytes], allowed_orgs, user=None) -> ImportResult:
    """Validate every row, then write all of them in one transaction; raise ImportRefused on any problem."""
    names, rows = read_rows(file)
    missing = [c.header for c in COLUMNS if c.required and c.header not in names]
    if missing:
        raise ImportRefused([Problem(1, h, "缺少必填列，请使用模板") for h in missing])
    index = {name: i for i, name in enumerate(names) if name}
    orgs = {o.code: o for o in Organisation.objects.all()}
    allowed_ids = set(allowed_orgs.values_list("pk", flat=True))
    rows = list(rows)
    hashes = _id_hashes(rows, index)  # once per row: the checks below reuse them
    existing = _existing(list(hashes.values()))
    today = timezone.localdate()
    found: list[Problem] = []
    members: list[tuple[int, Member]] = []
    seen: dict[str, int] = {}
    for row_number, row in rows:
        member, row_problems, id_number = _build(
            row_number, row, index, orgs, allowed_ids, existing, hashes, today
        )
        found.extend(row_problems)
        if id_number in seen:  # also when either row has other problems: both rows are named
            found.append(Problem(row_number, "身份证号", f"与第{seen[id_number]}行重复"))
            continue
        if id_number:
            seen[id_number] = row_number
        if member is not None:
            members.append((row_number, member))
    if not members and not found:
        found.append(Problem(None, "", "表格中没有党员数据。"))
    for row_number, member in members:
        old = existing.get(member.id_number_hash)
        if old is not None and old.org_id not in allowed_ids:
            found.append(
                Problem(
                    row_number,
                    "身份证号",
                    "该身份证号已在其他组织登记，不在您负责的组织内，请联系镇党建办办理组织关系转接",
                )
            )
    if found:
        raise ImportRefused(found)
    return _write(members, existing, user)


def _cell(row, index, header):
    return row[index[header]] if header in index and index[header] < len(row) else None


def _id_hashes(rows, index) -> dict[str, str]:
    """{ID number: look-up hash} of the rows' valid ID numbers."""
    hashes = {}
    for _, row in rows:
        try:
            id_number = _id_number(_cell(row, index, "身份证号"))
        except ValueError:
            continue
        if id_number not in hashes and not idcard.problem(id_number):
            hashes[id_number] = crypto.lookup_hash(id_number)
    return hashes


def _build(
    row_number, row, index, orgs, allowed_ids, existing, hashes, today
) -> tuple[Member | None, list[Problem], str]:
    """The member of a row, or None with the row's problems; and the row's ID number when it is valid
    (`hashes`: the valid ones, from `_id_hashes`)."""
    found: list[Problem] = []
    values: dict[str, object] = {}
    for column in COLUMNS:
        raw = _cell(row, index, column.header)
        try:
            value = column.parse(raw)
        except ValueError as exc:
            found.append(Problem(row_number, column.header, str(exc)))
            continue
        if column.required and value in ("", None):
            found.append(Problem(row_number, column.header, "必填，不能为空"))
            continue
        if column.attr in TEXT_FIELDS and (problem := validators.field_problem(Member, column.attr, value)):
            found.append(Problem(row_number, column.header, problem))
            continue
        values[column.attr] = value
    for attr in ("org", "group", "dual_org"):
        code = values.get(attr)
        if not code:
            values[attr] = None
            continue
        org = orgs.get(code)
        if org is None:
            found.append(Problem(row_number, FIELD_HEADER[attr], f"组织代码“{code}”不存在"))
            values[attr] = None
        elif attr != "dual_org" and org.pk not in allowed_ids:
            found.append(Problem(row_number, FIELD_HEADER[attr], f"“{org.name}”不在您负责的组织内"))
            values[attr] = None
        elif attr == "group" and org.kind != OrgKind.GROUP:
            found.append(Problem(row_number, FIELD_HEADER[attr], f"“{org.name}”不是党小组"))
            values[attr] = None
        else:
            values[attr] = org
    id_number = values.get("id_number", "")
    if id_number not in hashes:
        id_number = ""
    # A name is checked as a name when it is new: one registered before names were checked is kept.
    old = existing.get(hashes[id_number]) if id_number else None
    if values.get("name") and (old is None or old.name != values["name"]):
        if problem := validators.field_problem(Member, "name", values["name"]):
            found.append(Problem(row_number, FIELD_HEADER["name"], problem))
    if found and not id_number:
        return None, found, ""
    member = Member(
        **{k: v for k, v in values.items() if k not in ("org", "group", "dual_org")},
        org=values.get("org"),
        group=values.get("group"),
        dual_org=values.get("dual_org"),
    )
    member.ethnicity = member.ethnicity or "汉族"
    member.status = member.status or Status.NORMAL
    if id_number:
        member.birth_date = member.birth_date or idcard.birth_date(member.id_number)
        member.gender = member.gender or idcard.gender(member.id_number)
    for attr, message in problems(member, today).items():
        found.append(Problem(row_number, FIELD_HEADER.get(attr, attr), message.rstrip("。")))
    if found:
        return None, found, id_number
    member.fill_derived()
    return member, [], id_number


def _existing(hashes: list[str]) -> dict[str, Member]:
    found: dict[str, Member] = {}
    for start in range(0, len(hashes), 500):
        for m in Member.objects.filter(id_number_hash__in=hashes[start : start + 500]).select_related("org"):
            found[m.id_number_hash] = m
    return found


@transaction.atomic
def _write(members: list[tuple[int, Member]], existing: dict[str, Member], user) -> ImportResult:
    result = ImportResult()
    new: list[Member] = []
    changed: list[Member] = []
    for _, member in members:
        old = existing.get(member.id_number_hash)
        if old is None:
            new.append(member)
            continue
        differs = [a for a in COMPARED if getattr(old, a) != getattr(member, a)]
        differs += [a for a in ("org_id", "group_id", "dual_org_id") if getattr(old, a) != getattr(member, a)]
        if not differs:
            result.unchanged += 1
            continue
        member.pk = old.pk
        member.created_at = old.created_at
        changed.append(member)
    if new:
        bulk.insert_with_history(new, key="id_number_hash", user=user)
        verdict_triggers.touch({m.org_id for m in new})
        if len(new) >= 1000:
            bulk.analyze(Member)
    if changed:
        fields = [*COMPARED, "org", "group", "dual_org", "name_pinyin", "phone_hash"]
        bulk_update_with_history(changed, Member, fields, batch_size=500, default_user=user)
        close_departed_logins([m.pk for m in changed])  # bulk updates send no post_save
        before = [existing[m.id_number_hash].org_id for m in changed]
        verdict_triggers.touch({m.org_id for m in changed} | set(before))  # nor mark verdicts stale
        today = timezone.localdate()
        moved = [m for m in changed if existing[m.id_number_hash].org_id != m.org_id]
        Transfer.objects.bulk_create(
            Transfer(
                member=m,
                from_org=existing[m.id_number_hash].org,
                to_org=m.org,
                transferred_on=today,
                reason="名册导入时调整所在党支部",
                created_by=user,
            )
            for m in moved
        )
        for m in moved:
            end_posts_in(m.pk, existing[m.id_number_hash].org, today)
    result.created, result.updated = len(new), len(changed)
    return result
