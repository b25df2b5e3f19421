"""What users see and do: record with the document, correct, list, export, the member page, the API."""

import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from dangjian.core import xlsx
from dangjian.discipline.models import Sanction

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form(world, **changes):
    data = {
        "member": world.members_a[2].pk,
        "level": "probation_1",
        "decided_on": (TODAY - dt.timedelta(days=10)).isoformat(),
        "decided_by": "中共测试镇纪律检查委员会",
        "document_no": "测纪发〔2026〕1号",
        "facts": "违反组织纪律",
    }
    return {**data, **changes}


def test_secretary_records_a_sanction_with_its_document(world, client_for):
    secretary = client_for("secretary_a")
    upload = SimpleUploadedFile("处分决定书.pdf", PDF, content_type="application/pdf")
    data = {**form(world, decided_on="2025-03-10"), "upload": upload}
    response = secretary.post("/discipline/org/BRA/new/", data)
    sanction = Sanction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/discipline/{sanction.pk}/"
    assert sanction.org == world.branch_a and sanction.created_by == world.user("secretary_a")
    assert sanction.period_end == dt.date(2026, 3, 9)  # decided 2025-03-10: one year, inclusive
    assert sanction.document_name == "处分决定书.pdf" and sanction.document_type == "application/pdf"
    page = secretary.get(sanction.get_absolute_url()).content.decode()
    assert (
        "留党察看一年" in page
        and "2025-03-10 至 2026-03-09" in page
        and "处分决定书.pdf" in page
        and "变更记录" in page
    )
    assert "没有表决权、选举权和被选举权" in page  # the effect, from the levels data
    download = secretary.get(f"/discipline/{sanction.pk}/document/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_a_disguised_file_is_refused_and_nothing_is_saved(world, client_for):
    upload = SimpleUploadedFile("处分决定书.pdf", "其实是文本".encode(), content_type="application/pdf")
    response = client_for("secretary_a").post("/discipline/org/BRA/new/", {**form(world), "upload": upload})
    assert response.status_code == 200
    assert "实际内容不是这些类型" in response.content.decode()
    assert not Sanction.objects.exists()


def test_double_submission_records_once(world, client_for):
    secretary = client_for("secretary_a")
    assert secretary.post("/discipline/org/BRA/new/", form(world)).status_code == 302
    again = secretary.post("/discipline/org/BRA/new/", form(world))
    assert again.status_code == 200 and "请勿重复登记" in again.content.decode()
    assert Sanction.objects.count() == 1


def test_a_member_of_another_branch_cannot_be_chosen(world, client_for):
    response = client_for("office").post(
        "/discipline/org/BRA/new/", form(world, member=world.members_b[2].pk)
    )
    assert response.status_code == 200 and "不在可选范围内" in response.content.decode()
    assert not Sanction.objects.exists()


def test_correcting_keeps_the_document_and_the_history(world, client_for, make_sanction):
    secretary = client_for("secretary_a")
    secretary.post("/discipline/org/BRA/new/", {**form(world), "upload": SimpleUploadedFile("决定.pdf", PDF)})
    sanction = Sanction.objects.get()
    lifted = (TODAY - dt.timedelta(days=2)).isoformat()
    data = form(
        world,
        level="probation_2",
        lifted_on=lifted,
        lifted_note="申诉复查，撤销处分",
        member=world.members_a[5].pk,
    )
    assert secretary.post(f"/discipline/{sanction.pk}/edit/", data).status_code == 302
    sanction.refresh_from_db()
    assert sanction.member == world.members_a[2]  # the member cannot be changed
    assert sanction.lifted_on.isoformat() == lifted and sanction.document_name == "决定.pdf"
    assert not sanction.running
    assert sanction.history.count() == 2
    page = secretary.get(sanction.get_absolute_url()).content.decode()
    assert "撤销或提前恢复日期" in page and "申诉复查，撤销处分" in page
    assert "处分种类：留党察看一年 → 留党察看二年" in page  # the change log names the levels


def test_the_page_asks_to_end_posts_the_sanction_ends(world, client_for, make_sanction):
    secretary = client_for("secretary_a")
    probation = make_sanction(world.members_a[1], "probation_1")  # the 组织委员
    page = secretary.get(probation.get_absolute_url()).content.decode()
    assert "仍在任" in page and "甲村党支部</a>组织委员" in page
    warning = make_sanction(world.members_a[4], "warning")  # a 警告 leaves the 党小组长 in post
    assert "仍在任" not in secretary.get(warning.get_absolute_url()).content.decode()
    world.members_a[1].positions.update(ended_on=TODAY - dt.timedelta(days=1))
    assert "仍在任" not in secretary.get(probation.get_absolute_url()).content.decode()


def test_the_list_filters_and_exports(world, client_for, make_sanction):
    make_sanction(world.members_a[2], "probation_1", facts="察看")
    make_sanction(world.members_a[3], "warning", facts="警告")
    make_sanction(world.members_b[2], "warning", on=dt.date(TODAY.year - 2, 5, 1), facts="前年")
    office = client_for("office")
    page = office.get("/discipline/").content.decode()  # the office's whole town, this year
    assert "甲2" in page and "甲3" in page and "乙2" not in page and "登记处分请先选择党支部" in page
    only = office.get("/discipline/?org=BRA&level=probation_1").content.decode()
    assert "甲2" in only and "甲3" not in only and "登记处分" in only
    assert "乙2" in office.get(f"/discipline/?org=BRB&year={TODAY.year - 2}").content.decode()
    export = office.get("/discipline/?org=TOWN&format=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)[xlsx.TITLE_ROWS :]
    assert rows[0][:3] == ("姓名", "所在党支部", "处分种类")
    assert sorted(r[0] for r in rows[1:]) == ["甲2", "甲3"]
    assert quote("违纪党员清单-测试镇党委") in export["Content-Disposition"]


def test_members_see_their_own_sanctions_only(world, client_for, make_sanction):
    make_sanction(world.members_a[7], "warning", facts="本人")
    make_sanction(world.members_a[2], "probation_1", facts="他人")
    member = client_for("member_a")
    page = member.get("/discipline/").content.decode()
    assert "我的党纪处分记录" in page and "警告" in page and "甲2" not in page
    own = member.get(f"/members/{world.members_a[7].pk}/").content.decode()
    assert "党纪处分" in own and "登记处分" not in own
    assert "您没有党纪处分记录" in client_for("member_b").get("/discipline/").content.decode()


def test_the_member_page_shows_sanctions_to_those_who_may_see_them(world, client_for, make_sanction):
    make_sanction(world.members_a[2], "probation_1")
    url = f"/members/{world.members_a[2].pk}/"
    secretary = client_for("secretary_a").get(url).content.decode()
    assert "留党察看一年" in secretary and "登记处分" in secretary
    instructor = client_for("instructor_a").get(url)
    assert instructor.status_code == 200 and "留党察看" not in instructor.content.decode()


def test_navigation_shows_the_list_to_its_readers(world, client_for):
    for role, shown in [
        ("office", True),
        ("oversight", True),
        ("secretary_a", True),
        ("instructor_a", False),
        ("member_a", False),
    ]:
        assert ("违纪党员" in client_for(role).get("/").content.decode()) is shown, role


def test_api_records_with_problems_in_chinese(world, client_for):
    client = client_for("secretary_a")
    payload = {
        "org": "BRA",
        "member_id": world.members_a[2].pk,
        "level": "probation_2",
        "decided_on": (TODAY + dt.timedelta(days=3)).isoformat(),
        "decided_by": "镇纪委",
        "facts": "事实",
    }
    bad = client.post("/api/discipline/", payload, content_type="application/json")
    assert bad.status_code == 400 and "不能晚于今天" in bad.json()["errors"]["decided_on"][0]
    wrong = client.post("/api/discipline/", {**payload, "level": "x"}, content_type="application/json")
    assert wrong.status_code == 400 and "level" in wrong.json()["errors"]
    assert (
        client.post(
            "/api/discipline/", {**payload, "decided_on": "昨天"}, content_type="application/json"
        ).status_code
        == 422
    )
    payload["decided_on"] = (TODAY - dt.timedelta(days=1)).isoformat()
    made = client.post("/api/discipline/", payload, content_type="application/json")
    assert made.status_code == 201 and made.json()["in_force_today"] and made.json()["period_end"]
    assert not Sanction.objects.get().document
    levels = client.get("/api/discipline/levels").json()
    assert [level["name"] for level in levels][3] == "留党察看一年" and all(
        level["source"] for level in levels
    )


def test_the_api_is_in_the_openapi_schema(client_for):
    paths = client_for("office").get("/api/openapi.json").json()["paths"]
    assert {"/api/discipline/", "/api/discipline/levels", "/api/discipline/{sanction_id}"} <= set(paths)
