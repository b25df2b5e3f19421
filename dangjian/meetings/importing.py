"""Importing past activities (JSON or .xlsx) with attendance and record references: all or nothing,
every problem named by row. The formats are documented in docs/import-activities.md.

An activity already in the register (same organisation, kind and start) is left as it is, so importing
the same file twice changes nothing.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dangjian.core import idcard, validators, xlsx
from dangjian.members.importing import ImportRefused, Problem, open_book, sheet_rows
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation
from dangjian.rulebook import rulebook

from . import services
from .models import EXCLUDED_KINDS, Activity, Attendance, AttendanceStatus, Method, Record, Status

STATUS_LABELS = {label: value for value, label in AttendanceStatus.choices}
ACTIVITY_HEADERS = [
    "编号",
    "组织代码",
    "类型",
    "主题",
    "开始时间",
    "结束时间",
    "地点",
    "主持人",
    "记录人",
    "授课人",
    "环节",
    "会议记录",
]
ATTENDANCE_HEADERS = ["活动编号", "党员", "出勤", "请假事由"]
RECORD_HEADERS = ["活动编号", "记录类型", "档案位置"]


@dataclass
class Row:
    """One activity as read from either format, with where each part came from (for problem messages)."""

    where: int
    sheet: str
    data: dict
    attendance: list[tuple[int, str, dict]] = field(default_factory=list)  # (row, sheet, data)
    records: list[tuple[int, str, dict]] = field(default_factory=list)


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    attendance: int = 0
    records: int = 0


def parse_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        match = re.fullmatch(
            r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2})(?::\d{2})?", _text(value)
        )
        if not match:
            raise ValueError("时间格式应为 2024-05-10 09:00")
        try:
            moment = dt.datetime(*(int(g) for g in match.groups()))
        except ValueError:
            raise ValueError("不存在这个时间，请核对") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _text(value) -> str:
    """A cell or JSON value as text; ValueError for one that holds no text (an Excel error, TRUE/FALSE)."""
    return xlsx.text_cell(value)


# ---- reading ----


def read_json(path: Path) -> list[Row]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRefused([Problem(None, "", f"文件不是有效的 JSON：{exc}")]) from exc
    items = data.get("activities") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ImportRefused([Problem(None, "", 'JSON 顶层应为 {"activities": [...]}。')])
    if len(items) > settings.IMPORT_MAX_ROWS:
        raise ImportRefused(
            [Problem(None, "", f"活动超过 {settings.IMPORT_MAX_ROWS} 项，请分成几个文件分批导入。")]
        )
    rows, found = [], []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            found.append(Problem(n, "", "每项活动应为一个对象（{...}）。"))
            continue
        row = Row(n, "活动", item)
        for key, target in (("attendance", row.attendance), ("records", row.records)):
            entries = item.get(key) or []
            if not isinstance(entries, list):
                found.append(Problem(n, key, "应为列表（[...]）"))
                continue
            for i, entry in enumerate(entries, start=1):
                if isinstance(entry, dict):
                    target.append((n, f"{key}[{i}]", entry))
                else:
                    found.append(Problem(n, f"{key}[{i}]", "每一项应为一个对象（{...}）"))
        rows.append(row)
    if found:
        raise ImportRefused(found)
    return rows


def read_parts(value) -> list[str]:
    """环节 as a list, or as one text separated by 、，; or spaces (as in the .xlsx column);
    ValueError for anything else."""
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        return [p.strip() for p in value if p.strip()]
    if isinstance(value, list | dict):
        raise ValueError('应为文字列表（如 ["集中学习", "交纳党费"]）或用顿号分隔的文字')
    return [p for p in re.split(r"[、,，;；\s]+", _text(value)) if p]


JSON_KEYS = {
    "编号": "id",
    "组织代码": "org",
    "类型": "kind",
    "主题": "title",
    "开始时间": "start",
    "结束时间": "end",
    "地点": "place",
    "主持人": "host",
    "记录人": "recorder",
    "授课人": "speaker",
    "环节": "parts",
    "会议记录": "minutes",
    "党员": "member",
    "出勤": "status",
    "请假事由": "leave_reason",
    "记录类型": "kind",
    "档案位置": "reference",
}


SHEETS = {"出勤": ("attendance", ATTENDANCE_HEADERS), "记录": ("records", RECORD_HEADERS)}


def read_xlsx(path: Path) -> list[Row]:
    with path.open("rb") as file:
        widest = len(ACTIVITY_HEADERS) + sum(len(h) for _, h in SHEETS.values())
        book = open_book(file, settings.IMPORT_MAX_ROWS * widest)
        names, rows = sheet_rows(book, 0, len(ACTIVITY_HEADERS))
        found = [Problem(1, h, "缺少必填列，请使用模板") for h in ACTIVITY_HEADERS[:6] if h not in names]
        if found:
            raise ImportRefused(found)
        by_id: dict[str, Row] = {}
        result = []
        for number, values in rows:
            data = {JSON_KEYS[n]: v for n, v in zip(names, values, strict=False) if n in JSON_KEYS}
            row = Row(number, "活动", data)
            try:
                key = _text(data.get("id"))
            except ValueError as exc:
                found.append(Problem(number, "编号", str(exc)))
                continue
            if key in by_id:  # a blank 编号 is allowed: that activity just cannot have 出勤 or 记录 rows
                found.append(Problem(number, "编号", f"与第{by_id[key].where}行重复"))
            elif key:
                by_id[key] = row
            result.append(row)
        for sheet, (target, headers) in SHEETS.items():
            if sheet not in book.names:
                continue
            header, entries = sheet_rows(book, sheet, len(headers))
            header = ["编号" if h == "活动编号" else h for h in header]
            for number, values in entries:
                data = {JSON_KEYS[h]: v for h, v in zip(header, values, strict=False) if h in JSON_KEYS}
                try:
                    owner = by_id.get(_text(data.get("id")))
                except ValueError as exc:
                    found.append(Problem(number, f"{sheet}·活动编号", str(exc)))
                    continue
                if owner is None:
                    found.append(Problem(number, f"{sheet}·活动编号", "在“活动”表中找不到这个编号"))
                else:
                    getattr(owner, target).append((number, sheet, data))
    if found:
        raise ImportRefused(found)
    return result


# ---- validating and writing ----


class _Members:
    """Finds members by ID number, or by name within the branch (names must then be unique there)."""

    def __init__(self):
        self.by_branch: dict[int, list[Member]] = {}

    def find(self, branch: Organisation, value) -> Member:
        text = _text(value)
        if not text:
            raise ValueError("请填写党员姓名或身份证号")
        if branch.pk not in self.by_branch:
            self.by_branch[branch.pk] = list(
                Member.objects.filter(org=branch) | Member.objects.filter(dual_org=branch)
            )
        pool = self.by_branch[branch.pk]
        if idcard.problem(idcard.normalise(text)) is None:
            match = [m for m in pool if m.id_number == idcard.normalise(text)]
        else:
            match = [m for m in pool if m.name == text]
            if len(match) > 1:
                raise ValueError(f"本支部有{len(match)}名“{text}”，请改填身份证号")
        if not match:
            raise ValueError(f"“{text}”不是{branch}的党员")
        return match[0]


def import_activities(rows: list[Row], allowed_orgs, user=None) -> ImportResult:
    book = rulebook.current()
    kinds = {i.code: i.code for i in book.activity_items() if i.code not in EXCLUDED_KINDS}
    kinds |= {i.name: i.code for i in book.activity_items() if i.code not in EXCLUDED_KINDS}
    record_kinds = {k.code: k.code for k in book.record_kinds.values()} | {
        k.name: k.code for k in book.record_kinds.values()
    }
    orgs = {o.code: o for o in Organisation.objects.all()}
    allowed = set(allowed_orgs.values_list("pk", flat=True))
    members = _Members()
    found: list[Problem] = []
    built = []
    seen: dict[tuple, int] = {}
    if not rows:
        raise ImportRefused([Problem(None, "", "文件中没有活动。")])
    for row in rows:
        activity, extra, problems = _build(row, kinds, record_kinds, orgs, allowed, members)
        found += problems
        if activity is None:
            continue
        key = (activity.org_id, activity.kind, activity.planned_start)
        if key in seen:
            found.append(
                Problem(row.where, "开始时间", f"与第{seen[key]}行是同一活动（组织、类型、开始时间相同）")
            )
            continue
        seen[key] = row.where
        built.append((activity, *extra))
    if found:
        raise ImportRefused(found)
    return _write(built, user)


def _build(row, kinds, record_kinds, orgs, allowed, members):
    found: list[Problem] = []
    d = row.data

    def problem(column, message, where=None):
        found.append(Problem(where or row.where, column, message))

    def text(data, key, column, model=None, where=None) -> str | None:
        """The value as text, checked against the model field it is stored in (length, control
        characters); None, with the problem recorded, when it is not usable."""
        try:
            value = _text(data.get(key))
        except ValueError as exc:
            problem(column, str(exc), where)
            return None
        if model is not None:
            message = validators.field_problem(model, key, value)
        else:  # a code or a name to look up: nothing unprintable reaches the look-ups and messages
            message = (validators.control_problem(value) or "").rstrip("。")
        if message:
            problem(column, message, where)
            return None
        return value

    org = None
    if (org_code := text(d, "org", "组织代码")) is not None:
        org = orgs.get(org_code)
        if org is None:
            problem("组织代码", f"组织代码“{org_code}”不存在")
        elif org.pk not in allowed:
            problem("组织代码", f"“{org}”不在您负责的组织内")
            org = None
    kind = kinds.get(text(d, "kind", "类型") or "")
    if kind is None:
        problem("类型", "应为以下之一：" + "、".join(k for k in kinds if not k.isascii()))
    title = text(d, "title", "主题", Activity)
    if title == "":
        problem("主题", "必填，不能为空")
    times = {}
    for key, label in (("start", "开始时间"), ("end", "结束时间")):
        try:
            times[key] = parse_datetime(d.get(key))
        except ValueError as exc:
            problem(label, str(exc))
    try:
        parts = read_parts(d.get("parts"))
    except ValueError as exc:
        problem("环节", str(exc))
        parts = []
    activity = Activity(
        org=org,
        kind=kind or "",
        title=title or "",
        place=text(d, "place", "地点", Activity) or "",
        status=Status.HELD,
        parts=parts,
        minutes=services.sanitize_minutes(text(d, "minutes", "会议记录", Activity) or ""),
        planned_start=times.get("start"),
        planned_end=times.get("end"),
        actual_start=times.get("start"),
        actual_end=times.get("end"),
    )
    if org is not None:
        branch = services.branch_of(org)
        for attr, label in (("host", "主持人"), ("recorder", "记录人"), ("speaker", "授课人")):
            who = text(d, attr, label)
            if not who:
                continue
            try:
                setattr(activity, attr, members.find(branch, who))
            except ValueError as exc:
                if attr != "speaker":
                    problem(label, str(exc))
                else:  # an instructor or a speaker from elsewhere: found anywhere by ID number
                    speaker = Member.objects.by_id_number(who).first()
                    if speaker is None:
                        problem(label, "授课人请填写身份证号（非本支部党员时）")
                    activity.speaker = speaker
    labels = {
        "org": "组织代码",
        "kind": "类型",
        "planned_end": "结束时间",
        "actual_end": "结束时间",
        "parts": "环节",
        "host": "主持人",
        "recorder": "记录人",
        "speaker": "授课人",
    }
    if org is not None and kind and len(times) == 2:
        for attr, message in services.activity_problems(activity).items():
            problem(labels.get(attr, attr), message.rstrip("。"))
    attendance = []
    for where, sheet, a in row.attendance:
        status = text(a, "status", f"{sheet}·出勤", where=where)
        reason = text(a, "leave_reason", f"{sheet}·请假事由", Attendance, where)
        who = text(a, "member", f"{sheet}·党员", where=where)
        if status is None or reason is None or who is None:
            continue
        status = STATUS_LABELS.get(status, status)
        if status not in AttendanceStatus.values:
            problem(f"{sheet}·出勤", "应为出席、迟到、请假或缺席", where)
            continue
        if org is None:
            continue
        try:
            member = members.find(services.branch_of(org), who)
        except ValueError as exc:
            problem(f"{sheet}·党员", str(exc), where)
            continue
        if any(m.pk == member.pk for m, _, _ in attendance):
            problem(f"{sheet}·党员", f"{member.name}重复登记", where)
            continue
        attendance.append((member, status, reason))
    records = []
    for where, sheet, r in row.records:
        kind_text = text(r, "kind", f"{sheet}·记录类型", where=where)
        reference = text(r, "reference", f"{sheet}·档案位置", Record, where)
        if kind_text is None or reference is None:
            continue
        code = record_kinds.get(kind_text)
        if code is None:
            problem(f"{sheet}·记录类型", f"“{kind_text}”不是规则文件中的记录类型", where)
        elif not reference:
            problem(f"{sheet}·档案位置", "请写明纸质记录的存放位置（如 档案盒2024-05）", where)
        else:
            records.append((code, reference))
    if found:
        return None, (), found
    return activity, (attendance, records), []


@transaction.atomic
def _write(built, user) -> ImportResult:
    result = ImportResult()
    now = timezone.now()
    for activity, attendance, records in built:
        if Activity.objects.filter(
            org=activity.org, kind=activity.kind, planned_start=activity.planned_start
        ).exists():
            result.unchanged += 1
            continue
        activity.created_by = user
        # The file lists who was expected; today's register says nothing about a meeting years ago.
        services.save_activity(activity, user, notify=False, sync=False)
        for member, status, reason in attendance:
            Attendance.objects.create(
                activity=activity,
                member=member,
                status=status,
                method=Method.IMPORT,
                entered_by=user,
                entered_at=now,
                leave_reason=reason,
            )
        Record.objects.bulk_create(
            Record(activity=activity, kind=code, reference=ref, uploaded_by=user) for code, ref in records
        )
        result.created += 1
        result.attendance += len(attendance)
        result.records += len(records)
    return result


def import_file(path: Path, allowed_orgs, user=None) -> ImportResult:
    if path.suffix.lower() == ".json":
        rows = read_json(path)
    elif path.suffix.lower() == ".xlsx":
        rows = read_xlsx(path)
    else:
        raise ImportRefused([Problem(None, "", "只能导入 .json 或 .xlsx 文件。")])
    return import_activities(rows, allowed_orgs, user)
