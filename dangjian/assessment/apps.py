from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "dangjian.assessment"
    verbose_name = "考核"

    def ready(self) -> None:
        from . import scheme

        scheme.default()  # a malformed default scheme stops the start, not the town table
