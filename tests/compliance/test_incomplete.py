"""已开展·记录不全: a meeting held without attendance, required records or (主题党日) all its parts is not
达标; it is told apart on every page, the matrix, the export, the API and the reminders."""

import datetime as dt
from io import BytesIO, StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.compliance import services
from dangjian.compliance.engine import IN_PROGRESS, INCOMPLETE, MET
from dangjian.compliance.periods import Period
from dangjian.meetings.models import Attendance, AttendanceStatus
from dangjian.notifications.models import Notification
from dangjian.rulebook import rulebook
from dangjian.talks.models import Talk

from .helpers import held

pytestmark = pytest.mark.django_db
AFTER = dt.date(2026, 1, 10)
THEME = ["activity_register", "activity_photos", "dues_ledger"]  # with the minutes written in the page


def find(found, rule, period=None):
    hits = [v for v in found if v.rule == rule and (period is None or v.period == period)]
    assert len(hits) == 1, [(v.rule, v.org, v.period) for v in hits]
    return hits[0]


def test_theme_day_nobody_attended_with_records_missing_is_not_met(world):
    """The case seen on /compliance/org/SDS-CUN01/theme_day/: 0 attended, 4 records missing, shown 达标."""
    day = held(world.branch_a, "theme_day", dt.date(2025, 5, 8), minutes="", attended=False)
    Attendance.objects.bulk_create(
        [Attendance(activity=day, member=m, status=AttendanceStatus.ABSENT) for m in world.members_a]
    )
    v = find(services.verdicts_for(world.branch_a, 2025, AFTER), "theme_day", "2025-05")
    assert (v.status, v.status_label, v.counted, v.complete) == (INCOMPLETE, "已开展·记录不全", 1, 0)
    assert v.missing_records == ["会议记录", "活动情况开展登记表", "活动剪影", "党费交纳台帐"]
    why = " ".join(v.counted_activities[0].why)
    assert "没有登记任何出席人员" in why
    assert "已开展·记录不全" in v.shortfall and "出勤登记" in v.shortfall


def test_theme_day_with_three_of_five_parts_names_the_missing_ones(world):
    parts = ["集中学习", "听党课", "交纳党费"]
    held(world.branch_a, "theme_day", dt.date(2025, 6, 8), records=THEME, parts=parts)
    v = find(services.verdicts_for(world.branch_a, 2025, AFTER), "theme_day", "2025-06")
    assert v.status == INCOMPLETE and v.missing_records == []
    assert v.counted_activities[0].missing_parts == ["民主议事", "志愿服务"]
    assert "应有5个环节，已开展3个，缺少：民主议事、志愿服务" in " ".join(v.counted_activities[0].why)


def test_theme_day_with_its_attendance_records_and_parts_is_met(world):
    held(world.branch_a, "theme_day", dt.date(2025, 7, 8), records=THEME)
    v = find(services.verdicts_for(world.branch_a, 2025, AFTER), "theme_day", "2025-07")
    assert (v.status, v.complete) == (MET, 1)


def test_a_complete_meeting_beside_an_incomplete_one_meets_the_month(world):
    held(world.branch_a, "theme_day", dt.date(2025, 8, 3), records=THEME)
    held(world.branch_a, "theme_day", dt.date(2025, 8, 20), attended=False)
    v = find(services.verdicts_for(world.branch_a, 2025, AFTER), "theme_day", "2025-08")
    assert (v.status, v.counted, v.complete) == (MET, 2, 1)


def test_matrix_cell_never_counts_more_than_required(world):
    """Two 主题党日 in one month showed "达标 2/1"; a cell counts each period at most what it required."""
    held(world.branch_a, "theme_day", dt.date(2025, 1, 3), records=THEME)
    held(world.branch_a, "theme_day", dt.date(2025, 1, 20), records=THEME)
    row = next(r for r in services.matrix(world.town, 2025, AFTER).rows if r.code == "BRA")
    cell = row.cells["theme_day"]  # the year: 12 months, one met
    assert (cell.counted, cell.required) == (1, 12)
    month = services.matrix(world.town, 2025, AFTER, Period.parse("2025-01"))
    cell = next(r for r in month.rows if r.code == "BRA").cells["theme_day"]
    assert (cell.status, cell.counted, cell.required) == (MET, 1, 1)


def test_rates_count_incomplete_apart_and_only_periods_that_are_over(world):
    held(world.branch_a, "theme_day", dt.date(2025, 1, 8), records=THEME)
    held(world.branch_a, "theme_day", dt.date(2025, 2, 8), attended=False)
    held(world.branch_a, "theme_day", dt.date(2025, 3, 2), records=THEME)
    m = services.matrix(world.town, 2025, dt.date(2025, 3, 10), Period.parse("2025-Q1"))
    months = {name: (rate, incomplete) for name, rate, incomplete in m.month_rates()}
    # Five monthly verdicts a month (BRA's 主题党日 and 支部委员会, its two 党小组会, BRB's 主题党日).
    # January: one met. February: one held with incomplete records. March is running: no rate yet.
    assert months["1月"] == (20, 0) and months["2月"] == (0, 20)
    assert months["3月"] == (None, None)
    row = next(r for r in m.rows if r.code == "BRA")
    assert (row.tally.met, row.tally.incomplete) >= (1, 1)
    assert m.totals[INCOMPLETE] >= 1
    shares = dict(m.rule_shares())
    assert shares["民主评议党员"][IN_PROGRESS] == 100  # a yearly rule shows while its year runs


def test_talks_before_the_org_life_meeting_stand_for_its_talk_records(world):
    item = rulebook.current().item("org_life_meeting")
    records = [
        r for s in item.stages for r in s.records if r not in ("talk_records", "minutes", "rectification")
    ]
    meeting = held(world.branch_a, "org_life_meeting", dt.date(2026, 1, 15), records=records)
    from dangjian.meetings.models import Rectification

    Rectification.objects.create(
        activity=meeting, content="整改", owner=world.members_a[1], due_on=dt.date(2026, 3, 1)
    )
    as_of = dt.date(2026, 2, 1)
    before = find(services.verdicts_for(world.branch_a, 2026, as_of), "org_life_meeting")
    assert before.missing_records == ["会前·谈心谈话记录"] and before.status == INCOMPLETE
    # A talk for another year's review, or after the meeting, does not prepare it.
    for on, year in ((dt.date(2026, 1, 20), 2025), (dt.date(2025, 3, 1), 2024)):
        Talk.objects.create(
            org=world.branch_a,
            initiator=world.members_a[0],
            partner=world.members_a[5],
            talked_on=on,
            topics="谈心",
            before_review_year=year,
            created_at=timezone.make_aware(dt.datetime(on.year, on.month, on.day, 18)),
        )
    assert find(services.verdicts_for(world.branch_a, 2026, as_of), "org_life_meeting").status == INCOMPLETE
    Talk.objects.create(
        org=world.branch_a,
        initiator=world.members_a[0],
        partner=world.members_a[2],
        talked_on=dt.date(2025, 12, 28),
        topics="会前谈心",
        before_review_year=2025,
        created_at=timezone.make_aware(dt.datetime(2025, 12, 28, 18)),
    )
    after = find(services.verdicts_for(world.branch_a, 2026, as_of), "org_life_meeting")
    assert after.missing_records == [] and after.status == MET


def test_a_lecture_by_the_general_branch_or_town_secretary_counts(world):
    from dangjian.orgs.choices import PositionTitle
    from tests.factories import MemberFactory, appoint

    general_secretary = MemberFactory(org=world.branch_b, name="总支书记")
    town_secretary = MemberFactory(org=world.branch_b, name="镇党委书记")
    appoint(general_secretary, world.general, PositionTitle.SECRETARY)
    appoint(town_secretary, world.town, PositionTitle.SECRETARY)
    lecture = ["lecture_script", "lecture_record"]
    # Stored as not allowed (saved under the older rule): the verdict still reads the posts held that day.
    for month, speaker in ((3, general_secretary), (6, town_secretary), (9, general_secretary)):
        held(
            world.branch_a,
            "party_lecture",
            dt.date(2025, month, 1),
            speaker=speaker,
            allowed=False,
            records=lecture,
        )
    ordinary = world.members_b[2]
    held(
        world.branch_a,
        "party_lecture",
        dt.date(2025, 12, 1),
        speaker=ordinary,
        allowed=False,
        records=lecture,
    )
    v = find(services.verdicts_for(world.branch_a, 2025, AFTER), "party_lecture")
    assert (v.counted, len(v.not_counted)) == (3, 1)
    assert ordinary.name in v.not_counted[0].why[0]
    # And what the meetings app stores on save agrees.
    from dangjian.meetings.services import refresh_speaker

    lecture_row = held(world.branch_a, "party_lecture", dt.date(2025, 11, 1), speaker=general_secretary)
    refresh_speaker(lecture_row)
    assert lecture_row.speaker_allowed is True


SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_incomplete_is_still_owed_in_the_to_do_and_the_reminders(world, django_capture_on_commit_callbacks):
    held(world.branch_a, "theme_day", dt.date(2025, 3, 3), attended=False, records=THEME)
    found = services.todo(world.branch_a, dt.date(2025, 3, 28))
    theme = [v for v in found if v.rule == "theme_day"]
    assert theme and theme[0].status == INCOMPLETE
    assert theme[0].forecast == "本月的主题党日已开展但记录不全，请补齐出勤登记，剩余4天"
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(dt.datetime(2025, 3, 28, 7, tzinfo=SHANGHAI), tick=False):
            call_command("remind", "--days", "5", stdout=StringIO())
    titles = list(Notification.objects.filter(recipient=world.members_a[0]).values_list("title", flat=True))
    assert "甲村党支部：本月的主题党日已开展但记录不全，请补齐出勤登记，剩余4天" in titles


def test_pages_export_and_api_show_incomplete_in_amber(world, client_for):
    held(world.branch_a, "theme_day", dt.date(2025, 1, 8), attended=False)
    office = client_for("office")
    query = {"org": "TOWN", "year": 2025, "period": "2025-01", "as_of": "2025-06-01"}
    html = office.get("/compliance/", query).content.decode()
    assert 'class="cell s-incomplete"' in html and "已开展·记录不全 1/1" in html
    sheet = load_workbook(BytesIO(office.get("/compliance/", {**query, "format": "xlsx"}).content)).active
    rows = {r[0]: r for r in sheet.values}
    column = next(list(r) for r in sheet.values if "主题党日" in r).index("主题党日")  # under the title rows
    assert rows["BRA"][column] == "已开展·记录不全（1/1）"
    detail = office.get("/compliance/org/BRA/theme_day/", {"period": "2025-01", "as_of": "2025-06-01"})
    assert 'tag tag-amber">已开展·记录不全' in detail.content.decode()
    page = client_for("secretary_a").get("/compliance/org/BRA/", {"year": 2025, "period": "2025-01"})
    assert 'tag tag-amber">已开展·记录不全' in page.content.decode()
    api = office.get(
        "/api/compliance/matrix/TOWN", {"year": 2025, "period": "2025-01", "as_of": "2025-06-01"}
    )
    cell = next(r for r in api.json()["rows"] if r["org"] == "BRA")["cells"]["theme_day"]
    assert cell == {"status": "incomplete", "status_label": "已开展·记录不全", "required": 1, "counted": 1}
    verdicts = office.get("/api/compliance/orgs/BRA", {"period": "2025-01", "as_of": "2025-06-01"}).json()
    theme = next(v for v in verdicts if v["rule"] == "theme_day")
    assert (theme["status"], theme["complete"]) == ("incomplete", 0)
    schema = office.get("/api/openapi.json").json()["components"]["schemas"]
    assert "incomplete" in schema["Verdict"]["properties"]["status"]["enum"]
    assert "incomplete" in schema["CellOut"]["properties"]["status"]["enum"]
