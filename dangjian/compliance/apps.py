from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "dangjian.compliance"
    verbose_name = "合规检查"

    def ready(self) -> None:
        from . import triggers

        triggers.connect()
