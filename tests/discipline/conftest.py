import datetime as dt

import pytest

from dangjian.discipline.models import Sanction


@pytest.fixture
def make_sanction():
    def make(member, level="probation_1", on=None, **fields) -> Sanction:
        return Sanction.objects.create(
            member=member,
            level=level,
            decided_on=on or dt.date.today() - dt.timedelta(days=30),
            decided_by=fields.pop("decided_by", "中共测试镇纪律检查委员会"),
            facts=fields.pop("facts", "违反组织纪律"),
            **fields,
        )

    return make
