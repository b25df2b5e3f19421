from django.core.management.base import BaseCommand

from dangjian.accounts import twofactor
from dangjian.accounts.models import User
from dangjian.demo.town import DEMO_PASSWORD

USERNAMES = [
    "dangjianban",
    "shangji",
    "zhenshuji",  # 镇党委书记: approves 通报 (assessment demo)
    "shuji",
    "zuzhi",
    "zhidaoyuan",
    "xiaozuzhang",
    "dangyuan",
    "admin",
]


class Command(BaseCommand):
    help = "列出仍使用演示密码的演示账号。"

    def handle(self, *args, **options):
        users = User.objects.filter(username__in=USERNAMES).select_related("member__org", "scope_org")
        rows = [u for u in users if u.check_password(DEMO_PASSWORD)]
        if not rows:
            self.stdout.write("没有仍使用演示密码的演示账号。")
            return
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        order = {name: i for i, name in enumerate(USERNAMES)}
        for user in sorted(rows, key=lambda u: order[u.username]):
            where = (
                user.member.org.name if user.member_id else (user.scope_org.name if user.scope_org_id else "")
            )
            phone = f"，或手机号 {user.member.phone}" if user.member_id and user.member.phone else ""
            where = f"（{where}）" if where else ""
            otp = "，须两步验证（首次登录时用手机验证器扫码启用）" if twofactor.required(user) else ""
            self.stdout.write(f"  {user.username:<12} {user}{where}{phone}{otp}")
        self.stdout.write("")
