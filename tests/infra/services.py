"""Which real services this test session can use, and what to do when one is missing.

``make test`` runs anywhere: on SQLite with in-process tasks when nothing is configured, and on
PostgreSQL, Redis, a real Celery worker and Chromium where they are reachable. Tests that need
one carry a marker (``postgres``, ``redis``, ``worker``, ``browser``); without the service they are skipped
with the reason, and under ``CI=true`` they fail instead, so CI never goes green on skips.
"""

from __future__ import annotations

import functools
import os
import shutil
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

MARKERS = ("postgres", "redis", "worker", "browser")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def redact(url: str) -> str:
    """The URL without its password, for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


@dataclass(frozen=True)
class Services:
    ci: bool
    database_url: str
    redis_url: str
    postgres_problem: str | None
    redis_problem: str | None
    chromium: str | None
    browser_problem: str | None

    def problem(self, marker: str) -> str | None:
        """Why tests with ``marker`` cannot run here, or None when they can."""
        if marker == "postgres":
            return self.postgres_problem
        if marker == "redis":
            return self.redis_problem
        if marker == "worker":
            return self.postgres_problem or self.redis_problem
        if marker == "browser":
            return self.browser_problem
        raise ValueError(f"Unknown service marker: {marker}")

    def gate(self, marker: str) -> tuple[str, str] | None:
        """None to run the test, else ("skip" | "fail", reason)."""
        problem = self.problem(marker)
        if problem is None:
            return None
        if self.ci:
            return "fail", f"CI=true and a '{marker}' test cannot run: {problem}"
        return "skip", f"'{marker}' test skipped: {problem}"

    def header(self) -> list[str]:
        def state(marker: str, where: str) -> str:
            problem = self.problem(marker)
            return f"yes ({where})" if problem is None else f"no ({problem})"

        database = redact(self.database_url) if self.database_url else "SQLite"
        redis = redact(self.redis_url) if self.redis_url else "-"
        mode = (
            "CI=true: a test whose service is missing FAILS"
            if self.ci
            else "a test whose service is missing is skipped (CI=true makes it fail)"
        )
        return [
            f"services: database {database}; tasks "
            + (
                "real Celery worker on " + redis
                if self.problem("worker") is None
                else "in-process (eager)"
            ),
            f"  postgres tests: {state('postgres', database)}",
            f"  redis tests:    {state('redis', redis)}",
            f"  worker tests:   {state('worker', redis)}",
            f"  browser tests:  {state('browser', self.chromium or '')}",
            f"  {mode}",
        ]


def _postgres_problem(database_url: str) -> str | None:
    if not database_url:
        return "no PostgreSQL, the suite runs on SQLite (set DATABASE_URL=postgres://…)"
    if urlsplit(database_url).scheme not in {"postgres", "postgresql", "pgsql"}:
        return f"DATABASE_URL is not PostgreSQL ({urlsplit(database_url).scheme})"
    return None


def _redis_problem(redis_url: str) -> str | None:
    if not redis_url:
        return "no Redis (set REDIS_URL=redis://…)"
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as error:
        return f"Redis at {redact(redis_url)} does not answer ({error})"
    return None


def _chromium() -> tuple[str | None, str | None]:
    path = os.environ.get("CHROMIUM_PATH") or next(
        (found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None
    )
    if not path or not os.access(path, os.X_OK):
        return None, "no Chromium (install the chromium package or set CHROMIUM_PATH)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return path, "the playwright package is not installed"
    return path, None


@functools.cache
def detect() -> Services:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    chromium, browser_problem = _chromium()
    return Services(
        ci=env_flag("CI"),
        database_url=database_url,
        redis_url=redis_url,
        postgres_problem=_postgres_problem(database_url),
        redis_problem=_redis_problem(redis_url),
        chromium=chromium,
        browser_problem=browser_problem,
    )
