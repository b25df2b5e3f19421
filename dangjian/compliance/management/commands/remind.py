import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.assessment.reminders import remind as remind_objections
from dangjian.compliance.reminders import remind, remind_days
from dangjian.notifications.outbox import enqueue_delivery
from dangjian.recruitment.reminders import remind as remind_recruitment


class Command(BaseCommand):
    help = "每日运行一次：把即将到期仍未完成的组织生活和已逾期的整改措施写入通知发件箱，并交给后台任务发送。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="检查日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--days", type=int, help=f"期间结束前几天开始提醒（默认 {remind_days()}）")

    def handle(self, *args, as_of, days, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of 应为 YYYY-MM-DD 格式的日期：{as_of}") from exc
        if days is not None and days < 0:
            raise CommandError("--days 不能为负数。")
        result = remind(day, days)
        recruitment = remind_recruitment(day, remind_days() if days is None else days)
        objections = remind_objections(day)
        enqueue_delivery()  # also picks up earlier deliveries still waiting for a retry
        self.stdout.write(
            f"到期提醒 {result.deadlines} 条，逾期整改 {result.overdue} 条，"
            f"新写入投递 {result.deliveries} 条；发展党员时限提醒投递 {recruitment} 条，"
            f"考核申诉期提醒投递 {objections} 条。"
        )
