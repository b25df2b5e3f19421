from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts.access import access_for
from dangjian.accounts.models import User
from dangjian.orgs.models import Organisation

from ... import importing


class Command(BaseCommand):
    help = "从 .xlsx 导入党员名册（全部正确才导入；按身份证号匹配，重复导入不产生变化）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="党员名册 .xlsx 文件（格式见导入模板）")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--as", dest="username", help="以该账号的权限导入（只能导入到其负责的组织）")
        who.add_argument("--org", help="导入到该组织代码及其下级组织")

    def handle(self, *args, file, username, org, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        user = None
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"账号“{username}”不存在或已停用。")
            allowed = access_for(user).manageable_orgs()
            if not allowed.exists():
                raise CommandError(f"账号“{username}”没有负责的党组织，不能导入党员。")
        else:
            root = Organisation.objects.filter(code=org).first()
            if root is None:
                raise CommandError(f"组织代码“{org}”不存在。")
            allowed = Organisation.objects.subtree(root)
        with path.open("rb") as handle:
            try:
                result = importing.import_members(handle, allowed, user)
            except importing.ImportRefused as exc:
                for problem in exc.problems:
                    self.stderr.write(str(problem))
                raise CommandError(
                    f"文件未导入：发现 {len(exc.problems)} 处问题，请修改后重新导入。"
                ) from None
        self.stdout.write(self.style.SUCCESS(result.summary()))
