"""Every 督查 round page and API call × every role (tests/matrix.py). The world's round samples both branches
with 甲7 (member_a) inspecting branch B: the office runs it, 上级 reads it, the inspector works on branch B
only, branch B's leaders see and answer their own 整改, and nobody else sees any of it."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.meetings.services import store_record
from dangjian.supervision.rounds.choices import Result
from tests.matrix import Case, cases_for, check

from .helpers import held
from .rounds_helpers import find, item, make_round, nonconforming, photo

TOWN = frozenset({"office", "oversight"})
OFFICE = frozenset({"office"})
INSPECTOR = frozenset({"office", "member_a"})
READ_B = frozenset({"office", "oversight", "member_a"})
BRANCH_B = frozenset({"office", "oversight", "organiser_b", "member_a"})
RECTS = frozenset({"office", "oversight", "secretary_a", "organiser_b", "member_a"})
NEW = {
    "name": "第二轮督查",
    "period_start": "2026-01-01",
    "period_end": "2026-06-30",
    "methods": ["records"],
    "size": "1",
}


def rnd(w):
    return make_round(w).pk


def rect(w):
    if not hasattr(w, "_rect"):
        w._rect = nonconforming(w)
    return w._rect.pk


def shot(w):
    return find(w, "party_lecture", Result.PARTLY, photos=[photo()]).attachments.get().pk


def record(w):
    make_round(w)
    activity = held(w.branch_b, dt.date(2026, 3, 5), minutes="<p>会议记录</p>")
    upload = SimpleUploadedFile(
        "记录.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf"
    )
    return store_record(activity, "minutes", upload, None).pk


def finding_data(w):
    return {"item": item(make_round(w), "theme_day").pk, "result": "partly", "notes": "照片与记录不符。"}


CASES = [
    Case("rounds", lambda w: f"/supervision/rounds/?r={rnd(w)}", frozenset(TOWN | {"member_a"})),
    Case("round new", lambda w: "/supervision/rounds/new/", OFFICE),
    Case(
        "round create",
        lambda w: "/supervision/rounds/new/",
        OFFICE,
        method="post",
        data=lambda w: NEW,
        ok=(302,),
    ),
    Case("round", lambda w: f"/supervision/rounds/{rnd(w)}/", TOWN),
    Case(
        "round sample",
        lambda w: f"/supervision/rounds/{rnd(w)}/sample/",
        OFFICE,
        method="post",
        data=lambda w: {"action": "draw", "size": "2"},
        ok=(302,),
    ),
    Case(
        "round item",
        lambda w: f"/supervision/rounds/{rnd(w)}/items/",
        OFFICE,
        method="post",
        data=lambda w: {"name": "党费公示", "points": ""},
        ok=(302,),
    ),
    Case(
        "round assign",
        lambda w: f"/supervision/rounds/{rnd(w)}/inspectors/",
        OFFICE,
        method="post",
        data=lambda w: {"org": "BRA", "username": "member_b"},
        ok=(302,),
    ),
    Case("round close", lambda w: f"/supervision/rounds/{rnd(w)}/close/", OFFICE, method="post", ok=(302,)),
    Case("round xlsx", lambda w: f"/supervision/rounds/{rnd(w)}/findings.xlsx", TOWN),
    Case("round docx", lambda w: f"/supervision/rounds/{rnd(w)}/report.docx", TOWN),
    Case("inspect B", lambda w: f"/supervision/rounds/{rnd(w)}/BRB/", READ_B),
    Case("inspect A", lambda w: f"/supervision/rounds/{rnd(w)}/BRA/", TOWN),
    Case(
        "finding B",
        lambda w: f"/supervision/rounds/{rnd(w)}/BRB/finding/",
        INSPECTOR,
        method="post",
        data=finding_data,
        ok=(302,),
    ),
    Case(
        "finding A",
        lambda w: f"/supervision/rounds/{rnd(w)}/BRA/finding/",
        OFFICE,
        method="post",
        data=finding_data,
        ok=(302,),
    ),
    Case(
        "visit B",
        lambda w: f"/supervision/rounds/{rnd(w)}/BRB/visit/",
        INSPECTOR,
        method="post",
        data=lambda w: {"activity": str(held(w.branch_b, dt.date(2026, 4, 2)).pk), "announced": "1"},
        ok=(302,),
    ),
    Case("branch record", lambda w: f"/supervision/rounds/{rnd(w)}/BRB/records/{record(w)}/", READ_B),
    Case("photo", lambda w: f"/supervision/attachments/{shot(w)}/", BRANCH_B),
    Case("rectifications", lambda w: f"/supervision/rectifications/?r={rect(w)}", RECTS),
    Case("rectification", lambda w: f"/supervision/rectifications/{rect(w)}/", BRANCH_B),
    Case(
        "answer",
        lambda w: f"/supervision/rectifications/{rect(w)}/answer/",
        frozenset({"organiser_b"}),
        method="post",
        data=lambda w: {"text": "已补齐。"},
        ok=(302,),
    ),
    Case(
        "accept",
        lambda w: f"/supervision/rectifications/{rect(w)}/accept/",
        INSPECTOR,
        method="post",
        data=lambda w: {"text": ""},
        ok=(302,),
    ),
    Case("api rounds", lambda w: f"/api/supervision/rounds?r={rnd(w)}", TOWN, api=True),
    Case(
        "api round create",
        lambda w: "/api/supervision/rounds",
        OFFICE,
        method="post",
        data=lambda w: {**NEW, "size": 1},
        ok=(201,),
        api=True,
    ),
    Case("api round", lambda w: f"/api/supervision/rounds/{rnd(w)}", TOWN, api=True),
    Case("api findings", lambda w: f"/api/supervision/rounds/{rnd(w)}/findings", READ_B, api=True),
    Case(
        "api finding",
        lambda w: f"/api/supervision/rounds/{rnd(w)}/findings",
        INSPECTOR,
        method="post",
        data=lambda w: {"org": "BRB", "item_id": item(make_round(w), "theme_day").pk, "result": "conforming"},
        api=True,
    ),
    Case("api rectifications", lambda w: f"/api/supervision/rectifications?r={rect(w)}", RECTS, api=True),
    Case("api rectification", lambda w: f"/api/supervision/rectifications/{rect(w)}", BRANCH_B, api=True),
    Case(
        "api answer",
        lambda w: f"/api/supervision/rectifications/{rect(w)}/answer",
        frozenset({"organiser_b"}),
        method="post",
        data=lambda w: {"text": "已补齐。"},
        api=True,
    ),
]


@pytest.mark.django_db
@cases_for(CASES)
def test_permission_matrix(case, role, world, client_for):
    check(case, role, world, client_for)
