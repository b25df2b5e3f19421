"""Small rules from the second audit: validation bounds, Chinese error pages, paging, the HTTPS exemption."""

import datetime as dt
from io import BytesIO

import pytest
from django.test import Client, override_settings

from dangjian.accounts.access import access_for
from dangjian.core import idcard
from dangjian.members import importing, services
from dangjian.members.forms import MAX_IMPORT_MB
from dangjian.orgs.choices import PositionTitle
from tests.factories import appoint

from .sheets import row, upload, valid_id, xlsx_bytes
from .test_permission_matrix import _org_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("birth", ["18000101", "18501231", "18991231", "29990101"])
def test_id_numbers_with_impossible_birth_years_are_refused(birth):
    assert idcard.problem(valid_id(birth)) == "身份证号中的出生日期无效"
    assert idcard.problem(valid_id("19000101")) is None


def test_a_group_is_not_a_dual_organisation_in_the_import(world):
    sheet = xlsx_bytes([row(党员领导干部="是", 双重组织生活组织代码="BRA-G1", 所在党支部代码="BRA")])
    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_members(BytesIO(sheet), access_for(world.user("office")).manageable_orgs())
    assert [str(p) for p in refused.value.problems] == [
        "第2行「双重组织生活组织代码」：双重组织生活所在组织应为党支部、党总支或党委，不能是党小组"
    ]


def test_founding_date_not_in_the_future_and_a_branch_with_members_stays_a_branch(world, client_for):
    client = client_for("office")
    response = client.post("/orgs/BRB/edit/", _org_data(world, world.branch_b, founded_on="2999-01-01"))
    assert "成立日期不能晚于今天。" in response.content.decode()
    response = client.post("/orgs/BRB/edit/", _org_data(world, world.branch_b, kind="general", category=""))
    assert "该组织现有 5 名党员，党员只能编入党支部" in response.content.decode()
    world.branch_b.refresh_from_db()
    assert world.branch_b.kind == "branch" and world.branch_b.founded_on == dt.date(2000, 1, 1)


def test_a_transfer_ends_the_posts_in_the_old_branch_only(world):
    member = world.members_a[1]  # 组织委员 of branch A
    elsewhere = appoint(member, world.town, PositionTitle.PROPAGANDA)
    services.transfer(member, world.branch_b, dt.date(2025, 3, 1), "", world.user("office"))
    post = member.positions.get(org=world.branch_a)
    assert post.ended_on == dt.date(2025, 3, 1)
    elsewhere.refresh_from_db()
    assert elsewhere.ended_on is None


def test_an_import_that_moves_a_member_ends_their_posts_in_the_old_branch(world):
    member = world.members_a[1]  # 组织委员 of branch A
    sheet = xlsx_bytes(
        [
            row(
                姓名=member.name,
                身份证号=member.id_number,
                入党日期=f"{member.joined_on}",
                转正日期=f"{member.confirmed_on}",
                所在党支部代码="BRB",
                手机号=member.phone,
            )
        ]
    )
    importing.import_members(BytesIO(sheet), access_for(world.user("office")).manageable_orgs())
    assert member.positions.get(org=world.branch_a).ended_on is not None


def test_import_form_refuses_files_over_the_limit(world, client_for):
    big = upload(b"0" * (MAX_IMPORT_MB * 1024 * 1024 + 1))
    response = client_for("secretary_a").post("/members/import/", {"file": big})
    assert f"文件超过 {MAX_IMPORT_MB} MB" in response.content.decode()


def test_bad_request_and_wrong_method_pages_are_in_chinese(world, client_for):
    response = Client().get("/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and "请求有误" in response.content.decode()
    response = client_for("secretary_a").get(f"/members/{world.members_a[3].pk}/account/")
    assert response.status_code == 405 and "操作方式不对" in response.content.decode()


def test_healthz_is_not_redirected_to_https():
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"]):
        assert Client().get("/healthz").status_code == 200
        assert Client().get("/login/").status_code == 301


def test_org_list_and_api_are_paged(world, client_for):
    client = client_for("office")
    assert client.get("/orgs/").context["page"].paginator.per_page == 100
    answer = client.get("/api/orgs/", {"limit": 2}).json()
    assert answer["count"] == 6 and len(answer["items"]) == 2 and answer["items"][0]["code"] == "TOWN"
    too_many = client.get("/api/members/", {"limit": 100000})
    assert too_many.status_code == 422 and too_many.json()["detail"][0]["msg"] == "数值过大，不能大于 500。"


def test_list_page_links_the_full_export_and_template_for_managers_only(world, client_for):
    assert "full=1" in client_for("secretary_a").get("/members/").content.decode()
    assert "导入模板" in client_for("secretary_a").get("/members/").content.decode()
    assert "full=1" not in client_for("oversight").get("/members/").content.decode()
