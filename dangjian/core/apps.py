from django.apps import AppConfig, apps

# Third-party apps whose names are plain English strings (their models' names are translated in
# core/locale): how the admin index shows them.
THIRD_PARTY_LABELS = {
    "axes": "登录保护",
    "django_tasks_database": "后台任务",
}


class CoreConfig(AppConfig):
    name = "dangjian.core"
    verbose_name = "基础"

    def ready(self) -> None:
        for label, name in THIRD_PARTY_LABELS.items():
            try:
                apps.get_app_config(label).verbose_name = name
            except LookupError:  # not installed in this deployment
                continue
