import time

from django.core.management.base import BaseCommand, CommandError

from dangjian.demo import town
from dangjian.orgs.models import Organisation


class Command(BaseCommand):
    help = "生成演示乡镇（可复现）；--branches/--members 生成用于性能测试的大规模数据。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="随机种子，相同种子生成相同数据")
        parser.add_argument("--branches", type=int, help="党支部数量（默认约25个）")
        parser.add_argument("--members", type=int, help="党员数量（默认约800人）")
        parser.add_argument("--if-empty", action="store_true", help="数据库已有党组织时跳过")

    def handle(self, *args, seed, branches, members, if_empty, **options):
        if Organisation.objects.exists():
            if if_empty:
                self.stdout.write("数据库中已有数据，跳过演示数据生成。")
                return
            raise CommandError("数据库中已有党组织，演示数据只能生成到空数据库中（可加 --if-empty 跳过）。")
        if (branches is None) != (members is None):
            raise CommandError("--branches 与 --members 需同时指定。")
        if branches is not None and (branches < 1 or members < branches * 3):
            raise CommandError("党支部数至少为1，且每个党支部至少3名党员。")
        started = time.monotonic()
        ctx = town.build(seed=seed, branches=branches, members=members)
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成演示乡镇：{len(ctx.branches)} 个党支部，{len(ctx.groups)} 个党小组，"
                f"{len(ctx.members)} 名党员，用时 {time.monotonic() - started:.1f} 秒。"
            )
        )
