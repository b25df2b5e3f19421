import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dangjian.accounts.models import User
from dangjian.orgs.models import Organisation

KINDS = {"office": User.Kind.OFFICE, "oversight": User.Kind.OVERSIGHT}


class Command(BaseCommand):
    help = (
        "新建党建办（office）或上级党委只读（oversight）账号。密码在终端提示输入两次；"
        "非交互使用时从标准输入读第一行。密码须符合密码规则。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument(
            "--kind", required=True, choices=sorted(KINDS), help="office=党建办，oversight=上级党委"
        )
        parser.add_argument("--org", help="管辖组织代码；只有一个镇党委时可省略")
        parser.add_argument("--name", default="", help="姓名，显示在页面右上角")

    def handle(self, *args, username, kind, org, name, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户名“{username}”已存在。")
        scope = self._scope(org)
        user = User(username=username, kind=KINDS[kind], scope_org=scope, first_name=name)
        password = self._password()
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("密码不符合要求：" + "".join(exc.messages)) from None
        user.set_password(password)
        with transaction.atomic():
            user.save()
        self.stdout.write(
            f"已新建{user.get_kind_display()}账号“{username}”，管辖 {scope.name}（{scope.code}）及其下级。"
        )

    def _scope(self, code: str | None) -> Organisation:
        if code:
            scope = Organisation.objects.filter(code=code).first()
            if scope is None:
                raise CommandError(f"组织代码“{code}”不存在。")
            return scope
        roots = list(Organisation.objects.filter(parent__isnull=True)[:2])
        if len(roots) != 1:
            raise CommandError("请用 --org 指定管辖组织（先用 dangjian create-town 新建镇党委）。")
        return roots[0]

    def _password(self) -> str:
        if not sys.stdin.isatty():
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("密码：")
        if first != getpass.getpass("再次输入密码："):
            raise CommandError("两次输入的密码不一致。")
        return first
