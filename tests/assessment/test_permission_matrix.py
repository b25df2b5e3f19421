"""Every assessment page and API call × every role: the office and 上级 read the town table and every sheet,
only the office scores, finalises, corrects and answers; a branch reads its own sheet (never another's)
and objects to it; members and other branches are refused (see tests/matrix.py)."""

import pytest
from django.utils import timezone

from dangjian.assessment import notices, services, surveys
from dangjian.assessment.models import FrozenSheet, SchemeVersion, Survey
from tests.matrix import Case, cases_for, check

from .helpers import LAST_YEAR

TOWN = frozenset({"office", "oversight"})
OFFICE = frozenset({"office"})
# Branch A's sheet: those who run or guide branch A, and the town.
SHEET_A = frozenset({"office", "oversight", "secretary_a", "instructor_a"})
SHEET_B = frozenset({"office", "oversight", "organiser_b"})
Y = LAST_YEAR


def finalised(w):
    if not FrozenSheet.objects.filter(year=Y).exists():
        services.finalise([w.town], Y, w.user("office"), timezone.localdate())
    return FrozenSheet.objects.get(org=w.branch_b, year=Y)


def objection(w):
    sheet = finalised(w)
    found = sheet.objections.filter(status="open").first()
    return found or services.raise_objection(
        sheet, "theme_day", "记录已上传", w.user("organiser_b"), timezone.localdate()
    )


def draft(w):
    return SchemeVersion.objects.filter(status="draft").first() or services.create_draft(
        Y + 1, w.user("office")
    )


def published(w):
    version = draft(w)
    services.publish_scheme(version)
    return version


MANAGERS = frozenset({"office", "oversight", "secretary_a", "organiser_b"})
BRANCH_MEMBERS = frozenset(
    {"secretary_a", "organiser_b", "instructor_a", "group_leader_a", "member_a", "member_b"}
)
ANSWER = {"q-work": "satisfied", "q-life": "basic", "comment": "好"}


def survey(w):
    found = Survey.objects.filter(status="open").first()
    return found or surveys.open_survey(
        [w.town], Y + 1, "", timezone.localdate(), w.user("office"), timezone.localdate()
    )


def notice(w, status="published"):
    from dangjian.assessment.models import Notice

    found = Notice.objects.filter(title="通报测试").first()
    if found is None:
        found = notices.draft(
            Y + 1,
            "criticism",
            "通报测试",
            "正文",
            "整改",
            timezone.localdate(),
            False,
            [(w.branch_b, "事实", "")],
            w.user("office"),
        )
        Notice.objects.filter(pk=found.pk).update(status=status, number=1, published_on=timezone.localdate())
    return found


NOTICE_READERS = frozenset({"office", "oversight", "organiser_b"})

CASES = [
    Case(
        "notices",
        lambda w: "/assessment/notices/",
        frozenset({"office", "oversight", "secretary_a", "organiser_b"}),
    ),
    Case(
        "draft notice",
        lambda w: "/assessment/notices/",
        OFFICE,
        method="post",
        data=lambda w: {
            "kind": "commendation",
            "title": "表扬",
            "body": "正文",
            "org_1": "BRA",
            "facts_1": "好",
        },
        ok=(302,),
    ),
    Case("notice", lambda w: f"/assessment/notices/{notice(w).pk}/", NOTICE_READERS),
    Case("notice docx", lambda w: f"/assessment/notices/{notice(w).pk}/docx/", NOTICE_READERS),
    Case(
        "notice close",
        lambda w: f"/assessment/notices/{notice(w).pk}/step/close/",
        OFFICE,
        method="post",
        ok=(302,),
    ),
    Case(
        "notice respond",
        lambda w: f"/assessment/notices/{notice(w).pk}/respond/BRB/",
        frozenset({"organiser_b"}),
        method="post",
        data=lambda w: {"response": "已整改"},
        ok=(302,),
    ),
    Case("accountability", lambda w: "/assessment/accountability/", OFFICE),
    Case(
        "api notice step",
        lambda w: f"/api/assessment/notices/{notice(w, 'draft').pk}/steps/submit",
        OFFICE,
        method="post",
        api=True,
    ),
    Case(
        "record accountability",
        lambda w: "/assessment/accountability/",
        OFFICE,
        method="post",
        data=lambda w: {
            "org": "BRB",
            "member": w.members_b[0].pk,
            "form": "interview",
            "reason": "事由",
            "decided_on": "2026-01-05",
            "decided_by": "镇党委",
        },
        ok=(302,),
    ),
    Case("api accountability", lambda w: "/api/assessment/accountability", OFFICE, api=True),
    Case(
        "api record accountability",
        lambda w: "/api/assessment/accountability",
        OFFICE,
        method="post",
        data=lambda w: {
            "org_code": "BRB",
            "member_id": w.members_b[0].pk,
            "form": "interview",
            "reason": "事由",
            "decided_on": "2026-01-05",
            "decided_by": "镇党委",
        },
        api=True,
    ),
    Case(
        "api notices",
        lambda w: "/api/assessment/notices",
        frozenset({"office", "oversight", "secretary_a", "organiser_b"}),
        api=True,
    ),
    Case("surveys", lambda w: "/assessment/surveys/", MANAGERS | BRANCH_MEMBERS),
    Case(
        "open survey",
        lambda w: "/assessment/surveys/",
        OFFICE,
        method="post",
        data=lambda w: {"year": Y + 1, "closes_on": "2099-01-01"},
        ok=(302,),
    ),
    Case("survey", lambda w: f"/assessment/surveys/{survey(w).pk}/", MANAGERS),
    Case(
        "close survey",
        lambda w: f"/assessment/surveys/{survey(w).pk}/close/",
        OFFICE,
        method="post",
        ok=(302,),
    ),
    Case(
        "codes B",
        lambda w: f"/assessment/surveys/{survey(w).pk}/codes/BRB/",
        frozenset({"office", "organiser_b"}),
        method="post",
        data=lambda w: {"count": "2"},
    ),
    Case("answer form", lambda w: f"/assessment/surveys/{survey(w).pk}/answer/", BRANCH_MEMBERS),
    Case(
        "answer",
        lambda w: f"/assessment/surveys/{survey(w).pk}/answer/",
        BRANCH_MEMBERS,
        method="post",
        data=lambda w: ANSWER,
        ok=(302,),
    ),
    Case("api surveys", lambda w: "/api/assessment/surveys", MANAGERS, api=True),
    Case("api results", lambda w: f"/api/assessment/surveys/{survey(w).pk}/results", MANAGERS, api=True),
    Case(
        "api answer",
        lambda w: f"/api/assessment/surveys/{survey(w).pk}/answer",
        BRANCH_MEMBERS,
        method="post",
        data=lambda w: {"choices": {"work": "satisfied", "life": "satisfied"}},
        api=True,
    ),
    Case("town table", lambda w: f"/assessment/?year={Y}", TOWN),
    Case(
        "town table filtered",
        lambda w: f"/assessment/?year={Y}&category=village&sort=change&grade=good",
        TOWN,
    ),
    Case("town table xlsx", lambda w: f"/assessment/?year={Y}&format=xlsx", TOWN),
    Case("sheet A", lambda w: f"/assessment/org/BRA/{Y}/", SHEET_A),
    Case("sheet B", lambda w: f"/assessment/org/BRB/{Y}/", SHEET_B),
    Case(
        "mine", lambda w: "/assessment/mine/", frozenset({"office", "secretary_a", "organiser_b"}), ok=(302,)
    ),
    Case(
        "entry",
        lambda w: f"/assessment/org/BRB/{Y}/entry/",
        OFFICE,
        method="post",
        data=lambda w: {"indicator": "education", "points": "4", "note": "台账齐全"},
        ok=(302,),
    ),
    Case(
        "correct",
        lambda w: f"/assessment/org/BRB/{finalised(w).year}/correct/",
        OFFICE,
        method="post",
        data=lambda w: {"indicator": "theme_day", "points": "5", "reason": "核实"},
        ok=(302,),
    ),
    Case(
        "object",
        lambda w: f"/assessment/org/BRB/{finalised(w).year}/object/",
        frozenset({"organiser_b"}),
        method="post",
        data=lambda w: {"indicator": "org_life", "text": "组织生活会已召开"},
        ok=(302,),
    ),
    Case("objections", lambda w: "/assessment/objections/", TOWN),
    Case(
        "answer",
        lambda w: f"/assessment/objections/{objection(w).pk}/answer/",
        OFFICE,
        method="post",
        data=lambda w: {"decision": "reject", "answer": "记录确实缺失"},
        ok=(302,),
    ),
    Case("finalise", lambda w: f"/assessment/{Y}/finalise/", OFFICE, method="post", ok=(302,)),
    Case(
        "ranking",
        lambda w: f"/assessment/{finalised(w).year}/ranking/",
        OFFICE,
        method="post",
        data=lambda w: {"publish": "1"},
        ok=(302,),
    ),
    Case("schemes", lambda w: "/assessment/schemes/", TOWN),
    Case(
        "new draft",
        lambda w: "/assessment/schemes/",
        OFFICE,
        method="post",
        data=lambda w: {"year": Y + 1},
        ok=(302,),
    ),
    Case("scheme", lambda w: f"/assessment/schemes/{draft(w).pk}/", TOWN),
    Case(
        "save scheme",
        lambda w: f"/assessment/schemes/{draft(w).pk}/",
        OFFICE,
        method="post",
        data=lambda w: {"text": draft(w).text, "effective_from": f"{Y + 1}-01-01"},
        ok=(302,),
    ),
    Case(
        "publish scheme",
        lambda w: f"/assessment/schemes/{draft(w).pk}/publish/",
        OFFICE,
        method="post",
        ok=(302,),
    ),
    Case("api schemes", lambda w: "/api/assessment/schemes", TOWN, api=True),
    Case("api scheme", lambda w: f"/api/assessment/schemes/{published(w).pk}", TOWN, api=True),
    Case(
        "api new draft",
        lambda w: "/api/assessment/schemes",
        OFFICE,
        method="post",
        data=lambda w: {"year": Y + 1},
        api=True,
    ),
    Case(
        "api save draft",
        lambda w: f"/api/assessment/schemes/{draft(w).pk}",
        OFFICE,
        method="put",
        data=lambda w: {"text": draft(w).text, "effective_from": f"{Y + 1}-01-01"},
        api=True,
    ),
    Case(
        "api publish",
        lambda w: f"/api/assessment/schemes/{draft(w).pk}/publish",
        OFFICE,
        method="post",
        api=True,
    ),
    Case("api table", lambda w: f"/api/assessment/table?year={Y}", TOWN, api=True),
    Case("api sheet A", lambda w: f"/api/assessment/sheets/BRA/{Y}", SHEET_A, api=True),
    Case("api sheet B", lambda w: f"/api/assessment/sheets/BRB/{Y}", SHEET_B, api=True),
    Case(
        "api entry",
        lambda w: f"/api/assessment/sheets/BRB/{Y}/entries",
        OFFICE,
        method="post",
        data=lambda w: {"indicator": "education", "points": 4, "note": "台账齐全"},
        api=True,
    ),
    Case(
        "api correction",
        lambda w: f"/api/assessment/sheets/BRB/{finalised(w).year}/corrections",
        OFFICE,
        method="post",
        data=lambda w: {"indicator": "theme_day", "points": 5, "note": "核实"},
        api=True,
    ),
    Case(
        "api objection",
        lambda w: f"/api/assessment/sheets/BRB/{finalised(w).year}/objections",
        frozenset({"organiser_b"}),
        method="post",
        data=lambda w: {"indicator": "org_life", "text": "组织生活会已召开"},
        api=True,
    ),
    Case("api objections", lambda w: "/api/assessment/objections", TOWN, api=True),
    Case(
        "api answer",
        lambda w: f"/api/assessment/objections/{objection(w).pk}/answer",
        OFFICE,
        method="post",
        data=lambda w: {"accept": False, "answer": "记录确实缺失"},
        api=True,
    ),
    Case("api finalise", lambda w: f"/api/assessment/years/{Y}/finalise", OFFICE, method="post", api=True),
    Case(
        "api ranking",
        lambda w: f"/api/assessment/years/{finalised(w).year}/ranking",
        OFFICE,
        method="post",
        data=lambda w: {"publish": True},
        api=True,
    ),
]


@pytest.mark.django_db
@cases_for(CASES)
def test_permission_matrix(case, role, world, client_for):
    check(case, role, world, client_for)
