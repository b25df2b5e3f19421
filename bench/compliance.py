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
from dangjian.meetings.models import Activity  # noqa: E402
from dangjian.members.choices import ACTIVE_STATUSES, Category  # noqa: E402
from dangjian.members.models import Member  # noqa: E402
from dangjian.orgs import structure  # noqa: E402
from dangjian.orgs.choices import OrgKind  # noqa: E402
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


def hand_sql(root: Organisation, year: int, as_of: dt.date) -> list[tuple]:
    """The same counts in one query: counted activities and those lacking a record, per org, rule, period."""
    book = rulebook.current()
    required = [
        (i.code, c, i.frequency.period)
        for i in book.items.values()
        if i.activity and i.frequency.period != "none"
        for c in sorted({c for s in i.stages for c in s.records} | set(i.records))
    ]
    periods = {i.code: i.frequency.period for i in book.items.values() if i.frequency.period != "none"}
    values = ", ".join(["(%s, %s)"] * len(required))
    kinds = ", ".join(["(%s, %s)"] * len(periods))
    sql = f"""
    WITH req(kind, rec) AS (VALUES {values}),
    per(kind, period) AS (VALUES {kinds}),
    acts AS (
      SELECT a.id, a.org_id, a.kind, a.speaker_allowed, a.minutes <> '' AS has_minutes,
        CASE per.period WHEN 'month' THEN to_char(a.date, 'YYYY-MM')
             WHEN 'quarter' THEN to_char(a.date, 'YYYY-"Q"Q') ELSE to_char(a.date, 'YYYY') END AS period
      FROM meetings_activity a JOIN orgs_organisation o ON o.id = a.org_id JOIN per ON per.kind = a.kind
      WHERE o.path LIKE %s AND a.status = 'held' AND a.date BETWEEN %s AND %s AND a.created_at < %s
    )
    SELECT org_id, kind, period,
      count(*) FILTER (WHERE speaker_allowed IS NOT FALSE) AS counted,
      count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM req WHERE req.kind = acts.kind AND CASE req.rec
          WHEN 'minutes' THEN NOT acts.has_minutes
          WHEN 'sign_in_sheet' THEN NOT EXISTS (
            SELECT 1 FROM meetings_attendance t WHERE t.activity_id = acts.id AND t.status <> '')
          WHEN 'rectification' THEN NOT EXISTS (
            SELECT 1 FROM meetings_rectification x WHERE x.activity_id = acts.id)
          ELSE NOT EXISTS (SELECT 1 FROM meetings_record r
            WHERE r.activity_id = acts.id AND r.kind = req.rec AND r.uploaded_at < %s)
        END
      )) AS lacking
    FROM acts GROUP BY org_id, kind, period
    UNION ALL
    SELECT mem.org_id, 'heart_talk', %s, count(talked.member_id), count(*) - count(talked.member_id)
    FROM (
      SELECT m.id, m.org_id FROM members_member m JOIN orgs_organisation o ON o.id = m.org_id
      WHERE o.path LIKE %s AND m.joined_on <= %s
        -- still in the branch at the end: active, or the status change that ended it came later
        AND (m.status IN ('normal', 'mobile', 'lost') OR (COALESCE(
          (SELECT min(h.history_date) FROM members_historicalmember h
           WHERE h.id = m.id AND h.status NOT IN ('normal', 'mobile', 'lost')),
          m.updated_at) AT TIME ZONE 'Asia/Shanghai')::date - 1 >= %s)
        AND NOT EXISTS (
          SELECT 1 FROM orgs_position p
          WHERE p.org_id = m.org_id AND p.member_id = m.id AND p.title = 'secretary'
            AND p.started_on <= %s AND (p.ended_on IS NULL OR p.ended_on >= %s))
    ) mem LEFT JOIN (
      SELECT DISTINCT t.org_id,
        CASE WHEN t.initiator_id = p.member_id THEN t.partner_id ELSE t.initiator_id END AS member_id
      FROM talks_talk t JOIN orgs_position p ON p.org_id = t.org_id AND p.title = 'secretary'
        AND p.member_id IN (t.initiator_id, t.partner_id) AND p.started_on <= t.talked_on
        AND (p.ended_on IS NULL OR p.ended_on >= t.talked_on)
      WHERE t.talked_on BETWEEN %s AND %s
    ) talked ON talked.org_id = mem.org_id AND talked.member_id = mem.id
    GROUP BY mem.org_id
    UNION ALL
    SELECT c.org_id, 'member_evaluation', %s,
      count(*) FILTER (WHERE c.status = 'decided' AND NOT EXISTS (
        SELECT 1 FROM evaluations_decision d WHERE d.campaign_id = c.id AND d.decided_on > %s)), 0
    FROM evaluations_campaign c JOIN orgs_organisation o ON o.id = c.org_id
    WHERE o.path LIKE %s AND c.year = %s AND c.created_at < %s
    GROUP BY c.org_id
    """
    params = [p for pair in required for p in pair[:2]] + [p for pair in periods.items() for p in pair]
    start, end = dt.date(year, 1, 1), min(as_of, dt.date(year, 12, 31))
    entered = facts.entered_by(as_of)
    params += [root.path + "%", start, end, entered, entered]
    params += [str(year), root.path + "%", end, end, end, start, start, end]
    params += [str(year), as_of, root.path + "%", year, entered]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


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
    parser.add_argument("--repeat", type=int, default=5, help="轮数：每轮先后各运行一次两种方法，取中位数")
    parser.add_argument(
        "--parallel", action="store_true", help="允许 PostgreSQL 并行查询（默认关闭，两种方法都单进程执行）"
    )
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("请用 DATABASE_URL 指向 PostgreSQL 数据库运行本基准。", file=sys.stderr)
        return 2
    town = Organisation.objects.filter(kind=OrgKind.TOWN).order_by("path").first()
    if town is None:
        print("数据库中没有乡镇，请先运行 dangjian demo --branches 1800 --members 60000。", file=sys.stderr)
        return 2
    if not args.parallel:
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
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
    activities = Activity.objects.count()
    print(
        f"data: {branches} branches, {Member.objects.count()} members, {activities} activities, "
        f"{attendance} attendance rows"
    )

    hand_sql(town, args.year, as_of)  # warm the cache for both
    # Each round times the two back to back, so a change in the machine's load hits both alike.
    sql_times, engine_times, ratios = [], [], []
    for _ in range(args.repeat):
        sql_time, rows = timed(lambda: hand_sql(town, args.year, as_of))
        engine_time, matrix = timed(lambda: services.matrix(town, args.year, as_of))
        sql_times.append(sql_time)
        engine_times.append(engine_time)
        ratios.append(engine_time / sql_time)
    sql_time, engine_time = statistics.median(sql_times), statistics.median(engine_times)
    with CaptureQueriesContext(connection) as county:
        services.matrix(town, args.year, as_of)
    part = Organisation.objects.filter(kind=OrgKind.GENERAL_BRANCH).order_by("path").first()
    with CaptureQueriesContext(connection) as smaller:
        part_matrix = services.matrix(part, args.year, as_of)
    tracemalloc.start()
    services.matrix(town, args.year, as_of)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    counted_sql = sum(r[3] for r in rows if r[1] != "heart_talk")
    talked_sql = sum(r[3] for r in rows if r[1] == "heart_talk")
    talked_engine = sum(r.cells["heart_talk"].counted for r in matrix.rows if "heart_talk" in r.cells)
    counted_engine = sum(c.counted for r in matrix.rows for k, c in r.cells.items() if k != "heart_talk")
    print(f"hand-written SQL: {sql_time:.2f} s, {len(rows)} groups, {counted_sql} counted activities")
    print(
        f"engine matrix:    {engine_time:.2f} s, {len(matrix.rows)} rows, {counted_engine} counted activities"
    )
    print(f"谈心谈话 talked-with members: SQL {talked_sql}, engine {talked_engine}")
    print(
        f"ratio engine/SQL: median {statistics.median(ratios):.2f} "
        f"(each round: {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    agree = counted_sql == counted_engine and talked_sql == talked_engine
    print(
        f"queries: county {len(county.captured_queries)}, "
        f"{len(part_matrix.rows)} branches {len(smaller.captured_queries)}"
    )
    print(
        f"peak Python memory of the engine run: {peak / 2**20:.0f} MiB; process max RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    if not agree:
        print("引擎与手写 SQL 的计数不一致。", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
