"""Bad text, withheld small counts in every output, and the disposal's approval and overdue flag."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document as Word

from dangjian.evaluations import services
from dangjian.evaluations.models import Ballot, Campaign, Disposal

from .helpers import ADOPTED, full_ballot, hold_meeting, open_campaign, post_data

pytestmark = pytest.mark.django_db


def test_nul_bytes_are_refused_in_ballots_and_self_evaluations(world, client_for):
    campaign = open_campaign(world)
    member = client_for("member_a")
    target = world.members_a[2].pk
    page = member.post(
        f"/evaluations/{campaign.pk}/vote/", {**post_data(campaign), f"comment_{target}": "好\x00人"}
    )
    assert page.status_code == 400 and "空字符" in page.content.decode()
    body = {
        "grades": [{"member_id": m, "grade": "qualified", "comment": "好\x00"} for m in full_ballot(campaign)]
    }
    api = member.post(f"/api/evaluations/{campaign.pk}/ballot", body, content_type="application/json")
    assert api.status_code == 400 and "空字符" in api.json()["detail"]
    self_api = member.post(
        f"/api/evaluations/{campaign.pk}/self", {"study": "学\x00习"}, content_type="application/json"
    )
    assert self_api.status_code == 400 and "空字符" in self_api.json()["detail"]
    form = member.post(f"/evaluations/{campaign.pk}/self/", {"study": "学\x00习", "draft": "1"})
    assert form.status_code == 200 and not campaign.self_evaluations.exists()
    assert not Ballot.objects.exists()


def test_long_comments_are_refused_not_cut(world, client_for):
    campaign = open_campaign(world)
    target = world.members_a[2].pk
    page = client_for("member_a").post(
        f"/evaluations/{campaign.pk}/vote/", {**post_data(campaign), f"comment_{target}": "长" * 501}
    )
    assert page.status_code == 400 and "不能超过 500 个字" in page.content.decode()
    assert not Ballot.objects.exists()


def test_below_the_minimum_counts_are_withheld_in_the_tally_api_and_every_export(world, client_for):
    campaign = open_campaign(world)
    for voter in world.members_a[:2]:
        services.cast_ballot(
            campaign, full_ballot(campaign, **{f"m{world.members_a[3].pk}": "unqualified"}), member=voter
        )
    services.close_vote(campaign)
    client = client_for("secretary_a")
    tally = client.get(f"/api/evaluations/{campaign.pk}/tally").json()
    assert tally["small_group"] and tally["ballots"] == 2 and tally["min_ballots"] == 5
    assert all(m["counts"] is None and m["shares"] is None and m["proposed"] == "" for m in tally["members"])
    page = client.get(f"/evaluations/{campaign.pk}/tally/").content.decode()
    assert "票数过少" in page and "不合格 <strong>" not in page
    base = f"/evaluations/{campaign.pk}/export"
    for doc in ("register", "assessment"):
        word = Word(io.BytesIO(client.get(f"{base}/{doc}.docx").content))
        text = "\n".join(p.text for p in word.paragraphs) + "\n".join(
            c.text for t in word.tables for row in t.rows for c in row.cells
        )
        assert "票数过少" in text and "2（100%）" not in text, doc


def test_disposal_approval_and_overdue_flag_on_the_town_list(world, client_for):
    campaign = open_campaign(world)
    a = world.members_a
    for voter in a[:5]:
        services.cast_ballot(campaign, full_ballot(campaign, **{f"m{a[3].pk}": "unqualified"}), member=voter)
    services.close_vote(campaign)
    meeting = hold_meeting(campaign, days=-400)
    decision = services.decide(
        campaign, a[3], "unqualified", services.DecisionInput("unqualified", "不履行义务")
    )
    secretary, office = client_for("secretary_a"), client_for("office")
    url = f"/evaluations/{campaign.pk}/disposal/{a[3].pk}/"
    future = timezone.localdate() + dt.timedelta(days=3)
    bad = secretary.post(url, {"measure": "persuade", "follow_up": "pending", "approved_on": future})
    assert "批准日期" in bad.content.decode() and not Disposal.objects.exists()
    secretary.post(url, {"measure": "persuade", "follow_up": "pending"})
    assert decision.disposal.deadline < timezone.localdate()  # three months after a meeting 400 days ago
    assert "甲3" not in office.get("/evaluations/unqualified/").content.decode()  # not finalised yet
    for m in (a[0], a[1], a[2], a[4], a[5], a[6], a[7]):
        services.decide(campaign, m, "qualified", services.DecisionInput("qualified"))
    services.finalise(campaign, ADOPTED["votes_for"])
    listing = office.get("/evaluations/unqualified/").content.decode()
    assert "甲3" in listing and "逾期" in listing and "待批准" in listing
    approved = meeting.date + dt.timedelta(days=30)
    secretary.post(url, {"measure": "persuade", "follow_up": "ongoing", "approved_on": approved})
    assert Disposal.objects.get().approved_on == approved
    assert approved.strftime("%Y-%m-%d") in office.get("/evaluations/unqualified/").content.decode()
    assert Campaign.objects.get().status == Campaign.Status.DECIDED
