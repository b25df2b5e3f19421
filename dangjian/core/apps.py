from django.apps import AppConfig, apps

# What no page loads: ReDoc (the API docs use Swagger UI), htmx 4 and the htmx extensions, and the admin's
# select2 (only `autocomplete_fields` load it; no admin here has any) with its 60 translations; compressing
# them took most of a cold `make run`. Swagger UI's source maps stay: the manifest checks references to them.
UNUSED_STATIC = [
    "redoc.*",
    "django_htmx/ext/*",
    "django_htmx/htm*-4*",
    "admin/js/vendor/select2/*",
    "admin/css/vendor/select2/*",
    "admin/js/autocomplete.js",
    "admin/css/autocomplete.css",
]
# Third-party apps whose names are plain English strings (their models' names are translated in
# core/locale): how the admin index shows them.
THIRD_PARTY_LABELS = {
    "axes": "登录保护",
    "django_tasks_database": "后台任务",
    "otp_totp": "两步验证：手机验证器",
    "otp_static": "两步验证：恢复码",
}
# Third-party models whose names are plain strings, not translatable: (app label, model) -> name.
THIRD_PARTY_MODEL_NAMES = {
    ("otp_totp", "totpdevice"): "手机验证器",
    ("otp_static", "staticdevice"): "恢复码",
}


class CoreConfig(AppConfig):
    name = "dangjian.core"
    verbose_name = "基础"

    def ready(self) -> None:
        # Set here rather than by a StaticFilesConfig subclass: tools look for the app by its usual name.
        staticfiles = apps.get_app_config("staticfiles")
        staticfiles.ignore_patterns = [*staticfiles.ignore_patterns, *UNUSED_STATIC]
        for label, name in THIRD_PARTY_LABELS.items():
            try:
                apps.get_app_config(label).verbose_name = name
            except LookupError:  # not installed in this deployment
                continue
        for (label, model), name in THIRD_PARTY_MODEL_NAMES.items():
            try:
                meta = apps.get_model(label, model)._meta
            except LookupError:
                continue
            meta.verbose_name = meta.verbose_name_plural = name  # not in original_attrs: no migration
