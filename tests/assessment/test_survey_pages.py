"""群众 answer with a code, without logging in; members answer once; a branch reads only its own results."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.assessment import surveys
from dangjian.assessment.models import SurveyAnswer

from .helpers import LAST_YEAR

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
ANSWER = {"q-work": "satisfied", "q-life": "basic", "comment": "希望多听群众意见"}


def _open(world):
    return surveys.open_survey(
        [world.town], LAST_YEAR, "", TODAY + dt.timedelta(days=5), world.user("office"), TODAY
    )


def test_the_public_answers_with_a_code_once_without_logging_in(world):
    survey = _open(world)
    (code,) = surveys.issue_codes(survey, world.branch_b, 1)
    public = Client()
    form = public.get(f"/assessment/q/?code={code}").content.decode()
    assert survey.title in form and f'value="{code}"' in form
    page = public.post("/assessment/q/", {**ANSWER, "code": code}).content.decode()
    assert "已提交" in page and SurveyAnswer.objects.get().kind == "public"
    page = public.post("/assessment/q/", {**ANSWER, "code": code}).content.decode()
    assert "每人只能提交一次" in page and SurveyAnswer.objects.count() == 1
    page = public.post("/assessment/q/", {"code": "AAAA2222"}).content.decode()
    assert "请回答：您对本支部的党建工作是否满意？" in page


def test_the_office_issues_codes_shown_once_with_qr_codes(world, client_for):
    survey = _open(world)
    page = client_for("organiser_b").post(f"/assessment/surveys/{survey.pk}/codes/BRB/", {"count": "3"})
    assert page.content.decode().count("<svg") == 3
    refused = client_for("organiser_b").post(f"/assessment/surveys/{survey.pk}/codes/BRB/", {"count": "40"})
    assert refused.status_code == 302


def test_a_branch_reads_only_its_own_results(world, client_for):
    survey = _open(world)
    for member in world.members_b:
        surveys.answer(survey, {"work": "satisfied", "life": "satisfied"}, "乙的意见", member=member)
    for member in world.members_a[:5]:
        surveys.answer(survey, {"work": "basic", "life": "basic"}, "甲的意见", member=member)
    surveys.close_survey(survey)
    page = client_for("organiser_b").get(f"/assessment/surveys/{survey.pk}/").content.decode()
    assert "乙的意见" in page and "甲的意见" not in page and "甲村党支部" not in page
    office = client_for("office").get(f"/assessment/surveys/{survey.pk}/").content.decode()
    assert "乙的意见" in office and "甲的意见" in office
    api = client_for("secretary_a").get(f"/api/assessment/surveys/{survey.pk}/results").json()
    assert [r["org_id"] for r in api] == [world.branch_a.pk]
