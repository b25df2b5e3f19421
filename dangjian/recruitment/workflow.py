"""发展党员 as data and plain functions: the stages and steps of data/steps.toml, and what the rules say
about a step a branch wants to record (refused, with the rule quoted), about a step recorded after its
limit (kept and flagged), and about the limits still running. Nothing here touches the database: the
services pass `StepFact`s in, the tests build them by hand."""

import calendar
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import holidays
from django.core.exceptions import ImproperlyConfigured

from dangjian.rulebook import rulebook

DATA_FILE = Path(__file__).parent / "data" / "steps.toml"
PROBATION_END = "probation_end"  # a pseudo-step of `not_before`: the day the 预备期 ends
TERMINAL = ("full", "cancelled")


@dataclass(frozen=True)
class Rule:
    text: str
    source: str

    def quote(self) -> str:
        return f"「{self.text}」（{self.source}）"


@dataclass(frozen=True)
class Limit:
    step: str  # counted from this step's date (or PROBATION_END)
    years: int = 0
    months: int = 0
    special_months: int = 0
    rule: Rule | None = None

    def from_day(self, day: dt.date, special: bool = False) -> dt.date:
        months = self.special_months if special and self.special_months else self.months
        return add_months(day, self.years * 12 + months)


@dataclass(frozen=True)
class Step:
    code: str
    no: int
    stage: str
    name: str
    source: str
    enters: str = ""
    after: tuple[str, ...] = ()
    not_before: Limit | None = None
    due: Limit | None = None
    repeat_months: int = 0
    repeat_from: str = ""
    people: int = 0
    people_rule: str = ""
    vote: str = ""  # the 支部党员大会 agenda kind (meetings.AgendaKind) the step is decided by
    documents: tuple[str, ...] = ()
    required: tuple[str, ...] = ()

    @property
    def rule(self) -> Rule:
        return Rule(self.name, self.source)


@dataclass(frozen=True)
class Workflow:
    stages: dict[str, str]
    steps: dict[str, Step]
    documents: dict[str, str]
    age: tuple[int, Rule]
    publicity: tuple[int, Rule]
    extension: tuple[int, int, int, Rule]
    training: tuple[int, int, Rule]

    def stage_name(self, code: str) -> str:
        return self.stages.get(code, code)


def _rule(data: dict, thresholds) -> Rule:
    if "threshold" in data:
        found = thresholds[data["threshold"]]
        return Rule(found.text, found.source)
    return Rule(data["rule"], data["source"])


def load(path: Path = DATA_FILE) -> Workflow:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        thresholds = rulebook.current().item(data["rulebook_item"]).thresholds
        steps = {}
        for s in data["steps"]:
            limits = {}
            for key in ("not_before", "due"):
                if key in s:
                    d = s[key]
                    limits[key] = Limit(
                        step=d.get("step") or d["from"],
                        years=d.get("years", 0),
                        months=d.get("months", 0),
                        special_months=d.get("special_months", 0),
                        rule=_rule(d, thresholds),
                    )
            repeat = s.get("repeat", {})
            steps[s["code"]] = Step(
                code=s["code"],
                no=s["no"],
                stage=s["stage"],
                name=s["name"],
                source=s["source"],
                enters=s.get("enters", ""),
                after=tuple(s.get("after", ())),
                repeat_months=repeat.get("every_months", 0),
                repeat_from=repeat.get("from", ""),
                people=s.get("people", 0),
                people_rule=s.get("people_rule", ""),
                vote=s.get("vote", ""),
                documents=tuple(s["documents"]),
                required=tuple(s.get("required", ())),
                **limits,
            )
        documents = {d["code"]: d["name"] for d in data["documents"]}
        stages = {s["code"]: s["name"] for s in data["stages"]}
        for step in steps.values():
            unknown = {*step.after} - steps.keys() or {*step.documents, *step.required} - documents.keys()
            if unknown or step.stage not in stages or (step.enters and step.enters not in stages):
                raise ValueError(f"步骤 {step.code} 引用了未定义的步骤、阶段或材料：{unknown}")
        age, pub, ext, tr = data["age"], data["publicity"], data["extension"], data["training"]
        return Workflow(
            stages=stages,
            steps=steps,
            documents=documents,
            age=(age["min_years"], _rule(age, thresholds)),
            publicity=(pub["min_working_days"], _rule(pub, thresholds)),
            extension=(ext["min_months"], ext["max_months"], ext["times"], _rule(ext, thresholds)),
            training=(tr["min_days"], tr["min_hours"], _rule(tr, thresholds)),
        )
    except (KeyError, TypeError, IndexError, ValueError, OSError, tomllib.TOMLDecodeError) as exc:
        raise ImproperlyConfigured(f"发展党员步骤文件 {path} 有误：{exc}") from exc


@cache
def current() -> Workflow:
    return load()


# ---- dates ----


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day where it has no such day (31 Jan + 1 = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@cache
def _calendar(year: int):
    return holidays.country_holidays("CN", years=[year - 1, year, year + 1])


def is_working_day(day: dt.date) -> bool:
    """A working day by the State Council's schedule: holidays off, 调休 weekend make-up days on."""
    return _calendar(day.year).is_working_day(day)


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days from `start` to `end`, both included."""
    return sum(is_working_day(start + dt.timedelta(days=i)) for i in range((end - start).days + 1))


def publicity_end(start: dt.date, days: int | None = None) -> dt.date:
    """The earliest last day of a 公示 starting on `start` that lasts the required working days."""
    days = current().publicity[0] if days is None else days
    day, counted = start, 0
    while True:
        counted += is_working_day(day)
        if counted >= days:
            return day
        day += dt.timedelta(days=1)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# ---- an applicant's file, as facts ----


@dataclass(frozen=True)
class VoteFact:
    kind: str
    quorum_met: bool
    passed: bool
    problems: tuple[str, ...] = ()
    date: dt.date | None = None


@dataclass(frozen=True)
class StepFact:
    code: str
    date: dt.date
    end_date: dt.date | None = None  # 公示's last day
    months: int = 0  # 延长预备期
    special: bool = False  # 特殊情况 (审批 up to 6 months)
    people: tuple[bool, ...] = ()  # each person named: a full member on the day?
    days: int = 0  # 集中培训
    hours: float = 0
    vote: VoteFact | None = None
    documents: frozenset[str] = frozenset()
    late: str = ""


@dataclass
class Deadline:
    step: str
    name: str
    due: dt.date
    rule: str
    overdue: bool = False


@dataclass
class Check:
    refused: list[str] = field(default_factory=list)
    late: str = ""


def done(facts: list[StepFact], code: str) -> list[StepFact]:
    return sorted((f for f in facts if f.code == code), key=lambda f: f.date)


def first(facts: list[StepFact], code: str) -> StepFact | None:
    found = done(facts, code)
    return found[0] if found else None


def last(facts: list[StepFact], *codes: str) -> StepFact | None:
    found = sorted((f for f in facts if f.code in codes), key=lambda f: f.date)
    return found[-1] if found else None


def stage(facts: list[StepFact]) -> str:
    """The stage the applicant is in: the stage entered by the latest stage-changing step."""
    flow = current()
    entered = [f for f in facts if flow.steps[f.code].enters]
    if not entered:
        return "applicant"
    latest = max(entered, key=lambda f: (f.date, flow.steps[f.code].no))
    return flow.steps[latest.code].enters


def probation_end(facts: list[StepFact]) -> dt.date | None:
    """The 预备期 ends a year after the 支部大会 admitted the applicant, later by any extension."""
    meeting = first(facts, "admission_meeting")
    if meeting is None:
        return None
    months = sum(f.months for f in done(facts, "extension"))
    return add_months(meeting.date, 12 + months)


def _base_day(facts: list[StepFact], code: str) -> dt.date | None:
    if code == PROBATION_END:
        return probation_end(facts)
    found = first(facts, code)
    return found.date if found else None


def check(facts: list[StepFact], new: StepFact, birth: dt.date, today: dt.date) -> Check:
    """Whether `new` may be recorded on top of `facts`: refusals (each quoting its rule), or the flag of a
    step recorded after its limit (kept). `today` bounds the dates."""
    flow = current()
    step = flow.steps.get(new.code)
    if step is None:
        return Check(refused=["没有这个发展党员步骤，请从列表中选择。"])
    out = Check()
    now = stage(facts)
    if now in TERMINAL:
        out.refused.append(f"该发展档案已是“{flow.stage_name(now)}”，不能再登记步骤。")
        return out
    if new.date > today:
        out.refused.append(f"{step.name}的日期（{new.date:%Y-%m-%d}）晚于今天，请登记已经发生的步骤。")
    if not step.repeat_months and step.code != "extension" and done(facts, step.code):
        out.refused.append(f"“{step.name}”已经登记过，不能重复登记；如需更正，请联系镇党建办。")
    for code in step.after:
        before = first(facts, code)
        name = flow.steps[code].name
        if before is None:
            out.refused.append(
                f"尚未登记“{name}”，不能登记“{step.name}”：发展党员须按程序逐步进行"
                f"（{step.source}），请先登记“{name}”。"
            )
        elif new.date < before.date:
            out.refused.append(
                f"“{step.name}”的日期（{new.date:%Y-%m-%d}）早于“{name}”（{before.date:%Y-%m-%d}），"
                "顺序不对，请核对日期。"
            )
    if step.not_before and (base := _base_day(facts, step.not_before.step)):
        earliest = step.not_before.from_day(base)
        if new.date < earliest:
            out.refused.append(
                f"“{step.name}”最早应在 {earliest:%Y-%m-%d}：{step.not_before.rule.quote()}。"
                f"所填日期 {new.date:%Y-%m-%d} 过早。"
            )
    out.refused += _specific(facts, step, new, birth)
    if not out.refused and step.due and (base := _base_day(facts, step.due.step)):
        limit = step.due.from_day(base, new.special)
        if new.date > limit:
            special = "（按特殊情况）" if new.special and step.due.special_months else ""
            out.late = (
                f"超过时限{special}：应于 {limit:%Y-%m-%d} 前完成，实际 {new.date:%Y-%m-%d}，"
                f"逾期 {(new.date - limit).days} 天。{step.due.rule.quote()}"
            )
    return out


def _specific(facts: list[StepFact], step: Step, new: StepFact, birth: dt.date) -> list[str]:
    flow = current()
    problems = []
    if step.code == "application":
        years, rule = flow.age
        if age_on(birth, new.date) < years:
            problems.append(
                f"递交入党申请书时（{new.date:%Y-%m-%d}）申请人未满{years}周岁"
                f"（出生日期 {birth:%Y-%m-%d}），党组织不能接收：{rule.quote()}。"
            )
    if step.people and (len(new.people) != step.people or not all(new.people)):
        problems.append(f"“{step.name}”应填写{step.people}名正式党员（{step.people_rule}；{step.source}）。")
    if step.code == "training":
        days, hours, rule = flow.training
        if new.days < days and new.hours < hours:
            problems.append(
                f"集中培训 {new.days} 天、{new.hours:g} 学时，不足：{rule.quote()}。请补足培训后再登记。"
            )
    if step.code == "publicity":
        minimum, rule = flow.publicity
        if new.end_date is None or new.end_date < new.date:
            problems.append("请填写公示结束日期，且不能早于开始日期。")
        elif (counted := working_days(new.date, new.end_date)) < minimum:
            problems.append(
                f"公示 {new.date:%Y-%m-%d} 至 {new.end_date:%Y-%m-%d} 只有 {counted} 个工作日"
                f"（已扣除法定节假日，计入调休上班日），不足：{rule.quote()}。"
                f"从 {new.date:%Y-%m-%d} 开始最早应到 {publicity_end(new.date):%Y-%m-%d} 结束。"
            )
    if step.code == "superior_prereview" and (pub := first(facts, "publicity")) and pub.end_date:
        if new.date <= pub.end_date:
            problems.append(f"公示至 {pub.end_date:%Y-%m-%d} 结束，上级党委预审应在公示期满之后。")
    if step.vote:
        problems += _vote_problems(step, new)
    if step.code == "extension":
        low, high, times, rule = flow.extension
        if len(done(facts, "extension")) >= times:
            problems.append(f"预备期已经延长过一次，不能再次延长：{rule.quote()}。")
        elif not low <= new.months <= high:
            problems.append(
                f"延长 {new.months} 个月不符合规定：{rule.quote()}。请填写 {low} 至 {high} 个月。"
            )
        end = probation_end(facts)
        if end and new.date > end:
            problems.append(f"预备期已于 {end:%Y-%m-%d} 期满，期满后不能再决定延长，请按期讨论转正。")
    if step.code in ("cancel", "extension", "confirm_meeting") and stage(facts) != "probationary":
        problems.append(f"只有预备党员才能“{step.name}”；当前为“{flow.stage_name(stage(facts))}”。")
    return problems


def _vote_problems(step: Step, new: StepFact) -> list[str]:
    vote = new.vote
    if vote is None:
        return [f"“{step.name}”应关联支部党员大会的表决议题（先在会议页面登记会议、出勤和表决结果）。"]
    if vote.kind != step.vote:
        return ["所选议题的类型与此步骤不符，请选择对应的“接收预备党员”或“预备党员转正”议题。"]
    problems = list(vote.problems)
    if not vote.quorum_met:
        problems.append(
            "该次支部党员大会到会有表决权的正式党员未超过应到会人数的半数，会议无效，不能作出决议"
            "（《中国共产党支部工作条例（试行）》第十一条；书面意见不计入到会人数）。请重新召开。"
        )
    elif not vote.passed:
        problems.append(
            "赞成票未超过应到会有表决权正式党员的半数（含按规定计入的书面意见），决议未通过"
            "（《中国共产党支部工作条例（试行）》第十一条）。"
        )
    return problems


def deadlines(facts: list[StepFact], today: dt.date) -> list[Deadline]:
    """The limits running for the file on `today`, soonest first; `overdue` when already passed."""
    flow = current()
    now = stage(facts)
    if now in TERMINAL or not facts:
        return []
    steps = flow.steps
    out = []

    def add(code: str, due: dt.date, rule: str) -> None:
        out.append(Deadline(code, steps[code].name, due, rule, due < today))

    for code in ("talk", "admission_approval", "confirm_approval"):
        step = steps[code]
        if done(facts, code) or not step.due:
            continue
        base = first(facts, step.due.step)
        if base is not None:
            add(code, step.due.from_day(base.date), step.due.rule.quote())
    for code in ("review", "probation_review"):
        step = steps[code]
        running = now in ("activist", "candidate") if code == "review" else now == "probationary"
        if code == "review" and first(facts, "admission_meeting"):
            running = False
        started = first(facts, step.repeat_from)
        if running and started:
            latest = last(facts, code) or started
            add(code, add_months(latest.date, step.repeat_months), step.rule.quote())
    end = probation_end(facts)
    if now == "probationary" and end and not done(facts, "confirm_meeting"):
        rule = steps["confirm_meeting"].not_before.rule.quote()
        out.append(Deadline("confirm_meeting", "预备期满，讨论转正", end, rule, end < today))
    return sorted(out, key=lambda d: d.due)


def available(facts: list[StepFact]) -> list[Step]:
    """Steps whose prerequisites are recorded and which are not done yet (or may repeat), in order."""
    flow = current()
    if stage(facts) in TERMINAL:
        return []
    have = {f.code for f in facts}
    return [
        s
        for s in flow.steps.values()
        if all(a in have for a in s.after)
        and (s.repeat_months or s.code == "extension" or s.code not in have)
        and not (s.code == "application" and have)
    ]


def missing_documents(facts: list[StepFact]) -> list[tuple[StepFact, list[str]]]:
    """Recorded steps without one of their required documents, with the names of those missing."""
    flow = current()
    out = []
    for f in facts:
        lacking = [flow.documents[d] for d in flow.steps[f.code].required if d not in f.documents]
        if lacking:
            out.append((f, lacking))
    return out
