"""Member register benchmarks: the .xlsx import (rows/s at 10,000 rows) and the member list page
(p95 and query count at the demo town's ~800 members and a county's 60,000), each next to a baseline
measured in the same run, written to docs/benchmarks.md.

    .venv/bin/python -m bench.members                 # SQLite (a throwaway file database)
    DATABASE_URL=postgres://postgres@127.0.0.1:55433/mybench .venv/bin/python -m bench.members

Runs in a fresh test database (test_<name> on PostgreSQL), never in the working database.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from io import BytesIO

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from dangjian.accounts.access import access_for  # noqa: E402
from dangjian.accounts.models import User  # noqa: E402
from dangjian.core import idcard, xlsx  # noqa: E402
from dangjian.demo import names, town  # noqa: E402
from dangjian.members import importing  # noqa: E402
from dangjian.members.models import Member  # noqa: E402
from dangjian.orgs.models import Organisation  # noqa: E402

from .common import (  # noqa: E402
    DOC,
    VENDOR,
    count_queries,
    login,
    machine,
    p95,
    static_storages,
    throwaway_database,
    write_sections,
)

PAGE = 50
IMPORT_GOAL = 2000  # rows per second, wall clock, median of the rounds


def _bare_view(request):
    """The same page of rows with no filters, no access layer and no template: a floor for Django itself."""
    members = Member.objects.select_related("org").only("name", "org__name").order_by("name_pinyin", "id")
    page = Paginator(members, PAGE).get_page(request.GET.get("page"))
    return HttpResponse("\n".join(f"{m.name} {m.org.name}" for m in page))


urlpatterns = [path("bench-bare/", _bare_view), path("", include(settings.ROOT_URLCONF))]


# -- import ---------------------------------------------------------------------------------------


def _register_file(rows: int, branch_codes: list[str]) -> bytes:
    rng = random.Random(7)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员名册")
    ws.append(importing.HEADERS)
    seen = set()
    for i in range(rows):
        while True:
            born = dt.date(rng.randint(1945, 1995), rng.randint(1, 12), rng.randint(1, 28))
            first17 = f"{rng.choice(names.AREA_CODES)}{born:%Y%m%d}{rng.randint(0, 999):03d}"
            if first17 not in seen:
                seen.add(first17)
                break
        joined = born.replace(year=born.year + rng.randint(19, 28))
        ws.append(
            [
                rng.choice(names.SURNAMES) + rng.choice(names.MALE_CHARS) + rng.choice(names.FEMALE_CHARS),
                first17 + idcard.check_char(first17),
                "",
                "汉族",
                "",
                f"139{i:08d}",
                "大学本科",
                "某单位 职工",
                joined,
                joined.replace(year=joined.year + 1),
                "正式党员",
                "正常",
                rng.choice(branch_codes),
                "",
                "否",
                "",
            ]
        )
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def bench_import(rows: int, rounds: int) -> dict:
    """Import `rows` new members into the demo town's branches (a populated database, as a town has),
    then the same file again; each round rolled back, the median of the rounds kept."""
    call_command("flush", interactive=False, verbosity=0)
    call_command("demo", "--seed", "1", verbosity=0)  # the whole demo town: members, activities, history
    root = Organisation.objects.get(kind="town")
    codes = list(Organisation.objects.filter(kind="branch").values_list("code", flat=True))
    content = _register_file(rows, codes)
    scope = Organisation.objects.subtree(root)
    reads, imports, reimports = [], [], []
    for _ in range(rounds):
        reads.append(
            _timed(lambda: sum(1 for _ in xlsx.read_sheet(BytesIO(content), len(importing.COLUMNS))))[1:]
        )
        with transaction.atomic():
            result, *timing = _timed(lambda: importing.import_members(BytesIO(content), scope))
            assert result.created == rows, result
            imports.append(tuple(timing))
            again, *timing = _timed(lambda: importing.import_members(BytesIO(content), scope))
            assert again.unchanged == rows, again
            reimports.append(tuple(timing))
            transaction.set_rollback(True)

    def median(pairs):
        return tuple(statistics.median(x) for x in zip(*pairs, strict=True))

    return {
        "rows": rows,
        "rounds": rounds,
        "existing": Member.objects.count(),
        "branches": len(codes),
        "bytes": len(content),
        "read": median(reads),
        "import": median(imports),
        "reimport": median(reimports),
    }


# -- member list ----------------------------------------------------------------------------------

HAND_SQL = """
SELECT m.id, m.name, m.gender, m.category, m.status, m.joined_on, m.id_number, m.is_leading_cadre,
       o.name, g.name
FROM members_member m
JOIN orgs_organisation o ON o.id = m.org_id
LEFT JOIN orgs_organisation g ON g.id = m.group_id
ORDER BY m.name_pinyin, m.id LIMIT %s OFFSET %s
"""


def _sample(fn, repeat: int) -> list[float]:
    """Wall-clock milliseconds per call; the CPU time of the same calls is added to CPU_SAMPLES."""
    fn()  # warm caches
    out = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - start) * 1000)
        CPU_SAMPLES.append((time.process_time() - cpu) * 1000)
    return out


CPU_SAMPLES: list[float] = []


def _page(fn, repeat: int) -> tuple[float, float]:
    CPU_SAMPLES.clear()
    wall = p95(_sample(fn, repeat))
    return wall, p95(CPU_SAMPLES)


@override_settings(ROOT_URLCONF=__name__, DEBUG=False, ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False)
def bench_list(label: str, branches: int | None, members: int | None, repeat: int) -> dict:
    call_command("flush", interactive=False, verbosity=0)
    (_, build_wall, build_cpu) = _timed(
        lambda: town.build(seed=1, branches=branches, members=members, with_apps=False)
    )
    total = Member.objects.count()
    office = User.objects.get(username="dangjianban")
    secretary = User.objects.get(username="shuji")
    pages = max(1, -(-access_for(office).visible_members().count() // PAGE))
    client = Client()
    login(client, office)
    result = {"label": label, "members": total, "build": (build_wall, build_cpu), "pages": {}}
    for name, url in (
        ("第1页", "/members/"),
        ("中间一页", f"/members/?page={pages // 2}"),
        ("最后一页", f"/members/?page={pages}"),
        ("按类别筛选", "/members/?category=probationary"),
        ("按姓名开头搜索（王）", "/members/?q=王"),
    ):
        queries = count_queries(lambda url=url: client.get(url))
        result["pages"][name] = (*_page(lambda url=url: client.get(url), repeat), queries)
    secretary_client = Client()
    login(secretary_client, secretary)
    queries = count_queries(lambda: secretary_client.get("/members/"))
    result["pages"]["支部书记第1页"] = (*_page(lambda: secretary_client.get("/members/"), repeat), queries)

    def hand(offset):
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM members_member")
            cursor.fetchone()
            cursor.execute(HAND_SQL, [PAGE, offset])
            cursor.fetchall()

    result["sql_first"] = p95(_sample(lambda: hand(0), repeat))
    result["sql_last"] = p95(_sample(lambda: hand((pages - 1) * PAGE), repeat))
    result["bare_first"] = p95(_sample(lambda: client.get("/bench-bare/"), repeat))
    result["bare_last"] = p95(_sample(lambda: client.get(f"/bench-bare/?page={pages}"), repeat))
    return result


# -- report ---------------------------------------------------------------------------------------


def _verdict(rate: float, rate_cpu: float) -> str:
    if rate >= IMPORT_GOAL:
        return "已达到"
    return "按墙钟未达到" + (
        "（按本进程 CPU 时间已达到；墙钟多出的是数据库服务器、磁盘或本机其他负载的时间）"
        if rate_cpu >= IMPORT_GOAL
        else ""
    )


def _import_section(r: dict, about: str) -> str:
    rows = r["rows"]
    rate = rows / r["import"][0]
    rate_cpu = rows / r["import"][1]
    read_rate = rows / r["read"][0]
    return "\n".join(
        [
            f"### {VENDOR[connection.vendor]}",
            "",
            about,
            "",
            f"向演示乡镇（已有 {r['existing']:,} 名党员）导入 {rows:,} 行的 .xlsx 党员名册"
            f"（{r['bytes'] // 1024} KB，分属 {r['branches']} 个党支部），"
            f"取 {r['rounds']} 轮的中位数（每轮回滚）："
            "逐行校验（身份证校验位、日期、"
            "组织、重复、年满18岁等）后在一个事务中写入，并写入每人的“新建”变更记录。目标 ≥ 2,000 行/秒。",
            "",
            "| 测量 | 用时（墙钟） | CPU 时间 | 行/秒（墙钟） | 行/秒（CPU） |",
            "|---|---:|---:|---:|---:|",
            f"| 基线：只读取表格（同一文件） | {r['read'][0]:.2f} s | {r['read'][1]:.2f} s | "
            f"{read_rate:,.0f} | "
            f"{rows / r['read'][1]:,.0f} |",
            f"| 首次导入（新增 {rows:,} 人） | {r['import'][0]:.2f} s | {r['import'][1]:.2f} s | "
            f"{rate:,.0f} | "
            f"{rate_cpu:,.0f} |",
            f"| 重复导入同一文件（无变化） | {r['reimport'][0]:.2f} s | {r['reimport'][1]:.2f} s | "
            f"{rows / r['reimport'][0]:,.0f} | {rows / r['reimport'][1]:,.0f} |",
            "",
            f"导入用时是只读表格的 {r['import'][0] / r['read'][0]:.1f} 倍；目标 2,000 行/秒"
            f"{_verdict(rate, rate_cpu)}。",
            "",
        ]
    )


def _list_section(results: list[dict], about: str) -> str:
    lines = [
        f"### {VENDOR[connection.vendor]}",
        "",
        about,
        "",
        "党建办账号（全镇可见）打开 /members/（每页 50 人，按姓名拼音排序，含总人数），每项重复请求后取 p95。"
        "基线在同一次运行中测得：手写 SQL（同一页的行 + COUNT，不经 Django）和一个最简 Django 视图"
        "（同样的分页查询，无权限过滤、无模板）。目标 p95 ≤ 100 ms，查询次数不随人数增长。",
        "",
        "| 规模 | 页面 | p95（墙钟） | p95（本进程 CPU） | 查询次数 | 对比手写 SQL | 对比最简视图 |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for name, (ms, cpu_ms, queries) in r["pages"].items():
            sql = r["sql_last"] if name == "最后一页" else r["sql_first"]
            bare = r["bare_last"] if name == "最后一页" else r["bare_first"]
            lines.append(
                f"| {r['label']}（{r['members']:,} 人） | {name} | {ms:.1f} ms | {cpu_ms:.1f} ms | "
                f"{queries} | "
                f"{ms / sql:.1f}× | {ms / bare:.1f}× |"
            )
        lines.append(
            f"| {r['label']} | 基线：手写 SQL 第1页 / 最后一页 | "
            f"{r['sql_first']:.1f} / {r['sql_last']:.1f} ms"
            " | | 2 | | |"
        )
        lines.append(
            f"| {r['label']} | 基线：最简 Django 视图 第1页 / 最后一页 | {r['bare_first']:.1f} / "
            f"{r['bare_last']:.1f} ms | | | | |"
        )
    worst, worst_sql, worst_cpu = max(
        (ms, r["sql_last"] if name == "最后一页" else r["sql_first"], cpu)
        for r in results
        for name, (ms, cpu, _) in r["pages"].items()
    )
    counts = {q for r in results for name, (_, _, q) in r["pages"].items() if name == "第1页"}
    lines += [
        "",
        f"最慢一项 p95 为 {worst:.1f} ms（目标 ≤ 100 ms：{'达到' if worst <= 100 else '未达到'}；"
        f"其中本进程 CPU 时间 {worst_cpu:.1f} ms"
        + ("，其余是数据库服务器、磁盘或本机其他负载的时间" if worst > worst_cpu * 1.2 else "")
        + (f"；同一页的手写 SQL 下限本身就要 {worst_sql:.1f} ms" if worst_sql > 50 else "")
        + "）；"
        f"第1页的查询次数在各规模下{'相同' if len(counts) == 1 else '不同'}"
        f"（{'、'.join(map(str, sorted(counts)))}）。",
        "",
        "生成数据用时（核心部分：党组织、党员及变更记录、职务、账号，不含各业务模块的演示活动）："
        + "；".join(f"{r['label']} {r['build'][0]:.1f} s（CPU {r['build'][1]:.1f} s）" for r in results)
        + "。",
        "",
    ]
    return "\n".join(lines)


INTRO = "由 `make bench`（`python -m bench.members`）写入；默认测 SQLite，设置 DATABASE_URL 时测 PostgreSQL。"
INTROS = {"## 党员导入": INTRO, "## 党员名册页面": INTRO}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--sizes", default="demo,60000", help="demo（约800人）和/或党员人数，逗号分隔")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3, help="导入测几轮（取中位数）")
    parser.add_argument("--no-write", action="store_true", help="只打印，不写入 docs/benchmarks.md")
    args = parser.parse_args(argv)

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = static_storages()
    with throwaway_database("dangjian-bench-"):
        about = machine()
        print(about, flush=True)
        sections = {}
        import_rate = None
        if args.rows:
            r = bench_import(args.rows, args.rounds)
            import_rate = args.rows / r["import"][0]
            sections["## 党员导入"] = _import_section(r, about)
            print(sections["## 党员导入"], flush=True)
        results = []
        for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
            if size == "demo":
                results.append(bench_list("演示乡镇", None, None, args.repeat))
            else:
                count = int(size)
                results.append(bench_list("县级规模", max(1, count * 3 // 100), count, args.repeat))
            print(results[-1], flush=True)
        if results:
            sections["## 党员名册页面"] = _list_section(results, about)
            print(sections["## 党员名册页面"], flush=True)
        if not args.no_write:
            write_sections(sections, INTROS)
            print(f"已写入 {DOC}")
    return 1 if import_rate is not None and import_rate < IMPORT_GOAL else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
