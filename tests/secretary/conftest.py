"""Fixtures for the core's web tests."""

import uuid

import pytest
from django.urls import reverse

from secretary.celery import app as celery_app
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """A private in-memory cache per test, so rate-limit counters (and TOTP codes marked as
    used) never leak between tests, and a shared Redis is never touched."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"core-ui-{uuid.uuid4()}",
        }
    }


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Run tasks in-process (still only after commit) so emails land in the locmem outbox,
    even when a broker is configured for the real-worker tests."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def reauthenticate(client, password: str = PASSWORD) -> None:
    """Confirm the password, as allauth asks before sensitive changes."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:500]


def sign_in(client, email: str, password: str = PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)
