"""The suite runs where services are missing (skipping what needs them, and saying so), but
under CI=true a missing service fails the tests that need it."""

from dataclasses import replace

import pytest

from tests.infra.services import Services, redact

EVERYTHING = Services(
    ci=False,
    database_url="postgres://app:secret@127.0.0.1:5432/secretary",
    redis_url="redis://127.0.0.1:6379/3",
    postgres_problem=None,
    redis_problem=None,
    chromium="/usr/bin/chromium",
    browser_problem=None,
)
NOTHING = replace(
    EVERYTHING,
    database_url="",
    redis_url="",
    chromium=None,
    postgres_problem="no PostgreSQL",
    redis_problem="no Redis",
    browser_problem="no Chromium",
)


@pytest.mark.parametrize("marker", ["postgres", "redis", "worker", "browser"])
def test_it_runs_a_service_test_where_the_service_is_reachable(marker):
    assert EVERYTHING.gate(marker) is None
    assert replace(EVERYTHING, ci=True).gate(marker) is None


@pytest.mark.parametrize("marker", ["postgres", "redis", "worker", "browser"])
def test_it_skips_a_service_test_with_the_reason_outside_ci(marker):
    action, reason = NOTHING.gate(marker)
    assert action == "skip"
    assert marker in reason and "no " in reason


@pytest.mark.parametrize("marker", ["postgres", "redis", "worker", "browser"])
def test_it_fails_a_service_test_under_ci(marker):
    action, reason = replace(NOTHING, ci=True).gate(marker)
    assert action == "fail"
    assert reason.startswith("CI=true")


def test_it_needs_both_postgres_and_redis_for_the_worker():
    assert replace(EVERYTHING, redis_problem="no Redis").gate("worker")[1].endswith("no Redis")
    no_postgres = replace(EVERYTHING, postgres_problem="no PostgreSQL")
    assert no_postgres.gate("worker")[1].endswith("no PostgreSQL")


def test_it_says_which_services_it_uses_without_printing_passwords():
    header = "\n".join(EVERYTHING.header())
    assert "postgres://app:***@127.0.0.1:5432/secretary" in header
    assert "secret" not in header.replace("secretary", "")
    assert "real Celery worker" in header
    assert "in-process (eager)" in "\n".join(NOTHING.header())
    assert "FAILS" in "\n".join(replace(NOTHING, ci=True).header())


def test_it_redacts_only_the_password():
    assert redact("redis://:pw@host:6379/0") == "redis://:***@host:6379/0"
    assert redact("redis://host:6379/0") == "redis://host:6379/0"


def test_it_rejects_an_unknown_marker():
    with pytest.raises(ValueError, match="Unknown"):
        EVERYTHING.gate("mainframe")
