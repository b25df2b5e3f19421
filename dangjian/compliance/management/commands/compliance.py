import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.compliance import services
from dangjian.compliance.periods import Period, check_year
from dangjian.orgs.models import Organisation


class Command(BaseCommand):
    help = "打印某组织（含其党小组）一年的合规检查结果；--as-of 指定检查日期，便于复现以往的检查。"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="组织代码，如 SDS-CUN01")
        parser.add_argument("--year", type=int, help="年度（默认为检查日期所在年度）")
        parser.add_argument("--as-of", help="检查日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--period", help="只看与该期间重叠的结果，如 2025-Q1、2025-03")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, org, year, as_of, period, format, **options):
        try:
            as_of_date = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of 应为 YYYY-MM-DD 格式的日期：{as_of}") from exc
        try:
            within = Period.parse(period) if period else None
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        found = Organisation.objects.filter(code=org).first()
        if found is None:
            raise CommandError(f"没有代码为 {org} 的组织。")
        year = year or (within.year if within else as_of_date.year)
        try:
            check_year(year)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if within and within.year != year:
            raise CommandError(f"--period {period} 不在 --year {year} 年内，请改用该年的期间。")
        verdicts = services.verdicts_for(found, year, as_of_date, within=within)
        if format == "json":
            self.stdout.write(json.dumps([v.as_json() for v in verdicts], ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{found.name} {year}年合规检查（截至 {as_of_date:%Y-%m-%d}）")
        for v in verdicts:
            missing = f"  缺少：{'、'.join(v.missing_records)}" if v.missing_records else ""
            self.stdout.write(
                f"{v.rule_name:<8}\t{v.org_name}\t{v.period:<8}\t{v.status_label}\t{v.counted}/{v.required}{missing}"
            )
            if v.shortfall:
                self.stdout.write(f"\t{v.shortfall}")
        self.stdout.write(f"规则版本：{verdicts[0].rules_version if verdicts else ''}")
