"""Settings, read from the environment (and a local `.env` file) with safe defaults.

Production sets at least SECRET_KEY, FIELD_ENCRYPTION_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
for candidate in (Path.cwd() / ".env", BASE_DIR / ".env"):
    if candidate.is_file():
        env.read_env(str(candidate))
        break

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("请设置环境变量 SECRET_KEY（`make run` 会在 .env 中自动生成）。")
# Key for ID and phone numbers at rest; losing it makes them unreadable, so it is never derived.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")
if len(FIELD_ENCRYPTION_KEY) < 32:
    raise ImproperlyConfigured(
        "请设置至少 32 个字符的环境变量 FIELD_ENCRYPTION_KEY，用于加密身份证号和手机号。"
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
HTTPS = env.bool("HTTPS", default=not DEBUG)

VAR_DIR = Path(env("DANGJIAN_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from its own static files instead of a CDN
    "simple_history",
    "rules",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "dangjian.core",
    "dangjian.orgs",
    "dangjian.rulebook",
    "dangjian.members",
    "dangjian.accounts",
    "dangjian.meetings",
    "dangjian.talks",
    "dangjian.discipline",
    "dangjian.compliance",
    "dangjian.evaluations",
    "dangjian.notifications",
    "dangjian.supervision",
    "dangjian.education",
    "dangjian.recruitment",
    "dangjian.dues",
    "dangjian.assessment",
    "dangjian.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dangjian.accounts.twofactor.require_second_step",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "dangjian.core.middleware.method_not_allowed_in_chinese",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangjian.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'dangjian.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # secure_delete: deleted rows are zeroed, not left in free space (sealed ballots once opened:
            # see docs/evaluations.md «威胁模型»).
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
            "PRAGMA secure_delete=ON;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    # Behind PgBouncer in transaction mode a cursor cannot outlive its transaction (docs/operations.md).
    no_cursors = env.bool("DB_DISABLE_SERVER_SIDE_CURSORS", default=False)
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = no_cursors
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "dangjian.accounts.backends.PhoneOrUsernameBackend",
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "dangjian.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "dangjian.accounts.passwords.SiteNameValidator"},
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
# Per account only (see docs/foundation.md «登录保护»): behind a reverse proxy every client has the proxy's
# address, so an IP lockout would lock out the whole town; a phone login counts against its account.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "dangjian.accounts.backends.lockout_username"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "dangjian.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True

# Two-factor authentication (docs/foundation.md «两步验证»): which accounts must give a code from an
# authenticator app after the password: admin (is_staff/superuser), office (党建办), oversight (上级党委).
OTP_REQUIRED_KINDS = env.list("OTP_REQUIRED_KINDS", default=["admin", "office", "oversight"])
if set(OTP_REQUIRED_KINDS) - {"admin", "office", "oversight"}:
    raise ImproperlyConfigured("OTP_REQUIRED_KINDS 只能包含 admin、office、oversight（用逗号分隔）。")
OTP_TOTP_ISSUER = "党组织生活管理平台"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_ROOT = BASE_DIR / "dangjian" / "core" / "root"  # /favicon.ico, served at the site's root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Several app servers share the uploads in S3-compatible object storage (docs/operations.md); files are
# private and always served through the views that check permissions.
if S3_BUCKET := env("S3_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Compress and keep only the hashed copies (pages always ask for those): half the work of a cold start.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Source maps are read by devtools only.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
NINJA_PAGINATION_MAX_LIMIT = 500  # an API client pages through a county's register instead of one huge answer
NINJA_PAGINATION_CLASS = "dangjian.core.api.Pagination"  # an offset the database can take, or a 422
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Imports (党员名册, 历史活动): the most data rows of one sheet, and the most one part of an .xlsx file may
# unpack to (bounds a zip bomb); a larger register is imported in several files.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
IMPORT_MAX_UNPACKED_MB = env.int("IMPORT_MAX_UNPACKED_MB", default=100)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="dangjian@localhost")

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (docs/foundation.md «内容安全策略»): scripts, styles, fonts and connections from
# this site only, no inline script or event handler. Inline styles stay allowed (style="", print pages'
# <style>): they cannot run code; tests/foundation/test_browser_csp.py holds the scripts to the rule.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# axes.W006 asks for the client address in AXES_LOCKOUT_PARAMETERS; lockout here is per account on purpose
# (see AXES_LOCKOUT_PARAMETERS above), so rotating addresses, agents or cookies gains an attacker nothing.
SILENCED_SYSTEM_CHECKS: list[str] = ["axes.W006"]

# Local rules files added on top of the notice's table (see docs/rules.md).
RULES_FILES = env.list("RULES_FILES", default=[])
# Overrides of dangjian/evaluations/data/evaluation.toml (see docs/evaluations.md).
EVALUATION_RULES_FILE = env("EVALUATION_RULES_FILE", default="")
