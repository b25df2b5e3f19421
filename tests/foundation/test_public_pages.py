"""The pages that answer anonymous visitors on purpose (listed as PUBLIC in tests/test_matrix_complete.py)."""

import pytest

pytestmark = pytest.mark.django_db


def test_login_page_is_public_and_in_chinese(client):
    response = client.get("/login/")
    assert response.status_code == 200 and "手机号或用户名" in response.content.decode()


def test_logout_sends_to_the_login_page(world, client_for):
    client = client_for("member_a")
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_api_docs_are_public_and_self_hosted(client):
    assert client.get("/api/openapi.json").json()["info"]["title"] == "党组织生活管理平台 API"
    page = client.get("/api/docs").content.decode()
    assert "swagger-ui-bundle.js" in page and "cdn." not in page
    assert client.get("/api/").status_code == 404  # django-ninja's root only points at the docs
