"""The demo town: its deliberate 走过场 cases are found, and the honest branches get no signal of theirs."""

import datetime as dt

import pytest

from dangjian.demo import town
from dangjian.meetings.models import Record
from dangjian.supervision import demo
from dangjian.supervision.models import Signal

TODAY = dt.date(2026, 12, 3)


@pytest.mark.django_db
def test_deliberate_cases_are_found_and_honest_branches_are_clean():
    ctx = town.build(seed=1, today=TODAY)
    cases = demo.deliberate_branches(sorted(ctx.branches, key=lambda b: b.code))
    signals = list(Signal.objects.open().select_related("org"))
    for kind, branch in cases.items():
        assert any(s.kind == kind and s.org == branch for s in signals), kind
    assert len([s for s in signals if s.kind == "copied_minutes"]) == demo.COPY_MONTHS
    (photo,) = [s for s in signals if s.kind == "reused_photos"]
    assert photo.org == cases["copied_minutes"]  # the copying branch also uploaded a photo twice
    deliberate = set(cases.values())
    honest = [s for s in signals if s.org not in deliberate]
    # The meetings demo leaves out about one record in ten on purpose (compliance shows them red): a 党课
    # without its 党课稿 is the one signal an honest demo branch may carry, and then it is true.
    assert {(s.kind, s.details["reason"]) for s in honest} <= {("thin_content", "no_script")}
    for s in honest:
        (lecture,) = s.activities.all()
        assert not Record.objects.filter(activity=lecture, kind="lecture_script").exists()
    expected = (*cases, "thin_content", "reused_photos")
    assert not [s for s in signals if s.org in deliberate and s.kind not in expected]
