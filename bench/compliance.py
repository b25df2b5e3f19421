"""County-scale compliance matrix: the engine's whole-county matrix against one hand-written SQL query.

    DATABASE_URL=postgres://postgres@127.0.0.1:55433/compliance_bench \
        .venv/bin/dangjian demo --branches 1800 --members 60000
    DATABASE_URL=... .venv/bin/python -m bench.compliance --generate --year 2025

The demo command's scale options make the last 14 months of activities (attendance only for the last
92 days). `--generate` completes three full years before that window: held activities (each 附件1
kind at its frequency, a few missed), their attendance and records, with COPY into the meetings
app's real tables, every date from 1 January two years before `--year` up to the day before the
demo's first activity. The bench then times, on the same data:

- the engine: `compliance.services.matrix(town, year)`: facts loaded in a fixed number of queries,
  every verdict with its reasons built in Python, cells and chart figures kept;
- one hand-written SQL query computing the same counts (counted activities per organisation, rule
  and period, how many of them lack a required record, per branch the members the 书记 talked
  with in the year, 谈心谈话, and the 民主评议 decided);

and reports the ratio, the number of queries (and that it is the same for a quarter of the county),
and the peak Python memory of the engine run (tracemalloc). It exits with status 1 when the engine
and the SQL disagree on the counted activities or the 谈心谈话 members.
"""

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dangjian.compliance import facts, services  # noqa: E402
from dangjian.compliance.periods import Period  # noqa: E402
from dangjian.meetings.models import Activity  # noqa: E402
from dangjian.members.choices import ACTIVE_STATUSES, Category  # noqa: E402
from dangjian.members.models import Member  # noqa: E402
from dangjian.orgs import structure  # noqa: E402
from dangjian.orgs.choices import COMMITTEE_TITLES, OrgKind  # noqa: E402
from dangjian.orgs.models import Organisation  # noqa: E402
from dangjian.rulebook import rulebook  # noqa: E402

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
ACTIVITY_COLUMNS = (
    "id, kind, title, planned_start, planned_end, actual_start, actual_end, place, speaker_allowed, parts, "
    "minutes, status, date, is_late_entry, created_at, updated_at, org_id"
)


def _schedule(rng: random.Random, year: int, has_committee: bool):
    """(kind, date, speaker_allowed) of one branch's year: every kind at its frequency, about 5% missed."""
    for month in range(1, 13):
        if has_committee and rng.random() > 0.05:
            yield "committee_meeting", dt.date(year, month, rng.randint(1, 10)), None
        if rng.random() > 0.05:
            yield "theme_day", dt.date(year, month, rng.randint(1, 28)), None
    for quarter in range(4):
        if rng.random() > 0.05:
            yield "general_meeting", dt.date(year, quarter * 3 + rng.randint(1, 3), rng.randint(1, 28)), None
        yield "party_lecture", dt.date(year, quarter * 3 + 2, rng.randint(1, 28)), rng.random() > 0.1
    if rng.random() > 0.1:
        yield "org_life_meeting", dt.date(year, 12, rng.randint(1, 28)), None


def generate(years: list[int], before: dt.date, seed: int = 1) -> None:
    """Held activities before `before` with attendance and records, for every branch and 党小组 (COPY)."""
    rng = random.Random(seed)
    book = rulebook.current()
    orgs = list(
        Organisation.objects.filter(kind__in=(OrgKind.BRANCH, OrgKind.GROUP)).values_list(
            "id", "kind", "parent_id"
        )
    )
    members: dict[int, list[int]] = {}
    group_members: dict[int, list[int]] = {}
    full: dict[int, int] = {}
    for pk, org_id, group_id, category in Member.objects.filter(status__in=ACTIVE_STATUSES).values_list(
        "id", "org_id", "group_id", "category"
    ):
        members.setdefault(org_id, []).append(pk)
        if group_id:
            group_members.setdefault(group_id, []).append(pk)
        full[org_id] = full.get(org_id, 0) + (category == Category.FULL)
    next_id = (Activity.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    started = time.monotonic()
    counts = {"activities": 0, "attendance": 0, "records": 0}
    # One COPY at a time per connection: activities stream straight in, attendance and records go
    # through temporary files and are copied after.
    att_file = tempfile.TemporaryFile("w+", encoding="utf-8")
    rec_file = tempfile.TemporaryFile("w+", encoding="utf-8")
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY meetings_activity ({ACTIVITY_COLUMNS}) FROM STDIN") as acts:
            for org_id, kind, _parent in orgs:
                for year in years:
                    if kind == OrgKind.GROUP:
                        plan = [
                            ("group_meeting", dt.date(year, m, rng.randint(1, 28)), None)
                            for m in range(1, 13)
                            if rng.random() > 0.08
                        ]
                        people = group_members.get(org_id, [])
                    else:
                        plan = list(_schedule(rng, year, structure.has_committee(full.get(org_id, 0))))
                        people = members.get(org_id, [])
                    for code, day, allowed in plan:
                        if day >= before:
                            continue
                        start = dt.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)
                        end = start + dt.timedelta(hours=2)
                        entered = end + dt.timedelta(days=1)
                        minutes = "<p>会议记录</p>" if rng.random() > 0.1 else ""
                        acts.write_row(
                            (
                                next_id,
                                code,
                                book.item(code).name,
                                start,
                                end,
                                start,
                                end,
                                "党员活动室",
                                allowed,
                                "[]",
                                minutes,
                                "held",
                                day,
                                False,
                                entered,
                                entered,
                                org_id,
                            )
                        )
                        attendees = people[:7] if code == "committee_meeting" else people
                        for member_id in attendees:
                            r = rng.random()
                            status = "present" if r < 0.85 else "leave" if r < 0.95 else "absent"
                            att_file.write(f"t\t{status}\tsecretary\t\t\t{next_id}\t{member_id}\n")
                        item = book.item(code)
                        for record in sorted({c for s in item.stages for c in s.records} | set(item.records)):
                            if record not in ("minutes", "sign_in_sheet") and rng.random() < 0.9:
                                rec_file.write(
                                    f"{record}\t\t\t\t0\t档案盒\t{entered.isoformat()}\t{next_id}\n"
                                )
                                counts["records"] += 1
                        counts["activities"] += 1
                        counts["attendance"] += len(attendees)
                        next_id += 1
        for table, columns, handle in (
            (
                "meetings_attendance",
                "expected, status, method, leave_reason, leave_state, activity_id, member_id",
                att_file,
            ),
            (
                "meetings_record",
                "kind, file, original_name, content_type, size, reference, uploaded_at, activity_id",
                rec_file,
            ),
        ):
            handle.seek(0)
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            handle.close()
        cursor.execute("SELECT setval(pg_get_serial_sequence('meetings_activity', 'id'), %s)", [next_id])
        cursor.execute("ANALYZE meetings_activity; ANALYZE meetings_attendance; ANALYZE meetings_record")
    print(f"generated {counts} in {time.monotonic() - started:.0f} s")


CELLS_SQL = """
WITH
rule(kind, pkind, mn, applies, above) AS (VALUES {rules}),
need(kind, rec) AS (VALUES {needs}),
part(kind, part) AS (VALUES {parts}),
per(pkind, pstart, pend, pmonths) AS (VALUES {periods}),
mon(pkind, pstart, mfirst, mlast) AS (VALUES {months}),
org AS (
  SELECT o.id, o.kind, o.path, o.founded_on, o.dissolved_on,
    CASE WHEN o.kind = 'group' THEN o.parent_id ELSE o.id END AS row_id,
    (SELECT count(*) FROM orgs_organisation g
     WHERE g.parent_id = o.id AND g.kind = 'group' AND g.path LIKE %(root)s) AS groups,
    (SELECT count(*) FROM members_member m
     WHERE m.org_id = o.id AND m.status = ANY(%(active)s) AND m.category = 'full')
      >= %(committee)s AS has_committee
  FROM orgs_organisation o
  WHERE o.path LIKE %(root)s AND (o.kind = 'branch' OR (o.kind = 'group' AND EXISTS (
    SELECT 1 FROM orgs_organisation b
    WHERE b.id = o.parent_id AND b.kind = 'branch' AND b.path LIKE %(root)s)))
),
-- every held activity of the year entered by as_of: whether it counts and whether it is complete
act AS (
  SELECT a.org_id, a.kind, a.date,
    NOT (r.above IS NOT NULL AND a.speaker_allowed IS FALSE AND NOT EXISTS (
      SELECT 1 FROM orgs_position p JOIN orgs_organisation po ON po.id = p.org_id
      WHERE p.member_id = a.speaker_id AND p.title = ANY(r.above::text[]) AND o.path LIKE po.path || '%%'
        AND p.started_on <= a.date AND (p.ended_on IS NULL OR p.ended_on >= a.date))) AS counts,
    EXISTS (SELECT 1 FROM meetings_attendance t
            WHERE t.activity_id = a.id AND t.status IN ('present', 'late'))
    AND NOT EXISTS (
      SELECT 1 FROM need n WHERE n.kind = a.kind AND NOT (
        EXISTS (SELECT 1 FROM meetings_record d WHERE d.activity_id = a.id AND d.kind = n.rec
                AND d.uploaded_at < %(entered)s AND (d.removed_at IS NULL OR d.removed_at >= %(entered)s))
        OR CASE n.rec
          WHEN 'minutes' THEN a.minutes <> ''
          WHEN 'sign_in_sheet' THEN EXISTS (
            SELECT 1 FROM meetings_attendance t WHERE t.activity_id = a.id AND t.status <> '')
          WHEN 'rectification' THEN EXISTS (SELECT 1 FROM meetings_rectification x WHERE x.activity_id = a.id)
          WHEN 'talk_records' THEN EXISTS (
            SELECT 1 FROM talks_talk k
            WHERE k.org_id = a.org_id AND k.before_review_year IN (%(year)s - 1, %(year)s)
              AND k.talked_on <= %(as_of)s AND k.created_at < %(entered)s AND k.talked_on <= a.date
              AND extract(year FROM a.date) IN (k.before_review_year, k.before_review_year + 1))
          ELSE false END))
    AND NOT EXISTS (SELECT 1 FROM part q
                    WHERE q.kind = a.kind AND NOT coalesce(a.parts @> to_jsonb(q.part), false))
    AS complete
  FROM meetings_activity a JOIN org o ON o.id = a.org_id JOIN rule r ON r.kind = a.kind
  WHERE a.status = 'held' AND a.date BETWEEN %(start)s AND %(last)s AND a.created_at < %(entered)s
  UNION ALL
  -- 民主评议: counted once decided by as_of; complete with self-evaluations and ballots as well
  SELECT c.org_id, 'member_evaluation', %(last)s, v.decided, v.decided AND v.has_self AND v.has_ballots
  FROM evaluations_campaign c JOIN org o ON o.id = c.org_id
  CROSS JOIN LATERAL (SELECT
    c.status = 'decided' AND coalesce((SELECT max(d.decided_on) FROM evaluations_decision d
                                       WHERE d.campaign_id = c.id) <= %(as_of)s, true) AS decided,
    EXISTS (SELECT 1 FROM evaluations_selfevaluation s WHERE s.campaign_id = c.id
            AND s.submitted_on <= %(as_of)s) AS has_self,
    EXISTS (SELECT 1 FROM evaluations_ballot b WHERE b.campaign_id = c.id) AS has_ballots) v
  WHERE c.year = %(year)s AND c.created_at < %(entered)s
),
tally AS (
  SELECT act.org_id, act.kind, per.pstart,
    count(*) FILTER (WHERE counts) AS counted, count(*) FILTER (WHERE counts AND complete) AS complete
  FROM act JOIN rule r ON r.kind = act.kind
  JOIN per ON per.pkind = r.pkind AND act.date BETWEEN per.pstart AND per.pend
  GROUP BY 1, 2, 3
),
counted AS (
  SELECT o.row_id, r.kind, per.pend, m.months, q.required,
    coalesce(t.counted, 0) AS counted, coalesce(t.complete, 0) AS complete
  FROM org o
  JOIN rule r ON r.kind <> 'heart_talk' AND (r.applies = 'group') = (o.kind = 'group')
    AND (r.applies <> 'branch_with_committee' OR o.has_committee)
  JOIN per ON per.pkind = r.pkind
  CROSS JOIN LATERAL (SELECT CASE
    WHEN o.founded_on <= per.pstart AND (o.dissolved_on IS NULL OR o.dissolved_on >= per.pend)
      THEN per.pmonths
    ELSE (SELECT count(*) FROM mon WHERE mon.pkind = per.pkind AND mon.pstart = per.pstart
          AND o.founded_on <= mon.mfirst AND (o.dissolved_on IS NULL OR o.dissolved_on >= mon.mlast)) END
    AS months) m
  CROSS JOIN LATERAL (SELECT ceil(r.mn * m.months::numeric / per.pmonths)::int AS required) q
  LEFT JOIN tally t ON t.org_id = o.id AND t.kind = r.kind AND t.pstart = per.pstart
),
-- 谈心谈话: each member's time in the branch (and committee members registered elsewhere, for their
-- post), clipped to the year up to as_of; the 书记's terms likewise
left_at AS (
  SELECT id, max(history_date) AS changed FROM (
    SELECT h.id, h.history_date, h.status,
      lag(h.status) OVER (PARTITION BY h.id ORDER BY h.history_date, h.history_id) AS before
    FROM members_historicalmember h
    WHERE h.id IN (SELECT m.id FROM members_member m JOIN org o ON o.id = m.org_id
                   WHERE m.status <> ALL(%(active)s))) x
  WHERE status <> ALL(%(active)s) AND (before IS NULL OR before = ANY(%(active)s))
  GROUP BY id
),
stint AS (
  SELECT m.org_id AS branch, m.id AS member_id, m.joined_on AS s,
    CASE WHEN m.status = ANY(%(active)s) THEN NULL ELSE
      (coalesce(l.changed, m.updated_at) AT TIME ZONE 'Asia/Shanghai')::date - 1 END AS e
  FROM members_member m JOIN org o ON o.id = m.org_id AND o.kind = 'branch'
  LEFT JOIN left_at l ON l.id = m.id
  WHERE m.joined_on <= %(year_end)s
),
here AS (SELECT * FROM stint WHERE e IS NULL OR e >= s),
span AS (
  SELECT branch, member_id, greatest(s, %(start)s) AS s, least(coalesce(e, %(last)s), %(last)s) AS e,
    e IS NULL OR e >= %(last)s AS still
  FROM (
    SELECT branch, member_id, s, e FROM here
    UNION ALL
    SELECT p.org_id, p.member_id, p.started_on, p.ended_on FROM orgs_position p JOIN org o ON o.id = p.org_id
    WHERE o.kind = 'branch' AND p.title = ANY(%(committee_titles)s) AND p.started_on <= %(year_end)s
      AND (p.ended_on IS NULL OR p.ended_on >= %(start)s)
      AND NOT EXISTS (SELECT 1 FROM here WHERE here.branch = p.org_id AND here.member_id = p.member_id)
  ) raw
  WHERE s <= %(last)s AND (e IS NULL OR e >= %(start)s)
),
term AS (
  SELECT p.org_id AS branch, p.member_id, greatest(p.started_on, %(start)s) AS s,
    least(coalesce(p.ended_on, %(last)s), %(last)s) AS e
  FROM orgs_position p JOIN org o ON o.id = p.org_id AND o.kind = 'branch'
  WHERE p.title = 'secretary' AND p.started_on <= %(last)s AND (p.ended_on IS NULL OR p.ended_on >= %(start)s)
    AND p.started_on <= %(year_end)s
),
talk AS (  -- talks with the 书记 of the day, while the member belonged to the branch
  SELECT DISTINCT sp.branch, sp.member_id
  FROM talks_talk k
  JOIN span sp ON sp.branch = k.org_id AND sp.member_id IN (k.initiator_id, k.partner_id)
    AND k.talked_on BETWEEN sp.s AND sp.e
  JOIN term t ON t.branch = k.org_id AND k.talked_on BETWEEN t.s AND t.e
    AND t.member_id = CASE WHEN k.initiator_id = sp.member_id THEN k.partner_id ELSE k.initiator_id END
  WHERE k.talked_on BETWEEN %(start)s AND %(last)s AND k.initiator_id <> k.partner_id
),
other_secretary AS (  -- someone else was 书记 while the member was there
  SELECT DISTINCT own.branch, own.member_id FROM span own
  JOIN term t ON t.branch = own.branch AND t.member_id <> own.member_id AND own.s <= t.e AND t.s <= own.e
),
person AS (
  SELECT p.branch, p.member_id, p.still, k.member_id IS NOT NULL AS covered,
    s.member_id IS NOT NULL AND o.member_id IS NULL AS alone
  FROM (SELECT branch, member_id, bool_or(still) AS still FROM span GROUP BY branch, member_id) p
  LEFT JOIN talk k ON k.branch = p.branch AND k.member_id = p.member_id
  LEFT JOIN (SELECT DISTINCT branch, member_id FROM term) s
    ON s.branch = p.branch AND s.member_id = p.member_id
  LEFT JOIN other_secretary o ON o.branch = p.branch AND o.member_id = p.member_id
),
talked AS (
  SELECT o.id AS row_id, count(p.member_id) FILTER (WHERE p.covered) AS covered,
    count(p.member_id) FILTER (WHERE p.covered OR (p.still AND NOT p.alone)) AS expected,
    s.branch IS NOT NULL AS has_secretary
  FROM org o
  LEFT JOIN person p ON p.branch = o.id
  LEFT JOIN (SELECT DISTINCT branch FROM term) s ON s.branch = o.id
  WHERE o.kind = 'branch'
  GROUP BY o.id, s.branch
),
verdict AS (
  SELECT row_id, kind, required, counted, CASE
    WHEN months = 0 THEN 'not_applicable'
    WHEN counted >= required THEN CASE WHEN complete >= required THEN 'met' ELSE 'incomplete' END
    WHEN pend >= %(as_of)s THEN 'in_progress' ELSE 'unmet' END AS status
  FROM counted
  UNION ALL
  SELECT o.row_id, r.kind, 0, 0, 'not_applicable' FROM org o JOIN rule r
    ON o.kind = 'branch' AND ((r.applies = 'group' AND o.groups = 0)
       OR (r.applies = 'branch_with_committee' AND NOT o.has_committee))
  UNION ALL
  SELECT row_id, 'heart_talk', expected, CASE WHEN has_secretary THEN covered ELSE 0 END, CASE
    WHEN has_secretary AND covered >= expected THEN 'met'
    WHEN %(as_of)s <= %(year_end)s THEN 'in_progress' ELSE 'unmet' END
  FROM talked WHERE %(as_of)s >= %(start)s
)
SELECT row_id, kind,
  (ARRAY['unmet', 'incomplete', 'in_progress', 'met', 'not_applicable'])[min(CASE status
    WHEN 'unmet' THEN 1 WHEN 'incomplete' THEN 2 WHEN 'in_progress' THEN 3 WHEN 'met' THEN 4 ELSE 5 END)],
  sum(required)::int, sum(least(counted, required))::int
FROM verdict GROUP BY row_id, kind
"""


def _values(rows: list[tuple]) -> str:
    """A VALUES list of the rulebook's data as SQL literals (quoted by psycopg), as a hand-written report
    would hard-code them."""
    from psycopg import sql

    raw = connection.connection
    return ", ".join(
        "(" + ", ".join(sql.Literal(v).as_string(raw).replace("%", "%%") for v in row) + ")" for row in rows
    )


def hand_cells(root: Organisation, year: int, as_of: dt.date) -> dict[tuple[int, str], tuple[str, int, int]]:
    """The matrix's cells in one hand-written query (`cells_query`): {(branch id, rule): (status, required,
    counted)}."""
    sql, params = cells_query(root, year, as_of)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (row_id, kind): (status, required, counted) for row_id, kind, status, required, counted in cursor
        }


def cells_query(root: Organisation, year: int, as_of: dt.date) -> tuple[str, dict]:
    """The SQL of the matrix's cells and its parameters.

    It decides every organisation × rule × period as the rules say (pro rata by whole months, 支部委员会
    only with enough full members, 党小组会 per group rolled into its branch, 党课 by a speaker the rule
    allows, complete = someone present, every required record and every 主题党日 part, 民主评议 counted
    once decided, 谈心谈话 from each member's time in the branch and the 书记's terms) and takes the
    worst status, the sum of required and of counted (at most required per period) per branch and rule.
    """
    rules = services.matrix_rules()
    if any(r.given_by or r.effective_from for r in rules):
        raise SystemExit("规则手册含 given_by/effective_from，手写 SQL 尚未覆盖，请先补上再比较。")
    periods = [p for kind in sorted({r.frequency.period for r in rules}) for p in Period.of_year(kind, year)]
    periods = [p for p in periods if p.has_started(as_of)]
    connection.ensure_connection()
    sql = CELLS_SQL.format(
        rules=_values(
            [
                (r.code, r.frequency.period, r.frequency.min, r.applies_to, list(r.leaders_above) or None)
                for r in rules
            ]
        ),
        needs=_values(
            [
                (r.code, c)
                for r in rules
                for c in sorted(set(r.records) | {c for s in r.stages for c in s.records})
            ]
        ),
        parts=_values([(r.code, name) for r in rules for name in r.parts] or [("", "")]),
        periods=_values([(p.kind, p.start, p.end, p.months) for p in periods]),
        months=_values([(p.kind, p.start, first, end) for p in periods for first, end in p.month_spans]),
    )
    params = {
        "root": root.path + "%",
        "active": list(ACTIVE_STATUSES),
        "committee": structure.load().committee.count,
        "committee_titles": sorted(COMMITTEE_TITLES),
        "entered": facts.entered_by(as_of),
        "year": year,
        "as_of": as_of,
        "start": dt.date(year, 1, 1),
        "last": min(as_of, dt.date(year, 12, 31)),
        "year_end": dt.date(year, 12, 31),
    }
    return sql, params


def engine_cells(matrix) -> dict[tuple[int, str], tuple[str, int, int]]:
    return {
        (row.org_id, rule): (cell.status, cell.required, cell.counted)
        for row in matrix.rows
        for rule, cell in row.cells.items()
    }


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def differences(engine: dict, sql: dict) -> list[str]:
    keys = sorted(set(engine) | set(sql))
    return [f"{k}: 引擎 {engine.get(k)}，SQL {sql.get(k)}" for k in keys if engine.get(k) != sql.get(k)]


def build(year: int) -> None:
    """The county (demo scale options) and three years of activities, in the current (throwaway) database."""
    from django.core.management import call_command

    started = time.monotonic()
    call_command("demo", "--seed", "1", "--branches", "1800", "--members", "60000", verbosity=0)
    first = Activity.objects.order_by("date").values_list("date", flat=True).first()
    generate([year - 2, year - 1, year], before=first or dt.date(year + 1, 1, 1))
    print(f"built the county in {time.monotonic() - started:.0f} s", flush=True)


def served_dashboard(repeat: int, port: int) -> dict:
    """The dashboard page as its user waits for it: gunicorn, the office's session, p50/p95, size."""
    from . import common, pages

    served = common.Served(port, env={"PGOPTIONS": PG_OPTIONS})
    try:
        rows, bare = pages.measure([("全县看板（党建办）", "dangjianban", "/compliance/")], repeat, served)
    finally:
        served.stop()
    return {**rows[0], "bare": bare}


SECTION = "## 合规矩阵（县级规模）"
# Both sides alike: no JIT (it spent most of the SQL's time compiling), no parallel workers.
PG_OPTIONS = "-c jit=off -c max_parallel_workers_per_gather=0"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--year", type=int, default=dt.date.today().year - 1, help="年度（默认去年，整年已结束）"
    )
    parser.add_argument(
        "--generate", action="store_true", help="没有活动数据时用 COPY 生成三年的活动、出勤和记录"
    )
    parser.add_argument(
        "--build", action="store_true", help="在临时数据库中生成县级数据（演示命令 + 三年活动）后再测"
    )
    parser.add_argument("--repeat", type=int, default=5, help="轮数：每轮先后各运行一次两种方法，取中位数")
    parser.add_argument("--page-repeat", type=int, default=10, help="看板页面（gunicorn）请求次数；0 不测")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8212)))
    parser.add_argument(
        "--write", action="store_true", help="把结果写入 docs/benchmarks.md（make bench 会加）"
    )
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("请用 DATABASE_URL 指向 PostgreSQL 数据库运行本基准。", file=sys.stderr)
        return 2
    if args.build:
        from .common import throwaway_database

        with throwaway_database("dangjian-compliance-"):
            build(args.year)
            return measure(args)
    return measure(args)


def measure(args) -> int:
    with connection.cursor() as cursor:
        for option in PG_OPTIONS.split(" -c "):
            name, value = option.removeprefix("-c ").split("=")
            cursor.execute(f"SET {name} = {value}")
    town = Organisation.objects.filter(kind=OrgKind.TOWN).order_by("path").first()
    if town is None:
        print("数据库中没有乡镇，请先运行 dangjian demo --branches 1800 --members 60000。", file=sys.stderr)
        return 2
    years = [args.year - 2, args.year - 1, args.year]
    if not Activity.objects.filter(date__year=years[0]).exists():
        if not args.generate:
            print(f"{years[0]}年没有活动数据；加 --generate 补齐三年。", file=sys.stderr)
            return 2
        first = Activity.objects.order_by("date").values_list("date", flat=True).first()
        generate(years, before=first or dt.date(args.year + 1, 1, 1))
    as_of = dt.date.today()
    branches = Organisation.objects.filter(kind=OrgKind.BRANCH).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM meetings_attendance")
        attendance = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    print(
        f"data: {branches} branches, {Member.objects.count()} members, "
        f"{Activity.objects.count()} activities, "
        f"{attendance} attendance rows; jit={jit}"
    )
    hand_cells(town, args.year, as_of)  # warm the cache for both
    # Each round times the two back to back, so a change in the machine's load hits both alike.
    sql_times, engine_times, ratios = [], [], []
    for _ in range(args.repeat):
        sql_time, cells = timed(lambda: hand_cells(town, args.year, as_of))
        engine_time, matrix = timed(lambda: services.matrix(town, args.year, as_of))
        sql_times.append(sql_time)
        engine_times.append(engine_time)
        ratios.append(engine_time / sql_time)
    with CaptureQueriesContext(connection) as county:
        services.matrix(town, args.year, as_of)
    part = Organisation.objects.filter(kind=OrgKind.GENERAL_BRANCH).order_by("path").first()
    with CaptureQueriesContext(connection) as smaller:
        part_matrix = services.matrix(part, args.year, as_of)
    # Counted now: a request in this process (the page's query count) clears the connection's log.
    county_queries, part_queries = len(county.captured_queries), len(smaller.captured_queries)
    tracemalloc.start()
    services.matrix(town, args.year, as_of)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    engine = engine_cells(matrix)
    differ = differences(engine, cells)
    print(f"hand-written SQL: median {statistics.median(sql_times):.2f} s, {len(cells)} cells")
    print(f"engine matrix:    median {statistics.median(engine_times):.2f} s, {len(engine)} cells")
    print(
        f"ratio engine/SQL: median {statistics.median(ratios):.2f} "
        f"(each round: {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    print(f"queries: county {county_queries}, {len(part_matrix.rows)} branches {part_queries}")
    print(
        f"peak Python memory of the engine run: {peak / 2**20:.0f} MiB; process max RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    if args.page_repeat:
        page = served_dashboard(args.page_repeat, args.port)
        print(
            f"dashboard served: p50 {page['p50']:.0f} ms, p95 {page['p95']:.0f} ms, "
            f"{page['queries']} queries, "
            f"{page['kb']:.0f} KB; p95 / SQL median {page['p95'] / 1000 / statistics.median(sql_times):.2f}"
        )
    if args.write:
        from .common import machine, write_sections

        served = (
            f"{page['p50']:.0f} / {page['p95']:.0f} ms，{page['queries']} 次查询，{page['kb']:.0f} KB"
            if args.page_repeat
            else "未测"
        )
        block = "\n".join(
            [
                "### PostgreSQL",
                "",
                machine(),
                "",
                f"数据：{branches:,} 个党支部，{Member.objects.count():,} 名党员，"
                f"{Activity.objects.count():,} 次活动，"
                f"{attendance:,} 条出勤；{args.year} 年度，核对日 {as_of}；jit={jit}。",
                "",
                "| 手写 SQL（中位数） | 引擎 `services.matrix`（中位数） | 引擎 / SQL（中位数） | "
                "各轮比值 | 查询次数（全县 / 一个党总支） | 引擎 Python 内存峰值 | "
                "看板页面（gunicorn）p50 / p95 | 单元格核对 |",
                "| ---: | ---: | ---: | --- | --- | ---: | --- | --- |",
                f"| {statistics.median(sql_times):.2f} s | {statistics.median(engine_times):.2f} s | "
                f"{statistics.median(ratios):.2f}× | {'、'.join(f'{r:.2f}' for r in ratios)} | "
                f"{county_queries} / {part_queries} | "
                f"{peak / 2**20:.0f} MiB | "
                f"{served} | "
                + (f"{len(differ)} 处不一致 ⚠" if differ else f"{len(engine):,} 个全部一致")
                + " |",
                "",
            ]
        )
        write_sections({SECTION: block}, {SECTION: ""})
    if differ:
        print(f"引擎与手写 SQL 的单元格不一致（{len(differ)} 处），前 20 处：", file=sys.stderr)
        print("\n".join(differ[:20]), file=sys.stderr)
        return 1
    print(f"cells agree: {len(engine)} (status, required, counted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
