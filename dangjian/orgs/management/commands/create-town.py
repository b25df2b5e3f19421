import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organisation


class Command(BaseCommand):
    help = "新建镇党委（组织树的根），正式部署时第一步使用；其下的党总支、党支部在页面上添加。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="组织代码，如 SDS")
        parser.add_argument("name", help="名称，如 中共神鼎山镇委员会")
        parser.add_argument("--founded", type=dt.date.fromisoformat, help="成立日期，如 1950-10-01")

    def handle(self, *args, code, name, founded, **options):
        town = Organisation(code=code, name=name, kind=OrgKind.TOWN, category="")
        if founded:
            town.founded_on = founded
        try:
            town.full_clean()
        except ValidationError as exc:
            raise CommandError("；".join(m for msgs in exc.message_dict.values() for m in msgs)) from None
        town.save()
        self.stdout.write(f"已新建{town.get_kind_display()}“{town.name}”（代码 {town.code}）。")
