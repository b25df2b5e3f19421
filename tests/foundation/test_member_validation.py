"""Register rules: ID matches birth date and gender, adult at joining, categories, groups, dual orgs."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.members.models import Member, problems
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def _member(world, **changes) -> Member:
    values = dict(
        name="测试",
        gender="M",
        birth_date=dt.date(1980, 5, 17),
        id_number=make_id_number(dt.date(1980, 5, 17)),
        joined_on=dt.date(2005, 7, 1),
        confirmed_on=dt.date(2006, 7, 1),
        category="full",
        status="normal",
        org=world.branch_a,
        ethnicity="汉族",
    )
    values.update(changes)
    return Member(**values)


def test_a_good_member_has_no_problems(world):
    assert problems(_member(world)) == {}


def test_birth_date_and_gender_must_match_the_id(world):
    found = problems(_member(world, birth_date=dt.date(1980, 5, 18), gender="F"))
    assert found["birth_date"] == "出生日期与身份证号不一致（身份证号为 1980-05-17）。"
    assert found["gender"] == "性别与身份证号不一致。"


def test_under_18_at_joining(world):
    assert "年满十八周岁" in problems(_member(world, joined_on=dt.date(1998, 5, 16)))["joined_on"]
    assert "joined_on" not in problems(_member(world, joined_on=dt.date(1998, 5, 17)))


def test_probationary_with_a_confirmation_date(world):
    found = problems(_member(world, category="probationary"))
    assert found["confirmed_on"] == "预备党员尚未转正，不应填写转正日期。"
    assert (
        problems(_member(world, confirmed_on=dt.date(2005, 1, 1)))["confirmed_on"]
        == "转正日期应晚于入党日期。"
    )


def test_group_must_be_in_the_branch(world):
    assert problems(_member(world, group=world.group_a1)) == {}
    assert (
        problems(_member(world, org=world.branch_b, group=world.group_a1))["group"]
        == "党小组应属于该党员所在的党支部。"
    )


def test_members_belong_to_branches(world):
    assert problems(_member(world, org=world.general))["org"] == "党员应编入党支部。"


def test_dual_organisation_rules(world):
    assert "只有党员领导干部" in problems(_member(world, dual_org=world.branch_b))["dual_org"]
    assert problems(_member(world, is_leading_cadre=True, dual_org=world.branch_b)) == {}
    assert "应不同于" in problems(_member(world, is_leading_cadre=True, dual_org=world.branch_a))["dual_org"]


def test_bad_phone_and_ethnicity(world):
    found = problems(_member(world, phone="1234", ethnicity="火星族"))
    assert set(found) == {"phone", "ethnicity"}


def test_id_number_unique_with_a_clear_message(world):
    existing = world.members_b[0]
    with pytest.raises(ValidationError) as error:
        _member(world, id_number=existing.id_number, birth_date=existing.birth_date).full_clean()
    assert "该身份证号已在其他组织登记，请联系镇党建办。" in str(error.value)
    assert existing.name not in str(error.value) and "乙企业" not in str(error.value)


def _new_member_post(world, id_number: str) -> dict:
    return {
        "name": "新党员",
        "id_number": id_number,
        "gender": "M",
        "ethnicity": "汉族",
        "joined_on": "2005-07-01",
        "confirmed_on": "2006-07-01",
        "category": "full",
        "org": world.branch_a.pk,
        "education": "",
        "status": "normal",
    }


def test_duplicate_id_outside_ones_view_names_no_one(world, client_for):
    outside = world.members_b[0]
    page = client_for("secretary_a").post("/members/new/", _new_member_post(world, outside.id_number))
    text = page.content.decode()
    assert page.status_code == 200 and "该身份证号已在其他组织登记，请联系镇党建办。" in text
    assert page.context["form"].errors["id_number"] == ["该身份证号已在其他组织登记，请联系镇党建办。"]
    assert outside.name not in text


def test_duplicate_id_inside_ones_view_names_the_member(world, client_for):
    inside = world.members_a[3]
    page = client_for("secretary_a").post("/members/new/", _new_member_post(world, inside.id_number))
    assert f"该身份证号已登记（{inside.name}，甲村党支部）" in page.content.decode()
