"""The roster benchmark stays runnable: a tiny run (a few engagements, one round) prints its
figures. As ``tests/tasks/test_bench.py`` does for the page benchmark: a database of the
script's own (a throwaway SQLite file, or on PostgreSQL one made for the run and dropped after
it), gunicorn, every page asked once. No figure is checked: timings belong to the benchmark."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.infra.worker import url_for_database

PAGES = ["baseline", "roster week", "API gaps"]
COMPUTATIONS = ["before: selectors.rosters", "afresh: _compute_gap_rows", "cached: gap_rows"]
TINY = {
    "BENCH_ENGAGEMENTS": "4",
    "BENCH_MEMBERS": "3",
    "BENCH_TASKS": "40",
    "BENCH_ROUNDS": "1",
    "BENCH_BATCH": "1",
    "BENCH_CONNECTIONS": "1",
}


def run_bench(env: dict) -> list[str]:
    result = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "bench" / "roster.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


def assert_reported(lines: list[str]) -> None:
    assert any(line.startswith("cores: ") and "load average" in line for line in lines)
    rows = {line[:20].strip(): line.split() for line in lines if line[:20].strip() in PAGES}
    assert list(rows) == PAGES
    for name, row in rows.items():
        assert row[-1].replace(".", "", 1).isdigit(), (name, row)  # the ratio of its CPU time
        assert int(row[len(name.split())].split("/")[0]) > 0  # queries, from the header
    done = [line[:36].strip() for line in lines if line[:36].strip() in COMPUTATIONS]
    assert done == COMPUTATIONS
    summary = next(line for line in lines if line.startswith("in this process"))
    assert "4 engagements over 14 days" in summary


def test_it_runs_the_roster_benchmark_at_a_tiny_size_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(TINY, TMPDIR=str(tmp_path))
    assert_reported(run_bench(env))


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_runs_the_roster_benchmark_at_a_tiny_size_on_postgresql(tmp_path):
    import psycopg

    from tests.infra import services

    name = f"roster_bench_{uuid.uuid4().hex[:8]}"
    server = url_for_database(services.detect().database_url, "postgres")
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = dict(os.environ, **TINY, TMPDIR=str(tmp_path))
        env["DATABASE_URL"] = url_for_database(services.detect().database_url, name)
        env.pop("REDIS_URL", None)  # each worker caches in its memory: the suite's Redis is its own
        assert_reported(run_bench(env))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
