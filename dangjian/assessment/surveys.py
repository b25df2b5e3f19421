"""满意度测评: open a survey for every branch, members and 群众 answer once each, sealed and unlinkable;
counted at the close; results per branch with counts withheld below a minimum.

The one-time codes and the sealing are the evaluation module's (`evaluations.services.new_codes`,
`code_hash`, `evaluations.sealing`): one mechanism for ballots and survey answers."""

import datetime as dt
import random
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F

from dangjian.core.validators import control_problem
from dangjian.evaluations import sealing
from dangjian.evaluations import services as evaluation_services
from dangjian.evaluations.services import code_hash, new_codes, normalise_code
from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation

from . import scoring
from .models import Survey, SurveyAnswer, SurveyComment, SurveyCount, SurveyRight

PATH = Path(__file__).parent / "data" / "survey.toml"
SCOPE = "assessment.survey"


@lru_cache(maxsize=1)
def questionnaire() -> dict:
    data = tomllib.loads(PATH.read_text(encoding="utf-8"))
    assert data["questions"] and [c["code"] for c in data["choices"]] == [
        "satisfied",
        "basic",
        "dissatisfied",
    ]
    return data


def _codes(survey: Survey) -> tuple[str, ...]:
    return tuple(c["code"] for c in survey.questions["choices"])


@transaction.atomic
def open_survey(roots, year: int, title: str, closes_on: dt.date, user, today: dt.date) -> Survey:
    """A survey of every branch under `roots`: each active member of a branch may answer once."""
    title = (title or "").strip() or f"{year}年度党员群众满意度测评"
    if control_problem(title) or len(title) > 100:
        raise ValidationError("名称不能超过 100 个字，不能换行或含控制字符。")
    if closes_on < today:
        raise ValidationError("截止日期不能早于今天。")
    if Survey.objects.filter(year=year, status=Survey.Status.OPEN).exists():
        raise ValidationError(f"{year}年度已有进行中的满意度测评，请先结束它。")
    from dangjian.compliance.facts import under

    survey = Survey.objects.create(
        year=year, title=title, questions=questionnaire(), closes_on=closes_on, created_by=user
    )
    branches = Organisation.objects.filter(under(roots), kind=OrgKind.BRANCH).values("pk")
    SurveyRight.objects.bulk_create(
        SurveyRight(survey=survey, org_id=org_id, member_id=pk)
        for pk, org_id in Member.objects.filter(org__in=branches, status__in=ACTIVE_STATUSES).values_list(
            "pk", "org_id"
        )
    )
    return survey


@transaction.atomic
def issue_codes(survey: Survey, org: Organisation, count: int) -> list[str]:
    """One-time codes for 群众 of a branch, at most `public_cap` per branch; returned once, stored hashed."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.OPEN:
        raise ValidationError("测评已结束，不能再发放测评码。")
    cap = survey.questions["public_cap"]
    issued = SurveyRight.objects.filter(survey=survey, org=org, member__isnull=True).count()
    if not 1 <= count <= cap - issued:
        raise ValidationError(
            f"每个党支部最多 {cap} 个群众测评码，{org.name}已生成 {issued} 个，"
            f"还能生成 {max(cap - issued, 0)} 个。"
        )
    codes = new_codes(count)
    SurveyRight.objects.bulk_create(
        SurveyRight(survey=survey, org=org, code_hash=code_hash(c)) for c in codes
    )
    return codes


def _problems(survey: Survey, choices: dict[str, str], comment: str) -> list[str]:
    allowed = set(_codes(survey))
    problems = [
        f"请回答：{q['text']}" for q in survey.questions["questions"] if choices.get(q["code"]) not in allowed
    ]
    limit = survey.questions["comment_max"]
    if len(comment) > limit:
        problems.append(f"意见建议不能超过 {limit} 个字，请精简后再提交。")
    if control_problem(comment):
        problems.append("意见建议不能换行，也不能含有不可见的控制字符。")
    return problems


def answer(
    survey: Survey, choices: dict[str, str], comment: str = "", *, member=None, code: str = ""
) -> None:
    """Take the answerer's right and store the sealed answer, in one transaction. The right is taken by a
    conditional UPDATE … WHERE has_answered = false: of two racing submissions only one changes a row."""
    comment = (comment or "").strip()
    problems = _problems(survey, choices, comment)
    if member is None and not normalise_code(code):
        problems.insert(0, "请输入测评码。")
    if problems:
        raise ValidationError(problems)
    who = {"member": member} if member is not None else {"code_hash": code_hash(code), "member__isnull": True}
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.status != Survey.Status.OPEN:
            raise ValidationError("测评已结束。")
        right = SurveyRight.objects.filter(survey=survey, **who).first()
        if right is None:
            raise ValidationError(
                "测评码无效，请核对后重试。" if member is None else "您不在本次测评的范围内。"
            )
        taken = SurveyRight.objects.filter(pk=right.pk, has_answered=False).update(has_answered=True)
        if taken != 1:
            raise ValidationError("您已经提交过了，每人只能提交一次。")
        questions = [q["code"] for q in survey.questions["questions"]]
        rows = [(n, choices[q], comment if n == len(questions) else "") for n, q in enumerate(questions, 1)]
        sealed = sealing.seal(
            survey.pk,
            "answer",
            rows,
            len(questions),
            survey.questions["comment_max"],
            codes=_codes(survey),
            scope=SCOPE,
        )
        SurveyAnswer.objects.create(
            survey=survey,
            org_id=right.org_id,
            kind="member" if member is not None else "public",
            sealed=sealed,
        )
        _rewrite_for_secrecy(survey, right.org_id)


def _rewrite_for_secrecy(survey: Survey, org_id: int) -> None:
    """PostgreSQL: as for the ballots (`evaluations.services._rewrite_for_secrecy`), every right and every
    sealed answer of the branch is written again in this transaction, the answers in random order, so
    neither the transaction id (xmin) nor the physical order (ctid) pairs a member with an answer.
    (SQLite: the answer table is WITHOUT ROWID, stored in random-key order; see migration 0002.)"""
    if connection.vendor != "postgresql":
        return
    SurveyRight.objects.filter(survey=survey, org_id=org_id).update(has_answered=F("has_answered"))
    box = SurveyAnswer.objects.filter(survey=survey, org_id=org_id, sealed__isnull=False)
    rows = list(box)
    box.delete()
    random.SystemRandom().shuffle(rows)
    SurveyAnswer.objects.bulk_create(rows)


@transaction.atomic
def close_survey(survey: Survey) -> None:
    """Open the sealed answers, write the counts and the comments (random keys, shuffled), drop the answers'
    contents; from now on the results show. On SQLite the WAL is then checkpointed and truncated."""
    given, survey = survey, Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.OPEN:
        raise ValidationError("测评已结束。")
    questions = [q["code"] for q in survey.questions["questions"]]
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    comments = []
    for a in SurveyAnswer.objects.filter(survey=survey):
        rows = sealing.unseal(
            survey.pk,
            "answer",
            bytes(a.sealed),
            survey.questions["comment_max"],
            codes=_codes(survey),
            scope=SCOPE,
        )
        for n, choice, comment in rows:
            counts[a.org_id, questions[n - 1], choice] += 1
            if comment:
                comments.append(SurveyComment(survey=survey, org_id=a.org_id, text=comment))
    SurveyCount.objects.bulk_create(
        SurveyCount(survey=survey, org_id=o, question=q, choice=c, count=n) for (o, q, c), n in counts.items()
    )
    random.SystemRandom().shuffle(comments)
    SurveyComment.objects.bulk_create(comments)
    SurveyAnswer.objects.filter(survey=survey).update(sealed=None)
    survey.status = given.status = Survey.Status.CLOSED
    survey.save(update_fields=["status"])
    if connection.vendor == "sqlite":
        # the WAL holds a commit per answer (a member's right beside a sealed answer): cut it, as for ballots
        transaction.on_commit(evaluation_services._truncate_wal)


@dataclass
class BranchResult:
    org_id: int
    answers: int
    shown: bool  # counts withheld below the minimum
    by_question: list[tuple[str, dict[str, int]]]
    comments: list[str]


def results(survey: Survey, org_ids=None) -> dict[int, BranchResult]:
    """Per branch: counts per question and choice, comments without names; all withheld below `min_shown`."""
    if survey.status != Survey.Status.CLOSED:
        return {}
    counts = SurveyCount.objects.filter(survey=survey)
    comments = SurveyComment.objects.filter(survey=survey).order_by("pk")
    if org_ids is not None:
        counts, comments = counts.filter(org_id__in=org_ids), comments.filter(org_id__in=org_ids)
    table: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for c in counts:
        table[c.org_id][c.question][c.choice] = c.count
    texts: dict[int, list[str]] = defaultdict(list)
    for c in comments:
        texts[c.org_id].append(c.text)
    first = survey.questions["questions"][0]["code"]
    minimum = survey.questions["min_shown"]
    found = {}
    for org_id, by_q in table.items():
        answers = sum(by_q[first].values())
        shown = answers >= minimum
        found[org_id] = BranchResult(
            org_id,
            answers,
            shown,
            [(q["text"], dict(by_q[q["code"]])) for q in survey.questions["questions"]] if shown else [],
            texts[org_id] if shown else [],
        )
    return found


def scored(year: int, url) -> dict[int, scoring.SurveyResult]:
    """The 满意度 of each branch from the year's last closed survey (every question's answers together)."""
    survey = Survey.objects.filter(year=year, status=Survey.Status.CLOSED).order_by("-pk").first()
    if survey is None:
        return {}
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for org_id, choice, n in SurveyCount.objects.filter(survey=survey).values_list(
        "org_id", "choice", "count"
    ):
        totals[org_id][choice] += n
    per = len(survey.questions["questions"])
    return {
        org_id: scoring.SurveyResult(
            t["satisfied"],
            t["basic"],
            t["dissatisfied"],
            url(survey, org_id),
            respondents=sum(t.values()) // per,
        )
        for org_id, t in totals.items()
    }
