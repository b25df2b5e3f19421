from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "dangjian.rulebook"
    verbose_name = "组织生活规则"

    def ready(self) -> None:
        from . import rulebook

        rulebook.current()  # refuse to start on a malformed rules file
