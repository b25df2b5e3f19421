"""What the secretary sees: a new file refused for age with the rule quoted, a step refused over the API,
and personal data encrypted at rest."""

import datetime as dt

import pytest
from django.db import connection

from dangjian.recruitment.models import Applicant
from tests.factories import make_id_number


def new_file(born, received):
    return {
        "name": "少年",
        "gender": "M",
        "birth_date": born.isoformat(),
        "id_number": make_id_number(born),
        "phone": "13912345678",
        "received_on": received.isoformat(),
    }


@pytest.mark.django_db
def test_a_17_year_old_is_refused_on_the_page_and_nothing_is_kept(world, client_for):
    today = dt.date.today()
    born = (
        today.replace(year=today.year - 17)
        if today.month != 2 or today.day != 29
        else dt.date(today.year - 17, 2, 28)
    )
    response = client_for("secretary_a").post("/recruitment/org/BRA/new/", new_file(born, today))
    assert response.status_code == 200
    text = response.content.decode()
    assert "未满18周岁" in text and "细则》（2014）第二章，第1步" in text
    assert not Applicant.objects.exists()


@pytest.mark.django_db
def test_a_new_file_keeps_id_and_phone_encrypted(world, client_for):
    born = dt.date(2000, 5, 6)
    data = new_file(born, dt.date.today())
    response = client_for("secretary_a").post("/recruitment/org/BRA/new/", data)
    assert response.status_code == 302
    applicant = Applicant.objects.get()
    assert applicant.stage == "applicant" and applicant.steps.get().code == "application"
    with connection.cursor() as cursor:
        cursor.execute("select id_number, phone from recruitment_applicant")
        raw_id, raw_phone = cursor.fetchone()
    assert data["id_number"] not in raw_id and "13912345678" not in raw_phone
    again = client_for("secretary_a").post("/recruitment/org/BRA/new/", data)
    assert "已有发展党员档案" in again.content.decode()


@pytest.mark.django_db
def test_the_api_refuses_a_step_too_early_with_the_rule(world, client_for, make_applicant):
    today = dt.date.today()
    applicant = make_applicant(
        world.branch_a,
        steps=[
            ("application", today - dt.timedelta(days=200)),
            ("talk", today - dt.timedelta(days=190)),
            ("activist", today - dt.timedelta(days=100)),
            ("mentors", today - dt.timedelta(days=99)),
            ("review", today - dt.timedelta(days=10)),
        ],
    )
    response = client_for("secretary_a").post(
        f"/api/recruitment/applicants/{applicant.pk}/steps",
        {"code": "candidate", "date": today.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "入党积极分子经过1年以上培养教育和考察，方可列为发展对象" in response.json()["problems"][0]
    assert not applicant.steps.filter(code="candidate").exists()


@pytest.mark.django_db
def test_cancelling_a_probationary_member_marks_the_register(world, make_applicant):
    from dangjian.members.choices import Status
    from dangjian.recruitment.services import StepInput, record_step

    today = dt.date.today()
    member = world.members_a[8]
    applicant = make_applicant(
        world.branch_a,
        steps=[
            ("admission_meeting", today - dt.timedelta(days=100)),
            ("superior_talk", today - dt.timedelta(days=90)),
        ],
    )
    record_step(applicant, StepInput("admission_approval", today - dt.timedelta(days=80)))
    applicant.refresh_from_db()
    assert applicant.member is not None and applicant.member != member
    record_step(applicant, StepInput("cancel", today))
    applicant.refresh_from_db()
    assert applicant.stage == "cancelled" and applicant.member.status == Status.LEFT
