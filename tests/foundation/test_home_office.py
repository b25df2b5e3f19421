"""The town office's home: the town summary (branches owing this period, the most overdue, 整改 overdue)
with links; a 党建指导员's home sums up every branch they guide. A fixed number of queries."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.meetings.models import Rectification
from dangjian.orgs.choices import OrgCategory, PositionTitle
from tests.compliance.helpers import held
from tests.factories import OrgFactory, appoint

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 3, 20, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def summary(client_for, role) -> str:
    page = client_for(role).get("/").content.decode()
    start = page.index('id="town-summary"')
    return page[start : page.index('<div class="cards">', start)]


def test_office_sees_the_town_summary_with_links(world, client_for):
    meeting = held(world.branch_b, "org_life_meeting", dt.date(2025, 1, 15))
    Rectification.objects.create(
        activity=meeting, content="规范党费收缴", owner=world.members_b[2], due_on=dt.date(2025, 3, 1)
    )
    page = summary(client_for, "office")
    assert "全镇概况" in page
    assert "本期尚未完成的支部" in page and "2 / 2" in page  # both still owe this month's 主题党日
    assert "逾期最多的支部" in page
    assert 'href="/compliance/org/BRA/"' in page and 'href="/compliance/org/BRB/"' in page
    assert "整改逾期 1 条" in page and "规范党费收缴" in page and f'href="/meetings/{meeting.pk}/"' in page
    assert 'href="/compliance/?period=2025-03"' in page


def test_branches_are_ranked_by_overdue_items(world, client_for):
    for month in (1, 2):  # branch B held its 主题党日; branch A owes them and its 党小组会 too
        held(world.branch_b, "theme_day", dt.date(2025, month, 8))
    page = summary(client_for, "office")
    ranked = page[page.index("逾期最多的支部") :]
    assert ranked.index("甲村党支部") < ranked.index("乙企业党支部")


def test_instructor_sees_every_branch_they_guide(world, client_for):
    appoint(world.members_b[4], world.branch_b, PositionTitle.INSTRUCTOR)  # guides A already
    page = summary(client_for, "instructor_a")
    assert "所辖支部概况" in page and "2 / 2" in page
    assert 'href="/compliance/org/BRA/"' in page and 'href="/compliance/org/BRB/"' in page


def test_members_and_secretaries_of_one_branch_get_no_summary(world, client_for):
    for role in ("member_a", "secretary_a", "group_leader_a"):
        assert 'id="town-summary"' not in client_for(role).get("/").content.decode()


def test_office_home_queries_do_not_grow_with_the_branches(world, client_for):
    def count() -> int:
        client = client_for("office")
        with CaptureQueriesContext(connection) as ctx:
            client.get("/")
        return len(ctx.captured_queries)

    before = count()
    for i in range(6):
        branch = OrgFactory(
            code=f"NEW{i}", name=f"新支部{i}", parent=world.town, category=OrgCategory.VILLAGE
        )
        held(branch, "theme_day", dt.date(2025, 1, 8))
        meeting = held(branch, "org_life_meeting", dt.date(2025, 1, 15))
        Rectification.objects.create(
            activity=meeting, content="整改", owner=world.members_b[2], due_on=dt.date(2025, 3, 1)
        )
    assert count() == before
    assert "8 / 8" in summary(client_for, "office")


def test_instructor_home_queries_do_not_grow_with_the_branches_guided(world, client_for):
    def count() -> int:
        client = client_for("instructor_a")
        with CaptureQueriesContext(connection) as ctx:
            client.get("/")
        return len(ctx.captured_queries)

    appoint(world.members_b[4], world.branch_b, PositionTitle.INSTRUCTOR)
    before = count()
    for i in range(5):
        branch = OrgFactory(
            code=f"NEW{i}", name=f"新支部{i}", parent=world.town, category=OrgCategory.VILLAGE
        )
        appoint(world.members_b[4], branch, PositionTitle.INSTRUCTOR)
    assert count() == before
    assert "7 / 7" in summary(client_for, "instructor_a")
