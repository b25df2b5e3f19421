import datetime as dt

import pytest

from dangjian.talks.models import Talk


@pytest.fixture
def make_talk():
    def make(org, initiator, partner, on=None, created_by=None, **fields) -> Talk:
        return Talk.objects.create(
            org=org,
            initiator=initiator,
            partner=partner,
            talked_on=on or dt.date.today() - dt.timedelta(days=1),
            topics=fields.pop("topics", "交流思想和工作情况"),
            created_by=created_by,
            **fields,
        )

    return make
