"""Tiny runs of the benchmark scripts in the suite: each keeps its script runnable (a database
of the script's own: a throwaway SQLite file, or on PostgreSQL one made for the run and dropped
after it). No figure is checked: timings belong to the benchmarks, not to the suite."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from tests.infra.worker import url_for_database


def run_script(script: str, env: dict, *, timeout: int = 600) -> list[str]:
    """Run ``bench/<script>`` and return the lines it printed."""
    result = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "bench" / script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


def sqlite_env(tiny: dict, tmp_path) -> dict:
    """The suite's environment without its database and broker: SQLite in a temp dir."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(tiny, TMPDIR=str(tmp_path))
    return env


@contextmanager
def postgres_env(tiny: dict, tmp_path, prefix: str) -> Iterator[dict]:
    """A database of the run's own next to the suite's (the app's role under row-level
    security), dropped after it; Redis left out (each gunicorn worker caches in memory)."""
    import psycopg

    from tests.infra import services

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    server = url_for_database(services.detect().database_url, "postgres")
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = dict(os.environ, **tiny, TMPDIR=str(tmp_path))
        env["DATABASE_URL"] = url_for_database(services.detect().database_url, name)
        env.pop("REDIS_URL", None)
        yield env
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def assert_rows_reported(lines: list[str], names: list[str]) -> None:
    """The machine's line, then a row per name (in order) with its queries and CPU ratio."""
    assert any(line.startswith("cores: ") and "load average" in line for line in lines)
    rows = {line[:20].strip(): line[20:].split() for line in lines if line[:20].strip() in names}
    assert list(rows) == names
    for name, row in rows.items():
        assert row[-1].replace(".", "", 1).isdigit(), (name, row)  # the ratio of its CPU time
        assert int(row[0].split("/")[0]) > 0, (name, row)  # queries, from the header
