from django.apps import AppConfig


class TalksConfig(AppConfig):
    name = "dangjian.talks"
    verbose_name = "谈心谈话"

    def ready(self) -> None:
        from . import rules  # noqa: F401  registers the permissions
