"""The API's numbers are bounded in its schema, so values the database cannot hold are a 422 in Chinese
(they were 500s); its 400 bodies carry the documented fields; a record whose file is gone is a 404."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from dangjian.api import api
from dangjian.core.api import DB_INT_MAX
from dangjian.discipline.models import Sanction
from dangjian.meetings.models import Record
from tests.meetings.helpers import make_activity

pytestmark = pytest.mark.django_db
BEYOND_64_BITS = "99999999999999999999"
LISTS = [
    "/api/orgs/",
    "/api/members/",
    "/api/meetings/",
    "/api/talks/",
    "/api/discipline/",
    "/api/evaluations/",
    "/api/notifications/",
]


@pytest.mark.parametrize("url", LISTS)
def test_an_offset_beyond_the_database_is_refused_in_chinese(world, client_for, url):
    response = client_for("office").get(url, {"offset": 2**63})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "offset"] and error["msg"] == f"数值过大，不能大于 {DB_INT_MAX}。"
    assert client_for("office").get(url, {"offset": DB_INT_MAX}).json()["items"] == []


@pytest.mark.parametrize("url", ["/api/talks/", "/api/discipline/", "/api/evaluations/"])
@pytest.mark.parametrize(("year", "message"), [("99999999", "不能大于 9999"), ("-1", "不能小于 1949")])
def test_a_year_out_of_range_is_refused_in_chinese(world, client_for, url, year, message):
    response = client_for("office").get(url, {"year": year})
    assert response.status_code == 422 and message in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("url", ["/api/talks/", "/api/discipline/"])
def test_a_member_id_beyond_64_bits_is_refused_in_chinese(world, client_for, url):
    response = client_for("office").get(url, {"member": BEYOND_64_BITS})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "member"]


def test_a_body_id_beyond_64_bits_is_refused_in_chinese(world, client_for):
    body = {"org": "BRA", "initiator_id": int(BEYOND_64_BITS), "partner_id": 1, "talked_on": "2026-01-05"}
    response = client_for("secretary_a").post("/api/talks/", {**body, "topics": "谈"}, "application/json")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == [
        "body",
        "payload",
        "initiator_id",
    ]


def _integers(node, where=""):
    """Every integer schema in a request parameter or body, with where it is."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            yield where, node
        for key, value in node.items():
            yield from _integers(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _integers(value, f"{where}/{i}")


def test_every_integer_a_client_sends_is_bounded_in_the_schema():
    schema = api.get_openapi_schema()
    inputs = [
        (f"{method} {path}", part)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for part in (operation.get("parameters", []), operation.get("requestBody", {}))
    ]
    refs = {f"#/components/schemas/{name}": s for name, s in schema["components"]["schemas"].items()}
    bodies = {ref for _, part in inputs for ref in _refs(part)}
    while bodies - set(_expand(bodies, refs)):
        bodies |= set(_expand(bodies, refs))
    integers = [
        (f"{where}{inner}", node)
        for where, part in [*inputs, *((ref, refs[ref]) for ref in bodies)]
        for inner, node in _integers(part)
    ]
    assert len(integers) > 30  # offsets, limits, ids and years of every operation
    assert [where for where, node in integers if node.get("maximum", DB_INT_MAX + 1) > DB_INT_MAX] == []


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _expand(found, refs):
    return {ref for name in found for ref in _refs(refs[name])} | found


def test_every_operation_declares_the_common_errors():
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert {401, 403, 404, 422} <= declared, (method, path)
            if "requestBody" in operation:
                assert 400 in declared, (method, path)


@pytest.mark.parametrize(
    "url", ["/api/talks/", "/api/discipline/", "/api/evaluations/1/self", "/api/evaluations/1/ballot"]
)
def test_an_unreadable_body_is_a_refusal_with_the_documented_fields(world, client_for, url):
    response = client_for("secretary_a").post(url, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "请求内容无法解析，请发送有效的 JSON。",
        "errors": {},
        "problems": [],
    }


def test_form_refusals_carry_errors_and_problems(world, client_for):
    secretary = client_for("secretary_a")
    talk = {"org": "BRA", "initiator_id": world.members_a[0].pk, "partner_id": world.members_a[0].pk}
    response = secretary.post(
        "/api/talks/", {**talk, "talked_on": "2026-01-05", "topics": "谈"}, "application/json"
    )
    body = response.json()
    assert response.status_code == 400 and body["errors"] and body["problems"] == []
    sanction = {"org": "BRA", "member_id": world.members_a[2].pk, "level": "no_such_level"}
    sanction |= {"decided_on": "2026-01-05", "decided_by": "纪委", "facts": "违纪"}
    response = secretary.post("/api/discipline/", sanction, "application/json")
    assert response.status_code == 400 and set(response.json()) == {"detail", "errors", "problems"}
    assert "level" in response.json()["errors"]


def test_talk_coverage_names_its_branch_as_org(world, client_for):
    coverage = client_for("secretary_a").get("/api/talks/coverage/BRA").json()
    assert coverage["org"] == "BRA"


def test_a_record_whose_file_is_gone_is_a_404_in_chinese(world, client_for):
    activity = make_activity(world.branch_a, "party_lecture", speaker=world.members_a[0])
    record = Record(activity=activity, kind="lecture_script", original_name="党课稿.pdf")
    record.content_type = "application/pdf"
    record.file.save("gone.pdf", ContentFile(b"%PDF-1.4"))
    record.file.storage.delete(record.file.name)
    response = client_for("secretary_a").get(f"/meetings/records/{record.pk}/")
    assert response.status_code == 404 and "文件缺失" in response.content.decode()
    assert "党课稿.pdf" in response.content.decode()


def test_a_sanction_whose_document_is_gone_is_a_404_in_chinese(world, client_for):
    sanction = Sanction(member=world.members_a[2], org=world.branch_a, level="warning", facts="违纪")
    sanction.decided_on, sanction.decided_by = dt.date(2026, 1, 5), "纪委"
    sanction.document_name, sanction.document_type = "处分决定书.pdf", "application/pdf"
    sanction.document.save("gone.pdf", ContentFile(b"%PDF-1.4"))
    sanction.document.storage.delete(sanction.document.name)
    response = client_for("secretary_a").get(f"/discipline/{sanction.pk}/document/")
    assert response.status_code == 404 and "处分决定书.pdf" in response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "office"])
@pytest.mark.parametrize("url", ["/api/meetings/null", "/api/meetings/-1/attendance", "/api/no/such/path"])
def test_a_path_no_operation_matches_is_a_json_404(world, client_for, role, url):
    response = client_for(role).get(url)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "接口地址不存在，请对照 /api/docs 中的接口说明。"}
