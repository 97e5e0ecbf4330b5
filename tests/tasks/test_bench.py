"""The page benchmark stays runnable: a tiny run (a few rows, one round) prints its figures.

The script migrates and seeds a database of its own (a throwaway SQLite file, or on PostgreSQL
one made for the run and dropped after it), serves it with gunicorn and asks every page once.
No figure is checked: timings belong to the benchmark, not to the suite.
"""

import pytest

from tests.bench_runs import assert_rows_reported, postgres_env, run_script, sqlite_env

PAGES = [
    "baseline",
    "dashboard",
    "dashboard afresh",
    "task list",
    "client list",
    "client page",
    "task page",
    "calendar",
    "portal home",
    "portal requests",
    "API task list",
    "invoice list",
    "book page",
    "journal list",
    "document list",
    "composed documents",
]
TINY = {
    "BENCH_CLIENTS": "2",
    "BENCH_TASKS": "40",
    "BENCH_ROUNDS": "1",
    "BENCH_BATCH": "1",
    "BENCH_CONNECTIONS": "1",
}


def test_it_runs_the_page_benchmark_at_a_tiny_size_on_sqlite(tmp_path):
    # When the script runs on SQLite, then it prints the machine and every page with its ratio
    assert_rows_reported(run_script("pages.py", sqlite_env(TINY, tmp_path)), PAGES)


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_runs_the_page_benchmark_at_a_tiny_size_on_postgresql(tmp_path):
    # When the script runs on a PostgreSQL database of its own, then the same
    with postgres_env(TINY, tmp_path, "pages_bench") as env:
        assert_rows_reported(run_script("pages.py", env), PAGES)
