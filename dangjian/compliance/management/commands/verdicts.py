import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.compliance import stored
from dangjian.compliance.periods import check_year


class Command(BaseCommand):
    help = (
        "重算并保存督查看板所用的合规结果：默认重算今年和去年的全部党支部；"
        "--stale 只重算有变动或不是今天计算的结果（后台进程每天零点后自动运行）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="年度，可重复（默认今年和去年）")
        parser.add_argument("--stale", action="store_true", help="只重算过期的结果")

    def handle(self, *args, year, stale, **options):
        today = timezone.localdate()
        started = timezone.now()
        if stale:
            if year:
                raise CommandError("--stale 重算所有过期的年度，不能同时指定 --year。")
            count = stored.refresh_stale(today)
        else:
            try:
                years = [check_year(y) for y in year or (today.year, today.year - 1)]
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            count = stored.rebuild(years, today)
        seconds = (timezone.now() - started) / dt.timedelta(seconds=1)
        self.stdout.write(
            f"合规结果已更新：保存 {count} 条（截至 {today:%Y-%m-%d}），用时 {seconds:.1f} 秒。"
        )
