"""The demo's dues: a year and more of ledger, a few members in arrears (one past six months), one
approved exemption, the town's 上缴."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from dangjian.demo.town import Town
from dangjian.dues import demo, services, theme_day
from dangjian.dues.models import Entry, Payment, Relief, Remittance
from dangjian.meetings.models import Attendance, AttendanceStatus
from dangjian.orgs.models import Organisation
from tests.compliance.helpers import held


@pytest.mark.django_db
def test_demo_dues_have_arrears_an_exemption_and_remittances(world):
    today = timezone.localdate()
    members = world.members_a + world.members_b
    ctx = Town(
        rng=random.Random(3),
        today=today,
        town=world.town,
        branches=[world.branch_a, world.branch_b],
        members=members,
    )
    demo.populate(ctx)
    assert Entry.objects.count() > 12 * len(members) - 40
    [relief] = Relief.objects.all()
    assert relief.effective and relief.kind == "exempt"
    behind = services.arrears(members, today)
    assert sorted(len(a.months) for a in behind) == sorted(demo.BEHIND)
    assert [a.flagged for a in behind].count(True) == 1
    assert relief.member not in [a.member for a in behind]
    assert Remittance.objects.filter(org=world.town).count() >= 4


@pytest.mark.django_db
def test_demo_dues_leave_out_members_no_longer_in_the_party(world):
    """A deceased member owes nothing and pays nothing: the town summary's due leaves them out, so their
    payments would push the collection rate over 100%."""
    today = timezone.localdate()
    members = world.members_a + world.members_b
    gone = members[0]
    gone.status = "deceased"
    gone.save()
    ctx = Town(
        rng=random.Random(3),
        today=today,
        town=world.town,
        branches=[world.branch_a, world.branch_b],
        members=members,
    )
    demo.populate(ctx)
    assert not Entry.objects.filter(member=gone).exists()
    for row in services.town_summary(Organisation.objects.filter(pk__in=[world.branch_a.pk]), today.year):
        assert all(cell.paid <= cell.due for cell in row.months), row


@pytest.mark.django_db
def test_demo_dues_are_paid_at_the_theme_days_members_attended(world):
    """The demo shows the ledger satisfying a 主题党日's 党费交纳台帐: members present pay there, in cash."""
    today = timezone.localdate()
    day = dt.date(today.year - 1, 5, 8)
    activity = held(world.branch_a, "theme_day", day, attended=False)
    present = world.members_a[:3]
    Attendance.objects.bulk_create(
        [Attendance(activity=activity, member=m, status=AttendanceStatus.PRESENT) for m in present]
    )
    ctx = Town(
        rng=random.Random(3),
        today=today,
        town=world.town,
        branches=[world.branch_a, world.branch_b],
        members=world.members_a + world.members_b,
    )
    demo.populate(ctx)
    at = Payment.objects.filter(activity=activity)
    assert at.exists() and set(at.values_list("member_id", flat=True)) <= {m.pk for m in present}
    assert all(p.paid_on == day and p.method == "cash" and p.source == "theme_day" for p in at)
    assert theme_day.paid_at(activity)
