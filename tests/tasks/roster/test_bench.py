"""The roster benchmark stays runnable: a tiny run (a few engagements, one round) prints its
figures. As ``tests/tasks/test_bench.py`` does for the page benchmark: a database of the
script's own (a throwaway SQLite file, or on PostgreSQL one made for the run and dropped after
it), gunicorn, every page asked once. No figure is checked: timings belong to the benchmark."""

import pytest

from tests.bench_runs import assert_rows_reported, postgres_env, run_script, sqlite_env

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


def assert_reported(lines: list[str]) -> None:
    assert_rows_reported(lines, PAGES)
    done = [line[:36].strip() for line in lines if line[:36].strip() in COMPUTATIONS]
    assert done == COMPUTATIONS
    summary = next(line for line in lines if line.startswith("in this process"))
    assert "4 engagements over 14 days" in summary


def test_it_runs_the_roster_benchmark_at_a_tiny_size_on_sqlite(tmp_path):
    assert_reported(run_script("roster.py", sqlite_env(TINY, tmp_path), timeout=900))


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_runs_the_roster_benchmark_at_a_tiny_size_on_postgresql(tmp_path):
    with postgres_env(TINY, tmp_path, "roster_bench") as env:
        assert_reported(run_script("roster.py", env, timeout=900))
