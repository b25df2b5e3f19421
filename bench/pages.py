"""The main pages as their users wait for them: served by gunicorn on loopback, p50/p95 over repeated
requests with each role's own session, the queries each page runs, and the size of its HTML.

    .venv/bin/python -m bench.pages                       # the demo town (SQLite by default)
    DATABASE_URL=postgres://… .venv/bin/python -m bench.pages --scale county
    DATABASE_URL=postgres://… .venv/bin/python -m bench.pages --growth 25,450,1800

`--scale town` builds the demo town (`dangjian demo --seed 1`) in a throwaway database and times every main
page: each role's home, the branch's compliance, the town dashboard, the activity list and an activity,
the member list, talks, evaluations, discipline and notifications. `--scale county` builds the county
(`demo --branches 1800 --members 60000`) and times a branch secretary's pages, with the query plan of the
activity list's visibility filter. `--growth` times the town dashboard at several sizes. The baseline of
every row, measured in the same run and served the same way, is a bare view (middleware only, no query).
Goals: p95 ≤ 100 ms and ≤ 20 queries on every main page; the county dashboard p95 ≤ 1 s, HTML ≤ 300 KB.
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
INTROS = {title: INTRO for title in SECTIONS.values()}
GOAL_MS, GOAL_QUERIES = 100, 20


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
        ("全镇看板（党建办）", "dangjianban", "/compliance/"),
    ]


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
        conn = http.client.HTTPConnection("127.0.0.1", self.served.port, timeout=60)
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
        flag = " ⚠" if r["p95"] > GOAL_MS or r["queries"] > GOAL_QUERIES else ""
        lines.append(
            f"| {label}{r['what']}{flag} | `{r['url']}` | {r['p50']:.1f} ms | {r['p95']:.1f} ms | "
            f"{r['p95'] / bare['p95']:.1f}× | {r['queries']} | {r['kb']:.0f} KB |"
        )
    lines.append(
        f"| 基线：空视图 | `/bench/bare/` | {bare['p50']:.1f} ms | {bare['p95']:.1f} ms | 1.0× | 0 | |"
    )
    return lines


def summary(rows: list[dict]) -> str:
    slow = [r["what"] for r in rows if r["p95"] > GOAL_MS]
    many = [r["what"] for r in rows if r["queries"] > GOAL_QUERIES]
    if not slow and not many:
        return f"全部 {len(rows)} 个页面 p95 ≤ {GOAL_MS} ms、查询 ≤ {GOAL_QUERIES} 次：达到目标。"
    parts = []
    if slow:
        parts.append(f"p95 超过 {GOAL_MS} ms：{'、'.join(slow)}")
    if many:
        parts.append(f"查询超过 {GOAL_QUERIES} 次：{'、'.join(many)}")
    return "未达到目标（⚠）——" + "；".join(parts) + "。"


def explain_activity_list() -> str:
    """The query plan of the secretary's activity list (its visibility filter must use indexes)."""
    from dangjian.meetings.rules import visible_activities

    qs = visible_activities(User.objects.get(username="shuji")).order_by("-planned_start")[:50]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        prefix = "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
        cursor.execute(f"{prefix} {sql}", params)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


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
    with common.throwaway_database("dangjian-pages-"):
        about = common.machine()
        print(about, flush=True)
        head = f"### {common.VENDOR[connection.vendor]}\n\n{about}\n"
        if args.scale != "none":
            build(None if args.scale == "town" else 1800)
            served = common.Served(args.port)
            try:
                pages = town_pages() if args.scale == "town" else county_pages()
                rows, bare = measure(pages, args.repeat, served)
            finally:
                served.stop()
            lines = [head, *table(rows, bare), "", summary(rows), ""]
            if args.scale == "county":
                lines += [
                    "支部书记活动列表的查询计划（可见范围过滤）：",
                    "",
                    "```",
                    explain_activity_list(),
                    "```",
                    "",
                ]
            blocks[SECTIONS[args.scale]] = "\n".join(lines)
        if args.growth:
            growth = []
            for size in [int(s) for s in args.growth.split(",") if s.strip()]:
                build(None if size == 25 else size)
                served = common.Served(args.port)
                try:
                    rows, bare = measure([("全镇看板", "dangjianban", "/compliance/")], args.repeat, served)
                finally:
                    served.stop()
                growth.append((size, rows[0], bare))
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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
