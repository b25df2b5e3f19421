"""Secret ballots at rest on SQLite: copies of the database file and its write-ahead log (WAL), taken
while votes are cast, pair no voter with a ballot.

Ten voters (eight members, two 群众代表 codes) vote on a file database in WAL mode, as in production
(`wal_votes.py`, in a subprocess): one by one and in threads, first while a reader holds a transaction
(no checkpoint can run: the WAL keeps every commit), then with checkpoints free; the database and its
WAL are copied after each vote and again and again during the concurrent ones; then the vote closes.
Each copy is read as an attacker would: the WAL's frames are parsed (header 32 bytes, frame header 24,
checksums), grouped into commits (a frame with a non-zero "database size after commit" ends one) and
replayed onto the copied file, giving the database after every commit, read with plain SQL.
"""

import json
import os
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from dangjian.evaluations import services
from dangjian.evaluations.models import Ballot, BallotGrade, VoterRight

from .helpers import open_campaign

BALLOT, GRADE, RIGHT = Ballot._meta.db_table, BallotGrade._meta.db_table, VoterRight._meta.db_table
ROOT = Path(__file__).resolve().parents[2]


def checksum(data: bytes, s0: int, s1: int, big_endian: bool) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def wal_commits(wal: bytes) -> tuple[int, list[tuple[dict[int, bytes], int]]]:
    """The page size and the committed transactions in a WAL: ({page number: page}, pages after commit).
    Only valid frames count (the header's salts, an unbroken checksum chain), as SQLite reads them."""
    if len(wal) < 32:
        return 0, []
    magic, _, page_size, _, salt1, salt2, c0, c1 = struct.unpack(">8I", wal[:32])
    big_endian = bool(magic & 1)
    s = checksum(wal[:24], 0, 0, big_endian)
    if magic not in (0x377F0682, 0x377F0683) or s != (c0, c1):
        return page_size, []
    commits, pages, offset = [], {}, 32
    while offset + 24 + page_size <= len(wal):
        number, size, f_salt1, f_salt2, f0, f1 = struct.unpack(">6I", wal[offset : offset + 24])
        page = wal[offset + 24 : offset + 24 + page_size]
        s = checksum(wal[offset : offset + 8] + page, *s, big_endian)
        if (f_salt1, f_salt2) != (salt1, salt2) or s != (f0, f1):
            break
        pages[number] = page
        if size:  # the commit frame
            commits.append((pages, size))
            pages = {}
        offset += 24 + page_size
    return page_size, commits


def read(image: bytes) -> dict:
    """Who has voted and what the ballots say, by plain SQL on a database image."""
    image = bytearray(image)
    image[18:20] = b"\x01\x01"  # read the replayed image as a plain (non-WAL) database
    db = sqlite3.connect(":memory:")
    db.deserialize(bytes(image))
    state = {
        "rights": {r[0] for r in db.execute(f"SELECT id FROM {RIGHT} WHERE has_voted")},
        "grades": set(db.execute(f"SELECT ballot_id, evaluated_id, grade, comment FROM {GRADE}")),
        "ballots": set(db.execute(f"SELECT * FROM {BALLOT}")),
    }
    db.close()
    return state


def replay(copy: Path) -> list[dict]:
    """The database after each commit of the copied WAL: what someone holding the two files can see."""
    image = bytearray(copy.read_bytes())
    wal = Path(f"{copy}-wal")
    page_size, commits = wal_commits(wal.read_bytes() if wal.exists() else b"")
    states = [read(image)]
    for pages, size in commits:
        for number, page in pages.items():
            if len(image) < number * page_size:
                image.extend(bytes(number * page_size - len(image)))
            image[(number - 1) * page_size : number * page_size] = page
        del image[size * page_size :]
        states.append(read(image))
    return states


def attack(states: list[dict], mark_of_right: dict[int, str]) -> tuple[list, int]:
    """Per commit: the rights taken and the ballots whose content appeared. Returns the commits that
    hold both, and how many voters pairing by commit order (each right with the nearest commit that
    adds exactly one ballot's content) pairs with their own ballot."""
    commits = []
    for before, after in zip(states, states[1:], strict=False):
        new = after["grades"] - before["grades"]
        ballots = {b: {c for b2, _, _, c in new if b2 == b and c} for b, _, _, _ in new}
        commits.append((after["rights"] - before["rights"], ballots))
    both = [c for c in commits if c[0] and c[1]]
    paired = 0
    with_content = [i for i, (_, ballots) in enumerate(commits) if ballots]
    for i, (rights, _) in enumerate(commits):
        if rights and with_content:
            nearest = min(with_content, key=lambda j: (abs(j - i), j < i))
            ballots = commits[nearest][1]
            if len(ballots) == 1:
                (marks,) = ballots.values()
                paired += sum(mark_of_right[r] in marks for r in rights)
    return both, paired


@pytest.mark.django_db(transaction=True)
def test_copies_of_the_database_and_its_wal_pair_no_voter_with_a_ballot(world, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite 的 WAL 文件检查；PostgreSQL 见 test_secrecy.py 的 xmin 测试")
    campaign = open_campaign(world, allow_public=True)
    later = open_campaign(world, org=world.branch_b)
    codes = services.issue_codes(campaign, 2)
    voters = [{"member": m.pk} for m in world.members_a[:8]]
    voters[6:6] = [{"code": codes[0]}]
    voters.append({"code": codes[1]})
    for i, voter in enumerate(voters):
        voter["comment"] = f"标记{i}号" + "好" * (37 * i)  # comments of different lengths
    later_voters = [{"member": m.pk, "comment": f"标记{10 + i}号"} for i, m in enumerate(world.members_b[:2])]
    rights = {}
    for voter in voters + later_voters:
        if "member" in voter:
            right = VoterRight.objects.get(member_id=voter["member"])
        else:
            right = VoterRight.objects.get(code_hash=services.code_hash(voter["code"]))
        rights[right.pk] = voter["comment"]
    db, out = tmp_path / "dangjian.sqlite3", tmp_path / "copies"
    out.mkdir()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(db)])
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "db": str(db),
                "out": str(out),
                "campaign": campaign.pk,
                "voters": voters,
                "later": {"campaign": later.pk, "voters": later_voters},
            }
        )
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DANGJIAN_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
        "DJANGO_SETTINGS_MODULE": "dangjian.settings",
    }
    run = subprocess.run(
        [sys.executable, "-m", "tests.evaluations.wal_votes", str(plan)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr

    copies = sorted(out.glob("*.db"))
    held = [c for c in copies if c.name.startswith("held")]
    closed = [c for c in copies if "closed" in c.name]
    assert len(held) >= 5 and len(closed) == 2 and len(copies) > len(held) + 3
    # the reader held the WAL: the last copy made while it did replays every vote but the last three
    states = replay(held[-1])
    assert not states[0]["rights"] and len(states[-1]["rights"]) == 7

    sealed = set()  # a slice of every sealed ballot's ciphertext seen in any copy
    for copy in copies:
        states = replay(copy)
        both, paired = attack(states, rights)
        assert not both, f"{copy.name}: a commit holds both a voter's right and a ballot's content"
        assert paired == 0, f"{copy.name}: pairing by commit order found {paired} voters' ballots"
        if copy in closed:
            continue
        # until its vote closes, no byte of the database or its WAL holds what a ballot says
        raw = copy.read_bytes() + (Path(f"{copy}-wal").read_bytes() if Path(f"{copy}-wal").exists() else b"")
        unopened = later_voters if copy.name.startswith("later") else voters + later_voters
        assert not [v["comment"] for v in unopened if v["comment"][:4].encode() in raw], copy.name
        boxed = [row for state in states for row in state["ballots"] if row[-1] is not None]
        sizes = {(row[1], len(row[-1])) for row in boxed}  # (campaign, size)
        assert len(sizes) == len({c for c, _ in sizes}), f"{copy.name}: sealed ballots differ in size"
        sealed |= {row[-1][12:44] for row in boxed}

    # the close: one commit opens every ballot; it takes no right, and pairs nothing
    states = replay(closed[0])
    opening = [
        (after["rights"] - before["rights"], after["grades"] - before["grades"])
        for before, after in zip(states, states[1:], strict=False)
        if after["grades"] - before["grades"]
    ]
    assert len(opening) == 1
    taken, grades = opening[0]
    assert not taken and len({b for b, _, _, _ in grades}) == len(voters) == 10
    assert {c for _, _, _, c in grades if c} == {v["comment"] for v in voters}
    assert len(states[-1]["rights"]) == 10

    # after a close with no reader in the way, the WAL is truncated and the database file, its freed
    # pages included (secure_delete), holds no byte of any sealed ballot: no vote's commit is left
    last = closed[1]
    assert not Path(f"{last}-wal").exists() or not Path(f"{last}-wal").stat().st_size
    image = last.read_bytes()
    assert len(sealed) == 12 and not [s for s in sealed if s in image]
    assert len(replay(last)[-1]["rights"]) == 12
