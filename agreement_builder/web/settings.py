"""Django settings, read from the environment so that one command starts everything.

- AGREEMENT_BUILDER_DATA: the folder of the database, uploads, documents and task queue
  (default `agreement-builder-data` in the current folder; `serve --data` sets it).
- DATABASE_URL: PostgreSQL (`postgres://user:pass@host/name`) instead of SQLite in the data folder.
- REDIS_URL: the build queue in Redis (several machines share the work) instead of SQLite.
- DJANGO_SECRET_KEY: the secret key; by default one is generated into the data folder.
- AGREEMENT_BUILDER_HTTP=1: cookies without the Secure flag, for plain HTTP on a trusted
  network (`serve` sets it for a loopback address); behind an HTTPS proxy set
  AGREEMENT_BUILDER_PROXY_HTTPS=1 instead.
- AGREEMENT_BUILDER_ALLOWED_HOSTS: comma-separated host names the site answers to.
- AGREEMENT_BUILDER_JOBS: processes a build renders in (default 1).
- AGREEMENT_BUILDER_FEEDBACK: the accessibility feedback address.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("AGREEMENT_BUILDER_DATA") or Path.cwd() / "agreement-builder-data")
DATA_DIR = DATA_DIR.resolve()
UPLOAD_DIR = DATA_DIR / "uploads"  # workbooks and signed decisions, under generated names
DOCUMENTS_DIR = DATA_DIR / "documents"  # the build's output root: <agreement id>/<version>/
for _folder in (DATA_DIR, UPLOAD_DIR, DOCUMENTS_DIR, DATA_DIR / "static"):
    _folder.mkdir(parents=True, exist_ok=True, mode=0o700)


def _secret_key() -> str:
    given = os.environ.get("DJANGO_SECRET_KEY")
    if given:
        return given
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(key)
        return key


SECRET_KEY = _secret_key()
DEBUG = _flag("AGREEMENT_BUILDER_DEBUG")
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "AGREEMENT_BUILDER_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]"
    ).split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "huey.contrib.djhuey",
    "agreement_builder.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "agreement_builder.web.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "agreement_builder.web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "agreement_builder.web.urls"
WSGI_APPLICATION = "agreement_builder.web.wsgi.application"
AUTH_USER_MODEL = "web.User"
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agreement_builder.web.views.site_context",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        import dj_database_url

        # Connections are kept for a minute (AGREEMENT_BUILDER_DB_CONN_MAX_AGE seconds).
        age = int(os.environ.get("AGREEMENT_BUILDER_DB_CONN_MAX_AGE", "60"))
        return dict(dj_database_url.parse(url, conn_max_age=age, conn_health_checks=True))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "db.sqlite3"),
        "OPTIONS": {
            # WAL: the pages read while the worker writes a build's progress.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        # A file, not memory: the tests' worker threads and processes open the same database.
        "TEST": {"NAME": str(DATA_DIR / "test-db.sqlite3")},
    }


DATABASES = {"default": _database()}

# The build queue: Huey, with SQLite storage in the data folder, or Redis when REDIS_URL is set.
_redis = os.environ.get("REDIS_URL")
HUEY = {
    "name": "agreement-builder",
    "immediate": _flag("AGREEMENT_BUILDER_IMMEDIATE"),
    "results": True,
    "consumer": {"workers": 1, "worker_type": "thread", "max_delay": 1.0},
}
if _redis:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": _redis})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "tasks.sqlite3")})

BUILD_JOBS = int(os.environ.get("AGREEMENT_BUILDER_JOBS", "1") or 1)
FEEDBACK_ADDRESS = os.environ.get("AGREEMENT_BUILDER_FEEDBACK", "saavutettavuus@example.fi")

AUTHENTICATION_BACKENDS = [
    # django-axes first: it counts failed sign-ins and refuses a locked-out user.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AGREEMENT_BUILDER_SIGNIN_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "web/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", "Suomi"), ("sv", "Svenska")]
LOCALE_PATHS = [HERE / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Helsinki"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True  # serves the package's static files even before collectstatic

# Uploads: a workbook is at most 4 MB (as the library reads it), a signed decision 20 MB; files
# larger than this stay on disk while received, and never in the web root.
MAX_WORKBOOK_BYTES = 4 * 1024 * 1024
MAX_SIGNED_PDF_BYTES = 20 * 1024 * 1024
# No request body may be larger than the largest upload and its form (waitress enforces it too).
MAX_REQUEST_BYTES = MAX_SIGNED_PDF_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

# Secure by default: cookies only over HTTPS, not readable by scripts, same-site.
_http = _flag("AGREEMENT_BUILDER_HTTP")
SESSION_COOKIE_SECURE = not _http
CSRF_COOKIE_SECURE = not _http
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
LANGUAGE_COOKIE_SECURE = not _http
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _flag("AGREEMENT_BUILDER_PROXY_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if "[" not in host]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "agreement_builder": {"handlers": ["console"], "level": "INFO"},
        "huey": {"handlers": ["console"], "level": "WARNING"},
    },
}

# POST /api/validate needs no account: each client address may call it this often a minute.
API_VALIDATE_PER_MINUTE = int(os.environ.get("AGREEMENT_BUILDER_API_PER_MINUTE", "30"))
HEALTH_TIMEOUT = float(os.environ.get("AGREEMENT_BUILDER_HEALTH_TIMEOUT", "5"))
