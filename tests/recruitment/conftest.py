import datetime as dt

import pytest
from django.utils import timezone

from dangjian.meetings.models import AgendaItem, Status
from dangjian.recruitment.models import Applicant, StepRecord
from tests.factories import make_id_number
from tests.meetings.helpers import make_activity


@pytest.fixture
def make_applicant():
    def make(org, name="申请人", born=dt.date(1998, 4, 2), steps=(), **fields) -> Applicant:
        applicant = Applicant.objects.create(
            org=org, name=name, gender="M", birth_date=born, id_number=make_id_number(born), **fields
        )
        for code, day, *extra in steps:
            StepRecord.objects.create(applicant=applicant, code=code, date=day, **(extra[0] if extra else {}))
        return applicant

    return make


@pytest.fixture
def make_vote():
    """A held 支部党员大会 of the branch on a day, with one vote on an applicant."""

    def make(org, day: dt.date, kind="admit", eligible=8, present=6, votes_for=6, subject=None) -> AgendaItem:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        activity = make_activity(org, "general_meeting", start=start, status=Status.HELD)
        return AgendaItem.objects.create(
            activity=activity,
            kind=kind,
            title="讨论接收预备党员" if kind == "admit" else "讨论预备党员转正",
            subject=subject,
            eligible=eligible,
            present=present,
            votes_for=votes_for,
        )

    return make
