from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts.access import access_for
from dangjian.accounts.models import User
from dangjian.members.importing import ImportRefused
from dangjian.orgs.models import Organisation

from ... import importing


class Command(BaseCommand):
    help = "导入历史组织生活记录（.json 或 .xlsx，含出勤和纸质记录位置；全部正确才导入）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".json 或 .xlsx 文件")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--as", dest="username", help="以该账号的权限导入（只能导入其负责的组织的活动）")
        scope.add_argument("--org", help="只导入该组织代码及其下级组织的活动（默认：全部组织）")

    def handle(self, *args, file, username=None, org=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        user, allowed = None, Organisation.objects.all()
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"账号“{username}”不存在或已停用。")
            allowed = access_for(user).manageable_orgs()
        elif org:
            root = Organisation.objects.filter(code=org).first()
            if root is None:
                raise CommandError(f"组织代码“{org}”不存在。")
            allowed = Organisation.objects.subtree(root)
        try:
            result = importing.import_file(path, allowed, user)
        except ImportRefused as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"文件未导入：发现 {len(exc.problems)} 处问题，请修改后重新导入。") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：新增活动 {result.created} 项（出勤 {result.attendance} 条，"
                f"纸质记录 {result.records} 份），已存在未变化 {result.unchanged} 项。"
            )
        )
