"""Benchmark: import time of ``manage.py check`` and of a worker's boot, beside Django's own.

Each figure is the median of ``BENCH_ROUNDS`` (5) fresh subprocesses run with
``python -X importtime``; the import time of a run is the sum of its top-level imports'
cumulative times. Three programs:

* ``manage.py check``: the project's settings, system checks (they load the URLconf, so every
  view and API module).
* worker boot: what ``celery -A secretary worker`` imports before it consumes: the project
  package (the Celery app), then ``app.loader.import_default_modules()``, which sets Django up,
  runs the system checks (Celery's Django fix-up) and imports every app's ``tasks`` module.
* Django's own: ``django-admin check`` on a bare settings module (the six ``django.contrib``
  apps of ``startproject``, the admin's URLs, the same database engine), the floor any Django
  project of this shape pays.

Three ways, because the bytecode cache decides much of the cost:

* cold: only the standard library's bytecode cached; site-packages and the app compiled from
  source at every start. That is this development machine (``PYTHONDONTWRITEBYTECODE=1`` and
  a virtualenv installed without ``.pyc`` files).
* image: site-packages cached, the app's own code compiled at every start: the Docker image
  until it compiled the app (``uv sync`` compiles site-packages, ``PYTHONDONTWRITEBYTECODE``
  kept the app's code from ever being cached).
* warm: everything cached: a developer machine after its first run, and the image now.

Then the ten packages that cost most (self time summed per top-level package, medians), in
the project's check and in the bare Django check.

    .venv/bin/python bench/startup.py
    DATABASE_URL=postgres://… .venv/bin/python bench/startup.py      # Postgres engine on both sides

``BENCH_ROUNDS`` and ``BENCH_WAYS`` (``cold,image,warm``) change the runs. A script, not a test: it
prints figures. Nothing is written to the checkout or the virtualenv.
"""

from __future__ import annotations

import collections
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
WAYS = os.environ.get("BENCH_WAYS", "cold,image,warm").split(",")

BARE_SETTINGS = """
import os

SECRET_KEY = "bench-only-" + "x" * 50
DEBUG = True
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bare_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
ENGINE = (
    "django.db.backends.postgresql"
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    else "django.db.backends.sqlite3"
)
DATABASES = {"default": {"ENGINE": ENGINE, "NAME": "bench"}}
STATIC_URL = "static/"
USE_TZ = True
"""

BARE_URLS = """
from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
"""

# What ``celery -A secretary worker`` does before it consumes: find the app, then load Django
# and the tasks modules.
WORKER_BOOT = (
    "from celery.app.utils import find_app; "
    "app = find_app('secretary'); "
    "app.loader.import_default_modules(); "
    "from django.apps import apps; assert apps.ready and 'documents.tasks.render_document' in app.tasks"
)


def parse_importtime(stderr: str) -> tuple[float, dict[str, float]]:
    """(total ms, self ms per top-level package) of one ``-X importtime`` report."""
    total = 0
    per_package: collections.Counter[str] = collections.Counter()
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|")
        per_package[name.strip().split(".")[0]] += int(own)
        # The name is indented by two spaces per level under one leading space.
        if not name[1:].startswith(" "):
            total += int(cumulative)
    return total / 1000, {name: us / 1000 for name, us in per_package.items()}


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, dict[str, float]]:
    """(import ms, wall ms, CPU ms, self ms per package) of one fresh process."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime) * 1000
    if done.returncode != 0:
        tail = "\n".join(done.stderr.splitlines()[-15:])
        raise SystemExit(f"{' '.join(argv)} failed:\n{tail}")
    total, per_package = parse_importtime(done.stderr)
    return total, wall, cpu, per_package


def summary(runs: list[tuple[float, float, float, dict[str, float]]]) -> dict:
    packages = {name for *_, per_package in runs for name in per_package}
    return {
        "import": statistics.median(r[0] for r in runs),
        "import_min": min(r[0] for r in runs),
        "wall": statistics.median(r[1] for r in runs),
        "cpu": statistics.median(r[2] for r in runs),
        "packages": {
            name: statistics.median(r[3].get(name, 0.0) for r in runs) for name in packages
        },
    }


def measure(progs: dict, mode_env: dict[str, str]) -> dict[str, dict]:
    """Each program ``ROUNDS`` times, interleaved (a load spike on this shared machine then
    hits every program alike)."""
    runs: dict[str, list] = {name: [] for name in progs}
    for _ in range(ROUNDS):
        for name, (argv, extra) in progs.items():
            runs[name].append(run(argv, {**mode_env, **extra}))
    return {name: summary(program_runs) for name, program_runs in runs.items()}


def cache_of(prefix: Path, source: Path) -> Path:
    """Where ``PYTHONPYCACHEPREFIX=prefix`` keeps the bytecode of the files under ``source``."""
    return prefix / source.relative_to(source.anchor)


def environments(scratch: Path, progs: dict) -> dict[str, dict[str, str]]:
    """One environment per way, each with its own bytecode cache (``PYTHONPYCACHEPREFIX``):
    warm has everything cached, image all but the app's code, cold only the standard
    library. Caches are copied from one filled by a first run of every program, so neither
    the checkout, the virtualenv nor what they hold decides the figures."""
    base = {
        **os.environ,
        "DEBUG": "1",
        "PYTHONPATH": str(ROOT),
        "CELERY_BROKER_DIR": str(scratch / "broker"),
    }
    base.pop("DJANGO_SETTINGS_MODULE", None)
    base.pop("PYTHONDONTWRITEBYTECODE", None)
    warm = scratch / "warm"
    for argv, extra in progs.values():
        run(argv, {**base, **extra, "PYTHONPYCACHEPREFIX": str(warm)})
    image = scratch / "image"
    shutil.copytree(warm, image)
    for child in cache_of(image, ROOT).iterdir():
        if cache_of(warm, ROOT) / child.name != cache_of(warm, Path(sys.prefix)):
            shutil.rmtree(child)
    cold = scratch / "cold"
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    shutil.copytree(cache_of(warm, stdlib), cache_of(cold, stdlib))
    frozen = {"PYTHONDONTWRITEBYTECODE": "1"}
    return {
        "cold": {**base, **frozen, "PYTHONPYCACHEPREFIX": str(cold)},
        "image": {**base, **frozen, "PYTHONPYCACHEPREFIX": str(image)},
        "warm": {**base, **frozen, "PYTHONPYCACHEPREFIX": str(warm)},
    }


def programs(scratch: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    bare = scratch / "bare"
    bare.mkdir()
    (bare / "bare_settings.py").write_text(BARE_SETTINGS)
    (bare / "bare_urls.py").write_text(BARE_URLS)
    django_env = {"PYTHONPATH": str(bare), "DJANGO_SETTINGS_MODULE": "bare_settings"}
    project_env = {"DJANGO_SETTINGS_MODULE": "secretary.settings"}
    return {
        "django": (["-m", "django", "check"], django_env),
        "check": (["manage.py", "check"], project_env),
        "worker": (["-c", WORKER_BOOT], project_env),
    }


def table(results: dict, cell, *keys: str) -> None:
    """A markdown table of the three programs per way, with the project's excess over Django's
    own in the ``beyond`` columns (for each of ``keys``)."""

    def beyond(program: dict, own: dict) -> str:
        excess = [f"{program[key] - own[key]:.0f}" for key in keys]
        return excess[0] + "".join(f" ({figure})" for figure in excess[1:])

    print()
    print("| way | Django's own | manage.py check | beyond Django | worker boot | beyond Django |")
    print("|---|---|---|---|---|---|")
    for mode, by_program in results.items():
        own, check, worker = by_program["django"], by_program["check"], by_program["worker"]
        print(
            f"| {mode} | {cell(own)} ms | {cell(check)} ms | {beyond(check, own)} ms "
            f"| {cell(worker)} ms | {beyond(worker, own)} ms |"
        )


def main() -> None:
    results: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="secretary-startup-") as tmp:
        scratch = Path(tmp)
        progs = programs(scratch)
        for mode, mode_env in environments(scratch, progs).items():
            if mode in WAYS:
                results[mode] = measure(progs, mode_env)

    load = os.getloadavg()[0]
    print(f"Median of {ROUNDS} fresh processes (load average {load:.1f}).")
    print()
    print("Import time (-X importtime), median (minimum):")
    table(results, lambda r: f"{r['import']:.0f} ({r['import_min']:.0f})", "import", "import_min")
    print()
    print("CPU time of the whole process (interpreter start, imports and the work itself;")
    print("what the process used, so a busy machine inflates it least):")
    table(results, lambda r: f"{r['cpu']:.0f}", "cpu")
    for mode, by_program in results.items():
        check = by_program["check"]["packages"]
        own = by_program["django"]["packages"]
        print()
        print(f"Top 10 packages of manage.py check, {mode} (self time; the bare Django check):")
        print()
        print("| package | check | bare Django |")
        print("|---|---|---|")
        for name, ms in sorted(check.items(), key=lambda item: -item[1])[:10]:
            print(f"| {name} | {ms:.0f} ms | {own.get(name, 0.0):.0f} ms |")


if __name__ == "__main__":
    main()
