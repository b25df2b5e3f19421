"""What people see and do on the 谈心谈话 pages and through the API."""

import datetime as dt
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core import xlsx
from dangjian.orgs.choices import PositionTitle
from dangjian.talks.models import Talk

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
LAST_YEAR = dt.date(TODAY.year - 1, 6, 1)


@pytest.fixture
def some_talks(world, make_talk):
    a = world.members_a
    return {
        "mine": make_talk(world.branch_a, a[0], a[7], topics="书记与甲7"),
        "others": make_talk(world.branch_a, a[2], a[3], topics="甲2与甲3"),
        "old": make_talk(world.branch_a, a[0], a[5], on=LAST_YEAR, topics="去年的谈话"),
    }


@pytest.mark.django_db
def test_member_sees_only_talks_they_took_part_in(some_talks, client_for):
    page = client_for("member_a").get("/talks/").content.decode()
    assert "书记与甲7" in page and "甲2与甲3" not in page and "甲3" not in page
    assert "记录谈心谈话" in page
    api = client_for("member_a").get("/api/talks/").json()
    assert [t["id"] for t in api["items"]] == [some_talks["mine"].pk]


@pytest.mark.django_db
def test_branch_list_filters_by_year_and_member(some_talks, client_for, world):
    client = client_for("secretary_a")
    page = client.get("/talks/org/BRA/").content.decode()
    assert "共 2 次" in page
    page = client.get(f"/talks/org/BRA/?year={LAST_YEAR.year}").content.decode()
    assert "共 1 次" in page and "甲5" in page
    page = client.get(f"/talks/org/BRA/?member={world.members_a[3].pk}").content.decode()
    assert "共 1 次" in page and "甲2" in page


@pytest.mark.django_db
def test_branch_list_queries_do_not_grow_with_talks(
    world, make_talk, client_for, django_assert_max_num_queries
):
    a = world.members_a
    for i in range(30):
        make_talk(world.branch_a, a[0], a[1 + i % 8], created_by=world.user("secretary_a"))
    client = client_for("secretary_a")
    with django_assert_max_num_queries(20):
        assert client.get("/talks/org/BRA/").status_code == 200


@pytest.mark.django_db
def test_export_has_every_field_and_marks_late_entries(some_talks, client_for):
    late = some_talks["others"]
    late.created_at = timezone.now() + dt.timedelta(days=45)
    late.save()
    response = client_for("office").get("/talks/org/BRA/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.values)[xlsx.TITLE_ROWS :]
    assert rows[0][:4] == ("谈话日期", "所属党支部", "谈话人", "谈话对象") and rows[0][-1] == "补录"
    by_partner = {r[3]: r for r in rows[1:]}
    assert set(by_partner) == {"甲7", "甲3"}
    assert by_partner["甲3"][-1] == "补录" and by_partner["甲7"][-1] is None
    assert by_partner["甲7"][4] == "班子成员与党员"


@pytest.mark.django_db
def test_secretary_records_from_coverage_and_returns_to_it(world, client_for):
    client = client_for("secretary_a")
    target = world.members_a[6]
    page = client.get("/talks/org/BRA/coverage/").content.decode()
    assert f"?partner={target.pk}&next=coverage" in page
    form = client.get(f"/talks/org/BRA/new/?partner={target.pk}&next=coverage").content.decode()
    assert f'<option value="{target.pk}" selected>' in form
    response = client.post(
        f"/talks/org/BRA/new/?partner={target.pk}&next=coverage",
        {
            "initiator": world.members_a[0].pk,
            "partner": target.pk,
            "talked_on": YESTERDAY.isoformat(),
            "form": "video",
            "topics": "谈工作",
            "follow_up": "帮助联系就业",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/talks/org/BRA/coverage/?year={YESTERDAY.year}"
    talk = Talk.objects.get()
    assert talk.created_by == world.user("secretary_a") and not talk.is_late_entry
    page = client.get(response["Location"]).content.decode()
    assert f"?partner={target.pk}&next=coverage" not in page


@pytest.mark.django_db
def test_form_errors_are_shown_in_chinese(world, client_for):
    response = client_for("secretary_a").post(
        "/talks/org/BRA/new/",
        {
            "initiator": world.members_a[2].pk,
            "partner": world.members_a[2].pk,
            "talked_on": (TODAY + dt.timedelta(days=3)).isoformat(),
            "form": "in_person",
            "topics": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Talk.objects.exists()
    assert "谈话日期不能晚于今天" in page and "此项必须填写" in page


@pytest.mark.django_db
def test_coverage_page_lists_who_is_missing_and_says_when_there_is_no_secretary(
    some_talks, world, client_for
):
    page = client_for("instructor_a").get("/talks/org/BRA/coverage/").content.decode()
    assert "还需谈话的人员（7 人）" in page
    assert '<span class="tag tag-red">甲1（委员）</span>' in page
    assert "记录谈话" not in page  # the instructor reads only
    world.branch_b.positions.filter(title=PositionTitle.SECRETARY).delete()
    page = client_for("office").get("/talks/org/BRB/coverage/").content.decode()
    assert "未设书记" in page


@pytest.mark.django_db
def test_detail_shows_late_entry_and_change_log(some_talks, client_for):
    talk = some_talks["old"]
    client = client_for("secretary_a")
    client.post(
        f"/talks/{talk.pk}/edit/",
        {
            "initiator": talk.initiator_id,
            "partner": talk.partner_id,
            "talked_on": talk.talked_on.isoformat(),
            "form": "phone",
            "topics": "改过的内容",
            "follow_up_done": "on",
        },
    )
    page = client.get(f"/talks/{talk.pk}/").content.decode()
    assert "补录" in page  # entered today, long after last year's talk
    assert "谈话形式：面谈 → 电话" in page and "改过的内容" in page


@pytest.mark.django_db
def test_member_cannot_edit_their_entry_into_someone_elses_talk(world, make_talk, client_for):
    a = world.members_a
    talk = make_talk(world.branch_a, a[7], a[6], created_by=world.user("member_a"))
    response = client_for("member_a").post(
        f"/talks/{talk.pk}/edit/",
        {
            "initiator": a[5].pk,
            "partner": a[6].pk,
            "talked_on": YESTERDAY.isoformat(),
            "form": "phone",
            "topics": "x",
        },
    )
    assert response.status_code == 200 and "只能记录本人参加" in response.content.decode()
    talk.refresh_from_db()
    assert talk.initiator_id == a[7].pk


@pytest.mark.django_db
def test_api_create_refuses_bad_input_with_reasons(world, client_for):
    client = client_for("secretary_a")
    a = world.members_a
    base = {
        "org": "BRA",
        "initiator_id": a[0].pk,
        "partner_id": a[0].pk,
        "topics": "谈思想",
        "talked_on": (TODAY + dt.timedelta(days=1)).isoformat(),
    }
    response = client.post("/api/talks/", base, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["talked_on"] == ["谈话日期不能晚于今天，请填写实际谈话的日期。"]
    assert errors["partner"] == ["谈话人和谈话对象不能是同一人，请选择另一名党员。"]
    outsider = {**base, "partner_id": world.members_b[2].pk, "talked_on": YESTERDAY.isoformat()}
    response = client.post("/api/talks/", outsider, content_type="application/json")
    assert response.status_code == 400 and "partner" in response.json()["errors"]
    response = client.post("/api/talks/", {**outsider, "org": "BRB"}, content_type="application/json")
    assert response.status_code == 404
    assert not Talk.objects.exists()


@pytest.mark.django_db
def test_api_create_then_coverage(world, client_for):
    client = client_for("member_a")
    a = world.members_a
    response = client.post(
        "/api/talks/",
        {
            "org": "BRA",
            "initiator_id": a[7].pk,
            "partner_id": a[0].pk,
            "talked_on": YESTERDAY.isoformat(),
            "topics": "谈学习",
            "form": "phone",
            "follow_up_done": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["pairing_label"] == "班子成员与党员" and body["follow_up_done"] and not body["late_entry"]
    cov = client_for("secretary_a").get(f"/api/talks/coverage/BRA?year={YESTERDAY.year}").json()
    row = next(r for r in cov["rows"] if r["member_id"] == a[7].pk)
    assert row["status"] == "covered" and row["talk_ids"] == [body["id"]]
    assert cov["covered"] == 1 and cov["expected"] == cov["covered"] + cov["missing"]
    assert cov["secretaries"][0]["name"] == a[0].name


@pytest.mark.django_db
def test_api_coverage_refuses_an_impossible_year(world, client_for):
    response = client_for("secretary_a").get("/api/talks/coverage/BRA?year=0")
    assert response.status_code == 422 and "不能小于 1949" in response.json()["detail"][0]["msg"]
    response = client_for("secretary_a").get(f"/api/talks/coverage/BRA?year={dt.date.today().year + 1}")
    assert response.status_code == 400 and "年度应在" in response.json()["detail"]
