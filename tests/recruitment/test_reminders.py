"""发展党员 limits reminded through the outbox, once each, to the branch's leaders and the office."""

import datetime as dt

import pytest
from django.core.management import call_command

from dangjian.notifications.models import Delivery
from dangjian.recruitment.reminders import remind


@pytest.mark.django_db
def test_talk_due_and_overdue_are_reminded_once(world, make_applicant):
    today = dt.date.today()
    make_applicant(world.branch_a, name="李待谈", steps=[("application", today - dt.timedelta(days=25))])
    make_applicant(world.branch_a, name="赵逾期", steps=[("application", today - dt.timedelta(days=60))])
    assert remind(today, 7) > 0
    rows = Delivery.objects.filter(key__startswith="recruitment:", transport=Delivery.Transport.INAPP)
    due = rows.filter(title__contains="李待谈")
    assert {r.recipient_id for r in due} == {world.members_a[0].pk, world.members_a[1].pk}
    overdue = rows.filter(title__contains="赵逾期")
    assert overdue.filter(account=world.user("office")).exists()
    assert "党组织收到入党申请书后，应在1个月内派人同入党申请人谈话" in overdue.first().body
    assert not rows.filter(recipient=world.members_b[1]).exists()
    count = rows.count()
    remind(today, 7)
    assert rows.count() == count
    call_command("remind", "--as-of", today.isoformat())
    assert rows.count() == count
