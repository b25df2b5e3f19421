"""`make bench`: every benchmark, each in its own process, on the database it is about; writes
docs/benchmarks.md and exits 1 when any bench misses its goal or fails its check.

- SQLite (the default database): member import and list, QR sign-in, the demo town's main pages;
- PostgreSQL: the same member and sign-in benches, the county's pages (a secretary's home, activity list
  and member list, an instructor's activity list, the dashboard) with the activity list's query plan,
  the dashboard's growth at 25, 450 and 1,800 branches, and the compliance matrix against hand-written
  SQL (`bench.compliance --build`: the county with three years of activities).

PostgreSQL comes from BENCH_POSTGRES (or a postgres DATABASE_URL): a server where the benches may create
and drop their own test_… databases. Without either, a throwaway cluster is started from the local
PostgreSQL binaries and removed after. BENCH_ARGS (from make) go to the member bench.
"""

import os
import subprocess
import sys
import time

SQLITE = [
    ["bench.members"],
    ["bench.signin"],
    ["bench.pages", "--scale", "town"],
]
POSTGRES = [
    ["bench.members"],
    ["bench.signin"],
    ["bench.pages", "--scale", "county", "--growth", "25,450,1800"],
    ["bench.compliance", "--build", "--write"],
]


def _run(module: list[str], database_url: str) -> int:
    print(f"\n== {' '.join(module)} ({database_url.split(':', 1)[0]})", flush=True)
    began = time.monotonic()
    env = {**os.environ, "DATABASE_URL": database_url}
    code = subprocess.call([sys.executable, "-m", *module], env=env)
    print(f"== {' '.join(module)}: exit {code}, {time.monotonic() - began:.0f} s", flush=True)
    return code


def main(argv: list[str]) -> int:
    from bench import common  # no Django set-up needed here

    results = []
    sqlite_url = "sqlite:///" + os.path.join(common.tempfile.mkdtemp(prefix="dangjian-bench-"), "db.sqlite3")
    for module in SQLITE:
        args = argv if module == ["bench.members"] else []
        results.append((module, "sqlite", _run(module + args, sqlite_url)))
    given = os.environ.get("BENCH_POSTGRES") or os.environ.get("DATABASE_URL", "")
    with common.throwaway_postgres(given if given.startswith("postgres") else None) as url:
        for module in POSTGRES:
            args = argv if module == ["bench.members"] else []
            results.append((module, "postgresql", _run(module + args, url)))
    print("\n== 汇总（0 = 达到目标，1 = 未达到目标或核对不一致，其他 = 出错）")
    for module, vendor, code in results:
        print(f"{code:>3}  {vendor:<10} {' '.join(module)}")
    return 0 if all(code == 0 for *_, code in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
