"""A round's exports: the findings as .xlsx (the one .xlsx writer) and the 督查情况报告 as .docx (the
document blocks and Word writer of `evaluations.documents`)."""

from django.http import Http404, HttpResponse
from django.utils import timezone

from dangjian.core import xlsx
from dangjian.evaluations.documents import CONTENT_TYPES, Document, Section, Table, to_docx

from . import services
from .models import Round

HEADERS = [
    "党支部",
    "组织代码",
    "检查项",
    "结果",
    "情况说明",
    "检查时间",
    "督查人员",
    "整改状态",
    "整改时限",
    "整改答复",
]


def _who(user) -> str:
    if user is None:
        return ""
    return user.member.name if user.member_id else (user.get_full_name() or user.username)


def _period(r: Round) -> str:
    return f"检查期间 {r.period_start:%Y年%-m月%-d日}至{r.period_end:%Y年%-m月%-d日}"


def finding_rows(r: Round) -> list[list]:
    found = services.summary(r)
    rows = []
    for f in found.findings:
        rect = getattr(f, "rectification", None)
        answers = [s.text for s in rect.steps.all() if s.action == "answer"] if rect else []
        rows.append(
            [
                f.org.name,
                f.org.code,
                f.item.name,
                f.get_result_display(),
                f.notes,
                timezone.localtime(f.found_at),
                _who(f.inspector),
                rect.get_status_display() + ("（逾期）" if rect.is_overdue() else "") if rect else "",
                rect.deadline if rect else "",
                answers[-1] if answers else "",
            ]
        )
    return rows


def findings_xlsx(r: Round) -> bytes:
    return xlsx.workbook_bytes(
        f"督查发现-{r.name}", HEADERS, finding_rows(r), org=r.org.name, period=_period(r)
    )


def _counts(c) -> list:
    return [str(c.conforming), str(c.partly), str(c.nonconforming), str(c.total)]


def report(r: Round) -> Document:
    """督查情况报告: the round, counts per checklist item and per branch, then the 整改 of each 不符合."""
    s = services.summary(r)
    n_branches = len(s.per_branch)
    done = sum(1 for _, c in s.per_branch if c.total)
    intro = (
        f"{r.org.name}党建办于{_period(r)[5:]}开展“{r.name}”，督查方式：{'、'.join(r.method_labels())}。"
        f"按风险信号、合规情况和距上次督查时间抽取党支部 {n_branches} 个（抽样种子 {r.seed}），"
        f"已检查 {done} 个，共形成检查结果 {len(s.findings)} 项。"
    )
    result_heads = ["符合", "基本符合", "不符合", "合计"]
    rect_line = "；".join(f"{label} {n} 条" for label, n in s.rect_states.items())
    nonconforming = [f for f in s.findings if f.result == "nonconforming"]
    return Document(
        title="督查情况报告",
        subtitle=r.name,
        record_kind="",
        sections=[
            Section(paragraphs=[intro]),
            Section(
                heading="一、按检查项统计",
                table=Table(
                    ["序号", "检查项", *result_heads],
                    [[str(i.seq), i.name, *_counts(c)] for i, c in s.per_item],
                ),
            ),
            Section(
                heading="二、按党支部统计",
                table=Table(["党支部", *result_heads], [[o.name, *_counts(c)] for o, c in s.per_branch]),
            ),
            Section(
                heading="三、整改情况",
                paragraphs=[
                    f"不符合项形成整改要求 {sum(s.rect_states.values())} 条：{rect_line}；"
                    f"其中逾期 {s.overdue} 条。"
                ],
                table=Table(
                    ["党支部", "检查项", "问题", "整改时限", "状态"],
                    [
                        [
                            f.org.name,
                            f.item.name,
                            f.notes,
                            f.rectification.deadline,
                            f.rectification.get_status_display(),
                        ]
                        for f in nonconforming
                    ],
                )
                if nonconforming
                else None,
            ),
        ],
    )


def download(r: Round, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        return xlsx.download(f"督查发现-{r.name}.xlsx", findings_xlsx(r))
    if fmt == "docx":
        doc = report(r)
        return xlsx.attachment(
            HttpResponse(to_docx(doc), content_type=CONTENT_TYPES["docx"]), doc.filename("docx")
        )
    raise Http404
