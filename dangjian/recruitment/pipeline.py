"""The pipeline board and the compliance findings: every open file of some branches, read in a fixed
number of queries, with its stage, the limits running and what is overdue or missing."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from . import workflow
from .models import Applicant, StepRecord
from .services import step_fact


@dataclass
class FileView:
    applicant: Applicant
    facts: list[workflow.StepFact]
    stage: str
    deadlines: list[workflow.Deadline]
    missing: list[tuple[workflow.StepFact, list[str]]]
    late: list[workflow.StepFact]

    @property
    def overdue(self) -> list[workflow.Deadline]:
        return [d for d in self.deadlines if d.overdue]

    @property
    def next_deadline(self) -> workflow.Deadline | None:
        return self.deadlines[0] if self.deadlines else None

    @property
    def stuck(self) -> list[str]:
        """Why the file is stuck, in sentences (no names: the caller shows the name where allowed)."""
        out = [f"“{d.name}”已逾期（应于 {d.due:%Y-%m-%d} 前）" for d in self.overdue]
        steps = workflow.current().steps
        out += [f"“{steps[f.code].name}”缺少{'、'.join(m)}" for f, m in self.missing]
        return out


def files(orgs_q: Q, as_of: dt.date, open_only: bool = True) -> list[FileView]:
    """Files of the organisations matched by `orgs_q` (a filter on the applicant's `org__`), as of a day:
    steps dated after `as_of` are left out. Three queries whatever the number of files."""
    steps = StepRecord.objects.filter(date__lte=as_of).prefetch_related("documents").order_by("date", "id")
    found = Applicant.objects.filter(orgs_q).select_related("org").prefetch_related(Prefetch("steps", steps))
    out = []
    for applicant in found:
        facts = [step_fact(s) for s in applicant.steps.all()]
        if not facts:
            continue
        stage = workflow.stage(facts)
        if open_only and stage in workflow.TERMINAL:
            continue
        out.append(
            FileView(
                applicant,
                facts,
                stage,
                workflow.deadlines(facts, as_of),
                workflow.missing_documents(facts),
                [f for f in facts if f.late],
            )
        )
    return out


def stage_counts(views: list[FileView]) -> list[tuple[str, str, int]]:
    """Open files per stage (入党申请人 … 预备党员), in the stages' order."""
    counts = Counter(v.stage for v in views)
    stages = workflow.current().stages.items()
    return [(code, name, counts.get(code, 0)) for code, name in stages if code not in workflow.TERMINAL]


def by_branch(views: list[FileView]) -> list[tuple[object, list[tuple[str, int]], int]]:
    """Per branch: the counts per open stage (in the stages' order) and how many files are stuck."""
    groups: dict[int, list[FileView]] = defaultdict(list)
    for v in views:
        groups[v.applicant.org_id].append(v)
    stages = [(c, n) for c, n in workflow.current().stages.items() if c not in workflow.TERMINAL]
    out = []
    for vs in sorted(groups.values(), key=lambda vs: vs[0].applicant.org.path):
        counts = Counter(v.stage for v in vs)
        per_stage = [(name, counts.get(code, 0)) for code, name in stages]
        out.append((vs[0].applicant.org, per_stage, sum(bool(v.stuck) for v in vs)))
    return out


@dataclass
class Finding:
    """What the compliance verdict of 发展党员 says for one branch and year."""

    open_files: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not self.reasons


def findings(orgs_q: Q, year: int, as_of: dt.date) -> dict[int, Finding]:
    """Per branch id: unmet when a limit is overdue, a step was recorded after its limit in the year, or a
    required record is missing. Counts and steps only, never a name (the verdict is read more widely than
    the files)."""
    day = min(as_of, dt.date(year, 12, 31))
    out: dict[int, Finding] = defaultdict(Finding)
    for v in files(orgs_q, day, open_only=False):
        in_year = [f for f in v.facts if f.date.year == year]
        if v.stage in workflow.TERMINAL and not in_year:
            continue
        found = out[v.applicant.org_id]
        found.open_files += 1
        stage = workflow.current().stage_name(v.stage)
        for d in v.overdue:
            found.reasons.append(f"一名{stage}的“{d.name}”已逾期（应于 {d.due:%Y-%m-%d} 前）：{d.rule}")
        for f in v.late:
            if f.date.year == year:
                found.reasons.append(f"一名{stage}的“{workflow.current().steps[f.code].name}”{f.late}")
        for f, lacking in v.missing:
            if f.date.year == year:
                step = workflow.current().steps[f.code].name
                found.reasons.append(f"一名{stage}的“{step}”（{f.date:%Y-%m-%d}）缺少{'、'.join(lacking)}")
    return dict(out)


def checked(root, year: int, as_of: dt.date) -> dict:
    """The compliance hook (compliance/facts.py CHECKED_ITEMS): {branch id: engine.Checked}; unmet with its
    reasons, met when every file of the year kept its limits and records."""
    from dangjian.compliance.engine import MET, UNMET, Checked
    from dangjian.compliance.facts import under

    done = {}
    for org_id, f in findings(under(root, "org__"), year, as_of).items():
        if f.reasons:
            done[org_id] = Checked(UNMET, tuple(f.reasons), f.open_files, shortfall="；".join(f.reasons[:3]))
        else:
            met = f"{year}年{f.open_files}份发展党员档案均按时限办理，规定材料齐全。"
            done[org_id] = Checked(MET, (met,), f.open_files)
    return done
