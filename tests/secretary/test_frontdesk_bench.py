"""The front-desk benchmark stays runnable: a tiny run (a few rows, one round) prints its
figures, the way ``tests/tasks/test_bench.py`` keeps ``bench/pages.py`` running.

No figure is checked: timings belong to the benchmark, not to the suite.
"""

import pytest

from tests.bench_runs import assert_rows_reported, postgres_env, run_script, sqlite_env

SCENARIOS = [
    "baseline",
    "search client name",
    "search title word",
    "search two words",
    "search rare word",
    "search no match",
    "search an old word",
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


def test_it_runs_the_front_desk_benchmark_at_a_tiny_size_on_sqlite(tmp_path):
    # When the script runs on SQLite, then it prints the machine and every scenario with its ratio
    assert_rows_reported(run_script("frontdesk.py", sqlite_env(TINY, tmp_path)), SCENARIOS)


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_runs_the_front_desk_benchmark_at_a_tiny_size_on_postgresql(tmp_path):
    # When it runs on a PostgreSQL database of its own, then the same
    with postgres_env(TINY, tmp_path, "frontdesk_bench") as env:
        assert_rows_reported(run_script("frontdesk.py", env), SCENARIOS)
