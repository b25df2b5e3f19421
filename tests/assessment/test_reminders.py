"""The 申诉 window's closing is reminded through the outbox to the branch's leaders, once."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.assessment import reminders, services
from dangjian.notifications.models import Delivery

from .helpers import LAST_YEAR

pytestmark = pytest.mark.django_db


def test_objection_window_closing_is_reminded_once_to_the_branch_leaders(world):
    today = timezone.localdate()
    services.finalise([world.town], LAST_YEAR, world.user("office"), today)
    assert reminders.remind(today) == 0  # 15 days left: too early
    closing = today + dt.timedelta(days=13)
    assert reminders.remind(closing) > 0
    to = set(
        Delivery.objects.filter(key__startswith="assessment:objections:").values_list(
            "recipient_id", flat=True
        )
    )
    assert to == {world.members_a[0].pk, world.members_a[1].pk, world.members_b[0].pk, world.members_b[1].pk}
    assert reminders.remind(closing) == 0
    assert reminders.remind(today + dt.timedelta(days=16)) == 0  # closed


def test_a_closing_survey_is_reminded_once_to_those_who_have_not_answered(world):
    from dangjian.assessment import surveys

    today = timezone.localdate()
    survey = surveys.open_survey(
        [world.town], LAST_YEAR, "", today + dt.timedelta(days=2), world.user("office"), today
    )
    surveys.answer(survey, {"work": "satisfied", "life": "satisfied"}, member=world.members_b[0])
    assert reminders.remind(today) > 0
    to = set(
        Delivery.objects.filter(key__startswith="assessment:survey:").values_list("recipient_id", flat=True)
    )
    everyone = {m.pk for m in world.members_a + world.members_b}
    assert to == everyone - {world.members_b[0].pk}
    assert reminders.remind(today) == 0
