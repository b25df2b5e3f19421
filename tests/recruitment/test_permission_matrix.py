"""Every 发展党员 page and API call × every role: the files are for the branch's 书记/组织委员, the 党总支
and the 党建办; 上级 read-only accounts, instructors, group leaders and members get nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.recruitment.models import Applicant, StepRecord
from dangjian.recruitment.services import attach
from tests.factories import make_id_number
from tests.matrix import Case, cases_for, check

A = frozenset({"office", "secretary_a"})
B = frozenset({"office", "organiser_b"})
BOARD = frozenset({"office", "secretary_a", "organiser_b"})
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RECEIVED = dt.date.today() - dt.timedelta(days=10)


@pytest.fixture(autouse=True)
def files(world, make_applicant):
    a = make_applicant(world.branch_a, name="甲申请", steps=[("application", RECEIVED)])
    attach(a.steps.get(), "application", SimpleUploadedFile("申请书.pdf", PDF), None)
    make_applicant(world.branch_b, name="乙申请", steps=[("application", RECEIVED)])


def applicant(name):
    return Applicant.objects.get(name=name)


def new_data(w):
    born = dt.date(2000, 1, 2)
    return {
        "name": "新申请",
        "gender": "M",
        "birth_date": born.isoformat(),
        "id_number": make_id_number(born),
        "received_on": RECEIVED.isoformat(),
    }


def talk(w):
    return {"code": "talk", "date": dt.date.today().isoformat()}


def pk(name):
    return lambda w: applicant(name).pk


def step_pk(name):
    return lambda w: StepRecord.objects.get(applicant__name=name).pk


def document_pk(w):
    return StepRecord.objects.get(applicant__name="甲申请").documents.get().pk


CASES = [
    Case("board", lambda w: "/recruitment/", BOARD),
    Case("board town", lambda w: "/recruitment/?org=TOWN", frozenset({"office"})),
    Case("board general", lambda w: "/recruitment/?org=GEN", frozenset({"office"})),
    Case("board A", lambda w: "/recruitment/?org=BRA", A),
    Case("board B", lambda w: "/recruitment/?org=BRB", B),
    Case("new in A (form)", lambda w: "/recruitment/org/BRA/new/", A),
    Case("new in B", lambda w: "/recruitment/org/BRB/new/", B, "post", new_data, ok=(302,)),
    Case("file A", lambda w: f"/recruitment/{pk('甲申请')(w)}/", A),
    Case("file B", lambda w: f"/recruitment/{pk('乙申请')(w)}/", B),
    Case("step A", lambda w: f"/recruitment/{pk('甲申请')(w)}/step/", A, "post", talk, ok=(302,)),
    Case(
        "upload A",
        lambda w: f"/recruitment/step/{step_pk('甲申请')(w)}/upload/",
        A,
        "post",
        lambda w: {"kind": "application"},
        ok=(302,),
    ),
    Case("document A", lambda w: f"/recruitment/document/{document_pk(w)}/", A),
    Case(
        "api workflow",
        lambda w: "/api/recruitment/workflow",
        frozenset(
            [
                "office",
                "oversight",
                "secretary_a",
                "organiser_b",
                "instructor_a",
                "group_leader_a",
                "member_a",
                "member_b",
            ]
        ),
        api=True,
    ),
    Case("api board A", lambda w: "/api/recruitment/board?org=BRA", A, api=True),
    Case("api board town", lambda w: "/api/recruitment/board?org=TOWN", frozenset({"office"}), api=True),
    Case(
        "api applicants",
        lambda w: "/api/recruitment/applicants",
        frozenset(
            [
                "office",
                "oversight",
                "secretary_a",
                "organiser_b",
                "instructor_a",
                "group_leader_a",
                "member_a",
                "member_b",
            ]
        ),
        api=True,
    ),
    Case("api applicants A", lambda w: "/api/recruitment/applicants?org=BRA", A, api=True),
    Case("api applicant A", lambda w: f"/api/recruitment/applicants/{pk('甲申请')(w)}", A, api=True),
    Case("api applicant B", lambda w: f"/api/recruitment/applicants/{pk('乙申请')(w)}", B, api=True),
    Case(
        "api step A",
        lambda w: f"/api/recruitment/applicants/{pk('甲申请')(w)}/steps",
        A,
        "post",
        talk,
        ok=(201,),
        api=True,
    ),
]


@pytest.mark.django_db
@cases_for(CASES)
def test_permission_matrix(case, role, world, client_for):
    check(case, role, world, client_for)


@pytest.mark.django_db
def test_the_list_api_shows_only_ones_own_files(world, client_for):
    names = {r["name"] for r in client_for("secretary_a").get("/api/recruitment/applicants").json()["items"]}
    assert names == {"甲申请"}
    assert client_for("member_a").get("/api/recruitment/applicants").json()["items"] == []
