"""Sheets from the facts: live until the 定稿, then frozen; corrections and 申诉 change them with reasons."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.assessment import services
from dangjian.assessment.models import Correction, FrozenSheet, Objection

from .helpers import LAST_YEAR, line, theme_days

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_live_sheet_scores_the_verdicts_and_links_them(world):
    theme_days(world.branch_b, range(1, 10))  # 9 of 12 months
    sheet, _, label, frozen = services.branch_sheet(world.branch_b, LAST_YEAR, TODAY)
    got = line(sheet, "theme_day")
    assert frozen is None and label == "默认方案"
    assert got.points == 7.5  # 10 × 9/12
    assert got.evidence[0].url == f"/compliance/org/BRB/theme_day/?year={LAST_YEAR}"
    table = services.table([world.town], LAST_YEAR, TODAY)
    row = next(r for r in table.rows if r.sheet.code == "BRB")
    assert row.sheet.score == sheet.score and line(row.sheet, "theme_day").points == 7.5


def test_scores_follow_the_facts_until_finalised_then_stay(world):
    office = world.user("office")
    theme_days(world.branch_b, range(1, 7))
    before = line(services.branch_sheet(world.branch_b, LAST_YEAR, TODAY)[0], "theme_day").points
    theme_days(world.branch_b, range(7, 10))
    after = line(services.branch_sheet(world.branch_b, LAST_YEAR, TODAY)[0], "theme_day").points
    assert (before, after) == (5, 7.5)
    services.finalise([world.town], LAST_YEAR, office, TODAY)
    assert FrozenSheet.objects.filter(year=LAST_YEAR).count() == 2  # both branches of the world
    theme_days(world.branch_b, range(10, 13))
    sheet, _, _, frozen = services.branch_sheet(world.branch_b, LAST_YEAR, TODAY)
    assert frozen is not None and line(sheet, "theme_day").points == 7.5
    with pytest.raises(ValidationError, match="已于 .* 定稿"):
        services.finalise([world.town], LAST_YEAR, office, TODAY)
    with pytest.raises(ValidationError, match="更正"):
        services.save_entry(world.branch_b, LAST_YEAR, "education", 4, "台账齐全", office)


def test_a_correction_needs_a_reason_and_keeps_the_old_points(world):
    office = world.user("office")
    theme_days(world.branch_b, range(1, 10))
    services.finalise([world.town], LAST_YEAR, office, TODAY)
    frozen = FrozenSheet.objects.get(org=world.branch_b, year=LAST_YEAR)
    with pytest.raises(ValidationError, match="更正理由"):
        services.correct(frozen, "theme_day", 10, "  ", office)
    with pytest.raises(ValidationError, match="0 到 10"):
        services.correct(frozen, "theme_day", 11, "补录", office)
    score = frozen.score
    services.correct(frozen, "theme_day", 10, "10—12月活动记录经核实后补录", office)
    c = Correction.objects.get()
    assert (c.old_points, c.new_points) == (7.5, 10)
    sheet = services.branch_sheet(world.branch_b, LAST_YEAR, TODAY)[0]
    assert line(sheet, "theme_day").correction == "10—12月活动记录经核实后补录"
    frozen.refresh_from_db()
    assert frozen.score > score and sheet.score == frozen.score


def test_office_entries_need_a_note_and_their_range(world):
    office = world.user("office")
    with pytest.raises(ValidationError, match="说明"):
        services.save_entry(world.branch_b, LAST_YEAR, "education", 4, "", office)
    with pytest.raises(ValidationError, match="0 到 5"):
        services.save_entry(world.branch_b, LAST_YEAR, "education", 6, "好", office)
    with pytest.raises(ValidationError, match="不由党建办录入"):
        services.save_entry(world.branch_b, LAST_YEAR, "theme_day", 6, "好", office)
    services.save_entry(world.branch_b, LAST_YEAR, "education", 4, "台账齐全，缺少一次培训记录", office)
    got = line(services.branch_sheet(world.branch_b, LAST_YEAR, TODAY)[0], "education")
    assert got.points == 4 and "缺少一次培训记录" in got.detail


def _finalised(world):
    services.finalise([world.town], LAST_YEAR, world.user("office"), TODAY)
    return FrozenSheet.objects.get(org=world.branch_b, year=LAST_YEAR)


def test_an_accepted_objection_changes_the_score_with_its_reason(world):
    frozen = _finalised(world)
    score = frozen.score
    objection = services.raise_objection(
        frozen, "theme_day", "5月主题党日记录已上传", world.user("organiser_b"), TODAY
    )
    with pytest.raises(ValidationError, match="待答复"):
        services.raise_objection(frozen, "theme_day", "再次申诉", world.user("organiser_b"), TODAY)
    with pytest.raises(ValidationError, match="分值"):
        services.answer_objection(objection, True, "属实", world.user("office"))
    services.answer_objection(objection, True, "经核实属实", world.user("office"), points=2)
    objection.refresh_from_db()
    assert objection.status == Objection.Status.ACCEPTED and objection.correction.new_points == 2
    frozen.refresh_from_db()
    assert frozen.score > score
    assert (
        line(services.branch_sheet(world.branch_b, LAST_YEAR, TODAY)[0], "theme_day").correction
        == "采纳申诉：经核实属实"
    )


def test_a_rejected_objection_leaves_the_score(world):
    frozen = _finalised(world)
    objection = services.raise_objection(frozen, "theme_day", "不同意", world.user("organiser_b"), TODAY)
    services.answer_objection(objection, False, "记录确实缺失", world.user("office"))
    frozen.refresh_from_db()
    assert not Correction.objects.exists() and frozen.score == FrozenSheet.objects.get(pk=frozen.pk).score
    with pytest.raises(ValidationError, match="已答复"):
        services.answer_objection(objection, True, "改判", world.user("office"), points=1)


def test_objections_close_with_their_window(world):
    frozen = _finalised(world)
    late = TODAY + dt.timedelta(days=16)
    with pytest.raises(ValidationError, match="申诉期已于"):
        services.raise_objection(frozen, "theme_day", "理由", world.user("organiser_b"), late)
    services.raise_objection(
        frozen, "theme_day", "理由", world.user("organiser_b"), TODAY + dt.timedelta(days=15)
    )


def test_ranks_reach_a_branch_only_when_the_office_publishes_them(world):
    _finalised(world)
    assert services.rank_of(world.branch_b, LAST_YEAR) is None
    services.publish_ranking(LAST_YEAR, True)
    assert services.rank_of(world.branch_b, LAST_YEAR) == (1, 1)  # the only 企业 branch
    services.publish_ranking(LAST_YEAR, False)
    assert services.rank_of(world.branch_b, LAST_YEAR) is None


def test_year_on_year_change_reads_last_years_frozen_score(world):
    frozen = _finalised(world)
    row = next(r for r in services.table([world.town], LAST_YEAR + 1, TODAY).rows if r.sheet.code == "BRB")
    assert row.previous == frozen.score
    assert row.change == (None if row.sheet.score is None else round(row.sheet.score - frozen.score, 1))


def test_a_supervision_finding_costs_points_on_the_sheet_and_links_to_it(world):
    """The 督查发现 indicator reads supervision's recorded findings, not a stand-in."""
    from dangjian.supervision.rounds.choices import Result
    from tests.supervision.rounds_helpers import YEAR, find, make_round

    before = line(services.branch_sheet(world.branch_b, YEAR, TODAY)[0], "findings")
    find(world, "committee_meeting", Result.NONCONFORMING)
    after = line(services.branch_sheet(world.branch_b, YEAR, TODAY)[0], "findings")
    assert (before.points, after.points) == (10, 7)
    assert [e.url for e in after.evidence] == [
        f"/supervision/rounds/{make_round(world).pk}/BRB/#item-{make_round(world).items.get(rule='committee_meeting').pk}"
    ]
    assert line(services.branch_sheet(world.branch_a, YEAR, TODAY)[0], "findings").points == 10
