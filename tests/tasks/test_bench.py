"""The benchmark script stays runnable: a tiny run on a throwaway SQLite file prints its figures.

(The script migrates and seeds its own database; it never touches the suite's or CI's.)
"""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_it_runs_the_dashboard_benchmark_at_a_tiny_size(tmp_path):
    # Given the environment of the suite without its database and broker (SQLite in a temp dir)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(BENCH_CLIENTS="2", BENCH_TASKS="40", BENCH_ROUNDS="1", TMPDIR=str(tmp_path))
    # When the script runs
    result = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "bench" / "dashboard.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Then it prints the three medians and the two ratios
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert any(line.startswith("minimal view") for line in lines)
    assert [line.split(":")[0].strip() for line in lines if "x minimal" in line] == [
        "dashboard",
        "task list",
    ]
