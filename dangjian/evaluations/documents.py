"""The campaign's records as the documents branches file: 登记表, 自评表, 测评表 and the two lists.

Each document is built once as plain blocks (headings, paragraphs, tables) and written to .docx,
.pdf (WeasyPrint, Noto Sans CJK SC) or .xlsx, so the formats cannot drift apart.
"""

import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO

from django.template.loader import render_to_string
from django.utils import timezone

from dangjian.core import xlsx

from . import services
from .models import Campaign, Decision
from .ruleset import EXCELLENT, UNQUALIFIED, current


@dataclass
class Table:
    headers: list[str]
    rows: list[list]  # text, or dates


@dataclass
class Section:
    heading: str = ""
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None
    page_break: bool = False


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section]
    record_kind: str  # the rulebook's record kind code

    def filename(self, ext: str) -> str:
        return f"{self.title}-{self.subtitle}.{ext}".replace("/", "-")


def _grade(code: str) -> str:
    return current().grade_name(code) if code else ""


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def _head(campaign: Campaign) -> str:
    return f"{campaign.org.name} {campaign.year}年度"


TOO_FEW = "票数过少，不公布"


def _secrecy_notes(result) -> list[str]:
    """The warning every document with results carries when counts are withheld."""
    if not (result.small_group or result.public_hidden):
        return []
    return [
        f"注意：测评票少于 {current().min_ballots} 张的，按等次公布票数会暴露个人投票，"
        f"不公布分项票数和测评建议（{current().secrecy_source}）"
    ]


def register(campaign: Campaign, reads_discipline: bool = True) -> Document:
    """登记表: every member of the branch, how they took part, the votes and the decision. Without
    `reads_discipline` the reasons that may reveal a sanction are left out (`services.shown_reason`)."""
    decisions = {d.member_id: d for d in campaign.decisions.all()}
    selfs = {s.member_id: s for s in campaign.self_evaluations.all()}
    counts, notes = {}, []
    if campaign.status in (Campaign.Status.CLOSED, Campaign.Status.DECIDED):
        result = services.tally_for(campaign)
        counts, notes = {row.member_id: row for row in result.members}, _secrecy_notes(result)
    rows = []
    for i, p in enumerate(campaign.participants.select_related("member").order_by("member__name_pinyin"), 1):
        m, d, s, c = p.member, decisions.get(p.member_id), selfs.get(p.member_id), counts.get(p.member_id)
        votes = ("／".join(str(c.counts[g]) for g in current().grades) if c.counts else TOO_FEW) if c else ""
        rows.append(
            [
                str(i),
                m.name,
                m.get_gender_display(),
                f"{m.joined_on:%Y-%m}",
                m.get_category_display(),
                "已提交" if s and s.submitted else ("草稿" if s else "未填写") if p.writes_self else "—",
                _grade(s.self_grade) if s else "",
                votes,
                _grade(c.proposed) if c else "",
                _grade(d.grade) if d else ("" if p.graded else "不参评"),
                d.reason if d else services.shown_reason(p, reads_discipline),
            ]
        )
    meeting = (
        f"党员大会：{campaign.meeting_name} {campaign.meeting_day:%Y年%m月%d日}"
        if campaign.meeting_day
        else "党员大会：未填写"
    )
    return Document(
        "民主评议党员登记表",
        _head(campaign),
        [
            Section(
                paragraphs=[
                    meeting,
                    f"参加测评 {campaign.ballots.count()} 票；党员测评票数依次为 优秀／合格／基本合格／不合格"
                    "（群众代表测评票另见测评表）。",
                    *notes,
                ]
            ),
            Section(
                table=Table(
                    [
                        "序号",
                        "姓名",
                        "性别",
                        "入党时间",
                        "类别",
                        "个人自评",
                        "自评等次",
                        "测评票数",
                        "测评建议",
                        "组织评定",
                        "评定理由",
                    ],
                    rows,
                )
            ),
        ],
        "evaluation_register",
    )


def self_forms(campaign: Campaign, member_ids: list[int] | None = None) -> Document:
    """自评表: one page per member who wrote a self-evaluation."""
    records = campaign.self_evaluations.select_related("member").order_by("member__name_pinyin")
    if member_ids is not None:
        records = records.filter(member_id__in=member_ids)
    sections = []
    for record in records:
        m = record.member
        sections.append(
            Section(
                heading=f"{m.name}（{m.get_gender_display()}，{m.joined_on:%Y年%m月}入党，{m.get_category_display()}）",
                table=Table(
                    ["项目", "内容"],
                    [
                        ["学习和思想情况", record.study],
                        ["履行党员义务、发挥作用情况", record.duties],
                        ["存在的不足", record.shortcomings],
                        ["努力方向和改进措施", record.plans],
                        ["自评等次", _grade(record.self_grade)],
                        [
                            "提交日期",
                            f"{record.submitted_on:%Y年%m月%d日}" if record.submitted else "草稿，未提交",
                        ],
                    ],
                ),
                page_break=bool(sections),
            )
        )
    if not sections:
        sections = [Section(paragraphs=["暂无个人自评。"])]
    return Document("党员个人自评表", _head(campaign), sections, "self_evaluation_form")


def assessment(campaign: Campaign) -> Document:
    """测评表: the blank form for paper voting, and after the close the counted results."""
    members = services.graded_members(campaign)
    grades = list(current().grades.values())
    blank = Table(
        ["序号", "姓名", *grades, "意见建议"],
        [[str(i), m.name, "", "", "", "", ""] for i, m in enumerate(members, 1)],
    )
    sections = [
        Section(
            heading="民主测评表（无记名）",
            paragraphs=["请在每名党员相应等次栏内划“√”，每人只选一个等次；不署名。"],
            table=blank,
        )
    ]
    if campaign.status in (Campaign.Status.CLOSED, Campaign.Status.DECIDED):
        result = services.tally_for(campaign)
        names = {m.pk: m.name for m in members}
        rows = []
        for r in result.members:
            own = [f"{r.counts[g]}（{_pct(r.shares[g])}）" for g in current().grades] if r.counts else []
            public = [str(r.public_counts[g]) for g in current().grades] if r.public_counts else []
            rows.append(
                [
                    names[r.member_id],
                    *(own or [TOO_FEW] * len(grades)),
                    "／".join(public) if public else (TOO_FEW if r.public_ballots else "—"),
                    (_grade(r.proposed) or "—") + ("（受优秀比例限制）" if r.capped else ""),
                ]
            )
        notes = [
            f"共收回党员测评票 {result.ballots} 张、群众代表测评票 {result.public_ballots} 张。"
            "群众代表票数依次为 优秀／合格／基本合格／不合格。",
            *_secrecy_notes(result),
        ]
        sections.append(
            Section(
                heading="民主测评结果汇总",
                paragraphs=notes,
                table=Table(["姓名", *grades, "群众代表", "测评建议等次"], rows),
                page_break=True,
            )
        )
    return Document("民主评议党员测评表", _head(campaign), sections, "assessment_form")


def excellent_list(campaign: Campaign) -> Document:
    decisions = _decisions(campaign, EXCELLENT)
    rows = [
        [str(i), d.member.name, d.member.get_gender_display(), f"{d.member.joined_on:%Y-%m}", d.reason]
        for i, d in enumerate(decisions, 1)
    ]
    return Document(
        "优秀党员名单",
        _head(campaign),
        [Section(table=Table(["序号", "姓名", "性别", "入党时间", "评定理由"], rows))],
        "excellent_list",
    )


def unqualified_list(campaign: Campaign) -> Document:
    rules = current()
    rows = []
    for i, d in enumerate(_decisions(campaign, UNQUALIFIED), 1):
        disposal = getattr(d, "disposal", None)
        measure = rules.disposals.get(disposal.measure) if disposal else None
        rows.append(
            [
                str(i),
                d.member.name,
                d.member.get_gender_display(),
                d.reason,
                measure.name if measure else "未确定",
                disposal.deadline if disposal else "",
                disposal.get_follow_up_display() if disposal else "",
                disposal.notes if disposal else "",
            ]
        )
    return Document(
        "不合格党员名单及处置措施",
        _head(campaign),
        [
            Section(
                table=Table(
                    ["序号", "姓名", "性别", "评定理由", "处置措施", "期限", "落实情况", "跟踪记录"], rows
                )
            ),
            Section(paragraphs=[f"{d.name}：{d.condition}（{d.source}）" for d in rules.disposals.values()]),
        ],
        "unqualified_list",
    )


def _decisions(campaign: Campaign, grade: str):
    return (
        Decision.objects.filter(campaign=campaign, grade=grade)
        .select_related("member", "disposal")
        .order_by("member__name_pinyin")
    )


BUILDERS = {
    "register": (register, ("docx", "pdf")),
    "self": (self_forms, ("docx", "pdf")),
    "assessment": (assessment, ("docx", "pdf")),
    "excellent": (excellent_list, ("xlsx", "docx")),
    "unqualified": (unqualified_list, ("xlsx", "docx")),
}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": xlsx.XLSX_TYPE,
}


def _text(value) -> str:
    """A value as Word text: dates in Chinese, and none of the control characters XML cannot carry (stored
    text may hold them; python-docx refuses them)."""
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return xlsx.xml_text(str(value or ""))


def to_docx(doc: Document) -> bytes:
    from docx import Document as Word
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    word = Word()
    style = word.styles["Normal"]
    style.font.name, style.font.size = "宋体", Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    widest = max((len(s.table.headers) for s in doc.sections if s.table), default=0)
    if widest > 7:
        section = word.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    title = word.add_heading(_text(doc.title), level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.add_paragraph(_text(doc.subtitle)).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for s in doc.sections:
        if s.page_break:
            word.add_page_break()
        if s.heading:
            word.add_heading(_text(s.heading), level=2)
        for text in s.paragraphs:
            word.add_paragraph(_text(text))
        if s.table:
            table = word.add_table(rows=1, cols=len(s.table.headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, s.table.headers, strict=True):
                cell.text = _text(text)
                cell.paragraphs[0].runs[0].bold = True
            for row in s.table.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = _text(text)
    word.add_paragraph(f"导出日期：{timezone.localdate():%Y年%m月%d日}")
    buffer = BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def to_pdf(doc: Document) -> bytes:
    from weasyprint import HTML

    widest = max((len(s.table.headers) for s in doc.sections if s.table), default=0)
    html = render_to_string(
        "evaluations/document.html",
        {
            "doc": doc,
            "landscape": widest > 7,
            "today": timezone.localdate(),
        },
    )
    return HTML(string=html).write_pdf()


def to_xlsx(doc: Document) -> bytes:
    table = next(s.table for s in doc.sections if s.table)
    return xlsx.workbook_bytes(doc.title, table.headers, table.rows, org=doc.subtitle)


WRITERS = {"docx": to_docx, "pdf": to_pdf, "xlsx": to_xlsx}
