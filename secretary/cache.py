"""A Redis cache that keeps working, per process, while Redis does not answer.

The cache holds counters (sign-in and API token rate limits) and throwaway values. When Redis
is down or frozen, answering 500 to every sign-in and API call is worse than counting in this
process's memory for a while: each web process then limits on its own (a looser limit across
hosts, never none), and goes back to Redis once it answers again.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


@functools.cache
def redis_errors() -> tuple[type[BaseException], ...]:
    # Imported on the first failure, not with the module: Django's system checks load this
    # backend without talking to Redis, and the redis package is slow to import.
    import redis.exceptions

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


# After a failure, use memory for this long before asking Redis again (a frozen Redis costs
# each call its socket timeout: don't pay it on every call).
RETRY_REDIS_AFTER = 5.0

_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class FallbackRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        fallback_params = {k: v for k, v in params.items() if k not in ("OPTIONS", "BACKEND")}
        self._fallback = LocMemCache(f"redis-fallback-{id(self)}", fallback_params)
        self._lock = threading.Lock()
        self._down_until = 0.0

    def _redis_is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _mark_down(self, operation: str, error: BaseException) -> None:
        with self._lock:
            first = not self._redis_is_down()
            self._down_until = time.monotonic() + RETRY_REDIS_AFTER
        if first:
            logger.warning(
                "Cache: Redis failed on %s (%s: %s); using this process's memory for %.0f s",
                operation,
                type(error).__name__,
                error,
                RETRY_REDIS_AFTER,
            )


def _with_fallback(name: str):
    redis_operation = getattr(RedisCache, name)

    def operation(self: FallbackRedisCache, *args: Any, **kwargs: Any) -> Any:
        if not self._redis_is_down():
            try:
                return redis_operation(self, *args, **kwargs)
            except redis_errors() as error:
                self._mark_down(name, error)
        return getattr(self._fallback, name)(*args, **kwargs)

    operation.__name__ = name
    operation.__doc__ = redis_operation.__doc__
    return operation


for _name in _OPERATIONS:
    setattr(FallbackRedisCache, _name, _with_fallback(_name))
