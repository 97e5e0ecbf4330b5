"""Start-up stays light: heavy libraries that serve a few paths are imported on those paths, not
when a web process or a worker loads Django, the URLconf and the tasks modules (their import
costs are in bench/README.md, "startup.py")."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Imported inside the functions that use them; each was, or would be, a large share of
# start-up for a few paths (PDF rendering, page previews, images, spreadsheets, bank files,
# online payments, calendar feeds, Markdown blocks, Redis errors).
LAZY = (
    "weasyprint",
    "pypdfium2",
    "PIL",
    "openpyxl",
    "ofxtools",
    "stripe",
    "icalendar",
    "markdown_it",
    "redis",
)

# What a web process loads before its first request, and a worker before it consumes.
BOOT = """
import importlib, importlib.util, json, sys

import django

django.setup()
from django.apps import apps
from django.conf import settings

importlib.import_module(settings.ROOT_URLCONF)
for app in apps.get_app_configs():
    if importlib.util.find_spec(f"{app.name}.tasks") is not None:
        importlib.import_module(f"{app.name}.tasks")
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & set(LAZY))))
"""


def loaded_at_boot(**env: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"LAZY = {LAZY!r}\n{BOOT}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "secretary.settings",
            "PYTHONPATH": str(ROOT),
            "DEBUG": "1",
            "SECRETARY_TESTING": "1",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def test_it_boots_without_importing_the_heavy_libraries_of_few_paths():
    # Given the settings of the suite
    # When a fresh process sets Django up and loads the URLconf and every tasks module
    loaded = loaded_at_boot()
    # Then none of the lazily imported libraries is loaded
    # (to find who imports one: python -X importtime manage.py check 2>&1 | grep NAME -B40)
    assert loaded == []


def test_it_boots_without_importing_redis_when_redis_is_configured():
    # Given a deployment's settings, with Redis as cache and broker (nothing connects at boot)
    # When a fresh process boots
    loaded = loaded_at_boot(REDIS_URL="redis://127.0.0.1:6379/15", SECRETARY_TESTING="0")
    # Then Redis is still left to the first cache call or published task
    assert loaded == []


def test_it_runs_the_startup_benchmark_once(tmp_path):
    # Given one round, bytecode cached
    env = {**os.environ, "BENCH_ROUNDS": "1", "BENCH_WAYS": "warm", "TMPDIR": str(tmp_path)}
    # When the script runs
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "startup.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Then it prints the import times beside Django's own and the packages that cost most
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| warm |")]
    assert [row.count(" ms") for row in rows] == [5, 5], result.stdout  # import time, CPU time
    assert "Top 10 packages of manage.py check, warm" in result.stdout
