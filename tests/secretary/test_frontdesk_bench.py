"""The front-desk benchmark stays runnable: a tiny run (a few rows, one round) prints its
figures, the way ``tests/tasks/test_bench.py`` keeps ``bench/pages.py`` running.

No figure is checked: timings belong to the benchmark, not to the suite.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.infra.worker import url_for_database

SCENARIOS = [
    "baseline",
    "search client name",
    "search title word",
    "search two words",
    "search rare word",
    "search no match",
    "API search",
    "save a call",
    "call with follow-up",
]
TINY = {
    "BENCH_CLIENTS": "5",
    "BENCH_TASKS": "40",
    "BENCH_ROUNDS": "1",
    "BENCH_BATCH": "1",
    "BENCH_CONNECTIONS": "1",
}


def run_bench(env: dict) -> list[str]:
    result = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "bench" / "frontdesk.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


def assert_every_scenario_reported(lines: list[str]) -> None:
    assert any(line.startswith("cores: ") and "load average" in line for line in lines)
    rows = {
        line[:20].strip(): line[20:].split() for line in lines if line[:20].strip() in SCENARIOS
    }
    assert list(rows) == SCENARIOS
    for name, row in rows.items():
        assert row[-1].replace(".", "", 1).isdigit(), (name, row)  # the ratio of its CPU time
        assert int(row[0].split("/")[0]) > 0, (name, row)  # queries, from the header


def test_it_runs_the_front_desk_benchmark_at_a_tiny_size_on_sqlite(tmp_path):
    # Given the environment of the suite without its database and broker (SQLite in a temp dir)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(TINY, TMPDIR=str(tmp_path))
    # When the script runs, then it prints the machine and every scenario with its ratio
    assert_every_scenario_reported(run_bench(env))


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_runs_the_front_desk_benchmark_at_a_tiny_size_on_postgresql(tmp_path):
    # Given a database of its own next to the suite's (the app's role under row-level security)
    import psycopg

    from tests.infra import services

    name = f"frontdesk_bench_{uuid.uuid4().hex[:8]}"
    server = url_for_database(services.detect().database_url, "postgres")
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = dict(os.environ, **TINY, TMPDIR=str(tmp_path))
        env["DATABASE_URL"] = url_for_database(services.detect().database_url, name)
        env.pop("REDIS_URL", None)
        # When the script runs, then it prints the machine and every scenario with its ratio
        assert_every_scenario_reported(run_bench(env))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
