"""党费 collection summary at county scale: 60,000 members, three years of monthly entries (about 2 million
rows), the town summary by branch and month (`services.town_summary`) against one hand-written SQL
aggregate reading the same rows, both with PostgreSQL's JIT off; and the summary's query count at two
scales (it must not grow with the branches).

    DATABASE_URL=postgres://postgres@127.0.0.1:55443/postgres .venv/bin/python -m bench.dues

Runs in a fresh test database (test_<name>), never in the working database. It prints its result; the
numbers go into docs/benchmarks.md by hand.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import machine, throwaway_database  # noqa: E402
from dangjian.demo import town  # noqa: E402
from dangjian.dues import demo, services  # noqa: E402
from dangjian.dues.models import Entry  # noqa: E402
from dangjian.members.models import Member  # noqa: E402
from dangjian.orgs.choices import OrgKind  # noqa: E402
from dangjian.orgs.models import Organisation  # noqa: E402

# The same figures as the summary: due by branch (the year's profiles of active members), net paid by
# branch and month, and what was handed up with its last date, in one statement.
HAND_SQL = """
WITH due AS (
  SELECT m.org_id, SUM(p.monthly) AS due FROM dues_profile p JOIN members_member m ON m.id = p.member_id
  WHERE p.year = %(year)s AND m.status IN ('normal', 'mobile', 'lost') GROUP BY m.org_id
), paid AS (
  SELECT e.org_id, EXTRACT(MONTH FROM e.month) AS m, SUM(e.amount) AS paid FROM dues_entry e
  WHERE e.month BETWEEN %(first)s AND %(last)s GROUP BY e.org_id, EXTRACT(MONTH FROM e.month)
), handed AS (
  SELECT r.org_id, SUM(r.amount) AS amount, MAX(r.remitted_on) AS last FROM dues_remittance r
  WHERE EXTRACT(YEAR FROM r.month) = %(year)s GROUP BY r.org_id
)
SELECT o.id, o.code, o.name, due.due, paid.m, paid.paid, handed.amount, handed.last
FROM orgs_organisation o
LEFT JOIN due ON due.org_id = o.id LEFT JOIN paid ON paid.org_id = o.id
LEFT JOIN handed ON handed.org_id = o.id
WHERE o.kind = 'branch' ORDER BY o.path, paid.m
"""


def timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), min(samples)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=60_000)
    parser.add_argument("--branches", type=int, default=1_800)  # 3 % of the members, as bench.members
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with throwaway_database("bench-dues-"):
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("SET jit = off")
        started = time.perf_counter()
        town.build(seed=1, branches=args.branches, members=args.members, with_apps=False)
        built_members = time.perf_counter() - started
        first_year = timezone.localdate().year - args.years
        started = time.perf_counter()
        entries = demo.scale(
            Member.objects.order_by("pk").only("pk", "org_id", "birth_date"), first_year, args.years
        )
        built_ledger = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("ANALYZE")
        year = first_year + args.years - 1
        branches = Organisation.objects.filter(kind=OrgKind.BRANCH)
        rows = services.town_summary(branches, year)
        with CaptureQueriesContext(connection) as all_q:
            services.town_summary(branches, year)
        few = Organisation.objects.filter(pk__in=list(branches.values_list("pk", flat=True)[:10]))
        with CaptureQueriesContext(connection) as few_q:
            services.town_summary(few, year)
        ours = timed(lambda: services.town_summary(branches, year), args.repeat)

        def hand():
            with connection.cursor() as c:
                c.execute(HAND_SQL, {"year": year, "first": f"{year}-01-01", "last": f"{year}-12-01"})
                return c.fetchall()

        theirs = timed(hand, args.repeat)
        print(machine())
        print(
            f"members {Member.objects.count():,}; branches {branches.count():,}; "
            f"entries {Entry.objects.count():,} "
            f"(payments {entries:,}); build: members {built_members:.0f} s, ledger {built_ledger:.0f} s"
        )
        print(
            f"summary rows {len(rows):,} for {year}; "
            f"queries: all branches {len(all_q)}, 10 branches {len(few_q)}"
        )
        print(f"town_summary median {ours[0] * 1000:.0f} ms (min {ours[1] * 1000:.0f} ms)")
        print(f"hand SQL     median {theirs[0] * 1000:.0f} ms (min {theirs[1] * 1000:.0f} ms)")
        print(f"ratio {ours[0] / theirs[0]:.2f}×")


if __name__ == "__main__":
    main()
