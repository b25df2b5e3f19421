"""API errors speak Chinese: validation (422), login required (401), unreadable bodies (400)."""

import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_is_told_to_log_in_in_chinese(client):
    response = client.get("/api/members/")
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录。"}


def test_a_path_id_that_is_not_a_number_is_refused_in_chinese(world, client_for):
    response = client_for("office").get("/api/members/abc")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["msg"] == "应为整数。"
    assert error["loc"][-1] == "member_id"


def test_a_body_that_is_not_json_is_refused_in_chinese(world, client_for):
    response = client_for("office").post("/api/talks/", "{not json", content_type="application/json")
    assert response.status_code == 400
    refusal = {"detail": "请求内容无法解析，请发送有效的 JSON。", "errors": {}, "problems": []}
    assert response.json() == refusal


def test_a_missing_field_is_named_in_chinese(world, client_for):
    response = client_for("office").post("/api/talks/", {}, content_type="application/json")
    assert response.status_code == 422
    messages = {e["msg"] for e in response.json()["detail"]}
    assert messages == {"必填，不能省略。"}
