"""Failed sign-ins are counted in the shared cache: Redis whenever REDIS_URL is set, so the
limit holds across every web host and process behind the load balancer."""

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import import_string

from tests.factories import PASSWORD
from tests.infra import services


def sign_in(email: str, password: str, ip: str = "198.51.100.20"):
    return Client(REMOTE_ADDR=ip).post(
        reverse("account_login"), {"login": email, "password": password}
    )


@pytest.fixture
def shared_redis(settings):
    """The cache the settings build from REDIS_URL, under this test's own key prefix; a plain
    Redis connection to it, standing for another web host; our keys are removed afterwards."""
    backend = import_string(settings.CACHES["default"]["BACKEND"])
    assert issubclass(backend, RedisCache), backend
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    connection = redis.Redis.from_url(services.detect().redis_url)
    yield connection, prefix
    for key in connection.scan_iter(match=f"{prefix}:*"):
        connection.delete(key)
    connection.close()


@pytest.mark.redis
@pytest.mark.django_db
def test_it_counts_failed_sign_ins_in_redis_for_every_web_host(world, shared_redis):
    connection, prefix = shared_redis
    email = world.owner.user.email

    # When someone fails to sign in five times as the owner (the per-address-and-IP limit)
    for _ in range(5):
        assert sign_in(email, "wrong-password").status_code == 200

    # Then the counters are in Redis, where every web host reads them
    keys = [key.decode() for key in connection.scan_iter(match=f"{prefix}:*")]
    assert any(":allauth:rl:allauth.account:login_failed:" in key for key in keys), keys

    # And a fresh process (no cache object of its own yet) still refuses the right password
    for alias in django_settings.CACHES:
        caches[alias].close()
        del caches[alias]
    blocked = sign_in(email, PASSWORD)
    assert "Too many failed login attempts" in blocked.content.decode()
