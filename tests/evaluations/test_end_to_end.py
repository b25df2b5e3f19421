"""The whole campaign through the pages, as the secretary, the members and 群众代表 use it."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.evaluations.models import Ballot, Campaign, Decision
from dangjian.meetings.models import Attendance
from dangjian.meetings.models import Status as ActivityStatus
from tests.factories import UserFactory

from .helpers import ADOPTED, general_meeting

pytestmark = pytest.mark.django_db

SELF = {"study": "学习党章", "duties": "按时参加组织生活", "shortcomings": "学习不深", "plans": "加强学习"}


def test_a_whole_campaign_through_the_pages(world, client_for):
    today = timezone.localdate()
    a = world.members_a
    secretary = client_for("secretary_a")
    meeting = general_meeting(world.branch_a, days=0, status=ActivityStatus.PLANNED)

    # the secretary sets up the campaign and opens it
    created = secretary.post(
        "/evaluations/new/",
        {
            "org": world.branch_a.pk,
            "meeting": meeting.pk,
            "year": today.year,
            "self_opens_on": today,
            "self_closes_on": today + dt.timedelta(days=3),
            "vote_opens_on": today,
            "vote_closes_on": today + dt.timedelta(days=3),
            "allow_public": "on",
            "public_count": 5,
        },
    )
    campaign = Campaign.objects.get()
    assert created["Location"] == campaign.get_absolute_url()
    secretary.post(f"/evaluations/{campaign.pk}/do/open/")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN

    # every member writes and submits a self-evaluation, then votes on their phone
    users = {u.member_id: u for u in world.users.values() if u.member_id}
    graded = list(campaign.participants.filter(graded=True).values_list("member_id", flat=True))
    for i, member in enumerate(a[:8]):
        client = Client()
        client.force_login(users.get(member.pk) or UserFactory(member=member))
        draft = client.post(f"/evaluations/{campaign.pk}/self/", {**SELF, "draft": "1"})
        assert draft.status_code == 302
        client.post(f"/evaluations/{campaign.pk}/self/", {**SELF, "self_grade": "qualified", "submit": "1"})
        ballot = {f"grade_{m}": "qualified" for m in graded}
        ballot[f"grade_{a[3].pk}"] = "unqualified" if i < 5 else "basic"
        ballot[f"grade_{a[1].pk}"] = "excellent"
        ballot[f"comment_{a[3].pk}"] = "多参加组织生活" if i == 0 else ""
        assert client.get(f"/evaluations/{campaign.pk}/vote/").status_code == 200
        assert client.post(f"/evaluations/{campaign.pk}/vote/", ballot).status_code == 200
    detail = secretary.get(campaign.get_absolute_url()).content.decode()
    pending = detail.split("尚未提交自评")[1].split("已提交自评")[0]
    assert "8/9" in detail and "甲预备" in pending and "甲0" not in pending  # 甲预备 has not written one

    # five 群众代表 with printed codes
    codes = [
        c["code"] for c in secretary.post(f"/evaluations/{campaign.pk}/codes/", {"count": 5}).context["cards"]
    ]
    anonymous = Client()
    for code in codes:
        assert (
            anonymous.post(
                f"/evaluations/code/{code}/", {f"grade_{m}": "excellent" for m in graded}
            ).status_code
            == 200
        )
    assert Ballot.objects.filter(kind="public").count() == 5 and Ballot.objects.count() == 13

    # close, then the tally
    secretary.post(f"/evaluations/{campaign.pk}/do/close/")
    tally = secretary.get(f"/evaluations/{campaign.pk}/tally/")
    page = tally.content.decode()
    assert "收回党员测评票 8 张、群众代表测评票 5 张" in page and "多参加组织生活" in page
    rows = {r["member"].pk: r for r in tally.context["rows"]}
    assert rows[a[3].pk]["t"].counts["unqualified"] == 5 and rows[a[3].pk]["proposed"] == "不合格"
    assert rows[a[1].pk]["t"].public_counts["excellent"] == 5
    assert "尚未召开" in page  # the 党员大会 is still planned

    # the 党员大会 is held (recorded in 组织生活), and the branch decides there
    meeting.status = ActivityStatus.HELD
    meeting.save()
    for m in a:
        Attendance.objects.update_or_create(activity=meeting, member=m, defaults={"status": "present"})
    for m in graded:
        grade, reason = ("unqualified", "经教育仍不参加组织生活") if m == a[3].pk else ("qualified", "")
        if m == a[1].pk:
            grade, reason = "excellent", "带头作用突出"
        assert (
            secretary.post(
                f"/evaluations/{campaign.pk}/decide/{m}/", {"grade": grade, "reason": reason}
            ).status_code
            == 302
        )
    secretary.post(
        f"/evaluations/{campaign.pk}/disposal/{a[3].pk}/",
        {"measure": "correct", "follow_up": "pending", "notes": "党小组长帮扶"},
    )
    done = secretary.post(f"/evaluations/{campaign.pk}/do/finalise/", ADOPTED, follow=True).content.decode()
    assert "已完成组织评定" in done
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DECIDED
    assert Decision.objects.filter(agenda_item__activity=meeting).count() == len(graded)
    item = meeting.agenda.get()
    assert (item.eligible, item.present, item.votes_for) == (8, 8, 8) and item.outcome.passed

    # after the meeting members may read each other's self-evaluations; the documents are there
    assert client_for("member_a").get(f"/evaluations/{campaign.pk}/self/{a[2].pk}/").status_code == 200
    base = f"/evaluations/{campaign.pk}/export"
    for doc, fmt in [
        ("register", "docx"),
        ("self", "pdf"),
        ("assessment", "docx"),
        ("excellent", "xlsx"),
        ("unqualified", "docx"),
    ]:
        response = secretary.get(f"{base}/{doc}.{fmt}")
        assert response.status_code == 200 and len(response.content) > 1000, (doc, fmt)
    assert "甲3" in client_for("office").get("/evaluations/unqualified/").content.decode()
