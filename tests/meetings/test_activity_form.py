"""The activity form: only the fields of the chosen kind, the organisation filled in for a 书记, and an
error summary on top."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from dangjian.meetings.models import Activity

pytestmark = pytest.mark.django_db


def _post(w, **extra):
    start = timezone.localtime() + dt.timedelta(days=7)
    return {
        "org": w.branch_a.pk,
        "kind": "theme_day",
        "title": "主题党日",
        "status": "planned",
        "planned_start": f"{start:%Y-%m-%dT10:00}",
        "planned_end": f"{start:%Y-%m-%dT11:00}",
        **extra,
    }


def test_kind_specific_fields_name_their_kinds_and_the_page_loads_the_switcher(world, client_for):
    page = client_for("secretary_a").get("/meetings/new/").content.decode()
    speaker = re.search(r'<select name="speaker"[^>]*>', page).group(0)
    assert 'data-kinds="party_lecture"' in speaker
    parts = re.findall(r'<input type="checkbox" name="parts"[^>]*>', page)
    assert parts and all('data-kinds="theme_day"' in p for p in parts)
    assert 'src="/static/meetings/activity_form.js"' in page
    assert "<script>" not in page  # no inline script (CSP)


def test_a_speaker_sent_with_a_theme_day_is_cleared_not_refused(world, client_for):
    """The field was hidden after switching from 党课: what it still held is dropped, the activity saved."""
    response = client_for("secretary_a").post(
        "/meetings/new/", _post(world, speaker=world.members_a[0].pk, parts=["集中学习"])
    )
    assert response.status_code == 302
    saved = Activity.objects.get()
    assert saved.speaker is None and saved.parts == ["集中学习"]


def test_parts_sent_with_a_lecture_are_cleared(world, client_for):
    response = client_for("secretary_a").post(
        "/meetings/new/",
        _post(world, kind="party_lecture", speaker=world.members_a[0].pk, parts=["集中学习", "志愿服务"]),
    )
    assert response.status_code == 302
    saved = Activity.objects.get()
    assert saved.parts == [] and saved.speaker == world.members_a[0]


def test_switching_an_existing_lecture_to_another_kind_clears_its_speaker(world, client_for):
    from .helpers import make_activity

    lecture = make_activity(world.branch_a, "party_lecture", speaker=world.members_a[0])
    data = _post(world, kind="committee_meeting", speaker=world.members_a[0].pk)
    assert client_for("secretary_a").post(f"/meetings/{lecture.pk}/edit/", data).status_code == 302
    lecture.refresh_from_db()
    assert lecture.kind == "committee_meeting" and lecture.speaker is None


def _selected_org(page: str) -> list[str]:
    select = re.search(r'<select name="org".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="(\d+)" selected>', select)


@pytest.mark.parametrize(
    "role,expected",
    [
        ("secretary_a", "branch_a"),  # runs branch A (and its two groups): A is filled in
        ("organiser_b", "branch_b"),
        ("instructor_a", "branch_a"),  # gives 党课 at branch A only
        ("office", None),  # runs the whole town: chooses
    ],
)
def test_the_organisation_is_filled_in_when_the_user_runs_only_one(world, client_for, role, expected):
    page = client_for(role).get("/meetings/new/").content.decode()
    assert _selected_org(page) == ([str(getattr(world, expected).pk)] if expected else [])


def test_an_organisation_asked_for_wins_over_the_default(world, client_for):
    page = client_for("secretary_a").get("/meetings/new/?org=BRA-G1").content.decode()
    assert _selected_org(page) == [str(world.group_a1.pk)]


def test_errors_are_summed_up_on_top_with_links_in_plain_chinese(world, client_for):
    data = _post(world, title="", planned_start="2026-13-01T10:00")
    page = client_for("secretary_a").post("/meetings/new/", data).content.decode()
    summary = re.search(r'<div class="problems error-summary" role="alert">.*?</div>', page, re.S).group(0)
    assert page.index("error-summary") < page.index('name="org"')  # above the fields
    assert '<a href="#id_title">主题</a>：此项必须填写。' in summary
    assert '<a href="#id_planned_start">计划开始</a>：请填写正确的日期和时间' in summary
    assert "2 处" in summary and "确保" not in page and "这个字段" not in page
    assert not Activity.objects.exists()
