"""The demo town's record reviews: a few in each state, the sampled ones with the desk's reasons, and the
demo secretary's to-do shows the one sent back."""

import datetime as dt

import pytest

from dangjian.demo import town
from dangjian.supervision.review import Review, ReviewState

TODAY = dt.date(2026, 12, 3)


@pytest.mark.django_db
def test_the_demo_has_reviews_in_each_state(client):
    town.build(seed=1, today=TODAY)
    states = {s: Review.objects.filter(state=s).count() for s in ReviewState.values}
    assert all(states.values()), states
    sampled = Review.objects.filter(reason__startswith="风险信号")
    assert sampled.filter(state=ReviewState.RETURNED).exists()  # the copied minutes, sent back
    corrected = Review.objects.get(state=ReviewState.RESUBMITTED)
    assert corrected.activity.minutes_versions.count() == 2
    from dangjian.accounts.models import User

    client.force_login(User.objects.get(username="shuji"))
    assert "会议记录退回补正" in client.get("/").content.decode()
