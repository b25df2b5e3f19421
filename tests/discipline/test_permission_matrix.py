"""Every 处理违纪党员 page and API call × every role, including another branch's ids answering 404."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.discipline.models import Sanction
from dangjian.discipline.services import attach_document, checked_document
from tests.matrix import Case, cases_for, check
from tests.world import ROLES

EVERYONE = frozenset(ROLES)
TOWN_READERS = frozenset({"office", "oversight"})
A_READERS = TOWN_READERS | {"secretary_a"}
B_READERS = TOWN_READERS | {"organiser_b"}
A_MANAGERS = frozenset({"office", "secretary_a"})
B_MANAGERS = frozenset({"office", "organiser_b"})
DECIDED = (dt.date.today() - dt.timedelta(days=20)).isoformat()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sanction(label: str) -> Sanction:
    return Sanction.objects.get(facts=label)


@pytest.fixture(autouse=True)
def sanctions(world, make_sanction):
    a, b = world.members_a, world.members_b
    own = make_sanction(a[7], "warning", facts="A member_a警告", created_by=world.user("secretary_a"))
    attach_document(own, checked_document(SimpleUploadedFile("处分决定.pdf", PDF)), "处分决定.pdf")
    own.save()
    make_sanction(a[2], "probation_1", facts="A留党察看")
    make_sanction(b[2], "serious_warning", facts="B严重警告")


def page_data(w):
    return {
        "member": w.members_a[3].pk,
        "level": "warning",
        "decided_on": DECIDED,
        "decided_by": "中共测试镇纪律检查委员会",
        "facts": "违反工作纪律",
    }


def edit_data(w):
    return {
        "level": "probation_2",
        "decided_on": DECIDED,
        "decided_by": "中共测试镇委员会",
        "facts": "改为留党察看二年",
    }


def api_data(w):
    return {
        "org": "BRA",
        "member_id": w.members_a[3].pk,
        **{k: v for k, v in page_data(w).items() if k != "member"},
    }


def pk(label):
    return lambda w: sanction(label).pk


CASES = [
    Case("index", lambda w: "/discipline/", EVERYONE),
    Case("index town", lambda w: "/discipline/?org=TOWN", TOWN_READERS),
    Case("index general branch", lambda w: "/discipline/?org=GEN", TOWN_READERS),
    Case("index A", lambda w: "/discipline/?org=BRA&level=probation_1", A_READERS),
    Case("index A last year", lambda w: f"/discipline/?org=BRA&year={dt.date.today().year - 1}", A_READERS),
    Case("index A xlsx", lambda w: "/discipline/?org=BRA&format=xlsx", A_READERS),
    Case("index B", lambda w: "/discipline/?org=BRB", B_READERS),
    Case("index group 404", lambda w: "/discipline/?org=BRA-G1", frozenset()),
    Case("record in A (form)", lambda w: "/discipline/org/BRA/new/", A_MANAGERS),
    Case("record in B (form)", lambda w: "/discipline/org/BRB/new/", B_MANAGERS),
    Case("record in A", lambda w: "/discipline/org/BRA/new/", A_MANAGERS, "post", page_data, ok=(302,)),
    Case(
        "record in B", lambda w: "/discipline/org/BRB/new/", B_MANAGERS, "post", page_data
    ),  # A's member: form error
    Case(
        "sanction of member_a", lambda w: f"/discipline/{pk('A member_a警告')(w)}/", A_READERS | {"member_a"}
    ),
    Case("sanction A", lambda w: f"/discipline/{pk('A留党察看')(w)}/", A_READERS),
    Case("sanction B", lambda w: f"/discipline/{pk('B严重警告')(w)}/", B_READERS),
    Case(
        "document of member_a",
        lambda w: f"/discipline/{pk('A member_a警告')(w)}/document/",
        A_READERS | {"member_a"},
    ),
    Case("document missing 404", lambda w: f"/discipline/{pk('A留党察看')(w)}/document/", frozenset()),
    Case("edit A (form)", lambda w: f"/discipline/{pk('A留党察看')(w)}/edit/", A_MANAGERS),
    Case("edit own (form)", lambda w: f"/discipline/{pk('A member_a警告')(w)}/edit/", A_MANAGERS),
    Case("edit B (form)", lambda w: f"/discipline/{pk('B严重警告')(w)}/edit/", B_MANAGERS),
    Case(
        "edit A",
        lambda w: f"/discipline/{pk('A留党察看')(w)}/edit/",
        A_MANAGERS,
        "post",
        edit_data,
        ok=(302,),
    ),
    Case("api levels", lambda w: "/api/discipline/levels", EVERYONE, api=True),
    Case("api list", lambda w: "/api/discipline/", EVERYONE, api=True),
    Case("api list A", lambda w: "/api/discipline/?org=BRA", A_READERS, api=True),
    Case("api list B", lambda w: "/api/discipline/?org=BRB", B_READERS, api=True),
    Case(
        "api sanction of member_a",
        lambda w: f"/api/discipline/{pk('A member_a警告')(w)}",
        A_READERS | {"member_a"},
        api=True,
    ),
    Case("api sanction A", lambda w: f"/api/discipline/{pk('A留党察看')(w)}", A_READERS, api=True),
    Case("api sanction B", lambda w: f"/api/discipline/{pk('B严重警告')(w)}", B_READERS, api=True),
    Case("api record in A", lambda w: "/api/discipline/", A_MANAGERS, "post", api_data, ok=(201,), api=True),
]


@pytest.mark.django_db
@cases_for(CASES)
def test_permission_matrix(case, role, world, client_for):
    check(case, role, world, client_for)


@pytest.mark.django_db
def test_another_branchs_ids_answer_404(world, client_for):
    other = sanction("B严重警告").pk
    secretary = client_for("secretary_a")
    for url in (f"/discipline/{other}/", f"/discipline/{other}/edit/", f"/discipline/{other}/document/"):
        assert secretary.get(url).status_code == 404, url
    assert secretary.get(f"/api/discipline/{other}").status_code == 404
    listed = secretary.get("/api/discipline/").json()
    assert {row["member_name"] for row in listed["items"]} == {"甲7", "甲2"}
    assert client_for("member_a").get("/api/discipline/").json()["count"] == 1
