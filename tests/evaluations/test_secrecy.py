"""Secret ballots: after real votes, nothing in the database links a ballot to the person who cast it."""

import uuid

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection, models

from dangjian.evaluations.models import Ballot, BallotGrade, VoterRight

from .helpers import open_campaign, post_data

pytestmark = pytest.mark.django_db

BALLOT_TABLES = {Ballot._meta.db_table, BallotGrade._meta.db_table}
TIME_TYPES = ("DateTimeField", "DateField", "TimeField", "DurationField")


@pytest.fixture
def voted(world, client_for):
    campaign = open_campaign(world, allow_public=True)
    for role in ("secretary_a", "group_leader_a", "member_a"):
        response = client_for(role).post(
            f"/evaluations/{campaign.pk}/vote/", post_data(campaign, "excellent")
        )
        assert response.status_code == 200
    return campaign


def _relations() -> dict[str, dict[str, tuple[str, str]]]:
    with connection.cursor() as cursor:
        return {
            t: connection.introspection.get_relations(cursor, t)
            for t in connection.introspection.table_names(cursor)
        }


def test_ballot_tables_hold_only_what_was_voted(voted):
    with connection.cursor() as cursor:
        columns = {
            t: {c.name for c in connection.introspection.get_table_description(cursor, t)}
            for t in BALLOT_TABLES
        }
    assert columns[Ballot._meta.db_table] == {"id", "campaign_id"}
    assert columns[BallotGrade._meta.db_table] == {"id", "ballot_id", "evaluated_id", "grade", "comment"}
    relations = _relations()
    ballot_targets = {col: table for col, (_, table) in relations[Ballot._meta.db_table].items()}
    grade_targets = {col: table for col, (_, table) in relations[BallotGrade._meta.db_table].items()}
    assert ballot_targets == {"campaign_id": "evaluations_campaign"}
    # the only member a grade names is the one being graded, never the voter
    assert grade_targets == {"ballot_id": Ballot._meta.db_table, "evaluated_id": "members_member"}


def test_no_table_points_at_a_ballot_and_rights_point_at_no_ballot(voted):
    for table, rels in _relations().items():
        for column, (_, target) in rels.items():
            if target in BALLOT_TABLES:
                assert (table, column) == (BallotGrade._meta.db_table, "ballot_id"), (table, column)
    right_columns = {f.column for f in VoterRight._meta.concrete_fields}
    assert right_columns == {"id", "campaign_id", "member_id", "code", "has_voted"}


def test_no_times_no_history_and_random_keys(voted):
    for model in (Ballot, BallotGrade, VoterRight):
        assert not [f.name for f in model._meta.concrete_fields if f.get_internal_type() in TIME_TYPES], model
        assert not hasattr(model, "history")
    tables = set(connection.introspection.table_names())
    assert not {t for t in tables if "historicalballot" in t or "historicalvoterright" in t}
    for model in (Ballot, BallotGrade):
        assert isinstance(model._meta.pk, models.UUIDField)
        assert all(uuid.UUID(str(pk)).version == 4 for pk in model.objects.values_list("pk", flat=True))
    assert not Ballot._meta.ordering and not BallotGrade._meta.ordering


def test_every_ballot_grades_the_same_members_so_omissions_reveal_nobody(voted):
    graded = set(voted.participants.filter(graded=True).values_list("member_id", flat=True))
    ballots = list(Ballot.objects.filter(campaign=voted))
    assert len(ballots) == 3
    for ballot in ballots:
        assert set(ballot.grades.values_list("evaluated_id", flat=True)) == graded


def test_no_row_anywhere_else_mentions_a_ballot(voted):
    """Read every row of every other table (sessions decoded) and look for the ballots' keys."""
    keys = set()
    for pk in list(Ballot.objects.values_list("pk", flat=True)) + list(
        BallotGrade.objects.values_list("pk", flat=True)
    ):
        keys |= {str(pk), pk.hex}
    found = []
    for model in apps.get_models():
        if model._meta.db_table in BALLOT_TABLES or not model._meta.managed:
            continue
        for row in model._default_manager.all().values_list():
            text = " ".join(str(v) for v in row)
            if any(k in text for k in keys):
                found.append(model._meta.label)
    for session in Session.objects.all():
        text = str(session.get_decoded())
        if any(k in text for k in keys):
            found.append("session")
    assert found == []
    assert VoterRight.objects.filter(campaign=voted, has_voted=True).count() == 3
