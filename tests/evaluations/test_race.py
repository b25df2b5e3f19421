"""Racing submissions from one voter leave exactly one ballot (PostgreSQL: truly concurrent transactions)."""

import threading

import pytest
from django.db import connection, connections

from dangjian.evaluations import services
from dangjian.evaluations.models import Ballot, BallotGrade, VoterRight

from .helpers import full_ballot, open_campaign

THREADS = 4


@pytest.mark.django_db(transaction=True)
def test_racing_ballots_from_one_voter_leave_exactly_one(world):
    if connection.vendor != "postgresql":
        pytest.skip(
            "并发投票测试需要 PostgreSQL（SQLite 整库串行写入，测不出竞争）：设置 DATABASE_URL 后运行"
        )
    campaign = open_campaign(world)
    voters = world.members_a[:3]
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(voter, barrier):
        try:
            barrier.wait()
            services.cast_ballot(campaign, full_ballot(campaign), member=voter)
            result = "ok"
        except services.Refused as exc:
            result = exc.problems[0]
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    for voter in voters:
        barrier = threading.Barrier(THREADS)
        threads = [threading.Thread(target=submit, args=(voter, barrier)) for _ in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    assert outcomes.count("ok") == len(voters)
    assert outcomes.count("您已经投过票了，每人只能投一次票。") == len(voters) * (THREADS - 1)
    assert Ballot.objects.filter(campaign=campaign).count() == len(voters)
    services.close_vote(campaign)
    graded = campaign.participants.filter(graded=True).count()
    assert BallotGrade.objects.filter(ballot__campaign=campaign).count() == len(voters) * graded
    assert VoterRight.objects.filter(campaign=campaign, has_voted=True).count() == len(voters)
