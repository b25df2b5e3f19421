from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "dangjian.recruitment"
    verbose_name = "发展党员"

    def ready(self) -> None:
        from . import rules  # noqa: F401  registers the permissions
