import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.supervision.rounds.services import remind


class Command(BaseCommand):
    help = "每日运行一次：提醒支部即将到期和已逾期的督查整改（逾期的同时告知党建办），每条提醒只写一次。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="检查日期 YYYY-MM-DD（默认今天）")

    def handle(self, *args, as_of, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of 应为 YYYY-MM-DD 格式的日期：{as_of}") from exc
        self.stdout.write(f"督查整改提醒：新写入投递 {remind(day)} 条。")
