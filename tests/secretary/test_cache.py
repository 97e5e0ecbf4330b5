"""Rate limits survive a Redis outage: the cache counts in the process's memory while Redis
does not answer, instead of turning every sign-in and token call into a 500."""

import socket
import time

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.settings import api_settings

from secretary import services
from secretary.api_auth import TokenRateThrottle
from tests.factories import PASSWORD


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """The cache is Redis, on a port where nothing answers."""
    settings.CACHES = {
        "default": {
            "BACKEND": "secretary.cache.FallbackRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "KEY_PREFIX": "down",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def sign_in(email: str, password: str):
    return Client(REMOTE_ADDR="198.51.100.30").post(
        reverse("account_login"), {"login": email, "password": password}
    )


@pytest.mark.django_db
def test_it_limits_failed_sign_ins_while_redis_is_down(world, redis_down):
    email = world.owner.user.email
    # When someone fails to sign in five times (the per-address limit) while Redis is down
    started = time.monotonic()
    answers = [sign_in(email, "wrong-password").status_code for _ in range(5)]
    # Then each attempt is answered, quickly
    assert answers == [200] * 5
    assert time.monotonic() - started < 5
    # And the limit still holds for the right password
    blocked = sign_in(email, PASSWORD)
    assert "Too many failed login attempts" in blocked.content.decode()


@pytest.mark.django_db
def test_it_answers_and_throttles_token_calls_while_redis_is_down(
    world, redis_down, settings, monkeypatch
):
    # Given a low token rate (read by the throttle per request)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "2/min"},
    }
    monkeypatch.setattr(api_settings, "DEFAULT_THROTTLE_RATES", {"token": "2/min"})
    assert TokenRateThrottle().get_rate() == "2/min"
    _token, secret = services.token_create(membership=world.owner, name="Script")
    client = Client(headers={"authorization": f"Bearer {secret}"})

    # When the token calls the API while Redis is down
    answers = [client.get(reverse("api_me")).status_code for _ in range(3)]

    # Then the calls are answered, and the limit still applies
    assert answers == [200, 200, 429]
