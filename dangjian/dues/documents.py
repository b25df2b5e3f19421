"""The 党费交纳台帐 of a branch (.xlsx and .pdf, the layout branches file) and the town's summary (.xlsx).

The PDF reuses the evaluations app's document blocks and renderer (WeasyPrint, Noto Sans CJK SC)."""

from dangjian.core import xlsx
from dangjian.evaluations.documents import Document, Section, Table
from dangjian.evaluations.documents import to_pdf as _to_pdf

from . import services
from .rates import current

LEDGER_HEADERS = [
    "序号",
    "姓名",
    "交纳类别",
    "计算基数（元/月）",
    "比例",
    "应交（元）",
    "实交（元）",
    "交纳日期",
    "所属月份",
    "备注",
]
TITLE = "党费交纳台帐"


def branch_ledger(org, year: int, month: int | None = None) -> Document:
    rows = services.branch_ledger(org, year, month)
    period = f"{year}年{month}月" if month else f"{year}年"
    body = [
        [
            i,
            r.member.name,
            r.category,
            "" if r.base is None else f"{r.base:.2f}",
            r.rate,
            f"{r.due:.2f}",
            f"{r.paid:.2f}",
            r.paid_on or "",
            r.months,
            r.notes,
        ]
        for i, r in enumerate(rows, 1)
    ]
    due = sum((r.due for r in rows), services.ZERO)
    paid = sum((r.paid for r in rows), services.ZERO)
    body.append(["", "合计", "", "", "", f"{due:.2f}", f"{paid:.2f}", "", "", ""])
    book = current()
    notes = [f"交纳标准：{book.source}；金额按月计算，{book.rounding_source.removeprefix('本地做法：')}"]
    return Document(
        title=TITLE,
        subtitle=f"{org.name}　{period}",
        sections=[Section(table=Table(LEDGER_HEADERS, body)), Section(paragraphs=notes)],
        record_kind=book.theme_record,
    )


def to_xlsx(doc: Document) -> bytes:
    table = next(s.table for s in doc.sections if s.table)
    return xlsx.workbook_bytes(doc.title, table.headers, table.rows, org=doc.subtitle)


def to_pdf(doc: Document) -> bytes:
    return _to_pdf(doc)


def summary_xlsx(rows: list[services.SummaryRow], year: int, scope: str) -> bytes:
    headers = [
        "党组织",
        *[f"{m}月实收" for m in range(1, 13)],
        "全年应交",
        "全年实收",
        "收缴率",
        "上缴金额",
        "最近上缴日期",
    ]
    body = []
    for r in rows:
        total = r.total
        body.append(
            [
                r.name,
                *[f"{c.paid:.2f}" for c in r.months],
                f"{total.due:.2f}",
                f"{total.paid:.2f}",
                "" if total.rate is None else f"{total.rate}%",
                f"{r.remitted:.2f}",
                r.remitted_on,
            ]
        )
    return xlsx.workbook_bytes("党费收缴汇总", headers, body, org=scope, period=f"{year}年")
