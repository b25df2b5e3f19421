"""党小组 count the members placed in them (Member.group): org pages, list, export and API."""

import io

import pytest
from openpyxl import load_workbook

from dangjian.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_groups_count_their_members_and_branches_keep_theirs(world):
    counts = {
        o.code: (o.active_members, o.full_members)
        for o in Organisation.objects.filter(code__startswith="BRA").with_member_counts()
    }
    # 甲0-3 in group 1; 甲4-7 and 甲预备 (probationary) in group 2; all nine in branch A
    assert counts == {"BRA": (9, 8), "BRA-G1": (4, 4), "BRA-G2": (5, 4)}
    assert Organisation.objects.get(code="BRA-G2").full_member_count() == 4


def test_a_member_who_left_is_not_counted_in_the_group(world):
    world.members_a[0].status = "left"
    world.members_a[0].save()
    group = Organisation.objects.filter(code="BRA-G1").with_member_counts().get()
    assert (group.active_members, group.full_members) == (3, 3)


def test_group_pages_list_and_api_show_the_counts(world, client_for):
    client = client_for("secretary_a")
    assert "4 人" in client.get("/orgs/BRA-G2/").content.decode().split("正式党员")[1][:80]
    branch = client.get("/orgs/BRA/").content.decode()
    assert "第二党小组" in branch and "5 人" in branch
    api = {o["code"]: o for o in client.get("/api/orgs/").json()["items"]}
    assert (api["BRA-G1"]["active_members"], api["BRA-G2"]["full_members"]) == (4, 4)
    assert client.get("/api/orgs/BRA-G2").json()["active_members"] == 5
    sheet = load_workbook(io.BytesIO(client.get("/orgs/?format=xlsx").content)).active
    rows = {r[1]: r for r in sheet.iter_rows(values_only=True) if r and r[1]}
    assert (rows["第一党小组"][4], rows["第一党小组"][5]) == (4, 4)
