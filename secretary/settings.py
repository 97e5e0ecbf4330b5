"""Settings for Secretary, read from the environment (12-factor).

With no DATABASE_URL and no REDIS_URL the app runs on the embedded default: a SQLite file and a
Celery broker made of files under var/broker, so a newcomer needs nothing installed.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("SECRETARY_TESTING", default="pytest" in sys.modules)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production-" + "x" * 20

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "anymail",
    "secretary",
    "clients",
    "tasks",
    "billing",
    "documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "secretary.middleware.MediaOriginMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the body: an upload over its view's limit is refused
    # unread.
    "secretary.upload_limits.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "secretary.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "secretary.urls"
FORM_RENDERER = "secretary.form_renderer.FormRenderer"
# Name empty choices ("No category", "Any client"): a select offering "---------" reads "Not
# chosen", or fails loudly when this is on (tests/secretary/test_empty_choices.py turns it on
# while it walks every page; off by default so the Django admin's own selects keep working).
REFUSE_UNNAMED_EMPTY_CHOICE = False
# django-filter's empty choice, where a filter set names none of its own: no filter is "Any".
FILTERS_EMPTY_CHOICE_LABEL = _("Any")
WSGI_APPLICATION = "secretary.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "secretary.context_processors.practice",
                "clients.portal_brand.portal_brand",
                "csp.context_processors.nonce",
            ],
            # Django's ``date`` filter, faster (secretary/templatetags/dates.py).
            "builtins": ["secretary.templatetags.dates"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Web, worker and beat share the file: readers do not block the writer (WAL), a
            # writer waits for the lock up to 20 s, and transactions take it when they begin
            # (no "database is locked" when a read turns into a write).
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
# Prepared reads (secretary/prepared.py) keep their statements prepared on the connection, so
# PostgreSQL plans each a few times and then reuses a plan. Only where connections outlive a
# request; off behind a pooler in transaction mode that does not carry prepared statements
# between its clients (PgBouncer before 1.21, or without ``max_prepared_statements``).
DATABASE_PREPARED_STATEMENTS = bool(DATABASE_URL) and env_bool(
    "DATABASE_PREPARED_STATEMENTS",
    default=DATABASES["default"].get("CONN_MAX_AGE", 0) != 0,
)
# Row-level security (secretary/rls.py): on PostgreSQL the app switches to this role, which owns
# no table, on every connection; ``migrate`` and ``flush`` run as the connecting (owner) role.
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, and this process's memory while Redis does not answer: rate limits (sign-in,
            # API tokens) keep counting through a Redis outage instead of answering 500.
            "BACKEND": "secretary.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "secretary"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Embedded default (no REDIS_URL): a broker made of files under var/broker (kombu's filesystem
# transport), shared by the web, worker and beat processes of one checkout (`make run` starts
# all three), so documents render and periodic jobs run in the background as in production.
# The suite keeps tasks in-process ("memory").
CELERY_BROKER_DIR = Path(os.environ.get("CELERY_BROKER_DIR", BASE_DIR / "var" / "broker"))
CELERY_BROKER_URL = os.environ.get(
    "CELERY_BROKER_URL", REDIS_URL or ("memory://" if TESTING else "filesystem://localhost/")
)
# No result backend: nothing reads task results, and publishing through one made every request
# wait on (and fail with) Redis. Set CELERY_RESULT_BACKEND to opt in.
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
# With the in-memory broker no other process could receive a task: run it in-process instead
# (still only after commit). A worker refuses to start on it (secretary/celery.py).
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"documents.tasks.*": {"queue": "documents"}}
# An unacknowledged message goes to another worker after this long: above the longest hard time
# limit plus the longest retry countdown (120 s, BackgroundTask.retry_backoff_max), so a job that
# is running or waiting for its retry is not delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 600}
# Workers and beat publish with bounded retries (requests publish through the outbox).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 3,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# Pool children get time to start on a busy host (WeasyPrint is imported before the fork).
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 30
# A pool child is replaced after this many tasks, or after a task that leaves it above this
# much resident memory (MiB): a leak in a library (a render's fonts, images, caches) costs a
# restart, never the host's memory. The replacement happens between tasks, never during one.
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(os.environ.get("WORKER_MAX_TASKS_PER_CHILD") or "1000")
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 1024 * int(
    os.environ.get("WORKER_MAX_MEMORY_PER_CHILD") or "512"
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    # One folder written and read by every process (the folders are made by secretary/celery.py).
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        "polling_interval": 0.5,
    }
CELERY_RESULT_EXPIRES = 24 * 3600
# The outbox: jobs are recorded with the transaction that asks for them and published after
# commit within OUTBOX_PUBLISH_TIMEOUT seconds; the relay (beat) sends again what the worker has
# not finished: after a failed publish (backoff), or OUTBOX_RESEND_AFTER seconds after a send.
OUTBOX_PUBLISH_TIMEOUT = float(os.environ.get("OUTBOX_PUBLISH_TIMEOUT", "0.5"))
OUTBOX_RELAY_INTERVAL = int(os.environ.get("OUTBOX_RELAY_INTERVAL", "30"))
OUTBOX_RESEND_AFTER = int(os.environ.get("OUTBOX_RESEND_AFTER", "660"))
OUTBOX_MAX_DELIVERIES = 5
OUTBOX_KEEP_DONE_DAYS = 7
CELERY_BEAT_SCHEDULE: dict = {
    "outbox-relay": {
        "task": "secretary.tasks.relay_outbox",
        "schedule": float(OUTBOX_RELAY_INTERVAL),
        "options": {"expires": OUTBOX_RELAY_INTERVAL},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "var" / "celerybeat-schedule")
)
CELERY_TIMEZONE = "UTC"
# Keep retrying the broker at start-up (a worker may boot before Redis answers).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if REDIS_URL:
    # Redis as the broker: a frozen Redis makes workers and beat reconnect within seconds
    # instead of waiting on a dead socket.
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {"socket_timeout": 10, "socket_connect_timeout": 5, "socket_keepalive": True}
    )

# --- Auth (allauth) -----------------------------------------------------------------------
AUTH_USER_MODEL = "secretary.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Mandatory in development too: with optional verification a new address is signed in at once,
# so signing up with a taken one must say "already registered" and reveals who has an account.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {"signup": "secretary.account_forms.SignupForm"}
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Secretary] "
ACCOUNT_ADAPTER = "secretary.adapters.AccountAdapter"
# Full name and the browser's time zone, next to email and password.
ACCOUNT_SIGNUP_FORM_CLASS = "secretary.forms.SignupExtraForm"
# Failed sign-ins per IP, and per address from one IP (the adapter makes the "key" that pair:
# per address alone, anyone could lock anyone out); counted in the shared cache (Redis when
# configured).
# The IP is the peer's, or, behind our own proxies, the one the last of them put in
# X-Forwarded-For (clients can forge the rest); the audit log uses the same address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}
# Changing email or password asks for the password again (MFA changes always do).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# Tell people by email when their password, email or two-factor settings change.
ACCOUNT_EMAIL_NOTIFICATIONS = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Secretary"

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Secretary <no-reply@secretary.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Inbound email: each client's private address is <token>@INBOUND_DOMAIN. Point the domain's MX
# at a provider whose inbound webhook posts to /mail/inbound/<provider>/ (closed until its secret
# is set, as the event webhooks below), or read a mailbox with `manage.py receive_mail --imap`.
INBOUND_DOMAIN = os.environ.get("INBOUND_DOMAIN", "inbound.secretary.local").strip().lower()
# Messages a sender may send in an hour before more are ignored (a loop or a flood).
INBOUND_SENDER_HOURLY_LIMIT = int(os.environ.get("INBOUND_SENDER_HOURLY_LIMIT", "30"))
# Campaigns may send through an email provider with django-anymail: set EMAIL_BACKEND to its
# backend (e.g. anymail.backends.postmark.EmailBackend) and its key below. The providers'
# event webhooks (/mailing/webhooks/<provider>/) stay closed until their secret is set:
# ANYMAIL_WEBHOOK_SECRET ("user:password" of the webhook's basic auth) and, for Mailgun's
# signatures, ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY.
ANYMAIL = {
    key: os.environ[f"ANYMAIL_{key}"]
    for key in (
        "WEBHOOK_SECRET",
        "MAILGUN_API_KEY",
        "MAILGUN_SENDER_DOMAIN",
        "MAILGUN_WEBHOOK_SIGNING_KEY",
        "POSTMARK_SERVER_TOKEN",
        "SENDGRID_API_KEY",
        "BREVO_API_KEY",
        "MAILJET_API_KEY",
        "MAILJET_SECRET_KEY",
        "SPARKPOST_API_KEY",
        "POSTAL_WEBHOOK_KEY",
        "MAILERSEND_INBOUND_SECRET",
    )
    if os.environ.get(f"ANYMAIL_{key}")
}

# Online payment of invoices (Stripe Checkout): on only when both are set.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")

# --- I18n, time ---------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["secretary.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Media on S3-compatible object storage (AWS S3, MinIO, Ceph, R2...) when a bucket is named, so
# any number of web and worker hosts share one store; otherwise a folder (a shared volume).
# Objects stay private: URLs are signed and expire, and no ACL makes them public.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the host's IAM role.
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION_NAME") or None,
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
            "custom_domain": os.environ.get("S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("S3_MEDIA_PREFIX", "media"),
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("S3_URL_EXPIRE_SECONDS", "300")),
            # Two uploads with one name keep both files instead of the second replacing the first.
            "file_overwrite": False,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest recording a transcription job takes (named on its form); bigger uploads than
# FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to temporary files, never held in memory.
TRANSCRIPTION_MAX_AUDIO_BYTES = int(
    os.environ.get("TRANSCRIPTION_MAX_AUDIO_BYTES", str(200 * 1024 * 1024))
)
# Form posts and API JSON bodies (files are not counted): 1 MB is far above any real form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "secretary.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON in and out; the interactive documentation is at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["secretary.api_parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "secretary.api_base.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "secretary.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "secretary.api_base.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    # Calls authenticated by a personal access token, per user (browser sessions are not limited).
    # The suite makes many calls as the same few users; its throttling tests set their own rate.
    "DEFAULT_THROTTLE_CLASSES": ["secretary.api_auth.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("API_TOKEN_RATE", "10000/min" if TESTING else "120/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Secretary API",
    "DESCRIPTION": """Practice software for virtual secretaries.

**Signing in.** From the browser, the API uses your session (send the CSRF token in
`X-CSRFToken` on writes). Scripts use a personal access token: `Authorization: Bearer sec_…`.
A token belongs to one membership: it opens only that practice (other practices answer 404,
even ones you belong to), it cannot list or create tokens, and its calls are rate-limited per
user (429 with `Retry-After`). Create tokens on your settings page, or from a signed-in
browser with `POST …/tokens/`; the secret is shown once.

**Practices.** Everything of a practice lives under `/api/v1/practices/{practice_slug}/`. A
practice you do not belong to does not exist for you (404); a role too low for an action gets 403.

**Errors** are JSON: `{"message": "…", "errors": {"field": ["…"]}}`. **Lists** are paginated:
`{"count", "count_exact", "next", "previous", "results"}`, with `?page=` and `?page_size=` (at
most 200). A page within the first 10,000 results counts them only that far: with more,
`count` is 10,000 and `count_exact` is false (follow `next`; a page past them counts all).

**Types** are JSON's and nothing else: booleans are `true` or `false` (in query parameters too),
decimals (money, hours) are strings such as `"12.50"`, and text never holds the NUL character.
An empty query parameter (`?client=`) is the same as leaving it out.""",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No calls to swagger.io's online validator: the docs page talks to this site only.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "secretary.api.schema.add_components",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "TAGS": [
        {"name": "account", "description": "You, and the practices you belong to."},
        {"name": "practices", "description": "A practice, as its members see it."},
        {"name": "members", "description": "Members of a practice and their roles."},
        {"name": "invitations", "description": "Inviting people to a practice."},
        {"name": "activity", "description": "The audit log of a practice."},
        {"name": "tokens", "description": "Your personal access tokens (browser session only)."},
        {"name": "catalog", "description": "Service categories and plans the practice sells."},
        {"name": "clients", "description": "Client businesses and their contacts."},
        {"name": "onboarding", "description": "Intake questionnaires and their answers."},
        {"name": "engagements", "description": "Each client's customized plan and its versions."},
        {"name": "tasks", "description": "Client requests and tasks, comments and attachments."},
        {"name": "time", "description": "Time entries and timers."},
        {"name": "calendar", "description": "Calendar events and private calendar feeds."},
        {"name": "search", "description": "Search across the practice (staff)."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "secretary.models.Role",
        # Several models have a "status" field with different choices: name each enum.
        "ClientStatusEnum": "clients.models.ClientStatus",
        "EngagementStatusEnum": "clients.models.EngagementStatus",
        "QuestionnaireStatusEnum": "clients.models.QuestionnaireStatus",
        "TaskStatusEnum": "tasks.models.Status",
        "DocumentStatusEnum": "documents.models.DocumentStatus",
        # Documents API.
        "DocumentKindEnum": "documents.models.DocumentKind",
        "ComposableKindEnum": "documents.serializers.COMPOSABLE_KIND_CHOICES",
        "CompositionStatusEnum": "documents.models.CompositionStatus",
        # Ledger API (billing).
        "AccountRoleEnum": "billing.models.AccountRole",
        "EntryStatusEnum": "billing.models.EntryStatus",
        # Invoicing API (billing).
        "InvoiceStatusEnum": "billing.models.InvoiceStatus",
        "InvoiceKindEnum": "billing.models.InvoiceKind",
        "InvoiceLineKindEnum": "billing.models.LineKind",
        # Mailing lists API (clients.mailing).
        "SubscriberStatusEnum": "clients.mailing.models.SubscriberStatus",
        "ImportJobStatusEnum": "clients.mailing.models.ImportStatus",
        # Campaigns API (clients.mailing.campaigns).
        "CampaignStatusEnum": "clients.mailing.campaigns.models.CampaignStatus",
        "DeliveryStatusEnum": "clients.mailing.campaigns.models.DeliveryStatus",
    },
}

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Load balancers probe /healthz over plain HTTP behind the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy on every response. Scripts and style sheets come from our own origin
# (or carry the response's nonce); style attributes stay allowed for the widths of bars and
# the colours of brand previews, which no script can hide in. Stored files get a stricter
# policy of their own (secretary/files.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}
# User files on an origin of their own (e.g. files.secretary.example), in production: a file
# that slipped past every check still cannot reach the application's cookies or pages.
MEDIA_DOMAIN = os.environ.get("MEDIA_DOMAIN", "").strip()
if MEDIA_DOMAIN:
    _media_origin = MEDIA_DOMAIN if "://" in MEDIA_DOMAIN else f"https://{MEDIA_DOMAIN}"
    ALLOWED_HOSTS.append(_media_origin.split("://", 1)[1].rstrip("/"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_media_origin.rstrip("/"))
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "practice": {"()": "secretary.log_filters.PracticeContextFilter"},
        "redact_url_secrets": {"()": "secretary.log_filters.RedactUrlSecrets"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s practice=%(practice)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["practice", "redact_url_secrets"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "level": "INFO",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint's font subsetting logs a line per table of every font at INFO.
        "fontTools": {"level": "WARNING"},
        # "Not Found: /app/<slug>/calendar/feed/<token>.ics", "Gone: /invitations/<token>/", the
        # development server's request lines: keep the secrets in URLs out of the logs.
        "django.request": {"filters": ["redact_url_secrets"]},
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["redact_url_secrets"],
            "level": "INFO",
            "propagate": False,
        },
        "secretary.security": {"level": "INFO"},
    },
}

# --- Product limits -----------------------------------------------------------------------
INVITATION_TTL_DAYS = 7
