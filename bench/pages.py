"""The main pages as their users wait for them: served by gunicorn on loopback, p50/p95 over repeated
requests with each role's own session, the queries each page runs, and the size of its HTML.

    .venv/bin/python -m bench.pages                       # the demo town (SQLite by default)
    DATABASE_URL=postgres://… .venv/bin/python -m bench.pages --scale county
    DATABASE_URL=postgres://… .venv/bin/python -m bench.pages --growth 25,450,1800

`--scale town` builds the demo town (`dangjian demo --seed 1`) in a throwaway database and times every main
page: each role's home, the branch's compliance, the town dashboard, the activity list and an activity,
the member list, talks, evaluations, discipline and notifications. `--scale county` builds the county
(`demo --branches 1800 --members 60000`) and times a branch secretary's home, activity list and member
list, an instructor's activity list and the dashboard, and prints the query plan (EXPLAIN ANALYZE) of the
secretary's and the instructor's activity list. `--growth` times the dashboard at several sizes; the
1,800-branch build is shared with `--scale county`. The baseline of every row, measured in the same run
and served the same way, is a bare view (middleware only, no query).
Goals: p95 ≤ 100 ms and ≤ 20 queries on every main page; the county dashboard p95 ≤ 1 s, HTML ≤ 300 KB;
no sequential scan of the activities in a list's plan. Exits 1 when a page misses its goal.
"""

import argparse
import http.client
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from dangjian.accounts.models import User  # noqa: E402
from dangjian.meetings.models import Activity  # noqa: E402

from . import common  # noqa: E402

SECTIONS = {
    "town": "## 主要页面（演示乡镇）",
    "county": "## 主要页面（县级规模）",
    "growth": "## 全镇看板随规模的增长",
}
INTRO = (
    "由 `make bench`（`python -m bench.pages`）写入：gunicorn（2 进程×4 线程）在本机端口上提供服务，"
    "用各角色自己的登录会话逐个请求（keep-alive），取 p50/p95；查询次数在同一进程中用测试客户端数得；"
    "基线是同样经过全部中间件、不查数据库的空视图，在同一次运行中测得。目标：p95 ≤ 100 ms，查询 ≤ 20 次。"
)
INTROS = {
    SECTIONS["town"]: INTRO + "页面：各角色的首页、支部合规、全镇看板、活动列表和详情、党员名册、谈心谈话、"
    "民主评议、违纪处理、通知；演示乡镇（`dangjian demo --seed 1`，25 个党支部）在 SQLite 上。",
    SECTIONS["county"]: INTRO
    + "县级规模（`dangjian demo --branches 1800 --members 60000`）在 PostgreSQL 上："
    "支部书记的首页、活动列表、党员名册，党建指导员的活动列表，"
    "全县看板（目标 p95 ≤ 1 s、HTML ≤ 300 KB）；并列出支部书记和党建指导员活动列表"
    "第 1 页的查询计划（EXPLAIN ANALYZE），其中不应有对活动表的顺序扫描。",
    SECTIONS["growth"]: INTRO + "全镇看板（党建办账号）在 25、450、1,800 个党支部（每支部约 33 名党员）时的"
    "用时、查询次数和 HTML 大小：查询次数应不随支部数增长。",
}
GOAL_MS, GOAL_QUERIES = 100, 20
COUNTY_DASHBOARD_MS, COUNTY_DASHBOARD_KB = 1000, 300  # the county dashboard: p95 ≤ 1 s, HTML ≤ 300 KB


def town_pages() -> list[tuple[str, str, str]]:
    """(what, username, url) of every main page of the demo town."""
    secretary = User.objects.select_related("member__org").get(username="shuji")
    branch = secretary.member.org
    activity = Activity.objects.filter(org=branch, status="held").order_by("-date").first()
    pages = [(f"首页（{label}）", username, "/") for username, label in ROLES]
    return pages + [
        ("支部合规", "shuji", f"/compliance/org/{branch.code}/"),
        ("全镇看板", "dangjianban", "/compliance/"),
        ("活动列表", "shuji", "/meetings/"),
        ("活动详情", "shuji", f"/meetings/{activity.pk}/"),
        ("党员名册（全镇）", "dangjianban", "/members/"),
        ("党员名册（支部）", "shuji", "/members/"),
        ("谈心谈话", "shuji", "/talks/"),
        ("民主评议", "shuji", "/evaluations/"),
        ("违纪处理", "dangjianban", "/discipline/"),
        ("通知", "shuji", "/notifications/"),
    ]


ROLES = [
    ("dangjianban", "党建办"),
    ("shangji", "上级党委"),
    ("shuji", "支部书记"),
    ("zuzhi", "组织委员"),
    ("zhidaoyuan", "党建指导员"),
    ("xiaozuzhang", "党小组长"),
    ("dangyuan", "党员"),
]


def county_pages() -> list[tuple[str, str, str]]:
    return [
        ("首页（支部书记）", "shuji", "/"),
        ("活动列表（支部书记）", "shuji", "/meetings/"),
        ("党员名册（支部书记）", "shuji", "/members/"),
        ("活动列表（党建指导员）", "zhidaoyuan", "/meetings/"),
        ("全县看板（党建办）", "dangjianban", "/compliance/"),
    ]


COUNTY = 1800  # branches of the county scale (with 60,000 members)


class Timer:
    """Sequential keep-alive requests to gunicorn with one role's session cookie."""

    def __init__(self, served: common.Served):
        self.served = served
        self.sessions: dict[str, str] = {}

    def session(self, username: str) -> str:
        if username not in self.sessions:
            client = Client()
            common.login(client, User.objects.get(username=username))
            self.sessions[username] = client.cookies["sessionid"].value
        return self.sessions[username]

    def sample(self, username: str | None, url: str, repeat: int) -> tuple[list[float], int]:
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.served.port, timeout=600
        )  # a county page may crawl
        headers = {"Cookie": f"sessionid={self.session(username)}"} if username else {}
        times, size = [], 0
        try:
            for i in range(repeat + 2):  # two warm-up requests: the workers' connections and caches
                began = time.perf_counter()
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                body = response.read()
                assert response.status == 200, (
                    url,
                    username,
                    response.status,
                    response.getheader("Location"),
                )
                if i >= 2:
                    times.append((time.perf_counter() - began) * 1000)
                size = len(body)
        finally:
            conn.close()
        return times, size


def queries(username: str, url: str) -> int:
    client = Client()
    common.login(client, User.objects.get(username=username))
    with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=common.static_storages()):
        client.get(url)  # warm per-process caches, as the served workers are
        return common.count_queries(lambda: client.get(url))


def measure(pages, repeat: int, served: common.Served) -> tuple[list[dict], dict]:
    timer = Timer(served)
    bare, _ = timer.sample(None, "/bench/bare/", repeat)
    rows = []
    for what, username, url in pages:
        times, size = timer.sample(username, url, repeat)
        rows.append(
            {
                "what": what,
                "url": url,
                "p50": statistics.median(times),
                "p95": common.p95(times),
                "queries": queries(username, url),
                "kb": size / 1024,
            }
        )
        print(rows[-1], flush=True)
    return rows, {"p50": statistics.median(bare), "p95": common.p95(bare)}


def table(rows: list[dict], bare: dict, label: str = "") -> list[str]:
    lines = [
        "| 页面 | 地址 | p50 | p95 | 对比空视图（p95） | 查询次数 | HTML |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        flag = " ⚠" if r["what"] in over_goal([r]) else ""
        lines.append(
            f"| {label}{r['what']}{flag} | `{r['url']}` | {r['p50']:.1f} ms | {r['p95']:.1f} ms | "
            f"{r['p95'] / bare['p95']:.1f}× | {r['queries']} | {r['kb']:.0f} KB |"
        )
    lines.append(
        f"| 基线：空视图 | `/bench/bare/` | {bare['p50']:.1f} ms | {bare['p95']:.1f} ms | 1.0× | 0 | |"
    )
    return lines


def summary(rows: list[dict]) -> str:
    slow = [r["what"] for r in rows if r["p95"] > goal_ms(r)]
    many = [r["what"] for r in rows if r["queries"] > GOAL_QUERIES]
    big = [r["what"] for r in rows if r["kb"] > goal_kb(r)]
    if not slow and not many and not big:
        return f"全部 {len(rows)} 个页面达到目标（p95、查询 ≤ {GOAL_QUERIES} 次、HTML 大小）。"
    parts = []
    if slow:
        parts.append(f"p95 超过目标：{'、'.join(slow)}")
    if many:
        parts.append(f"查询超过 {GOAL_QUERIES} 次：{'、'.join(many)}")
    if big:
        parts.append(f"HTML 超过 {COUNTY_DASHBOARD_KB} KB：{'、'.join(big)}")
    return "未达到目标（⚠）——" + "；".join(parts) + "。"


def goal_ms(row: dict) -> float:
    return COUNTY_DASHBOARD_MS if row["what"].startswith("全县看板") else GOAL_MS


def goal_kb(row: dict) -> float:
    return COUNTY_DASHBOARD_KB if row["what"].startswith("全县看板") else float("inf")


def explain_activity_list(username: str) -> tuple[str, bool]:
    """The query plan of a user's activity list, first page as the page asks for it (its visibility
    filter must use indexes), and whether it scans the whole activity table."""
    from dangjian.meetings.rules import visible_activities

    qs = visible_activities(User.objects.get(username=username))[:50]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        prefix = "EXPLAIN (ANALYZE, COSTS off)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
        cursor.execute(f"{prefix} {sql}", params)
        lines = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
    # A long IN list of organisation ids is shortened for reading.
    lines = [line if len(line) < 200 else line[:200] + " …" for line in lines]
    scans = any("Seq Scan on meetings_activity" in line or "SCAN meetings_activity" in line for line in lines)
    return "\n".join(lines), scans


def build(branches: int | None = None) -> None:
    call_command("flush", interactive=False, verbosity=0)
    options = [] if branches is None else ["--branches", str(branches), "--members", str(branches * 33)]
    call_command("demo", "--seed", "1", *options, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["town", "county", "none"], default="town")
    parser.add_argument("--growth", default="", help="看板随规模增长：党支部数，逗号分隔（如 25,450,1800）")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8211)))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    blocks = {}
    failed = False
    with common.throwaway_database("dangjian-pages-"):
        about = common.machine()
        print(about, flush=True)
        head = f"### {common.VENDOR[connection.vendor]}\n\n{about}\n"
        if args.scale == "town":
            build(None)
            rows, bare = serve_and_measure(town_pages(), args)
            failed |= bool(over_goal(rows))
            blocks[SECTIONS["town"]] = "\n".join([head, *table(rows, bare), "", summary(rows), ""])
        growth_sizes = [int(s) for s in args.growth.split(",") if s.strip()]
        sizes = sorted(set(growth_sizes) | ({COUNTY} if args.scale == "county" else set()))
        growth = []
        for size in sizes:  # each size built once: the county's pages are timed with its dashboard
            build(None if size == 25 else size)
            pages = [("全镇看板", "dangjianban", "/compliance/")] if size in growth_sizes else []
            county = args.scale == "county" and size == COUNTY
            rows, bare = serve_and_measure(pages + (county_pages() if county else []), args)
            if size in growth_sizes:
                growth.append((size, rows.pop(0), bare))
            if county:
                failed |= bool(over_goal(rows))
                lines = [head, *table(rows, bare), "", summary(rows), ""]
                for username, label in (("shuji", "支部书记"), ("zhidaoyuan", "党建指导员")):
                    plan, scans = explain_activity_list(username)
                    failed |= scans
                    verdict = "⚠ 顺序扫描了全部活动" if scans else "走索引，没有顺序扫描活动表"
                    lines += [f"{label}活动列表第1页的查询计划（{verdict}）：", "", "```", plan, "```", ""]
                blocks[SECTIONS["county"]] = "\n".join(lines)
        if growth:
            lines = [
                head,
                "| 党支部数 | p50 | p95 | 查询次数 | HTML | 空视图 p95 |",
                "|---:|---:|---:|---:|---:|---:|",
            ]
            lines += [
                f"| {size:,} | {r['p50']:.0f} ms | {r['p95']:.0f} ms | {r['queries']} | {r['kb']:.0f} KB | "
                f"{b['p95']:.1f} ms |"
                for size, r, b in growth
            ]
            blocks[SECTIONS["growth"]] = "\n".join([*lines, ""])
    for block in blocks.values():
        print(block)
    if not args.no_write and blocks:
        common.write_sections(blocks, INTROS)
    return 1 if failed else 0


def serve_and_measure(pages, args) -> tuple[list[dict], dict]:
    served = common.Served(args.port)
    try:
        return measure(pages, args.repeat, served)
    finally:
        served.stop()


def over_goal(rows: list[dict]) -> list[str]:
    return [
        r["what"]
        for r in rows
        if r["p95"] > goal_ms(r) or r["queries"] > GOAL_QUERIES or r["kb"] > goal_kb(r)
    ]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
