"""The rounds API: the same rules and refusals as the pages, in Chinese; the assessment's contract reads
findings in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.supervision.findings import findings_for_year
from dangjian.supervision.rounds import services
from dangjian.supervision.rounds.choices import Result

from .helpers import held
from .rounds_helpers import find, item, make_round, nonconforming

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_creating_a_round_draws_the_same_sample_for_the_same_seed(world, client_for):
    body = {
        "name": "API 督查",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "methods": ["records"],
    }
    office = client_for("office")
    first = office.post("/api/supervision/rounds", {**body, "size": 1, "seed": 99}, JSON).json()
    again = office.post("/api/supervision/rounds", {**body, "size": 1, "seed": 99}, JSON).json()
    assert first["seed"] == 99 and first["sample"] == again["sample"] and len(first["sample"]) == 1
    assert first["items"][0]["name"] == "支部委员会"
    refused = office.post("/api/supervision/rounds", {**body, "methods": ["电话"]}, JSON)
    assert refused.status_code == 400 and "请至少选择一种督查方式" in refused.json()["detail"]


def test_the_inspector_records_a_finding_and_the_branch_answers(world, client_for):
    r = make_round(world)
    body = {
        "org": "BRB",
        "item_id": item(r, "theme_day").pk,
        "result": "nonconforming",
        "notes": "缺少照片。",
    }
    found = client_for("member_a").post(f"/api/supervision/rounds/{r.pk}/findings", body, JSON).json()
    assert found["result_label"] == "不符合" and found["rectification_id"]
    refused = client_for("member_a").post(
        f"/api/supervision/rounds/{r.pk}/findings", {**body, "org": "BRA"}, JSON
    )
    assert refused.status_code == 403  # not their branch
    url = f"/api/supervision/rectifications/{found['rectification_id']}"
    answered = client_for("organiser_b").post(f"{url}/answer", {"text": "已补拍并归档。"}, JSON).json()
    assert answered["status"] == "answered" and answered["steps"][0]["text"] == "已补拍并归档。"
    twice = client_for("organiser_b").post(f"{url}/answer", {"text": "再答复"}, JSON)
    assert (
        twice.status_code == 400
        and twice.json()["detail"] == "已答复，正等待验收；验收人退回后才能再次答复。"
    )
    accepted = client_for("member_a").post(f"{url}/accept", {}, JSON).json()
    assert accepted["status"] == "accepted"
    listed = client_for("organiser_b").get("/api/supervision/rectifications", {"state": "accepted"}).json()
    assert [x["id"] for x in listed["items"]] == [found["rectification_id"]]


def test_a_visit_must_be_to_the_branch_s_own_activity(world):
    r = make_round(world)
    other = held(world.branch_a, dt.date(2026, 3, 1))
    with pytest.raises(Exception, match="所选活动不是该支部"):
        services.record_visit(r, world.branch_b, other, False, "", world.user("member_a"))
    mine = held(world.branch_b, dt.date(2026, 3, 2))
    visit = services.record_visit(r, world.branch_b, mine, False, "不打招呼列席。", world.user("member_a"))
    assert not visit.announced and visit.activity == mine


def test_findings_for_year_takes_one_query_however_many(world):
    nonconforming(world)
    find(world, "party_lecture", Result.PARTLY)
    with CaptureQueriesContext(connection) as few:
        two = findings_for_year(2026)
    for rule in ("committee_meeting", "general_meeting", "group_meeting", "heart_talk"):
        find(world, rule, Result.NONCONFORMING)
        find(world, rule, Result.CONFORMING, org=world.branch_a, user=world.user("office"), notes="")
    with CaptureQueriesContext(connection) as many:
        ten = findings_for_year(2026, [world.branch_b.pk])
    assert len(two) == 2 and len(ten) == 6 and len(few) == len(many) == 1
    assert findings_for_year(2025) == []
    assert {f.url for f in ten} == {
        f"/supervision/rounds/{make_round(world).pk}/BRB/#item-{i}"
        for i in make_round(world).findings.filter(org=world.branch_b).values_list("item_id", flat=True)
    }
