"""满意度测评: one answer per member (also under a race), 群众 codes capped and hashed, answers unlinkable
(table snapshots), counts withheld below the minimum, and the result fed into the 满意度 indicator."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from dangjian.assessment import services, surveys
from dangjian.assessment.models import Survey, SurveyAnswer, SurveyComment, SurveyRight

from .helpers import LAST_YEAR, line

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
ALL_SATISFIED = {"work": "satisfied", "life": "satisfied"}


def _open(world, year=LAST_YEAR):
    return surveys.open_survey(
        [world.town], year, "", TODAY + dt.timedelta(days=10), world.user("office"), TODAY
    )


def _snapshot(*models):
    return {m.__name__: sorted(map(str, m.objects.values_list())) for m in models}


def test_an_answer_leaves_no_link_to_the_member(world):
    survey = _open(world)
    member = world.members_b[2]
    before = _snapshot(SurveyRight, SurveyAnswer)
    surveys.answer(survey, {"work": "basic", "life": "dissatisfied"}, "希望多开展主题党日", member=member)
    after = _snapshot(SurveyRight, SurveyAnswer)
    # The only change to the rights is has_answered of that member's row; the answer row has a random key,
    # the branch and the kind, and ciphertext: no member, no account, no time.
    changed = set(after["SurveyRight"]) - set(before["SurveyRight"])
    assert len(changed) == 1 and str(member.pk) in next(iter(changed))
    (answer,) = SurveyAnswer.objects.values()
    assert set(answer) == {"id", "survey_id", "org_id", "kind", "sealed"}
    assert "希望".encode() not in bytes(answer["sealed"]) and str(member.pk).encode() not in bytes(
        answer["sealed"]
    )
    assert [f.name for f in SurveyAnswer._meta.get_fields()] == ["id", "survey", "org", "kind", "sealed"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'assessment_surveyanswer'")
            assert "WITHOUT ROWID" in cursor.fetchone()[0].upper()


def test_one_answer_per_member_and_bad_answers_are_refused(world):
    survey = _open(world)
    member = world.members_b[2]
    with pytest.raises(ValidationError) as exc:
        surveys.answer(survey, {"work": "satisfied"}, member=member)
    assert "请回答：您对本支部开展党组织生活" in exc.value.messages[0]
    surveys.answer(survey, ALL_SATISFIED, member=member)
    with pytest.raises(ValidationError, match="只能提交一次"):
        surveys.answer(survey, ALL_SATISFIED, member=member)
    assert SurveyAnswer.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_racing_answers_from_one_member_leave_exactly_one(world):
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL（SQLite 整库串行写入，测不出竞争）：设置 DATABASE_URL 后运行")
    survey = _open(world)
    member = world.members_b[2]
    outcomes = []
    barrier = threading.Barrier(4)

    def submit():
        try:
            barrier.wait()
            surveys.answer(survey, ALL_SATISFIED, member=member)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1 and SurveyAnswer.objects.count() == 1


def test_public_codes_are_capped_per_branch_hashed_and_used_once(world):
    survey = _open(world)
    codes = surveys.issue_codes(survey, world.branch_b, 30)
    with pytest.raises(ValidationError, match="还能生成 0 个"):
        surveys.issue_codes(survey, world.branch_b, 1)
    assert len(surveys.issue_codes(survey, world.branch_a, 2)) == 2  # the cap is per branch
    stored = set(SurveyRight.objects.filter(member__isnull=True).values_list("code_hash", flat=True))
    assert not stored & set(codes)
    surveys.answer(survey, ALL_SATISFIED, code=codes[0].lower())
    with pytest.raises(ValidationError, match="只能提交一次"):
        surveys.answer(survey, ALL_SATISFIED, code=codes[0])
    with pytest.raises(ValidationError, match="测评码无效"):
        surveys.answer(survey, ALL_SATISFIED, code="AAAA2222")
    assert SurveyAnswer.objects.get().kind == "public"


def test_counts_are_withheld_below_the_minimum_and_fed_into_the_score(world):
    survey = _open(world)
    codes = surveys.issue_codes(survey, world.branch_b, 6)
    for member in world.members_b:  # 5 members of branch B
        surveys.answer(survey, ALL_SATISFIED, "好", member=member)
    surveys.answer(survey, {"work": "basic", "life": "basic"}, code=codes[0])
    for member in world.members_a[:3]:  # 3 of branch A: fewer than 5
        surveys.answer(survey, ALL_SATISFIED, "甲的意见", member=member)
    assert surveys.results(survey) == {}  # nothing before the close
    surveys.close_survey(survey)
    assert not SurveyAnswer.objects.exclude(sealed=None).exists()
    found = surveys.results(survey)
    b, a = found[world.branch_b.pk], found[world.branch_a.pk]
    assert (b.answers, b.shown, a.answers, a.shown) == (6, True, 3, False)
    assert b.by_question[0][1] == {"satisfied": 5, "basic": 1} and b.comments == ["好"] * 5
    assert a.by_question == [] and a.comments == []
    assert SurveyComment.objects.count() == 8
    sheet = services.branch_sheet(world.branch_b, LAST_YEAR, TODAY)[0]
    assert line(sheet, "satisfaction").points == pytest.approx(15 * (10 + 0.6 * 2) / 12, abs=0.01)
    assert line(services.branch_sheet(world.branch_a, LAST_YEAR, TODAY)[0], "satisfaction").points is None
    with pytest.raises(ValidationError, match="测评已结束"):
        surveys.answer(survey, ALL_SATISFIED, member=world.members_a[5])
    assert Survey.objects.get().status == Survey.Status.CLOSED


@pytest.mark.django_db(transaction=True)
def test_postgres_answers_carry_no_answering_transaction(world):
    """PostgreSQL stamps each row with the id of the transaction that wrote it (xmin): after each answer
    every right and every sealed answer of the branch carries that answer's xmin, so no xmin join pairs a
    member with an answer, and the answers' physical order (ctid) is not the answering order."""
    if connection.vendor != "postgresql":
        pytest.skip("xmin/ctid 只有 PostgreSQL 才有：设置 DATABASE_URL 后运行")
    survey = _open(world)
    codes = surveys.issue_codes(survey, world.branch_b, 3)
    order = []
    for who in [{"member": m} for m in world.members_b] + [{"code": c} for c in codes]:
        surveys.answer(survey, ALL_SATISFIED, **who)
        order += SurveyAnswer.objects.exclude(pk__in=order).values_list("pk", flat=True)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT xmin::text FROM assessment_surveyright WHERE survey_id = %s AND org_id = %s",
                [survey.pk, world.branch_b.pk],
            )
            right_xmins = {r[0] for r in cursor.fetchall()}
            cursor.execute("SELECT DISTINCT xmin::text FROM assessment_surveyanswer")
            answer_xmins = {r[0] for r in cursor.fetchall()}
        assert len(right_xmins | answer_xmins) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM assessment_surveyanswer ORDER BY ctid")
        stored = [r[0] for r in cursor.fetchall()]
    assert len(stored) == 8 and sorted(stored) == sorted(order)
    assert stored != order  # 1 in 40320 by chance


def test_the_close_cuts_the_sqlite_wal_that_paired_rights_with_sealed_answers(
    world, django_capture_on_commit_callbacks
):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite 的 WAL")
    from dangjian.evaluations.services import _truncate_wal

    survey = _open(world)
    surveys.answer(survey, ALL_SATISFIED, member=world.members_b[0])
    with django_capture_on_commit_callbacks() as callbacks:
        surveys.close_survey(survey)
    assert _truncate_wal in callbacks
