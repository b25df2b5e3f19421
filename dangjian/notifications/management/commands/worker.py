"""`dangjian worker`: the one background process a small installation needs, no cron required.

Every `--interval` seconds it runs the task queue (django_tasks_db) until empty and sends the
outbox's due deliveries (retries included); once a day, at the first iteration after the
configured time (setting WORKER_REMIND_AT, "07:30" by default, local time), it runs `remind`,
`remind_inactive`, `signals` and `supervision-remind`; at its first round of each day it runs
`verdicts --stale` (the dashboard's stored verdicts move to the new check date).
`remind` writes each reminder once, so a restart on the same day does no harm.
"""

import datetime as dt
import logging
import signal
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from dangjian.notifications.outbox import deliver_due

DEFAULT_REMIND_AT = "07:30"
log = logging.getLogger(__name__)


def remind_at() -> dt.time:
    value = getattr(settings, "WORKER_REMIND_AT", DEFAULT_REMIND_AT)
    try:
        return dt.time.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"WORKER_REMIND_AT 应为 HH:MM 格式的时间，而不是“{value}”。") from exc


class Command(BaseCommand):
    verdicts_on: dt.date | None = None  # the day the stored verdicts were last moved to
    help = "后台常驻进程：处理任务队列、发送到期的通知投递，并在每天设定时间运行一次 remind（无需 cron）。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30, help="两次检查之间的秒数（默认 30）")
        parser.add_argument("--once", action="store_true", help="只运行一轮后退出（用于 cron 或检查）")

    def handle(self, *args, interval, once, **options):
        if interval <= 0:
            raise CommandError("--interval 应为正数。")
        at = remind_at()
        self.running = True
        self.queue = Worker(
            queue_names=["*"],
            excluded_queue_names=[],
            interval=0,
            batch=True,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=f"dangjian-worker-{get_random_string(12)}",
        )
        if not once:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
            self.stdout.write(f"后台进程已启动：每 {interval:g} 秒检查一次，每天 {at:%H:%M} 后运行提醒。")
        reminded_on = None
        while self.running:
            if once:
                self.iteration(at, reminded_on)
                break
            close_old_connections()  # a long-running process: drop connections the database has closed
            try:
                reminded_on = self.iteration(at, reminded_on)
            except Exception:  # e.g. the database restarting: keep the process alive, try again later
                log.exception("worker iteration failed")
            slept = 0.0
            while self.running and slept < interval:
                time.sleep(min(1.0, interval - slept))
                slept += 1.0

    def iteration(self, at: dt.time, reminded_on: dt.date | None) -> dt.date | None:
        """One round: the daily reminders when due, the task queue, the due deliveries."""
        now = timezone.localtime()
        if self.verdicts_on != now.date():  # the first round of a day: running periods may have ended
            call_command("verdicts", "--stale", stdout=self.stdout)
            self.verdicts_on = now.date()
        if reminded_on != now.date() and now.time() >= at:
            call_command("remind", stdout=self.stdout)
            call_command("signals", stdout=self.stdout)  # the nightly recomputation of the risk signals
            call_command("supervision-remind", stdout=self.stdout)  # 督查整改 due soon or overdue
            call_command("remind_inactive", stdout=self.stdout)  # six months without organisational life
            reminded_on = now.date()
        if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
            self.queue.run()  # until the queue is empty (batch mode)
        result = deliver_due()
        if result["sent"] or result["failed"]:
            self.stdout.write(f"通知投递：发送 {result['sent']} 条，失败待重试 {result['failed']} 条。")
        return reminded_on

    def stop(self, signum, frame):
        self.running = False
