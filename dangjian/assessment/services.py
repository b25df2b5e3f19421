"""What the pages, the API and the commands ask of the assessment: the scheme of a year, a branch's sheet,
the town table, the 定稿 with corrections, the office's entries, 申诉 and the ranking's publication.

The facts are read once per call (the compliance matrix or a branch's verdicts, the findings, the entries)
and scored by the pure functions of `scoring`."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dangjian.compliance import services as compliance
from dangjian.compliance.facts import under
from dangjian.orgs.choices import OrgCategory, OrgKind
from dangjian.orgs.models import Organisation

from . import scheme as schemes
from . import scoring, sources, surveys
from .models import Correction, Entry, FrozenSheet, Objection, SchemeVersion, YearState

DEFAULT_LABEL = "默认方案"
TABLE_NOTE = (
    "得分率 = 得分 ÷ 目前可得分 × 100；尚无结论的指标（待定）不计入可得分。"
    "排名在同类（村、社区、企业、机关等）党组织中进行。"
)


# ---- 方案 ----


def published_version(year: int, as_of: dt.date | None = None) -> SchemeVersion | None:
    found = SchemeVersion.objects.filter(year=year, status=SchemeVersion.Status.PUBLISHED)
    if as_of is not None:
        found = found.filter(effective_from__lte=as_of)
    return found.order_by("-effective_from", "-version").first()


def scheme_for(year: int, as_of: dt.date | None = None) -> tuple[schemes.Scheme, str]:
    """The scheme a year is scored by: its finalised text, else the version published for it and in
    effect on `as_of`, else the default file."""
    state = YearState.objects.filter(year=year, finalised_at__isnull=False).first()
    if state and state.scheme_text:
        return schemes.parsed(state.scheme_text), state.scheme_version
    version = published_version(year, as_of or timezone.localdate())
    if version:
        return schemes.parsed(version.text), f"{year}年第{version.version}版"
    return schemes.default(), DEFAULT_LABEL


def _scheme_text(year: int) -> tuple[str, str]:
    version = published_version(year, timezone.localdate()) or published_version(year)
    if version:
        return version.text, f"{year}年第{version.version}版"
    return schemes.default_text(), DEFAULT_LABEL


def _check(text: str) -> None:
    try:
        schemes.parse(text, schemes.rule_codes())
    except schemes.SchemeError as exc:
        raise ValidationError(exc.problems) from exc


@transaction.atomic
def create_draft(year: int, user) -> SchemeVersion:
    """A draft for the year, starting from the scheme in force (or the default)."""
    existing = SchemeVersion.objects.filter(year=year, status=SchemeVersion.Status.DRAFT).first()
    if existing:
        return existing
    if year_state(year).is_final:
        raise ValidationError(f"{year}年度考核已定稿，不能再修改方案。")
    last = SchemeVersion.objects.filter(year=year).order_by("-version").first()
    text, _ = _scheme_text(year)
    today = timezone.localdate()
    return SchemeVersion.objects.create(
        year=year,
        version=(last.version + 1) if last else 1,
        text=text,
        effective_from=today if today.year == year else dt.date(year, 1, 1),
        created_by=user,
    )


def save_draft(draft: SchemeVersion, text: str, effective_from: dt.date) -> None:
    if draft.status != SchemeVersion.Status.DRAFT:
        raise ValidationError("已发布的方案不能修改；请新建草稿。")
    if effective_from.year != draft.year:
        raise ValidationError(f"生效日期应在 {draft.year} 年内。")
    _check(text)
    draft.text, draft.effective_from = text, effective_from
    draft.full_clean()
    draft.save()


@transaction.atomic
def publish_scheme(draft: SchemeVersion) -> None:
    draft = SchemeVersion.objects.select_for_update().get(pk=draft.pk)
    if draft.status != SchemeVersion.Status.DRAFT:
        raise ValidationError("该方案已发布。")
    if year_state(draft.year).is_final:
        raise ValidationError(f"{draft.year}年度考核已定稿，不能再发布方案。")
    _check(draft.text)
    draft.status, draft.published_at = SchemeVersion.Status.PUBLISHED, timezone.now()
    draft.save(update_fields=["status", "published_at"])


# ---- 考核表 ----


def year_state(year: int) -> YearState:
    return YearState.objects.filter(year=year).first() or YearState(year=year)


@dataclass
class TableRow:
    sheet: scoring.Sheet
    rank: tuple[int, int] | None
    previous: float | None  # last year's finalised score

    @property
    def change(self) -> float | None:
        if self.sheet.score is None or self.previous is None:
            return None
        return round(self.sheet.score - self.previous, 1)


@dataclass
class Table:
    year: int
    scheme: schemes.Scheme
    scheme_label: str
    state: YearState
    rows: list[TableRow]

    def by_area(self) -> list[tuple[str, float | None]]:
        """The town's average share of points earned per area (percent), for the chart."""
        found = []
        for ind in self.scheme.indicators:
            if ind.kind == "adjust":
                continue
            points = [
                line.points
                for r in self.rows
                for line in r.sheet.lines
                if line.code == ind.code and line.points is not None
            ]
            found.append(
                (
                    ind.area,
                    round(100 * sum(points) / (len(points) * ind.weight), 1)
                    if points and ind.weight
                    else None,
                )
            )
        return found

    def distribution(self) -> list[tuple[str, int]]:
        return [(g.name, sum(r.sheet.grade == g.code for r in self.rows)) for g in self.scheme.grades]


def _links(year: int):
    template = reverse("compliance:verdict", args=["ORG", "RULE"])

    def links(code: str, rules) -> dict[str, str]:
        return {r: template.replace("ORG", code, 1).replace("RULE", r, 1) + f"?year={year}" for r in rules}

    return links


def _entries(year: int, org_ids) -> dict[int, dict[str, scoring.Entry]]:
    found: dict[int, dict[str, scoring.Entry]] = {}
    rows = Entry.objects.filter(year=year)
    if org_ids is not None:
        rows = rows.filter(org_id__in=org_ids)
    for e in rows:
        found.setdefault(e.org_id, {})[e.indicator] = scoring.Entry(e.points, e.note)
    return found


def _survey_url(survey, org_id: int) -> str:
    return reverse("assessment:survey", args=[survey.pk]) + f"#org-{org_id}"


def _scheme_rules(scheme: schemes.Scheme) -> list[str]:
    return [r for i in scheme.indicators for r in i.rules] + [v.rule for v in scheme.vetoes]


def live_sheets(roots, year: int, as_of: dt.date) -> tuple[list[scoring.Sheet], schemes.Scheme, str]:
    """Every branch under `roots` scored from the facts as they are (the compliance matrix of the year)."""
    scheme, label = scheme_for(year, as_of)
    m = compliance.matrix(roots, year, as_of)
    ids = [row.org_id for row in m.rows]
    findings = sources.findings_by_org(year, ids)
    entries = _entries(year, None)  # a year's entries are a few per branch: one query without an IN list
    links = _links(year)
    rules = _scheme_rules(scheme)
    satisfaction = surveys.scored(year, _survey_url)
    sheets = []
    for row in m.rows:
        facts = scoring.BranchFacts(
            row.org_id,
            row.code,
            row.name,
            row.category,
            outcomes={rule: cell.outcomes for rule, cell in row.cells.items()},
            verdict_links=links(row.code, rules),
            findings=findings.get(row.org_id, []),
            survey=satisfaction.get(row.org_id),
            entries=entries.get(row.org_id, {}),
        )
        sheets.append(scoring.sheet(scheme, facts))
    return sheets, scheme, label


def _frozen(sheet: FrozenSheet, scheme: schemes.Scheme, org: Organisation, corrections) -> scoring.Sheet:
    lines = [
        scoring.Line(
            **{k: v for k, v in raw.items() if k != "evidence"},
            evidence=[scoring.Evidence(e["label"], e["url"]) for e in raw["evidence"]],
        )
        for raw in sheet.lines
    ]
    facts = scoring.BranchFacts(org.pk, org.code, org.name, org.category, outcomes=sheet.outcomes)
    return scoring.total(scheme, facts, scoring.apply(lines, corrections))


def _corrections(sheets) -> dict[int, dict[str, tuple[float, str]]]:
    found: dict[int, dict[str, tuple[float, str]]] = {}
    for c in Correction.objects.filter(sheet__in=sheets).order_by("made_at", "pk"):
        found.setdefault(c.sheet_id, {})[c.indicator] = (c.new_points, c.reason)
    return found


def frozen_sheets(roots, year: int) -> tuple[list[scoring.Sheet], schemes.Scheme, str]:
    scheme, label = scheme_for(year)
    stored = list(
        FrozenSheet.objects.filter(year=year, org__in=_branches(roots))
        .select_related("org")
        .order_by("org__code")
    )
    corrections = _corrections(stored)
    return [_frozen(s, scheme, s.org, corrections.get(s.pk, {})) for s in stored], scheme, label


def _branches(roots):
    return Organisation.objects.filter(under(roots), kind=OrgKind.BRANCH)


def table(roots, year: int, as_of: dt.date, category: str = "") -> Table:
    """The town table: every branch's score and grade, its rank within its kind, last year's score."""
    state = year_state(year)
    sheets, scheme, label = frozen_sheets(roots, year) if state.is_final else live_sheets(roots, year, as_of)
    # One query: last year's sheets of the whole database are few (one per branch), fewer than a long IN list.
    previous = dict(FrozenSheet.objects.filter(year=year - 1).values_list("org_id", "score"))
    ranked = scoring.ranks(sheets)
    rows = [
        TableRow(s, ranked.get(s.org_id), previous.get(s.org_id))
        for s in sheets
        if not category or s.category == category
    ]
    return Table(year, scheme, label, state, rows)


def branch_sheet(
    org: Organisation, year: int, as_of: dt.date
) -> tuple[scoring.Sheet, schemes.Scheme, str, FrozenSheet | None]:
    """One branch's sheet: frozen (with its corrections) once the year is finalised, else live."""
    state = year_state(year)
    if state.is_final:
        stored = FrozenSheet.objects.filter(org=org, year=year).first()
        scheme, label = scheme_for(year)
        if stored is None:
            raise ValidationError(f"{org.name}不在{year}年度定稿的考核范围内。")
        return _frozen(stored, scheme, org, _corrections([stored]).get(stored.pk, {})), scheme, label, stored
    scheme, label = scheme_for(year, as_of)
    outcomes: dict[str, dict[str, int]] = {}
    for v in compliance.verdicts_for(org, year, as_of):
        outcomes.setdefault(v.rule, {}).setdefault(v.status, 0)
        outcomes[v.rule][v.status] += 1
    facts = scoring.BranchFacts(
        org.pk,
        org.code,
        org.name,
        org.category,
        outcomes=outcomes,
        verdict_links=_links(year)(org.code, _scheme_rules(scheme)),
        findings=sources.findings_by_org(year, [org.pk]).get(org.pk, []),
        survey=surveys.scored(year, _survey_url).get(org.pk),
        entries=_entries(year, [org.pk]).get(org.pk, {}),
    )
    return scoring.sheet(scheme, facts), scheme, label, None


def rank_of(org: Organisation, year: int) -> tuple[int, int] | None:
    """The branch's rank within its kind, once the office has published the ranking of a finalised year."""
    state = year_state(year)
    if not (state.is_final and state.ranking_published_at):
        return None
    town = org.ancestors().filter(kind=OrgKind.TOWN).first() or org
    sheets, _, _ = frozen_sheets([town], year)
    return scoring.ranks(sheets).get(org.pk)


@transaction.atomic
def finalise(roots, year: int, user, as_of: dt.date) -> YearState:
    """定稿: every branch's live sheet is stored as it is; from now on only corrections change it."""
    state, _ = YearState.objects.select_for_update().get_or_create(year=year)
    if state.is_final:
        raise ValidationError(f"{year}年度考核已于 {timezone.localtime(state.finalised_at):%Y-%m-%d} 定稿。")
    if year > as_of.year:
        raise ValidationError("不能为未来的年度定稿。")
    sheets, scheme, label = live_sheets(roots, year, as_of)
    vetoed = {v.rule for v in scheme.vetoes}
    FrozenSheet.objects.bulk_create(
        FrozenSheet(
            org_id=s.org_id,
            year=year,
            lines=[line.as_json() for line in s.lines],
            outcomes={r: n for r, n in s.outcomes.items() if r in vetoed},
            score=s.score,
            grade=s.grade,
        )
        for s in sheets
    )
    text, _ = _scheme_text(year)
    state.finalised_at, state.finalised_by = timezone.now(), user
    state.scheme_version, state.scheme_text = label, text
    state.save()
    return state


def _final(year: int) -> YearState:
    state = year_state(year)
    if not state.is_final:
        raise ValidationError(f"{year}年度考核尚未定稿：得分随事实自动更新，无需更正。")
    return state


def _note(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"请填写{what}。")
    if len(text) > 500:
        raise ValidationError(f"{what}不能超过 500 个字，请精简后重新填写。")
    return text


def _points(scheme: schemes.Scheme, code: str, points: float, kinds=None) -> schemes.Indicator:
    ind = scheme.indicator(code)
    if ind is None or (kinds and ind.kind not in kinds):
        raise ValidationError("没有这项指标，或该指标不由党建办录入。")
    low, high = (-ind.max_deduct, ind.max_bonus) if ind.kind == "adjust" else (0, ind.weight)
    if not low <= points <= high:
        raise ValidationError(f"“{ind.area}”的分值应在 {low:g} 到 {high:g} 之间。")
    return ind


@transaction.atomic
def save_entry(org: Organisation, year: int, code: str, points: float, note: str, user) -> Entry:
    """党建办评定 or 加分/扣分 for a year still open; after the 定稿 the sheet changes by a correction."""
    if year_state(year).is_final:
        raise ValidationError(f"{year}年度考核已定稿，请通过“更正”修改得分并写明理由。")
    scheme, _ = scheme_for(year)
    _points(scheme, code, points, kinds=("office", "adjust"))
    note = _note(note, "评定说明")
    entry, _ = Entry.objects.update_or_create(
        org=org, year=year, indicator=code, defaults={"points": points, "note": note, "entered_by": user}
    )
    return entry


def _line_points(sheet: FrozenSheet, code: str) -> float | None:
    current = sheet.corrections.filter(indicator=code).order_by("-made_at", "-pk").first()
    if current:
        return current.new_points
    return next((line["points"] for line in sheet.lines if line["code"] == code), None)


@transaction.atomic
def correct(sheet: FrozenSheet, code: str, points: float, reason: str, user, objection=None) -> Correction:
    """A change to a finalised sheet's line, kept with its reason."""
    state = _final(sheet.year)
    scheme, _ = scheme_for(state.year)
    _points(scheme, code, points)
    reason = _note(reason, "更正理由")
    sheet = FrozenSheet.objects.select_for_update().get(pk=sheet.pk)
    made = Correction.objects.create(
        sheet=sheet,
        indicator=code,
        old_points=_line_points(sheet, code),
        new_points=points,
        reason=reason,
        made_by=user,
        objection=objection,
    )
    _restore_total(sheet, scheme)
    return made


def _restore_total(sheet: FrozenSheet, scheme: schemes.Scheme) -> None:
    found = _frozen(sheet, scheme, sheet.org, _corrections([sheet]).get(sheet.pk, {}))
    sheet.score, sheet.grade = found.score, found.grade
    sheet.save(update_fields=["score", "grade"])


def objection_deadline(state: YearState, scheme: schemes.Scheme) -> dt.date | None:
    if not state.is_final:
        return None
    return timezone.localdate(state.finalised_at) + dt.timedelta(days=scheme.objection_days)


@transaction.atomic
def raise_objection(sheet: FrozenSheet, code: str, text: str, user, today: dt.date) -> Objection:
    state = _final(sheet.year)
    scheme, _ = scheme_for(sheet.year)
    if scheme.indicator(code) is None:
        raise ValidationError("没有这项指标，请在考核表中选择要申诉的项目。")
    deadline = objection_deadline(state, scheme)
    if today > deadline:
        raise ValidationError(f"申诉期已于 {deadline:%Y年%m月%d日} 结束，不能再提出申诉。")
    text = (text or "").strip()
    if not text:
        raise ValidationError("请写明申诉理由：哪一项、为什么有异议、有什么证据。")
    if len(text) > 1000:
        raise ValidationError("申诉理由不能超过 1000 个字，请精简后重新填写。")
    FrozenSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.objections.filter(indicator=code, status=Objection.Status.OPEN).exists():
        raise ValidationError("这一项已有待答复的申诉，请等待党建办答复。")
    objection = Objection(sheet=sheet, indicator=code, text=text, raised_by=user)
    objection.full_clean()
    objection.save()
    return objection


@transaction.atomic
def answer_objection(
    objection: Objection, accept: bool, answer: str, user, points: float | None = None
) -> None:
    """The office's answer; an accepted objection changes the line's points by a correction with the answer
    as its reason."""
    objection = Objection.objects.select_for_update().select_related("sheet").get(pk=objection.pk)
    if objection.status != Objection.Status.OPEN:
        raise ValidationError("该申诉已答复。")
    answer = _note(answer, "答复意见")
    if accept:
        if points is None:
            raise ValidationError("采纳申诉时请填写更正后的分值。")
        correct(
            objection.sheet, objection.indicator, points, f"采纳申诉：{answer}", user, objection=objection
        )
    objection.status = Objection.Status.ACCEPTED if accept else Objection.Status.REJECTED
    objection.answer, objection.answered_by, objection.answered_at = answer, user, timezone.now()
    objection.save()


@transaction.atomic
def publish_ranking(year: int, publish: bool) -> YearState:
    """Rankings only where the town chooses: the office publishes (or withdraws) a finalised year's ranks."""
    state = YearState.objects.select_for_update().filter(year=year).first()
    if state is None or not state.is_final:
        raise ValidationError("只有定稿后的年度可以公布排名。")
    state.ranking_published_at = timezone.now() if publish else None
    state.save(update_fields=["ranking_published_at"])
    return state


def table_sheet(t: Table, rows: list[TableRow]) -> tuple[list[str], list[list]]:
    """The town table as an .xlsx sheet: one row per branch, a column per indicator."""
    indicators = list(t.scheme.indicators)
    headers = ["组织代码", "党支部", "类别", *[i.area for i in indicators]]
    headers += ["得分", "可得分", "得分率", "等次", "同类排名", "上年得分率", "同比变化", "一票否决"]
    labels = dict(OrgCategory.choices)
    body = []
    for r in rows:
        points = {line.code: line.points for line in r.sheet.lines}
        body.append(
            [
                r.sheet.code,
                r.sheet.name,
                labels.get(r.sheet.category, ""),
                *["待定" if points.get(i.code) is None else points[i.code] for i in indicators],
                r.sheet.earned,
                r.sheet.available,
                "待定" if r.sheet.score is None else r.sheet.score,
                r.sheet.grade_name or "待定",
                f"{r.rank[0]}/{r.rank[1]}" if r.rank else "—",
                "—" if r.previous is None else r.previous,
                "—" if r.change is None else r.change,
                "、".join(r.sheet.vetoes),
            ]
        )
    body += [
        [],
        ["考核方案", t.scheme_label],
        ["状态", "已定稿" if t.state.is_final else "计算中（随事实更新）"],
        ["说明", TABLE_NOTE],
    ]
    return headers, body
