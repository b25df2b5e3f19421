"""What keeps the activity list and every page cheap at county scale (issue 10): the activities a user may
see are matched by id lists the database answers from its indexes, never by a subquery over the county's
activities, and the session's user arrives with their member and organisation in the same query."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from dangjian.accounts.backends import PhoneOrUsernameBackend
from dangjian.meetings.rules import visible_activities
from tests.meetings.helpers import make_activity

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["secretary_a", "instructor_a", "member_a"])
def test_visibility_is_id_lists_not_a_subquery_over_activities(world, role):
    make_activity(world.branch_a)  # someone's own branch has an activity: the filter is not empty
    sql = str(visible_activities(world.user(role)).query)
    assert "SELECT" not in sql.split("WHERE", 1)[1]  # no sub-select of activities (or anything else)


def test_the_lists_see_what_they_saw_before(world):
    """Through a post (the instructor's guided branch), as a member (their own branch), not another's."""
    start = timezone.now() + dt.timedelta(days=3)
    in_a = make_activity(world.branch_a, start=start, title="甲支部的会")
    in_b = make_activity(world.branch_b, start=start, title="乙支部的会")
    instructor = set(visible_activities(world.user("instructor_a")).values_list("pk", flat=True))
    assert {in_a.pk, in_b.pk} <= instructor  # guides 甲, is a member of 乙
    member = set(visible_activities(world.user("member_a")).values_list("pk", flat=True))
    assert in_a.pk in member and in_b.pk not in member


def test_the_list_order_has_its_index(world):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "meetings_activity")
    assert any(c["index"] and c["columns"] == ["date", "planned_start", "id"] for c in constraints.values())


def test_the_session_user_comes_with_member_and_organisation(world, django_assert_num_queries):
    pk = world.user("secretary_a").pk
    with django_assert_num_queries(1):
        user = PhoneOrUsernameBackend().get_user(pk)
        assert user.member.org.name == world.branch_a.name


def test_a_deactivated_account_has_no_session_user(world):
    user = world.user("secretary_a")
    user.is_active = False
    user.save()
    assert PhoneOrUsernameBackend().get_user(user.pk) is None
