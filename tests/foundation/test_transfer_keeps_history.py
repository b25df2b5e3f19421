"""组织关系转接 inside the town: a Transfer row, the member's history, and the old group dropped."""

import datetime as dt

import pytest

from dangjian.members import services

pytestmark = pytest.mark.django_db


def test_transfer_records_the_move(world):
    member = world.members_a[2]
    office = world.user("office")
    record = services.transfer(member, world.branch_b, dt.date(2024, 3, 1), "工作调动", office)
    member.refresh_from_db()
    assert (record.from_org, record.to_org, record.created_by) == (world.branch_a, world.branch_b, office)
    assert member.org == world.branch_b and member.group is None
    latest = member.history.first()
    assert latest.org_id == world.branch_b.pk and latest.prev_record.org_id == world.branch_a.pk


def test_transfer_page_shows_the_record_and_history(world, client_for):
    member = world.members_a[2]
    client = client_for("office")
    response = client.post(
        f"/members/{member.pk}/transfer/",
        {"to_org": world.branch_b.pk, "transferred_on": "2024-03-01", "reason": "工作调动"},
    )
    assert response.status_code == 302
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert "2024-03-01：甲村党支部 → 乙企业党支部（工作调动）" in page
    assert "所在党支部：甲村党支部 → 乙企业党支部" in page


def test_transfer_date_not_before_joining(world, client_for):
    member = world.members_a[2]
    response = client_for("office").post(
        f"/members/{member.pk}/transfer/", {"to_org": world.branch_b.pk, "transferred_on": "1990-01-01"}
    )
    assert "转接日期不能早于入党日期" in response.content.decode()
