"""Recording steps through the service: votes from the linked 支部党员大会, the register on 预备/转正."""

import datetime as dt

import pytest

from dangjian.members.choices import Category
from dangjian.recruitment.services import StepInput, StepRefused, record_step

TODAY = dt.date.today()


def probation_steps(meeting_day):
    before = meeting_day - dt.timedelta(days=5)
    return [
        ("application", before - dt.timedelta(days=800)),
        ("talk", before - dt.timedelta(days=790)),
        ("activist", before - dt.timedelta(days=700)),
        ("mentors", before - dt.timedelta(days=699)),
        ("review", before - dt.timedelta(days=500)),
        ("candidate", before - dt.timedelta(days=300)),
        ("introducers", before - dt.timedelta(days=200)),
        ("political_review", before - dt.timedelta(days=200)),
        ("training", before - dt.timedelta(days=200), {"days": 3}),
        ("committee_review", before - dt.timedelta(days=100)),
        ("publicity", before - dt.timedelta(days=90), {"end_date": before - dt.timedelta(days=80)}),
        ("superior_prereview", before - dt.timedelta(days=60)),
        ("volunteer_form", before),
    ]


@pytest.mark.django_db
def test_a_meeting_without_quorum_is_refused_and_nothing_written(world, make_applicant, make_vote):
    day = TODAY - dt.timedelta(days=400)
    applicant = make_applicant(world.branch_a, steps=probation_steps(day))
    vote = make_vote(world.branch_a, day, eligible=8, present=4, votes_for=4)
    with pytest.raises(StepRefused) as refused:
        record_step(applicant, StepInput("admission_meeting", agenda_item=vote))
    assert "未超过应到会人数的半数" in refused.value.problems[0]
    assert not applicant.steps.filter(code="admission_meeting").exists()


@pytest.mark.django_db
def test_register_entry_on_approval_and_updated_on_confirmation(world, make_applicant, make_vote):
    day = TODAY - dt.timedelta(days=400)
    applicant = make_applicant(world.branch_a, name="张发展", steps=probation_steps(day))
    record_step(applicant, StepInput("admission_meeting", agenda_item=make_vote(world.branch_a, day)))
    record_step(applicant, StepInput("superior_talk", day + dt.timedelta(days=10)))
    record_step(applicant, StepInput("admission_approval", day + dt.timedelta(days=20)))
    applicant.refresh_from_db()
    member = applicant.member
    assert applicant.stage == "probationary"
    assert (member.category, member.joined_on, member.org) == (Category.PROBATIONARY, day, world.branch_a)
    record_step(applicant, StepInput("oath", day + dt.timedelta(days=30)))
    record_step(applicant, StepInput("confirm_application", day + dt.timedelta(days=360)))
    end = (
        day.replace(year=day.year + 1)
        if not (day.month == 2 and day.day == 29)
        else dt.date(day.year + 1, 2, 28)
    )
    too_early = make_vote(world.branch_a, end - dt.timedelta(days=1), kind="confirm", subject=member)
    with pytest.raises(StepRefused) as refused:
        record_step(applicant, StepInput("confirm_meeting", agenda_item=too_early))
    assert "预备期为1年" in refused.value.problems[0]
    confirm = make_vote(world.branch_a, end, kind="confirm", subject=member)
    record_step(applicant, StepInput("confirm_meeting", agenda_item=confirm))
    record_step(applicant, StepInput("confirm_approval", end + dt.timedelta(days=3)))
    member.refresh_from_db()
    applicant.refresh_from_db()
    assert (member.category, member.confirmed_on, applicant.stage) == (Category.FULL, end, "full")
    reasons = [h.history_change_reason for h in member.history.order_by("history_id")]
    assert reasons == ["发展党员：上级党委审批接收为预备党员", "发展党员：上级党委审批预备党员转正"]


@pytest.mark.django_db
def test_mentors_must_be_two_full_members(world, make_applicant):
    applicant = make_applicant(
        world.branch_a,
        steps=[
            ("application", TODAY - dt.timedelta(days=60)),
            ("talk", TODAY - dt.timedelta(days=50)),
            ("activist", TODAY - dt.timedelta(days=40)),
        ],
    )
    probationary = world.members_a[8]
    with pytest.raises(StepRefused) as refused:
        record_step(applicant, StepInput("mentors", TODAY, people=(world.members_a[2].pk, probationary.pk)))
    assert "两名" in refused.value.problems[0] or "2名" in refused.value.problems[0]
    record_step(applicant, StepInput("mentors", TODAY, people=(world.members_a[2].pk, world.members_a[3].pk)))
