"""Risk signals (督查) on a large generated town: time per detector and per branch, growth with the number
of activities, and the exact comparisons of copied minutes against all pairs (they must not be quadratic).

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 dangjian migrate
    DATABASE_URL=... dangjian demo --branches 300 --members 10000
    DATABASE_URL=... python -m bench.supervision --fill

    DATABASE_URL=postgres://…/county python -m bench.supervision --scale county --fill

`--scale county` first builds the county (`demo --seed 1 --branches 1800 --members 60000`) into the
(migrated, throwaway) database unless it already holds that many branches, so a second run reuses it.

The scaled demo writes no minutes; `--fill` gives every held activity generated minutes (the demo's
phrases, names and dates) and plants a copy in one activity out of `--copy-every` (an earlier activity's
minutes with the date changed), then the bench checks that every planted copy is found. Baseline: one
SQL query reading the same rows (held activities with their minutes, and the present attendance). The
result replaces the `## 风险信号` section of docs/benchmarks.md (`--no-write` only prints it).
"""

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dangjian.meetings import demo as meetings_demo  # noqa: E402
from dangjian.meetings.models import Activity, Status  # noqa: E402
from dangjian.orgs.choices import OrgKind  # noqa: E402
from dangjian.orgs.models import Organisation  # noqa: E402
from dangjian.supervision import config, engine, facts, services  # noqa: E402
from dangjian.supervision.facts import Facts  # noqa: E402

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
TITLE = "## 风险信号"
BASELINE_SQL = """
SELECT a.id, a.org_id, o.kind, o.parent_id, a.kind, a.title, a.date, a.actual_start, a.planned_start,
       a.actual_end, a.planned_end, a.place, a.minutes, a.is_late_entry, a.recorded_at,
       t.activity_id, t.member_id, t.method, t.entered_at, t.leave_state
FROM meetings_activity a
JOIN orgs_organisation o ON o.id = a.org_id
LEFT JOIN meetings_attendance t ON t.activity_id = a.id AND t.status IN ('present', 'late')
WHERE a.status = 'held'
"""


def fill(copy_every: int, seed: int) -> set[int]:
    """Minutes for every held activity; every `copy_every`-th one copies an earlier activity's minutes."""
    rng = random.Random(seed)
    held = list(Activity.objects.filter(status=Status.HELD).order_by("date", "pk"))
    names = ["王强", "李红", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴芳", "徐亮", "孙丽"]
    planted = set()
    for i, a in enumerate(held):
        if i and i % copy_every == 0:
            source = held[rng.randrange(i)]
            old, new = f"{source.date:%Y年%-m月%-d日}", f"{a.date:%Y年%-m月%-d日}"
            a.minutes = source.minutes.replace(old, new)
            planted.add(a.pk)
        else:
            a.minutes = meetings_demo._minutes(rng, a, rng.sample(names, 3), rng.randint(8, 60))
    with transaction.atomic():
        Activity.objects.bulk_update(held, ["minutes"], batch_size=2000)
    return planted


COUNTY = {"branches": 1800, "members": 60000}


def build_county() -> None:
    """The county-scale demo, unless the database already holds it (generating takes a minute or two)."""
    from django.core.management import call_command

    if Organisation.objects.filter(kind=OrgKind.BRANCH).count() >= COUNTY["branches"]:
        return
    call_command("flush", interactive=False, verbosity=0)
    call_command(
        "demo", "--seed", "1", "--branches", str(COUNTY["branches"]), "--members", str(COUNTY["members"])
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def subset(found: Facts, branches: set[int]) -> Facts:
    acts = {k: a for k, a in found.activities.items() if a.branch_id in branches}
    return Facts(
        acts, [p for p in found.presences if p.activity_id in acts], found.departed, found.lecture_scripts
    )


def compared_pairs(found: Facts, thresholds) -> tuple[int, float]:
    count = 0
    real = engine.similarity

    def counting(a, b):
        nonlocal count
        count += 1
        return real(a, b)

    engine.similarity = counting
    try:
        _, seconds = timed(lambda: list(engine.copied_minutes(found, thresholds)))
    finally:
        engine.similarity = real
    return count, seconds


def machine() -> str:
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), ""
    )
    db = connection.vendor + (
        f" {connection.Database.sqlite_version}"
        if connection.vendor == "sqlite"
        else f" {connection.pg_version // 10000}"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {cpu} × {os.cpu_count()} · Python "
        f"{platform.python_version()} · Django {django.get_version()} · {db} · load average {load}"
    )


def run(planted: set[int]) -> str:
    thresholds = config.current()
    branches = Organisation.objects.filter(kind=OrgKind.BRANCH).count()

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL)
            return len(cursor.fetchall())

    rows, sql_seconds = timed(baseline)
    with CaptureQueriesContext(connection) as queries:
        found, read_seconds = timed(lambda: facts.read(thresholds))
    lines = [
        f"### {connection.vendor}",
        "",
        machine(),
        "",
        f"{branches} 个党支部，{len(found.activities):,} 项已召开活动（都有会议记录），"
        f"{len(found.presences):,} 条出席记录；",
        f"基线：一条 SQL 读出同样的行（{rows:,} 行）用时 {sql_seconds:.2f} s。",
        "",
        "| 步骤 | 用时 | 相对基线 |",
        "| --- | ---: | ---: |",
        f"| 读取事实（{len(queries)} 条查询） | {read_seconds:.2f} s | {read_seconds / sql_seconds:.1f} × |",
    ]
    total = read_seconds
    results = {}
    for kind, detect in engine.DETECTORS.items():
        results[kind], seconds = timed(lambda detect=detect: list(detect(found, thresholds)))
        total += seconds
        lines.append(
            f"| {kind}（{len(results[kind])} 条） | {seconds:.2f} s | {seconds / sql_seconds:.1f} × |"
        )
    stored, store_seconds = timed(services.compute)
    lines += [
        f"| 以上合计 | {total:.2f} s | {total / sql_seconds:.1f} × |",
        f"| `dangjian signals` 全程（读取、计算、写入 {stored.found} 条） | {store_seconds:.2f} s | "
        f"{store_seconds / sql_seconds:.1f} × |",
        "",
        f"每个党支部 {1000 * store_seconds / branches:.1f} ms。",
    ]
    copies = {f.activity_ids[1] for f in results["copied_minutes"]}
    missed = planted - copies
    lines.append(
        f"植入的照抄记录 {len(planted)} 份，找到 {len(planted & copies)} 份"
        + (f"，漏掉 {len(missed)} 份。" if missed else "，全部找到。")
    )
    lines += [
        "",
        "会议记录雷同的增长（按党支部取前 1/4、1/2、全部）：",
        "",
        "| 党支部 | 有记录的活动 | 全部两两比较 | 实际精确比较 | 用时 |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    ids = sorted({a.branch_id for a in found.activities.values()})
    for share in (4, 2, 1):
        part = subset(found, set(ids[: len(ids) // share]))
        n = sum(len(a.text) >= thresholds.copied_minutes.min_chars for a in part.activities.values())
        compared, seconds = compared_pairs(part, thresholds)
        lines.append(
            f"| {len(ids) // share} | {n:,} | {n * (n - 1) // 2:,} | {compared:,} | {seconds:.2f} s |"
        )
    return "\n".join(lines) + "\n", bool(missed)


INTRO = (
    "由 `python -m bench.supervision --fill` 写入（用法见脚本开头）。"
    "在 `dangjian demo --branches N --members M` 生成的数据上给每项已召开活动生成会议记录，"
    "并每隔若干项植入一份照抄；分别计时读取事实、各类信号的计算和"
    "`dangjian signals` 全程，与一条读出同样行的 SQL 相比。会议记录雷同用 MinHash + LSH 只精确比较候选对，"
    "表中列出它与全部两两比较的次数。\n\n"
    "读数说明：精确比较的只是 LSH 候选对（不到全部两两比较的万分之二）；候选对随记录数增加得比线性略快，"
    "因为生成的记录取自同一批短语，彼此部分相似的记录对随数量增多，真实记录更分散。用时主要在计算 MinHash"
    "签名（与记录数成正比）。大规模演示数据不生成活动记录文件，所以几乎每次党课都有“没有党课稿”的信号。"
    "县级规模（`--scale county`：1800 个支部、60,000 名党员、7 万余项已召开活动）在 PostgreSQL 上测量，"
    "见下表；基线 SQL 把每项活动的会议记录随每条出席记录重复读出，所以比读取事实本身还慢。"
)


def write(block: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    parts = text.split("\n## ")
    head, sections = parts[0], ["## " + p for p in parts[1:]]
    sections = [s for s in sections if s.splitlines()[0].strip() != TITLE]
    old = next((s for s in ["## " + p for p in parts[1:]] if s.splitlines()[0].strip() == TITLE), "")
    vendors = ["### " + v for v in old.split("\n### ")[1:]]
    vendor = block.splitlines()[0].strip()
    vendors = sorted([v for v in vendors if v.splitlines()[0].strip() != vendor] + [block])
    sections.append(f"{TITLE}\n\n{INTRO}\n\n" + "\n".join(v.rstrip("\n") + "\n" for v in vendors))
    DOC.write_text(
        head.rstrip("\n") + "\n\n" + "\n".join(s.rstrip("\n") + "\n" for s in sections), encoding="utf-8"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill", action="store_true", help="先生成会议记录并植入照抄")
    parser.add_argument("--copy-every", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--scale", choices=["county", "none"], default="none", help="county：先生成县级数据")
    args = parser.parse_args(argv)
    if args.scale == "county":
        build_county()
    planted = fill(args.copy_every, args.seed) if args.fill else set()
    block, missed = run(planted)
    print(block)
    if not args.no_write:
        write(block)
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
