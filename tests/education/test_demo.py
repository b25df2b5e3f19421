"""The demo: trainings for the year, 学习心得 with comments, and one member meeting the six-month rule."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangjian.education import services
from dangjian.education.models import StudyNote
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation


@pytest.mark.django_db
def test_demo_town_has_hours_notes_and_one_flag():
    call_command("demo")
    town = Organisation.objects.get(code="SDS")
    rows = services.completions(
        Member.objects.active().filter(org__path__startswith=town.path), timezone.localdate().year
    )
    assert any(r.derived_hours for r in rows) and any(r.hours > r.derived_hours for r in rows)
    assert StudyNote.objects.exclude(comment="").exists() and StudyNote.objects.filter(comment="").exists()
    flagged = services.inactive_flags(
        Member.objects.filter(org__path__startswith=town.path), timezone.localdate()
    )
    assert len(flagged) >= 1
