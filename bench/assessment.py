"""The assessment's town table at county scale against the compliance matrix it builds on.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 dangjian migrate
    DATABASE_URL=... dangjian demo --branches 1800 --members 60000
    DATABASE_URL=... python -m bench.assessment [--year 2026] [--repeat 3]

Times `compliance.services.matrix(town, year)` and `assessment.services.table(town, year)` (the live
table: the same matrix, the 督查 findings, the office's entries, last year's frozen scores, then every
branch's sheet scored and ranked within its kind) on the same data, and reports the median of each, the
ratio (the issue asks ≤ 2×) and the number of queries of the table for the whole county and for a
quarter of it (they must be equal). Prints the block for docs/benchmarks.md; the lead places it.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import machine  # noqa: E402
from dangjian.assessment import services as assessment  # noqa: E402
from dangjian.compliance import services as compliance  # noqa: E402
from dangjian.orgs.choices import OrgKind  # noqa: E402
from dangjian.orgs.models import Organisation  # noqa: E402


def _timed(call, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def run(year: int, repeat: int) -> tuple[str, float]:
    today = timezone.localdate()
    towns = list(Organisation.objects.filter(kind=OrgKind.TOWN).order_by("path"))
    generals = list(Organisation.objects.filter(kind=OrgKind.GENERAL_BRANCH).order_by("path"))
    part = generals[: max(1, len(generals) // 4)]
    branches = Organisation.objects.filter(kind=OrgKind.BRANCH).count()
    matrix_s, _ = _timed(lambda: compliance.matrix(towns, year, today), repeat)
    table_s, table = _timed(lambda: assessment.table(towns, year, today), repeat)
    whole = _queries(lambda: assessment.table(towns, year, today))
    quarter = _queries(lambda: assessment.table(part, year, today))
    ratio = table_s / matrix_s
    block = "\n".join(
        [
            f"### {connection.vendor}",
            "",
            machine(),
            "",
            f"{branches} 个党支部，{year} 年（截至 {today:%Y-%m-%d}），各取 {repeat} 次的中位数：",
            "",
            "| 计算 | 用时 | 查询数 |",
            "|---|---|---|",
            f"| 合规矩阵 `compliance.services.matrix` | {matrix_s:.2f} 秒 | — |",
            f"| 考核总表 `assessment.services.table`（{len(table.rows)} 行） | {table_s:.2f} 秒 | "
            f"全县 {whole}，四分之一 {quarter} |",
            "",
            f"考核总表 / 合规矩阵 = {ratio:.2f} 倍（要求 ≤ 2 倍）；查询数与党支部数无关："
            f"{'是' if whole == quarter else '否'}。",
        ]
    )
    return block, ratio if whole == quarter else float("inf")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=timezone.localdate().year)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    block, ratio = run(args.year, args.repeat)
    print(block)
    sys.exit(0 if ratio <= 2 else 1)


if __name__ == "__main__":
    main()
