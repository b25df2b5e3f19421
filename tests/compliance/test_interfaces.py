"""The command, the API and the pages show the same verdicts; local rules change them and their version."""

import datetime as dt
import json
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.compliance import services
from dangjian.core import xlsx

from .helpers import held

pytestmark = pytest.mark.django_db
STRICT = """
version = "测试镇本地规则/1"
[[items]]
code = "theme_day"
frequency = { period = "month", min = 2, text = "每月2次（本镇规定）" }
"""


def _json(*args) -> list[dict]:
    out = StringIO()
    call_command("compliance", *args, stdout=out)
    return json.loads(out.getvalue())


def test_command_json_has_the_documented_fields(world):
    held(world.branch_b, "theme_day", dt.date(2025, 5, 8), records=["activity_register"])
    found = _json("--org", "BRB", "--year", "2025", "--as-of", "2026-01-10", "--format", "json")
    may = next(v for v in found if v["rule"] == "theme_day" and v["period"] == "2025-05")
    assert may["status"] == "incomplete" and may["required"] == 1 and may["counted"] == 1
    assert may["status_label"] == "已开展·记录不全" and may["complete"] == 0
    assert may["missing_records"] == ["活动剪影", "党费交纳台帐"]
    assert may["source"].startswith("附件1 序号3") and may["reasons"]
    june = next(v for v in found if v["rule"] == "theme_day" and v["period"] == "2025-06")
    assert june["status"] == "unmet"


def test_as_of_makes_past_evaluations_reproducible(world):
    held(world.branch_b, "general_meeting", dt.date(2025, 3, 28))
    before = _json("--org", "BRB", "--as-of", "2025-03-20", "--format", "json")
    after = _json("--org", "BRB", "--as-of", "2025-04-02", "--format", "json")
    q1 = [v for v in before if v["rule"] == "general_meeting"]
    assert [(v["period"], v["status"]) for v in q1] == [("2025-Q1", "in_progress")]
    assert q1[0]["forecast"] == "本季度还需召开支部党员大会1次，剩余12天"
    assert ("2025-Q1", "met") in [(v["period"], v["status"]) for v in after if v["rule"] == "general_meeting"]


def test_command_table_and_bad_input(world):
    out = StringIO()
    call_command("compliance", "--org", "BRA", "--year", "2025", "--as-of", "2026-01-10", stdout=out)
    assert "甲村党支部 2025年合规检查" in out.getvalue() and "未达标" in out.getvalue()
    with pytest.raises(CommandError, match="没有代码为 NOPE 的组织"):
        call_command("compliance", "--org", "NOPE")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("compliance", "--org", "BRA", "--as-of", "2025/01/01")
    with pytest.raises(CommandError, match="不在 --year 2025 年内"):
        call_command("compliance", "--org", "BRA", "--year", "2025", "--period", "2026-Q1")
    with pytest.raises(CommandError, match="年度应在 2000 到 2100 之间"):
        call_command("compliance", "--org", "BRA", "--year", "99999")


def test_command_table_says_what_is_still_owed(world):
    held(world.branch_a, "party_lecture", dt.date(2025, 3, 1), records=["lecture_script"], allowed=True)
    out = StringIO()
    call_command("compliance", "--org", "BRA", "--year", "2025", "--as-of", "2026-01-10", stdout=out)
    lines = out.getvalue().splitlines()
    lecture = lines[next(i for i, line in enumerate(lines) if line.startswith("党课")) + 1]
    assert lecture.strip().startswith("2025年已结束，尚差3次，未达标。")


def test_stricter_local_rule_changes_verdicts_and_version(world, settings, tmp_path):
    held(
        world.branch_b,
        "theme_day",
        dt.date(2025, 5, 8),
        records=["activity_register", "activity_photos", "dues_ledger"],
    )
    base = [
        v for v in services.verdicts_for(world.branch_b, 2025, dt.date(2026, 1, 10)) if v.period == "2025-05"
    ]
    local = tmp_path / "local.toml"
    local.write_text(STRICT, encoding="utf-8")
    settings.RULES_FILES = [str(local)]
    strict = [
        v for v in services.verdicts_for(world.branch_b, 2025, dt.date(2026, 1, 10)) if v.period == "2025-05"
    ]
    before = next(v for v in base if v.rule == "theme_day")
    after = next(v for v in strict if v.rule == "theme_day")
    assert (before.status, before.required) == ("met", 1)
    assert (after.status, after.required) == ("unmet", 2)
    assert after.rules_version == "鼎发〔2020〕55号/1+测试镇本地规则/1" != before.rules_version
    assert any("每月2次（本镇规定）" in r for r in after.reasons)


def test_api_matches_the_command(world, client_for):
    held(world.branch_a, "committee_meeting", dt.date(2025, 2, 3))
    api = (
        client_for("secretary_a")
        .get("/api/compliance/orgs/BRA", {"year": 2025, "as_of": "2026-01-10"})
        .json()
    )
    cli = _json("--org", "BRA", "--year", "2025", "--as-of", "2026-01-10", "--format", "json")
    assert api == cli  # the API's schema is the verdict itself, every field included
    for year in (99999, 10000, -1, 1999, 2101):
        for url in ("/api/compliance/orgs/BRA", "/api/compliance/matrix/TOWN"):
            out = client_for("office").get(url, {"year": year})
            assert out.status_code == 422, (url, year)
            assert "年度应在 2000 到 2100 之间" in out.json()["detail"]
    far = client_for("office").get("/api/compliance/orgs/BRA", {"as_of": "9999-12-31"})
    assert far.status_code == 422
    assert client_for("office").get("/compliance/", {"year": 99999}).status_code == 404
    bad = client_for("secretary_a").get("/api/compliance/orgs/BRA", {"period": "2025-Q9"})
    assert bad.status_code == 422 and "期间" in bad.json()["detail"]
    schema = client_for("office").get("/api/openapi.json").json()
    assert "/api/compliance/orgs/{code}" in schema["paths"]


def test_dashboard_colours_cells_and_links_to_reasons(world, client_for):
    held(world.branch_a, "theme_day", dt.date(2025, 1, 8))
    page = client_for("office").get(
        "/compliance/", {"org": "TOWN", "year": 2025, "period": "2025-Q1", "as_of": "2025-06-01"}
    )
    html = page.content.decode()
    assert 'class="cell s-unmet"' in html and 'class="cell s-not_applicable"' in html
    assert "/compliance/org/BRA/theme_day/?year=2025&amp;period=2025-Q1" in html
    assert "echarts.min.js" in html and 'id="chart-data"' in html
    assert 'id="chart-ranking"' in html and 'id="chart-bottom"' in html
    detail = client_for("office").get(
        "/compliance/org/BRA/theme_day/", {"period": "2025-Q1", "as_of": "2025-06-01"}
    )
    text = detail.content.decode()
    assert "2025年2月已结束，尚差1次，未达标" in text and "/meetings/" in text


def test_dashboard_filters_and_export(world, client_for):
    c = client_for("office")
    page = c.get("/compliance/", {"org": "TOWN", "year": 2025, "category": "enterprise"}).content.decode()
    assert "乙企业党支部" in page and "甲村党支部" not in page
    response = c.get("/compliance/", {"org": "TOWN", "year": 2025, "general": "GEN", "format": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)[xlsx.TITLE_ROWS :]
    assert rows[0][:3] == ("组织代码", "组织名称", "支部委员会")
    assert [r[0] for r in rows[1:]] == ["BRA", None, "期间", "检查日期", "规则版本", "说明"]
    assert rows[-4][:2] == ("期间", "2025年") and rows[-2][:2] == ("规则版本", "鼎发〔2020〕55号/1")
    assert rows[-1][0] == "说明" and "记录不全" in rows[-1][1]
    assert rows[-3][1] == timezone.localdate().isoformat()


def test_branch_page_shows_todo_and_history(world, client_for, settings):
    import time_machine

    held(world.branch_a, "committee_meeting", dt.date(2024, 3, 3))
    with time_machine.travel(
        dt.datetime(2025, 3, 20, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        page = client_for("secretary_a").get("/compliance/org/BRA/").content.decode()
        home = client_for("secretary_a").get("/").content.decode()
    assert "本季度还需召开支部党员大会1次，剩余12天" in page
    assert "2024年" in page and "往年情况" in page
    assert 'id="compliance-todo"' in home and "本季度还需召开支部党员大会1次，剩余12天" in home


def test_home_todo_groups_every_branch_run_and_shows_a_group_leader_their_group(world, client_for):
    import time_machine

    from dangjian.orgs.choices import PositionTitle
    from tests.factories import appoint

    appoint(world.members_b[1], world.branch_a, PositionTitle.ORGANISER)  # organiser_b now runs both
    with time_machine.travel(
        dt.datetime(2025, 3, 20, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        both = client_for("organiser_b").get("/").content.decode()
        leader = client_for("group_leader_a").get("/").content.decode()
    todo = both[both.index('id="compliance-todo"') :]
    assert (
        todo.count('<h3 class="small">甲村党支部</h3>')
        == todo.count('<h3 class="small">乙企业党支部</h3>')
        == 1
    )
    assert todo.count("本季度还需召开支部党员大会1次，剩余12天") == 2
    assert "/compliance/org/BRA/general_meeting/?period=2025-Q1" in todo
    assert "/compliance/org/BRB/general_meeting/?period=2025-Q1" in todo
    # The 党小组长 sees their own group's meeting, without a link to pages they may not open.
    todo = leader[leader.index('id="compliance-todo"') :]
    assert "本月还需召开党小组会1次" in todo and "（第二党小组）" in todo
    assert "第一党小组" not in todo and "支部党员大会" not in todo
    assert "/compliance/" not in todo
