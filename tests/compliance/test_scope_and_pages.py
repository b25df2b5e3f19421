"""Who sees which branches on the dashboard, the charts it draws, and the branch page's filter."""

import datetime as dt
import json
import re

import pytest

from dangjian.orgs.choices import PositionTitle
from tests.factories import appoint

from .helpers import held

pytestmark = pytest.mark.django_db
THEME = ["activity_register", "activity_photos", "dues_ledger"]


def _rows(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/compliance/org/(\w+)/', html)


def _charts(html: str) -> dict:
    return json.loads(
        re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html).group(1)
    )


def test_instructor_sees_every_branch_they_guide_on_the_dashboard_and_in_the_nav(world, client_for):
    """zhidaoyuan's /compliance/ showed 1 of the 8 branches they guide: only the first of their posts."""
    instructor = world.members_b[4]
    appoint(instructor, world.branch_b, PositionTitle.INSTRUCTOR)  # a second branch, a separate subtree
    c = client_for("instructor_a")
    html = c.get("/compliance/", {"year": 2025}).content.decode()
    assert _rows(html) == ["BRA", "BRB"]
    assert "甲村党支部、乙企业党支部" in html
    assert 'href="/compliance/"' in c.get("/").content.decode()  # the nav link
    # Still nothing beyond what they guide: the town root is refused.
    assert c.get("/compliance/", {"org": "TOWN", "year": 2025}).status_code == 404


def test_secretary_keeps_their_own_page_in_the_nav_not_the_dashboard(world, client_for):
    home = client_for("secretary_a").get("/").content.decode()
    assert 'href="/compliance/mine/"' in home and 'href="/compliance/"' not in home


def test_single_branch_view_hides_the_ranking_charts(world, client_for):
    office = client_for("office")
    one = office.get("/compliance/", {"org": "BRA", "year": 2025}).content.decode()
    assert 'id="chart-ranking"' not in one and 'id="chart-bottom"' not in one
    assert _charts(one)["ranking"] == []
    town = office.get("/compliance/", {"org": "TOWN", "year": 2025}).content.decode()
    assert 'id="chart-ranking"' in town and 'id="chart-bottom"' in town


def test_charts_skip_the_running_month_and_show_evaluation_and_talks(world, client_for):
    held(world.branch_a, "theme_day", dt.date(2025, 3, 2), records=THEME)
    html = client_for("office").get("/compliance/", {"org": "TOWN", "year": 2025, "as_of": "2025-03-10"})
    charts = _charts(html.content.decode())
    months = {m[0]: m[1:] for m in charts["months"]}
    assert months["3月"] == [None, None]  # March is running: not 100% because BRA held its 主题党日
    rules = dict(charts["rules"])
    assert rules["民主评议党员"]["in_progress"] == 100 and "谈心谈话" in rules
    assert charts["labels"]["incomplete"] == "已开展·记录不全"


def test_branch_page_collapses_met_periods_and_filters_open_ones(world, client_for):
    held(world.branch_a, "theme_day", dt.date(2025, 1, 8), records=THEME)
    held(world.branch_a, "theme_day", dt.date(2025, 2, 8), attended=False)
    c = client_for("secretary_a")
    mine = c.get("/compliance/mine/", {"year": 2025, "period": "2025-Q1", "open": "1"})
    assert mine.status_code == 302 and mine["Location"].endswith("?year=2025&period=2025-Q1&open=1")
    page = c.get("/compliance/org/BRA/", {"year": 2025, "period": "2025-Q1", "as_of": "2025-06-01"})
    html = page.content.decode()
    met = html[html.index('id="met-verdicts"') :]
    open_part = html[html.index('id="open-verdicts"') : html.index('id="met-verdicts"')]
    assert "<details" in html and "达标 " in met
    jan, feb = ('主题党日</a></td>\n    <td data-label="期间">2025-0' + m for m in "12")
    assert jan in met and jan not in open_part  # January's 主题党日 is met: collapsed
    assert feb in open_part and "已开展·记录不全" in open_part
    filtered = c.get(
        "/compliance/org/BRA/", {"year": 2025, "period": "2025-Q1", "open": "1"}
    ).content.decode()
    assert 'id="met-verdicts"' not in filtered and "未列出" in filtered
    assert 'name="open" value="1" checked' in filtered
