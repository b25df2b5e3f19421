from django.core.management.base import BaseCommand

from dangjian.supervision.choices import SignalKind
from dangjian.supervision.services import compute


class Command(BaseCommand):
    help = "计算并保存走过场风险信号（雷同、补录、出勤、扎堆、空泛、照片）；已排除的保持排除。"

    def handle(self, *args, **options):
        result = compute()
        kinds = "，".join(f"{kind.label} {result.by_kind.get(kind.value, 0)}" for kind in SignalKind)
        self.stdout.write(f"发现风险信号 {result.found} 条（{kinds}）；")
        self.stdout.write(f"其中新增 {result.created} 条，不再出现 {result.gone} 条。")
