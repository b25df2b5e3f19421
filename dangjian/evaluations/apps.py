from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "dangjian.evaluations"
    verbose_name = "民主评议党员"

    def ready(self) -> None:
        from . import rules  # noqa: F401
        from .ruleset import current

        current()  # a broken rules file stops start-up, not the first request
