"""Settings come from the environment: the embedded default with nothing set, real services
(Postgres with persistent checked connections, Redis, S3-compatible media) when configured."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from storages.backends.s3 import S3Storage

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "secretary" / "settings.py"
ENV_NAMES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "CONN_MAX_AGE",
    "DATABASE_PREPARED_STATEMENTS",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_BROKER_DIR",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "S3_ENDPOINT_URL",
    "S3_REGION_NAME",
    "S3_ADDRESSING_STYLE",
    "S3_CUSTOM_DOMAIN",
    "S3_MEDIA_PREFIX",
    "S3_URL_EXPIRE_SECONDS",
    "SECURE_SSL_REDIRECT",
    "EMAIL_BACKEND",
    "TRUSTED_PROXY_COUNT",
)
PRODUCTION_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz-_=+"


@pytest.fixture
def load_settings(monkeypatch):
    """Evaluate settings.py afresh under the given environment; returns its names."""

    def load(**env: str) -> dict:
        for name in ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("SECRETARY_TESTING", env.pop("SECRETARY_TESTING", "1"))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS_FILE))

    return load


def production(**env: str) -> dict:
    return {
        "SECRETARY_TESTING": "0",
        "DEBUG": "0",
        "SECRET_KEY": PRODUCTION_KEY,
        "ALLOWED_HOSTS": "secretary.example",
        **env,
    }


def test_it_runs_on_sqlite_with_eager_tasks_when_nothing_is_configured(load_settings):
    loaded = load_settings()
    assert loaded["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is True
    assert loaded["CELERY_BROKER_URL"] == "memory://"
    assert loaded["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert loaded["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")


def test_it_runs_a_real_broker_in_files_when_nothing_is_configured_outside_the_suite(
    load_settings, tmp_path
):
    # Given a developer's machine: nothing configured, not the test suite
    loaded = load_settings(SECRETARY_TESTING="0", DEBUG="1", CELERY_BROKER_DIR=str(tmp_path))
    # Then tasks go to a broker made of files that web, worker and beat share, not in-process
    assert loaded["CELERY_BROKER_URL"].startswith("filesystem://")
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is False
    assert loaded["CELERY_RESULT_BACKEND"] is None
    options = loaded["CELERY_BROKER_TRANSPORT_OPTIONS"]
    assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "queue")
    # And the SQLite file takes several processes: WAL, a busy timeout, locks taken up front
    sqlite = loaded["DATABASES"]["default"]["OPTIONS"]
    assert "journal_mode=WAL" in sqlite["init_command"]
    assert sqlite["timeout"] == 20
    assert sqlite["transaction_mode"] == "IMMEDIATE"


def test_it_uses_postgres_with_persistent_checked_connections(load_settings):
    loaded = load_settings(DATABASE_URL="postgres://app:secret@db.internal:5433/secretary")
    database = loaded["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"], database["USER"]) == (
        "db.internal",
        5433,
        "secretary",
        "app",
    )
    assert database["CONN_MAX_AGE"] == 600
    assert database["CONN_HEALTH_CHECKS"] is True


def test_it_lets_the_environment_tune_connection_age(load_settings):
    loaded = load_settings(DATABASE_URL="postgres://app@db/secretary", CONN_MAX_AGE="0")
    assert loaded["DATABASES"]["default"]["CONN_MAX_AGE"] == 0


def test_prepared_statements_follow_connections_that_outlive_a_request(load_settings):
    url = "postgres://app@db/secretary"
    assert load_settings(DATABASE_URL=url)["DATABASE_PREPARED_STATEMENTS"] is True
    # Behind PgBouncer in transaction mode (CONN_MAX_AGE=0), or where the environment says so
    assert (
        load_settings(DATABASE_URL=url, CONN_MAX_AGE="0")["DATABASE_PREPARED_STATEMENTS"] is False
    )
    off = load_settings(DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="0")
    assert off["DATABASE_PREPARED_STATEMENTS"] is False
    # The embedded default (SQLite) prepares nothing of its own
    assert load_settings()["DATABASE_PREPARED_STATEMENTS"] is False


def test_it_sends_tasks_to_redis_and_caches_there_when_redis_is_configured(load_settings):
    loaded = load_settings(REDIS_URL="redis://cache.internal:6379/2")
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is False
    assert loaded["CELERY_BROKER_URL"] == "redis://cache.internal:6379/2"
    # Nothing reads results: no result backend for a publish to wait on
    assert loaded["CELERY_RESULT_BACKEND"] is None
    assert loaded["CELERY_TASK_IGNORE_RESULT"] is True
    assert loaded["CACHES"]["default"]["BACKEND"] == "secretary.cache.FallbackRedisCache"
    assert loaded["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    # The queues and delivery guarantees of the design
    assert loaded["CELERY_TASK_DEFAULT_QUEUE"] == "default"
    assert loaded["CELERY_TASK_ROUTES"] == {"documents.tasks.*": {"queue": "documents"}}
    assert loaded["CELERY_TASK_ACKS_LATE"] is True
    assert loaded["CELERY_TASK_REJECT_ON_WORKER_LOST"] is True
    assert loaded["CELERY_WORKER_PREFETCH_MULTIPLIER"] == 1


def test_it_refuses_to_start_in_production_without_a_secret_key(load_settings):
    from django.core.exceptions import ImproperlyConfigured

    env = production()
    del env["SECRET_KEY"]
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(**env)


def test_it_secures_cookies_and_transport_in_production(load_settings):
    loaded = load_settings(**production())
    assert loaded["DEBUG"] is False
    assert loaded["ALLOWED_HOSTS"] == ["secretary.example"]
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["SESSION_COOKIE_HTTPONLY"] is True
    assert loaded["CSRF_COOKIE_HTTPONLY"] is True
    assert loaded["SESSION_COOKIE_SAMESITE"] == loaded["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] >= 31536000
    assert loaded["ACCOUNT_EMAIL_VERIFICATION"] == "mandatory"
    assert loaded["STORAGES"]["staticfiles"]["BACKEND"].startswith("whitenoise.")


def test_it_stores_media_in_s3_compatible_storage_when_a_bucket_is_named(load_settings):
    loaded = load_settings(
        **production(
            AWS_STORAGE_BUCKET_NAME="secretary-media",
            AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
            AWS_SECRET_ACCESS_KEY="example-secret",
            S3_ENDPOINT_URL="https://objects.example:9000",
            S3_REGION_NAME="eu-west-1",
            S3_ADDRESSING_STYLE="path",
        )
    )
    storage = loaded["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    # The options build a working storage: private objects behind short-lived signed URLs
    s3 = S3Storage(**storage["OPTIONS"])
    url = s3.url("documents/invoice.pdf")
    assert url.startswith(
        "https://objects.example:9000/secretary-media/media/documents/invoice.pdf?"
    )
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url
    assert s3.default_acl is None
    assert s3.file_overwrite is False


def test_it_reads_forwarded_addresses_only_behind_the_proxies_named(load_settings):
    # By default X-Forwarded-For is ignored (a client can forge it); login rate limits and the
    # audit log both take the address from allauth's setting.
    assert load_settings()["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0
    assert load_settings(TRUSTED_PROXY_COUNT="1")["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1


def test_it_sizes_broker_redelivery_above_every_time_limit_and_retry(load_settings):
    from documents.models import RENDER_TIME_LIMIT, render_lease
    from documents.tasks import render_document
    from secretary.outbox import BackgroundTask

    loaded = load_settings(REDIS_URL="redis://cache.internal:6379/2")
    visibility = loaded["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]
    longest_wait = max(BackgroundTask.retry_backoff_max, render_document.retry_backoff_max)
    # A running job, or one waiting for its retry, is never handed to a second worker
    assert visibility > loaded["CELERY_TASK_TIME_LIMIT"] + longest_wait
    assert visibility > RENDER_TIME_LIMIT + longest_wait
    # And a lost one comes back within minutes, not an hour
    assert visibility <= 15 * 60
    # The relay re-sends only what the broker would no longer deliver itself
    assert loaded["OUTBOX_RESEND_AFTER"] > visibility
    # A render's lease outlasts its hard time limit
    assert render_lease().total_seconds() > RENDER_TIME_LIMIT
    # Publishing and Redis sockets are bounded; pool children get time to start
    assert loaded["OUTBOX_PUBLISH_TIMEOUT"] <= 1
    assert loaded["CELERY_BROKER_TRANSPORT_OPTIONS"]["socket_timeout"] <= 10
    assert loaded["CACHES"]["default"]["OPTIONS"]["socket_timeout"] <= 1
    assert loaded["CELERY_WORKER_PROC_ALIVE_TIMEOUT"] >= 30
