"""书面意见 at a 支部党员大会's vote: kept apart from the votes in the room, counted in the votes, not in the
quorum (《发展党员工作细则》, as data in meetings/data/votes.toml)."""

import pytest

from dangjian.meetings import services, votes
from dangjian.meetings.models import AgendaItem
from dangjian.rulebook import rulebook

from .helpers import make_activity

QUORUM = rulebook.current().items["general_meeting"].quorum


def test_the_rule_is_data_with_its_source():
    rule = votes.written_opinions()
    assert rule.counted_in_votes and not rule.counted_in_quorum
    assert set(rule.kinds) == {"admit", "confirm"}
    assert "发展党员工作细则" in rule.source and "书面意见" in rule.source


@pytest.mark.parametrize(
    "present,in_room_for,written_for,written_against,quorum,passed",
    [
        (4, 4, 2, 0, False, False),  # 4 of 8 in the room: written opinions do not make the quorum
        (5, 3, 2, 0, True, True),  # 3 + 2 written = 5 > 4: passes
        (5, 3, 1, 2, True, False),  # 3 + 1 = 4, not more than half of 8
        (5, 4, 0, 3, True, False),  # 4 in favour only: written against do not help either way
        (5, 5, 0, 0, True, True),
    ],
)
def test_written_opinions_count_in_the_votes_not_the_quorum(
    present, in_room_for, written_for, written_against, quorum, passed
):
    outcome = services.vote_outcome(
        QUORUM, 8, present, in_room_for, present - in_room_for, 0, written=(written_for, written_against)
    )
    assert (outcome.quorum_met, outcome.passed, outcome.problems) == (quorum, passed, ())


def test_more_written_opinions_than_absent_voters_is_refused():
    outcome = services.vote_outcome(QUORUM, 8, 6, 6, 0, 0, written=(3, 0))
    assert not outcome.passed and "提交书面意见的人数" in outcome.problems[0]


@pytest.mark.django_db
def test_written_opinions_recorded_apart_shown_printed_and_in_the_api(world, client_for):
    meeting = make_activity(world.branch_a, "general_meeting")
    meeting.attendance.filter(member__in=world.members_a[:5]).update(status="present")
    client = client_for("secretary_a")
    data = {
        "kind": "admit",
        "title": "接收张三为预备党员",
        "present": 5,
        "votes_for": 3,
        "votes_against": 2,
        "votes_abstain": 0,
        "written_for": 2,
        "written_against": 0,
    }
    other = client.post(f"/meetings/{meeting.pk}/agenda/", {**data, "kind": "other"}, follow=True)
    assert "书面意见只用于接收预备党员、预备党员转正" in other.content.decode()
    assert not AgendaItem.objects.exists()
    saved = client.post(f"/meetings/{meeting.pk}/agenda/", data, follow=True).content.decode()
    item = AgendaItem.objects.get()
    assert (item.votes_for, item.written_for, item.present) == (3, 2, 5)
    assert item.outcome.passed and "达到法定人数，通过" in saved  # 3 alone would not pass
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "书面意见" in page and "2 / 0" in page and "发展党员工作细则" in page
    printed = client.get(f"/meetings/{meeting.pk}/print/").content.decode()
    assert "书面意见" in printed and "8/5" in printed and "3/2/0" in printed and "2/0" in printed
    api = client.get(f"/api/meetings/{meeting.pk}").json()["agenda"]
    assert api == [
        {
            "kind": "admit",
            "title": "接收张三为预备党员",
            "subject_id": None,
            "eligible": 8,
            "present": 5,
            "votes_for": 3,
            "votes_against": 2,
            "votes_abstain": 0,
            "written_for": 2,
            "written_against": 0,
            "quorum_met": True,
            "passed": True,
        }
    ]
    # a member of the branch reads the result too, through the page they may open
    assert client_for("member_a").get(f"/api/meetings/{meeting.pk}").json()["agenda"][0]["passed"]
