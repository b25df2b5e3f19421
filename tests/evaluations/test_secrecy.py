"""Secret ballots: after real votes, nothing in the database links a ballot to the person who cast it.

The database is read as someone with plain SQL access would read it: every table (m2m, history,
sessions, axes, tasks, notifications included), every row, plus the storage order (SQLite rowid,
PostgreSQL xmin/ctid).
"""

import re
import uuid
from collections import Counter

import pytest
from django.db import DatabaseError, connection, models, transaction
from django.test import Client

from dangjian.evaluations import sealing, services
from dangjian.evaluations.models import Ballot, BallotGrade, Campaign, VoterRight
from tests.factories import UserFactory

from .helpers import full_ballot, open_campaign, post_data

BALLOT, GRADE, RIGHT = Ballot._meta.db_table, BallotGrade._meta.db_table, VoterRight._meta.db_table
BALLOT_TABLES = {BALLOT, GRADE}
TIME_TYPES = ("DateTimeField", "DateField", "TimeField", "DurationField")


def voter_clients(world) -> list[tuple[int, Client]]:
    """A logged-in client for each of branch A's eight full members (logins happen before any vote)."""
    users = {u.member_id: u for u in world.users.values() if u.member_id}
    clients = []
    for member in world.members_a[:8]:
        client = Client()
        client.force_login(users.get(member.pk) or UserFactory(member=member))
        clients.append((member.pk, client))
    return clients


def snapshot() -> dict[str, tuple[list[str], Counter]]:
    """Every row of every table in the database, read with plain SQL, as text."""
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [d[0] for d in cursor.description]
            tables[table] = (columns, Counter(tuple(map(str, row)) for row in cursor.fetchall()))
    return tables


def changes(before, after) -> dict[str, tuple[list[dict], list[dict]]]:
    """Per changed table: (rows gone, rows new), each row as {column: value}."""
    out = {}
    for table in set(before) | set(after):
        columns = (after.get(table) or before[table])[0]
        old, new = before.get(table, ([], Counter()))[1], after.get(table, ([], Counter()))[1]
        if old != new:
            gone = [dict(zip(columns, r, strict=True)) for r in (old - new).elements()]
            added = [dict(zip(columns, r, strict=True)) for r in (new - old).elements()]
            out[table] = (gone, added)
    return out


def key_texts(value) -> set[str]:
    u = uuid.UUID(str(value))
    return {str(u), u.hex}


def marked_ballot(campaign, i: int) -> dict[str, str]:
    """Voter i's ballot: all 优秀, with a comment of its own length on the first graded member, so the
    test (not the database) knows which opened ballot is whose."""
    data = post_data(campaign, "excellent")
    first = min(campaign.participants.filter(graded=True).values_list("member_id", flat=True))
    data[f"comment_{first}"] = marker(i)
    return data


def marker(i: int) -> str:
    return f"标记{i}号" + "好" * (55 * i)


@pytest.fixture
def voted(world):
    """Eight members vote through the ballot page, then the secretary closes the vote; the whole
    database is compared around each vote and around the close (when the ballot box is opened)."""
    campaign = open_campaign(world, allow_public=True)
    graded = campaign.participants.filter(graded=True).count()
    voters, sizes = [], set()
    for i, (member_id, client) in enumerate(voter_clients(world)):
        before = snapshot()
        response = client.post(f"/evaluations/{campaign.pk}/vote/", marked_ballot(campaign, i))
        assert response.status_code == 200
        after = snapshot()
        diff = changes(before, after)
        assert set(diff) == {RIGHT, BALLOT}, set(diff)
        (right_gone, right_new), (ballot_gone, ballot_new) = diff[RIGHT], diff[BALLOT]
        # the voter's right: one row, only has_voted changed
        assert len(right_gone) == len(right_new) == 1
        changed = {k for k in right_new[0] if right_new[0][k] != right_gone[0][k]}
        assert changed == {"has_voted"} and right_new[0]["member_id"] == str(member_id)
        # one new ballot, sealed: nothing of what it says is in the database until the close
        assert not ballot_gone and len(ballot_new) == 1
        assert not any(marker(i)[:4] in value for _, rows in after.values() for row in rows for value in row)
        sizes.add(len(Ballot.objects.get(pk=ballot_new[0]["id"]).sealed))
        voters.append(member_id)
    assert len(sizes) == 1  # comments of 4 to 389 characters: every sealed ballot has the same size
    before = snapshot()
    services.close_vote(campaign)
    campaign.opened = changes(before, snapshot())
    campaign.graded, campaign.voters = graded, voters
    return campaign


def vote_order_of(ballot_ids) -> list[int]:
    """Which voter (by index) cast each of these opened ballots, read from the test's own markers."""
    comments = dict(BallotGrade.objects.exclude(comment="").values_list("ballot_id", "comment"))
    return [int(re.match(r"标记(\d+)号", comments[uuid.UUID(str(b))])[1]) for b in ballot_ids]


@pytest.mark.django_db
def test_a_vote_changes_only_the_right_flag_and_a_sealed_ballot(voted):
    # the fixture asserted it for each of the eight votes; the ballots hold exactly these columns
    assert set(voted.opened[BALLOT][1][0]) == {"id", "campaign_id", "kind", "sealed"}


@pytest.mark.django_db
def test_the_close_opens_every_ballot_at_once_under_new_keys_and_takes_no_right(voted):
    diff = voted.opened
    assert RIGHT not in diff
    (sealed_gone, opened), (grades_gone, grades) = diff[BALLOT], diff[GRADE]
    assert len(sealed_gone) == len(opened) == 8 and not grades_gone and len(grades) == 8 * voted.graded
    assert all(row["sealed"] != "None" for row in sealed_gone) and all(
        row["sealed"] == "None" for row in opened
    )
    assert not {r["id"] for r in sealed_gone} & {
        r["id"] for r in opened
    }  # keys seen during the vote are gone
    assert sorted(vote_order_of(r["id"] for r in opened)) == list(range(8))
    assert services.tally_for(voted).ballots == 8


@pytest.mark.django_db
def test_no_column_in_any_table_links_a_ballot_to_a_voter(voted):
    """No row of any table but the grades names a ballot key; ballots carry no member, user or time."""
    keys = set()
    for table in BALLOT_TABLES:
        for row in Counter(snapshot()[table][1]).elements():
            keys |= key_texts(row[0])
    for table, (columns, rows) in snapshot().items():
        for row in rows:
            for column, value in zip(columns, row, strict=True):
                if any(k in value for k in keys):
                    assert (table, column) in {(BALLOT, "id"), (GRADE, "id"), (GRADE, "ballot_id")}, (
                        table,
                        column,
                    )
    with connection.cursor() as cursor:
        relations = {
            t: connection.introspection.get_relations(cursor, t)
            for t in connection.introspection.table_names(cursor)
        }
    assert {c: t for c, (_, t) in relations[BALLOT].items()} == {"campaign_id": "evaluations_campaign"}
    assert {c: t for c, (_, t) in relations[GRADE].items()} == {
        "ballot_id": BALLOT,
        "evaluated_id": "members_member",
    }
    for table, rels in relations.items():
        for column, (_, target) in rels.items():
            if target in BALLOT_TABLES:
                assert (table, column) == (GRADE, "ballot_id"), (table, column)
    assert {f.column for f in VoterRight._meta.concrete_fields} == {
        "id",
        "campaign_id",
        "member_id",
        "code_hash",
        "has_voted",
    }


@pytest.mark.django_db
def test_storage_order_does_not_follow_voting_order(voted):
    """SQLite: the ballot tables have no rowid and are stored in random-key order. PostgreSQL: see
    test_postgres_rows_carry_no_voting_transaction_and_no_order below."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite 的存储顺序检查；PostgreSQL 见 xmin/ctid 测试")
    for table in BALLOT_TABLES:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {table}")
    with connection.cursor() as cursor:
        # every column: no index covers them, so SQLite reads the table's own b-tree in stored order
        cursor.execute(f"SELECT * FROM {BALLOT}")
        stored = [r[0] for r in cursor.fetchall()]
        cursor.execute(f"SELECT * FROM {GRADE}")
        grades = [r[0] for r in cursor.fetchall()]
    assert stored == sorted(stored) and grades == sorted(grades)  # key order: the keys are random
    assert vote_order_of(stored) != list(range(8))  # 8 ballots: 1 in 40320 by chance


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_every_ballot_grades_the_same_members_so_omissions_reveal_nobody(voted):
    graded = set(voted.participants.filter(graded=True).values_list("member_id", flat=True))
    ballots = list(Ballot.objects.filter(campaign=voted))
    assert len(ballots) == 8
    for ballot in ballots:
        assert set(ballot.grades.values_list("evaluated_id", flat=True)) == graded


@pytest.mark.django_db(transaction=True)
def test_postgres_rows_carry_no_voting_transaction_and_no_order(world):
    """Each vote commits on its own; after each, every right and every sealed ballot carries that
    vote's xmin, so no xmin join pairs a voter with a ballot. The close opens all ballots in one
    transaction: one xmin for all ballots and grades, and a physical order (ctid) not the voting order."""
    if connection.vendor != "postgresql":
        pytest.skip("xmin/ctid 只有 PostgreSQL 才有：设置 DATABASE_URL 后运行")
    campaign = open_campaign(world)
    for i, (_, client) in enumerate(voter_clients(world)):
        response = client.post(f"/evaluations/{campaign.pk}/vote/", marked_ballot(campaign, i))
        assert response.status_code == 200
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT xmin::text FROM {RIGHT} WHERE campaign_id = %s", [campaign.pk])
            right_xmins = {r[0] for r in cursor.fetchall()}
            cursor.execute(f"SELECT DISTINCT xmin::text FROM {BALLOT} WHERE sealed IS NOT NULL")
            ballot_xmins = {r[0] for r in cursor.fetchall()}
        assert len(right_xmins | ballot_xmins) == 1 and not BallotGrade.objects.exists()
    services.close_vote(campaign)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text, member_id FROM {RIGHT} WHERE has_voted")
        rights = cursor.fetchall()
        cursor.execute(f"SELECT xmin::text, id FROM {BALLOT} ORDER BY ctid")
        ballots = cursor.fetchall()
        cursor.execute(f"SELECT DISTINCT xmin::text FROM {GRADE}")
        grade_xmins = {r[0] for r in cursor.fetchall()}
        cursor.execute(
            f"SELECT r.member_id, count(*) FROM {RIGHT} r JOIN {BALLOT} b ON r.xmin = b.xmin "
            "WHERE r.has_voted GROUP BY r.member_id"
        )
        joined = dict(cursor.fetchall())
    assert len(rights) == len(ballots) == 8
    # the opened ballots and grades: one transaction id, not any vote's
    assert len({x for x, _ in ballots} | grade_xmins) == 1 and not {x for x, _ in rights} & grade_xmins
    assert not joined
    assert vote_order_of(b for _, b in ballots) != list(range(8))  # 1 in 40320 by chance


def test_sealed_ballots_have_one_size_and_open_only_in_their_campaign_and_kind(settings):
    rows = [(3, "excellent", "好" * 500), (5, "unqualified", "")]
    big = sealing.seal(1, "member", rows, 4, services.COMMENT_MAX)
    small = sealing.seal(1, "member", [(3, "qualified", "")], 4, services.COMMENT_MAX)
    assert len(big) == len(small) and sealing.unseal(1, "member", big, services.COMMENT_MAX) == rows
    for campaign, kind in ((2, "member"), (1, "public")):
        with pytest.raises(sealing.Unreadable):
            sealing.unseal(campaign, kind, big, services.COMMENT_MAX)
    settings.FIELD_ENCRYPTION_KEY = "another-key-" + "x" * 32
    with pytest.raises(sealing.Unreadable):
        sealing.unseal(1, "member", big, services.COMMENT_MAX)


@pytest.mark.django_db
def test_a_changed_key_keeps_the_box_closed_and_loses_no_ballot(world, settings):
    campaign = open_campaign(world)
    services.cast_ballot(campaign, full_ballot(campaign), member=world.members_a[0])
    key = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = "another-key-" + "x" * 32
    with pytest.raises(services.Refused, match="FIELD_ENCRYPTION_KEY 与投票时不同.*测评票没有丢失"):
        services.close_vote(campaign)
    campaign.refresh_from_db()
    assert campaign.status == "open" and Ballot.objects.filter(sealed__isnull=False).count() == 1
    Campaign.objects.filter(pk=campaign.pk).update(vote_closes_on=campaign.vote_opens_on)  # closed by date
    campaign.refresh_from_db()
    with pytest.raises(services.Refused, match="FIELD_ENCRYPTION_KEY 与投票时不同"):
        services.tally_for(campaign)
    assert Ballot.objects.filter(sealed__isnull=False).count() == 1 and not BallotGrade.objects.exists()
    settings.FIELD_ENCRYPTION_KEY = key
    assert (
        services.tally_for(campaign).ballots == 1 and not Ballot.objects.filter(sealed__isnull=False).exists()
    )


@pytest.mark.django_db
def test_a_vote_closed_by_its_last_day_is_opened_by_the_first_tally(world):
    campaign = open_campaign(world)
    for member in world.members_a[:2]:
        services.cast_ballot(campaign, full_ballot(campaign, "basic"), member=member)
    Campaign.objects.filter(pk=campaign.pk).update(vote_closes_on=campaign.vote_opens_on)  # yesterday
    campaign.refresh_from_db()
    assert BallotGrade.objects.count() == 0
    graded = campaign.participants.filter(graded=True).count()
    assert services.tally_for(campaign).ballots == 2
    assert BallotGrade.objects.filter(grade="basic").count() == 2 * graded
