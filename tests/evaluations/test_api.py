"""The JSON API: campaigns, self-evaluation, ballots and the tally, with bad inputs refused in Chinese."""

import pytest

from dangjian.evaluations import services
from dangjian.evaluations.models import Ballot

from .helpers import full_ballot, open_campaign

pytestmark = pytest.mark.django_db


def ballot_json(campaign, grade="qualified"):
    return {"grades": [{"member_id": m, "grade": grade, "comment": ""} for m in full_ballot(campaign)]}


def test_member_sees_campaign_roll_and_own_tasks(world, client_for):
    campaign = open_campaign(world)
    client = client_for("member_a")
    listing = client.get("/api/evaluations/").json()
    assert [c["id"] for c in listing["items"]] == [campaign.pk]
    detail = client.get(f"/api/evaluations/{campaign.pk}").json()
    assert detail["mine"] == {
        "writes_self": True,
        "self_status": "none",
        "may_vote": True,
        "has_voted": False,
    }
    probationary = next(p for p in detail["roll"] if p["name"] == "甲预备")
    assert not probationary["graded"] and "不评定等次" in probationary["excluded_reason"]
    assert client_for("member_b").get(f"/api/evaluations/{campaign.pk}").status_code == 404


def test_self_evaluation_save_and_submit(world, client_for):
    campaign = open_campaign(world)
    client = client_for("member_a")
    url = f"/api/evaluations/{campaign.pk}/self"
    assert client.get(url).status_code == 404
    assert client.post(url, {"study": "学习"}, content_type="application/json").json()["submitted_on"] is None
    refused = client.post(url, {"submit": True}, content_type="application/json")
    assert refused.status_code == 400 and "请填写" in refused.json()["detail"]
    body = {
        "study": "学习",
        "duties": "履职",
        "shortcomings": "不足",
        "plans": "改进",
        "self_grade": "excellent",
    }
    done = client.post(url, {**body, "submit": True}, content_type="application/json")
    assert done.status_code == 200 and done.json()["submitted_on"]
    again = client.post(url, {"study": "改"}, content_type="application/json")
    assert again.status_code == 400 and "不能再修改" in again.json()["detail"]
    bad_grade = client_for("secretary_a").post(
        url, {**body, "self_grade": "best"}, content_type="application/json"
    )
    assert bad_grade.status_code == 400 and "自评等次只能是" in bad_grade.json()["detail"]


def test_ballot_once_and_bad_ballots_refused(world, client_for):
    campaign = open_campaign(world)
    client = client_for("member_a")
    url = f"/api/evaluations/{campaign.pk}/ballot"
    body = ballot_json(campaign)
    partial = {"grades": body["grades"][:3]}
    r = client.post(url, partial, content_type="application/json")
    assert r.status_code == 400 and "未评定等次" in r.json()["detail"]
    twice = {"grades": body["grades"] + body["grades"][:1]}
    assert "只能评定一次" in client.post(url, twice, content_type="application/json").json()["detail"]
    stranger = {"grades": body["grades"] + [{"member_id": world.members_b[0].pk, "grade": "qualified"}]}
    assert "不属于本次评议" in client.post(url, stranger, content_type="application/json").json()["detail"]
    wrong = {"grades": [{**g, "grade": "A+"} for g in body["grades"]]}
    assert "等次只能是" in client.post(url, wrong, content_type="application/json").json()["detail"]
    assert client.post(url, {"grades": "all good"}, content_type="application/json").status_code == 422
    assert not Ballot.objects.exists()

    assert client.post(url, body, content_type="application/json").json() == {"detail": "测评票已提交。"}
    second = client.post(url, body, content_type="application/json")
    assert second.status_code == 400 and "已经投过票" in second.json()["detail"]
    assert Ballot.objects.count() == 1
    assert client.get(f"/api/evaluations/{campaign.pk}").json()["mine"]["has_voted"] is True


def test_tally_only_after_close(world, client_for):
    campaign = open_campaign(world)
    for voter in world.members_a[:6]:
        services.cast_ballot(campaign, full_ballot(campaign, "excellent"), member=voter)
    client = client_for("oversight")
    url = f"/api/evaluations/{campaign.pk}/tally"
    early = client.get(url)
    assert early.status_code == 400 and "测评结束后" in early.json()["detail"]
    services.close_vote(campaign)
    tally = client.get(url).json()
    assert tally["ballots"] == 6 and not tally["small_group"] and tally["excellent_limit"] == 2
    assert tally["grades"]["excellent"] == "优秀"
    assert sum(1 for m in tally["members"] if m["proposed"] == "excellent") == 2
    assert sum(1 for m in tally["members"] if m["capped"]) == 6
    assert all(m["counts"]["excellent"] == 6 and m["shares"]["excellent"] == 1.0 for m in tally["members"])
