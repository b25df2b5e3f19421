from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "dangjian.meetings"
    verbose_name = "组织生活"

    def ready(self) -> None:
        from . import rules  # noqa: F401
