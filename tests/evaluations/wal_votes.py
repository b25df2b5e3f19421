"""Votes cast on a file SQLite database in WAL mode, as in production, while its files are copied.

Run by test_secrecy_wal.py in a subprocess (DATABASE_URL points at the file):
    python -m tests.evaluations.wal_votes PLAN.json
The plan names the database, the folder for the copies, the campaign and its voters (member ids or
codes, each with the comment that marks their ballot). Copies are named `<phase>-<n>.db` (+ `-wal`).
"""

import json
import shutil
import sqlite3
import sys
import threading
import time
from pathlib import Path

import django


def main(plan_file: str) -> None:
    django.setup()
    from django.db import connections

    from dangjian.evaluations import services
    from dangjian.evaluations.models import Campaign

    plan = json.loads(Path(plan_file).read_text())
    db, out = Path(plan["db"]), Path(plan["out"])
    campaign = Campaign.objects.get(pk=plan["campaign"])
    graded = list(campaign.participants.filter(graded=True).values_list("member_id", flat=True))
    copies = {"n": 0}

    def copy(phase: str) -> None:
        copies["n"] += 1
        name = out / f"{phase}-{copies['n']:03d}.db"
        shutil.copyfile(db, name)
        wal = Path(f"{db}-wal")
        if wal.exists():
            shutil.copyfile(wal, f"{name}-wal")

    def vote(voter: dict) -> None:
        grades = {m: ("qualified", "") for m in graded}
        grades[min(graded)] = ("qualified", voter["comment"])
        try:
            if "member" in voter:
                services.cast_ballot(campaign, grades, member=voter["member"])
            else:
                services.cast_ballot(campaign, grades, code=voter["code"])
        finally:
            connections.close_all()

    def concurrently(phase: str, voters: list[dict], checkpoint=None) -> None:
        """The voters at once, each in a thread, while their files are copied again and again (and,
        given a connection, checkpointed between copies, as when a request's connection closes)."""
        threads = [threading.Thread(target=vote, args=(v,)) for v in voters]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            copy(phase)
            if checkpoint:
                checkpoint.execute("PRAGMA wal_checkpoint(PASSIVE)")
            time.sleep(0.002)
        for t in threads:
            t.join()
        copy(phase)

    for voter in plan["voters"]:
        if "member" in voter:
            voter["member"] = campaign.participants.get(member_id=voter["member"]).member
    first, second, third = plan["voters"][:4], plan["voters"][4:7], plan["voters"][7:]

    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("PRAGMA journal_mode=WAL")
    reader.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the database file: the state before the vote
    # a reader holding a transaction from before the first vote: no checkpoint can pass it
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM evaluations_ballot").fetchall()
    for voter in first:
        vote(voter)
        copy("held")
    concurrently("held", second)
    reader.execute("ROLLBACK")
    concurrently(
        "plain", third, checkpoint=reader
    )  # checkpoints may run now: plain copies, as from a file backup

    reader.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    reader.execute("BEGIN")  # held again, so the copy keeps the close's commit in the WAL
    reader.execute("SELECT count(*) FROM evaluations_ballot").fetchall()
    services.close_vote(campaign)
    copy("closed")
    reader.execute("ROLLBACK")
    reader.close()

    # another branch votes and closes with no reader in the way: what is left at rest afterwards
    campaign = Campaign.objects.get(pk=plan["later"]["campaign"])
    graded = list(campaign.participants.filter(graded=True).values_list("member_id", flat=True))
    for voter in plan["later"]["voters"]:
        voter["member"] = campaign.participants.get(member_id=voter["member"]).member
        vote(voter)
    copy("later-voted")
    services.close_vote(campaign)
    copy("later-closed")


if __name__ == "__main__":
    main(sys.argv[1])
