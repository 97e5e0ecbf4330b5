"""Production configuration: ``manage.py check --deploy`` is clean under the documented
production variables, and every model change has its migration."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

SECRET_KEY = "Zq8sL2vN5xR1tY7uW3pK9mB4cF6hJ0dG-aE_iO8lS2nV5yX1zQ7rT3wU9kP4bM6c"
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": SECRET_KEY,
    "ALLOWED_HOSTS": "secretary.example,www.secretary.example",
    "CSRF_TRUSTED_ORIGINS": "https://secretary.example",
    "SITE_URL": "https://secretary.example",
    # Not contacted: ``check`` runs no database checks unless asked to.
    "DATABASE_URL": "postgres://secretary:secret@db.invalid:5432/secretary",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "EMAIL_HOST": "smtp.invalid",
    "EMAIL_PORT": "587",
    "EMAIL_USE_TLS": "1",
    "DEFAULT_FROM_EMAIL": "Secretary <no-reply@secretary.example>",
}
S3_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "secretary-media",
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "example-secret",
    "S3_ENDPOINT_URL": "https://objects.invalid",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}
    }
    # Not a test process: the settings must take their production branch.
    base["SECRETARY_TESTING"] = "0"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("media", ["shared volume", "S3-compatible storage"])
def test_it_passes_the_deployment_checklist_with_production_variables(media):
    # Given the documented production variables (media on a volume or in object storage)
    env = {**PRODUCTION_ENV, **(S3_ENV if media != "shared volume" else {})}
    # When Django's deployment checklist runs, failing on any warning
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    # Then it reports no issue at all
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_it_refuses_to_run_in_production_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change():
    # makemigrations --check exits non-zero when a model change has no migration.
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exit_:
        pytest.fail(f"Models changed without a migration (makemigrations --check: {exit_.code}).")
