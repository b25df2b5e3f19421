from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "dangjian.discipline"
    verbose_name = "处理违纪党员"

    def ready(self) -> None:
        from . import rules  # noqa: F401  registers the permissions
