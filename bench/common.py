"""What every bench shares: the machine line, p95, query counting, a throwaway database, gunicorn on
loopback and the writer of docs/benchmarks.md's sections."""

import contextlib
import datetime as dt
import http.client
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.urls import path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
VENDOR = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")
        )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    db = connection.vendor + (
        f" {connection.Database.sqlite_version}"
        if connection.vendor == "sqlite"
        else f" {connection.pg_version // 10000}"
    )
    return (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {cpu} × {os.cpu_count()} · Python "
        f"{platform.python_version()} · Django {django.get_version()} · {db} · load average {load}"
    )


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18] if len(samples) > 1 else samples[0]


def count_queries(request) -> int:
    """How many SQL statements one call of `request` runs (it must answer 200)."""
    executed = []

    def spy(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        response = request()
        assert response.status_code == 200, (response.status_code, response.get("Location"))
    return len(executed)


def bare(request):
    """The floor: the same middleware (session, CSRF), no login check, no template, no query of its own."""
    return HttpResponse("<!doctype html><p>ok</p>")


def _urls():
    from dangjian.urls import urlpatterns

    return [path("bench/bare/", bare), *urlpatterns]


def __getattr__(name):  # `urlpatterns`, built lazily: this module is imported before the URLconf may be
    if name == "urlpatterns":
        return _urls()
    raise AttributeError(name)


_wsgi = None


def application(environ, start_response):
    """The project's WSGI app with the bare view added (ROOT_URLCONF = this module), for gunicorn."""
    global _wsgi
    if _wsgi is None:
        from django.core.wsgi import get_wsgi_application

        settings.ROOT_URLCONF = "bench.common"
        settings.STORAGES = static_storages()
        _wsgi = get_wsgi_application()
    return _wsgi(environ, start_response)


def login(client, user) -> None:
    """A session for `user` as after a full login: with the second step passed where it is required,
    so the benches time the pages as office accounts see them, not the login page."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dangjian.accounts import twofactor

    client.force_login(user)
    if twofactor.needs_second_step(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="基准测试", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def static_storages() -> dict:
    """Plain static files: the benches need no collectstatic."""
    return {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@contextlib.contextmanager
def throwaway_database(prefix: str):
    """A fresh test database (a file for SQLite, so that gunicorn's workers share it), destroyed after."""
    folder = None
    if connection.vendor == "sqlite":
        folder = tempfile.mkdtemp(prefix=prefix)
        connection.settings_dict["TEST"]["NAME"] = os.path.join(folder, "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def throwaway_postgres(url: str | None = None, port: int = 55450):
    """`url` when given; otherwise a PostgreSQL cluster of the local binaries in a temporary directory
    (as the `postgres` user when run as root), removed afterwards."""
    if url:
        yield url
        return
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not versions:
        raise SystemExit("没有 PostgreSQL：请设置 BENCH_POSTGRES=postgres://… 或安装 PostgreSQL。")
    bin_dir = versions[-1].parent
    folder = tempfile.mkdtemp(prefix="dangjian-bench-pg-")
    as_root = os.geteuid() == 0

    def run(*command: str) -> None:
        line = [str(bin_dir / command[0]), *command[1:]]
        subprocess.run(["su", "postgres", "-c", shlex.join(line)] if as_root else line, check=True)

    if as_root:
        shutil.chown(folder, "postgres", "postgres")
    data = os.path.join(folder, "data")
    run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "-N")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    run("pg_ctl", "-D", data, "-l", os.path.join(folder, "server.log"), "-o", options, "-w", "start")
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        run("pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"


class Served:
    """gunicorn serving the benchmark database on loopback (the WSGI app `app`), stopped by `stop()`."""

    WORKERS, THREADS = 2, 4

    def __init__(self, port: int, app: str = "bench.common:application", env: dict | None = None):
        self.port = port
        environment = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DEBUG": "false",
            "HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            **(env or {}),
        }
        command = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", str(self.WORKERS), "--threads", str(self.THREADS), "--log-level", "warning"]
        self.process = subprocess.Popen(command, env=environment)
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("gunicorn 未能启动") from None
                time.sleep(0.3)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker still busy with a long request
            self.process.kill()
            self.process.wait()


def _split(text: str, marker: str) -> tuple[str, list[str]]:
    parts = text.split("\n" + marker)
    return parts[0], [marker + p for p in parts[1:]]


def write_sections(blocks: dict[str, str], intros: dict[str, str]) -> None:
    """Replace this database's `### ` block in the given `## ` sections of docs/benchmarks.md, keeping the
    other database's block and every other section (other benches write their own)."""
    text = (
        DOC.read_text(encoding="utf-8")
        if DOC.exists()
        else "# 性能测试\n\n各模块的性能测试结果，每节由对应的 bench 脚本写入。\n"
    )
    head, sections = _split("\n" + text.strip("\n") + "\n", "## ")
    for title, block in blocks.items():
        index = next((i for i, sec in enumerate(sections) if sec.splitlines()[0].strip() == title), None)
        if index is None:
            sections.append(f"{title}\n\n{intros[title]}\n")
            index = len(sections) - 1
        intro, vendors = _split(sections[index], "### ")
        vendor_title = block.splitlines()[0].strip()
        vendors = [v for v in vendors if v.splitlines()[0].strip() != vendor_title] + [block]
        vendors.sort(key=lambda v: v.splitlines()[0])
        sections[index] = intro.rstrip("\n") + "\n\n" + "\n".join(v.rstrip("\n") + "\n" for v in vendors)
    body = head.strip("\n") + "\n\n" + "\n".join(sec.rstrip("\n") + "\n" for sec in sections)
    DOC.write_text(body, encoding="utf-8")
