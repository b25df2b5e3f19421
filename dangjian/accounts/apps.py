from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from . import rules  # noqa: F401  registers the permissions
        from .services import on_member_saved

        post_save.connect(on_member_saved, sender="members.Member", dispatch_uid="close-departed-logins")
