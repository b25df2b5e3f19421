import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.education.reminders import remind_inactive
from dangjian.notifications.outbox import enqueue_delivery


class Command(BaseCommand):
    help = "每日运行一次：把连续6个月未参加组织生活的党员告知支部书记、组织委员（每人每月一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="检查日期 YYYY-MM-DD（默认今天）")

    def handle(self, *args, as_of, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of 应为 YYYY-MM-DD 格式的日期：{as_of}") from exc
        written = remind_inactive(day)
        enqueue_delivery()
        self.stdout.write(f"新写入投递 {written} 条。")
