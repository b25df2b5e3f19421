"""Stored verdicts: always equal to a fresh computation, read by the dashboard in a constant number of
queries, paged, and moved to the new check date when the day changes."""

import datetime as dt
import io
import random
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.accounts.access import access_for
from dangjian.compliance import facts, services, stored
from dangjian.compliance.models import StoredVerdict, VerdictState
from dangjian.compliance.periods import Period
from dangjian.meetings.models import Activity, Attendance, AttendanceStatus, Record
from dangjian.members import importing
from dangjian.members.choices import Category
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation
from dangjian.talks.models import Talk
from tests.factories import OrgFactory
from tests.foundation.sheets import row, valid_id, xlsx_bytes

from .helpers import held

pytestmark = pytest.mark.django_db
BRANCH_KINDS = ["committee_meeting", "general_meeting", "party_lecture", "theme_day"]
RECORDS = ["activity_register", "activity_photos", "dues_ledger", "attendance_sheet"]


def _fresh(world, year, as_of):
    codes = {r.code for r in services.matrix_rules()}
    return sorted(
        (v.org_id, v.rule, v.period, v.status, v.required, v.counted)
        for v in facts.iter_verdicts(world.town, year, as_of, rules=codes, brief=True)
    )


def _stored(year):
    return sorted(
        StoredVerdict.objects.filter(year=year).values_list(
            "org_id", "rule", "period", "status", "required", "counted"
        )
    )


def _cells(m):
    return {
        (row.code, rule): (c.status, c.required, c.counted, c.verdicts)
        for row in m.rows
        for rule, c in row.cells.items()
    } | {("tally", row.code): (row.tally.met, row.tally.incomplete, row.tally.decided) for row in m.rows}


def _same_matrix(world, year, today, period):
    fresh = services.matrix(world.town, year, today, period)
    kept = stored.matrix(world.town, year, today, period)
    assert not any(r.cells for r in kept.rows)  # the page's rows get theirs
    stored.fill_cells(kept, kept.rows)
    assert _cells(kept) == _cells(fresh), period.label
    assert kept.totals == fresh.totals and kept.month_rates() == fresh.month_rates()
    assert kept.rule_shares() == fresh.rule_shares()
    assert [r.code for r in kept.ranking()] == [r.code for r in fresh.ranking()]


@pytest.mark.django_db(transaction=True)
def test_stored_verdicts_equal_a_fresh_computation_after_random_changes(world):
    """Seeded random sequences of changes to the facts, each committed (the queued refresh then runs, on
    the tests' immediate task backend): what is stored equals what the engine computes from the facts,
    verdict by verdict and cell by cell."""
    today = timezone.localdate()
    year = today.year
    stored.rebuild([year], today)
    rng = random.Random(20261203)
    orgs = [world.branch_a, world.branch_b, world.group_a1, world.group_a2]
    members = world.members_a + world.members_b

    def day():
        return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange((today - dt.date(year, 1, 1)).days + 1))

    def add_activity():
        org = rng.choice(orgs)
        kind = "group_meeting" if org.kind == OrgKind.GROUP else rng.choice(BRANCH_KINDS)
        records = rng.sample(RECORDS, rng.randrange(len(RECORDS) + 1))
        held(org, kind, day(), records=records, attended=rng.random() < 0.8)

    def remove_activity():
        found = Activity.objects.order_by("?").first()
        if found:
            found.delete()

    def move_activity():
        found = Activity.objects.order_by("?").first()
        if found:
            found.actual_start = timezone.make_aware(dt.datetime.combine(day(), dt.time(9)))
            found.date = found.actual_start.date()
            found.save()

    def toggle_attendance():
        found = Activity.objects.order_by("?").first()
        if found is None:
            return
        if found.attendance.exists():
            found.attendance.all().delete()
        else:
            Attendance.objects.create(activity=found, member=members[0], status=AttendanceStatus.PRESENT)

    def toggle_record():
        found = Activity.objects.order_by("?").first()
        if found is None:
            return
        record = found.records.first()
        if record:
            record.delete()
        else:
            Record.objects.create(activity=found, kind=rng.choice(RECORDS), reference="档案盒2")

    def change_member():
        member = rng.choice(members)
        if rng.random() < 0.5:
            member.category = rng.choice([Category.FULL, Category.PROBATIONARY])
        else:
            member.org = rng.choice([world.branch_a, world.branch_b])
            member.group = None
        member.save()

    def change_branch():
        branch = rng.choice([world.branch_a, world.branch_b])
        branch.founded_on = rng.choice([dt.date(2000, 1, 1), dt.date(year, rng.randrange(1, 13), 15)])
        branch.save()

    def talk():
        branch, people = rng.choice([(world.branch_a, world.members_a), (world.branch_b, world.members_b)])
        if rng.random() < 0.3 and Talk.objects.exists():
            Talk.objects.order_by("?").first().delete()
            return
        Talk.objects.create(
            org=branch,
            initiator=people[0],
            partner=rng.choice(people[1:]),
            talked_on=day(),
            topics="交流思想",
        )

    steps = [add_activity] * 4 + [
        remove_activity,
        move_activity,
        toggle_attendance,
        toggle_record,
        change_member,
        change_branch,
        talk,
    ]
    for n in range(60):
        with transaction.atomic():  # one request's changes; the refresh is queued when they commit
            rng.choice(steps)()
        assert not VerdictState.objects.filter(stale=True).exists()
        assert _stored(year) == _fresh(world, year, today), f"after step {n}"
    for period in [Period(year, 1, "year"), Period.of("quarter", today), Period.of("month", today)]:
        _same_matrix(world, year, today, period)


def test_a_change_marks_its_branch_stale_and_a_rollback_keeps_the_mark_away(world):
    today = timezone.localdate()
    stored.rebuild([today.year], today)
    held(world.group_a1, "group_meeting", today)  # no commit in this test: the mark alone
    assert set(VerdictState.objects.filter(stale=True).values_list("branch_id", flat=True)) == {
        world.branch_a.pk
    }
    assert stored.stale_branches(Organisation.objects.filter(kind=OrgKind.BRANCH), today.year, today) == [
        world.branch_a.pk
    ]


def test_the_dashboard_refreshes_what_a_new_day_left_behind(world, client_for):
    """Computed yesterday, read today: a running month may have ended, so the first request of the day
    recomputes before reading; a past check date is computed fresh and leaves the store alone."""
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    branches = [world.branch_a.pk, world.branch_b.pk]
    stored.refresh(branches, today.year, yesterday)
    html = client_for("office").get("/compliance/").content.decode()
    assert ">甲村党支部<" in html
    assert set(VerdictState.objects.values_list("as_of", flat=True)) == {today}
    assert _stored(today.year) == _fresh(world, today.year, today)
    client_for("office").get("/compliance/", {"as_of": yesterday.isoformat()})
    assert set(VerdictState.objects.values_list("as_of", flat=True)) == {today}


def test_the_rebuild_command_and_the_stale_refresh(world):
    today = timezone.localdate()
    call_command("verdicts", "--year", str(today.year), stdout=io.StringIO())
    assert VerdictState.objects.filter(as_of=today, stale=False).count() == 2
    VerdictState.objects.update(as_of=today - dt.timedelta(days=1))
    assert stored.refresh_stale(today) == StoredVerdict.objects.count() > 0
    assert _stored(today.year) == _fresh(world, today.year, today)


def _many_branches(world, n):
    for i in range(n):
        OrgFactory(code=f"X{i:03d}", name=f"新建第{i:03d}党支部", parent=world.town)


def _dashboard_queries(client, **params):
    client.get("/compliance/", params)  # the first request stores them
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/compliance/", params)
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_the_dashboard_reads_stored_verdicts_in_constant_queries(world, client_for):
    client = client_for("office")
    few, _ = _dashboard_queries(client)
    _many_branches(world, 60)
    many, html = _dashboard_queries(client)
    assert few == many <= 20
    xlsx_queries = CaptureQueriesContext(connection)
    with xlsx_queries:
        export = client.get("/compliance/", {"format": "xlsx"})
    assert len(xlsx_queries) <= many
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    codes = {row[0] for row in sheet.iter_rows(values_only=True) if str(row[0]).startswith("X")}
    assert codes == {f"X{i:03d}" for i in range(60)}  # every branch, not one page


def test_the_matrix_is_paged_and_searched_server_side(world, client_for):
    _many_branches(world, 60)
    client = client_for("office")
    first = client.get("/compliance/").content.decode()
    rows = re.findall(r'<th scope="row"><a href="/compliance/org/([\w-]+)/', first)
    assert len(rows) == 50 and rows[:2] == ["BRA", "BRB"]
    assert "第 1 / 2 页，共 62 个党支部" in first and 'hx-target="#matrix-part"' in first
    part = client.get("/compliance/", {"page": 2, "part": "matrix"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part and 'id="matrix-part"' in part
    assert re.findall(r"/compliance/org/([\w-]+)/\?", part) == [f"X{i:03d}" for i in range(48, 60)]
    found = client.get("/compliance/", {"q": "第007"}).content.decode()
    assert re.findall(r'<th scope="row"><a href="/compliance/org/([\w-]+)/', found) == ["X007"]
    # The drill-down links keep the period and the filters keep working with the store.
    assert "/compliance/verdict/" not in first and "/compliance/org/BRA/committee_meeting/?year=" in first
    general = client.get("/compliance/", {"general": "GEN"}).content.decode()
    assert re.findall(r'<th scope="row"><a href="/compliance/org/([\w-]+)/', general) == ["BRA"]


def test_a_member_import_marks_the_branches_it_changes_stale(world):
    """The import writes members in bulk (no signals): it marks the branches itself, old and new."""
    today = timezone.localdate()
    scope = access_for(world.user("office")).manageable_orgs()
    importing.import_members(io.BytesIO(xlsx_bytes([row(姓名="王新", 身份证号=valid_id(seq=11))])), scope)
    stored.rebuild([today.year], today)
    moved = row(姓名="王新", 身份证号=valid_id(seq=11), 所在党支部代码="BRB")
    importing.import_members(io.BytesIO(xlsx_bytes([moved])), scope)  # from 甲村 to 乙企业
    stale = set(VerdictState.objects.filter(stale=True).values_list("branch_id", flat=True))
    assert stale == {world.branch_a.pk, world.branch_b.pk}


def test_the_workers_first_round_of_a_day_moves_the_stored_verdicts_to_today(world):
    today = timezone.localdate()
    stored.refresh([world.branch_a.pk, world.branch_b.pk], today.year, today - dt.timedelta(days=1))
    call_command("worker", "--once", stdout=io.StringIO())
    assert set(VerdictState.objects.values_list("as_of", flat=True)) == {today}
    assert _stored(today.year) == _fresh(world, today.year, today)
