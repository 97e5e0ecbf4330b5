"""Fixtures of the API tests: token clients, a password confirmation, URLs of a practice."""

import pytest
from django.test import Client
from django.urls import reverse

from secretary import celery_app, services
from tests.factories import PASSWORD


def url(name: str, practice, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": practice.slug, **kwargs})


def token_client(secret: str) -> Client:
    """A client that authenticates only with a personal access token (no session)."""
    return Client(headers={"authorization": f"Bearer {secret}"})


@pytest.fixture
def make_token():
    def make(membership, name: str = "Script") -> tuple:
        return services.token_create(membership=membership, name=name)

    return make


@pytest.fixture
def reauthenticate(settings):
    """Confirm the password of a signed-in client, as the web app asks before sensitive changes."""
    settings.ACCOUNT_RATE_LIMITS = False  # the suite confirms the same few users many times

    def confirm(client: Client) -> None:
        response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert response.status_code == 302, response.content

    return confirm


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process even where a broker is configured (the worker has its own
    tests); they still run only after commit."""
    keys = ("task_always_eager", "task_eager_propagates")
    saved = {key: celery_app.conf.get(key) for key in keys}
    celery_app.conf.update(dict.fromkeys(keys, True))
    yield
    celery_app.conf.update(saved)
