"""The demo pipeline (every stage, some overdue) and the 发展党员 verdict computed from the files."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from dangjian.compliance import facts
from dangjian.demo.town import Town
from dangjian.members.choices import Category
from dangjian.recruitment import demo, pipeline
from dangjian.recruitment.models import Applicant
from dangjian.recruitment.services import StepInput, record_step


@pytest.mark.django_db
def test_demo_has_every_stage_and_some_files_overdue(world):
    today = timezone.localdate()
    ctx = Town(rng=random.Random(1), today=today, town=world.town, branches=[world.branch_a, world.branch_b])
    demo.populate(ctx)
    stages = {a.stage for a in Applicant.objects.all()}
    assert stages == {"applicant", "activist", "candidate", "probationary", "full"}
    assert 18 <= Applicant.objects.count() <= 25
    views = pipeline.files(facts.under(world.town, "org__"), today)
    stuck = [v for v in views if v.overdue]
    assert len(stuck) >= 3
    full = Applicant.objects.get(stage="full")
    assert full.member.category == Category.FULL and full.member.confirmed_on is not None
    assert Applicant.objects.filter(stage="probationary", member__category=Category.PROBATIONARY).exists()


def verdict(org, year, as_of):
    return next(v for v in facts.iter_verdicts(org, year, as_of) if v.rule == "member_development")


@pytest.mark.django_db
def test_the_verdict_is_computed_from_the_files_without_names(world, make_applicant):
    today = timezone.localdate()
    assert "没有发展党员的记录" in verdict(world.branch_a, today.year, today).reasons[0]
    overdue = make_applicant(
        world.branch_a, name="王逾期", steps=[("application", today - dt.timedelta(days=45))]
    )
    v = verdict(world.branch_a, today.year, today)
    assert v.status == "unmet" and any("党组织派人谈话" in r and "已逾期" in r for r in v.reasons)
    assert all("王逾期" not in r for r in v.reasons)
    record_step(overdue, StepInput("talk", today))
    v = verdict(world.branch_a, today.year, today)
    assert v.status == "unmet" and any("超过时限" in r for r in v.reasons)  # the late talk stays visible
    assert any("缺少谈话记录" in r for r in v.reasons)
    assert verdict(world.branch_b, today.year, today).status == "not_applicable"


@pytest.mark.django_db
def test_the_verdict_page_shows_the_reasons_to_a_reader_without_the_name(world, client_for, make_applicant):
    today = timezone.localdate()
    make_applicant(world.branch_a, name="王逾期", steps=[("application", today - dt.timedelta(days=45))])
    response = client_for("instructor_a").get(f"/compliance/org/BRA/member_development/?year={today.year}")
    text = response.content.decode()
    assert response.status_code == 200 and "党组织派人谈话" in text and "未达标" in text
    assert "王逾期" not in text


def test_the_engine_takes_a_checked_item_from_its_app():
    from dangjian.compliance import engine
    from dangjian.rulebook import rulebook

    org = engine.OrgFacts(id=1, code="B", name="甲支部", kind="branch")
    book = rulebook.current()

    def run(checked):
        found = engine.evaluate([org], book, {}, {}, dt.date(2026, 6, 30), year=2026, checked=checked)
        return next(v for v in found if v.rule == "member_development")

    assert "暂不检查" in run(None).reasons[0]  # no app answers: the rulebook's thresholds, unchecked
    assert run({"member_development": {}}).status == "not_applicable"
    met = run({"member_development": {1: engine.Checked("met", ("按时限办理",), 3)}})
    assert met.status == "met" and met.counted == 3
    unmet = run({"member_development": {1: engine.Checked("unmet", ("一名入党申请人的谈话已逾期",), 3)}})
    assert unmet.status == "unmet" and unmet.reasons == ["一名入党申请人的谈话已逾期"]
