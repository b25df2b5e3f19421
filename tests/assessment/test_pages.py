"""What people see on the assessment pages and get from the API (permissions: test_permission_matrix)."""

import pytest
from django.utils import timezone

from dangjian.assessment import services
from dangjian.assessment.models import Entry, FrozenSheet, SchemeVersion

from .helpers import LAST_YEAR, theme_days

pytestmark = pytest.mark.django_db


def test_town_table_shows_scores_grades_ranks_and_filters(world, client_for):
    theme_days(world.branch_b, range(1, 13))
    page = client_for("office").get(f"/assessment/?year={LAST_YEAR}").content.decode()
    assert "甲村党支部" in page and "乙企业党支部" in page and "1/1" in page  # alone in its kind
    assert "考核定稿" in page
    only = client_for("office").get(f"/assessment/?year={LAST_YEAR}&category=enterprise").content.decode()
    assert "乙企业党支部" in only and "甲村党支部" not in only
    oversight = client_for("oversight").get(f"/assessment/?year={LAST_YEAR}").content.decode()
    assert "乙企业党支部" in oversight and "考核定稿" not in oversight


def test_a_branch_sheet_links_every_verdict_line_to_its_evidence(world, client_for):
    theme_days(world.branch_a, range(1, 13))
    page = client_for("secretary_a").get(f"/assessment/org/BRA/{LAST_YEAR}/").content.decode()
    assert f'href="/compliance/org/BRA/theme_day/?year={LAST_YEAR}"' in page
    assert "主题党日：达标 12" in page
    assert "依据：鼎发〔2020〕55号 附件1 第6项" in page
    assert "提出申诉" not in page  # before the 定稿 there is nothing to object to
    assert client_for("secretary_a").get(f"/assessment/org/BRB/{LAST_YEAR}/").status_code == 404


def test_after_finalising_the_branch_may_object_and_sees_its_rank_only_when_published(world, client_for):
    client_for("office").post(f"/assessment/{LAST_YEAR}/finalise/")
    assert FrozenSheet.objects.filter(year=LAST_YEAR).count() == 2
    page = client_for("organiser_b").get(f"/assessment/org/BRB/{LAST_YEAR}/").content.decode()
    assert "提出申诉" in page and "同类排名" not in page
    client_for("office").post(f"/assessment/{LAST_YEAR}/ranking/", {"publish": "1"})
    page = client_for("organiser_b").get(f"/assessment/org/BRB/{LAST_YEAR}/").content.decode()
    assert "同类排名" in page


def test_a_scheme_with_wrong_weights_is_refused_with_the_problem_and_not_saved(world, client_for):
    office = client_for("office")
    office.post("/assessment/schemes/", {"year": LAST_YEAR + 1})
    draft = SchemeVersion.objects.get()
    original = draft.text
    bad = original.replace("weight = 40", "weight = 30")
    page = office.post(
        f"/assessment/schemes/{draft.pk}/", {"text": bad, "effective_from": f"{LAST_YEAR + 1}-01-01"}
    ).content.decode()
    assert "各项指标权重之和为 90，应等于满分 100" in page
    draft.refresh_from_db()
    assert draft.text == original
    office.post(f"/assessment/schemes/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.status == SchemeVersion.Status.PUBLISHED
    assert services.scheme_for(LAST_YEAR + 1, timezone.localdate())[1] == f"{LAST_YEAR + 1}年第1版"
    page = office.post(f"/assessment/schemes/{draft.pk}/", {"text": bad, "effective_from": "2026-01-01"})
    assert SchemeVersion.objects.get().text == original  # a published version is never edited


def test_api_refuses_bad_points_in_chinese_and_writes_nothing(world, client_for):
    api = client_for("office")
    url = f"/api/assessment/sheets/BRB/{LAST_YEAR}/entries"
    response = api.post(
        url, {"indicator": "education", "points": 9, "note": "好"}, content_type="application/json"
    )
    assert response.status_code == 400 and "0 到 5" in response.json()["detail"]
    response = api.post(
        url, {"indicator": "education", "points": 4, "note": ""}, content_type="application/json"
    )
    assert response.status_code == 400 and "评定说明" in response.json()["detail"]
    assert not Entry.objects.exists()
    response = api.post(
        url, {"indicator": "education", "points": 4, "note": "台账齐全"}, content_type="application/json"
    )
    line = next(x for x in response.json()["lines"] if x["code"] == "education")
    assert line["points"] == 4


def test_api_objection_before_the_final_is_refused(world, client_for):
    response = client_for("organiser_b").post(
        f"/api/assessment/sheets/BRB/{LAST_YEAR}/objections",
        {"indicator": "theme_day", "text": "有异议"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "定稿后才能申诉" in response.json()["detail"]
