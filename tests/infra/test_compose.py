"""The full stack (docker-compose.yml + Dockerfile), checked by reading them: no container engine
runs here. Five services, their commands, one shared environment, health-gated start order, one
media volume for web and worker, and an image whose commands point at code that exists."""

import importlib
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tomllib
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APP_SERVICES = ("web", "worker", "beat")
SHARED = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
INTERPOLATION = re.compile(r"\$\{(\w+)(?::?[-?]([^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) pairs, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def instruction(dockerfile, name: str) -> list[str]:
    return [args for instr, args in dockerfile if instr.upper() == name]


def command(service: dict) -> list[str]:
    value = service["command"]
    return value if isinstance(value, list) else shlex.split(value)


def test_it_defines_the_five_services(services):
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)


def test_it_runs_gunicorn_celery_worker_beat_and_migrations(services):
    assert command(services["web"])[:2] == ["gunicorn", "secretary.wsgi:application"]
    worker = command(services["worker"])
    assert worker[:4] == ["celery", "-A", "secretary", "worker"]
    assert worker[worker.index("-Q") + 1] == "default,documents"
    assert command(services["beat"])[:4] == ["celery", "-A", "secretary", "beat"]
    assert command(services["migrate"]) == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"


def test_it_shares_one_environment_between_web_worker_and_beat(services):
    environments = [services[name]["environment"] for name in (*APP_SERVICES, "migrate")]
    for name in SHARED:
        values = {env[name] for env in environments}
        assert len(values) == 1, f"{name} differs between services: {values}"
    env = environments[0]
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    # The key is never written into the file: compose refuses to start without one.
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert env["DEBUG"] == "0"


def test_it_starts_the_app_once_the_database_and_broker_are_healthy(services):
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    for name in (*APP_SERVICES, "migrate"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        ), name


def test_it_shares_the_media_volume_between_web_and_worker(compose, services):
    def media_mounts(service: dict) -> set[str]:
        return {v for v in service.get("volumes", []) if v.endswith(":/app/var/media")}

    assert (
        media_mounts(services["web"])
        == media_mounts(services["worker"])
        == {"media:/app/var/media"}
    )
    assert "media" in compose["volumes"]
    assert services["web"]["environment"]["MEDIA_ROOT"] == "/app/var/media"
    assert any(v.startswith("pgdata:") for v in services["postgres"]["volumes"])


def test_it_mounts_files_that_exist(services):
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                path = ROOT / source
                assert path.is_file(), f"{name} mounts a missing {source}"
                if path.suffix == ".sh":
                    assert path.stat().st_mode & stat.S_IXUSR, f"{source} is not executable"


def test_it_builds_a_slim_non_root_image_with_the_pdf_libraries_and_fonts(dockerfile):
    assert instruction(dockerfile, "FROM") == ["python:3.11-slim-bookworm"]
    runs = " ".join(instruction(dockerfile, "RUN"))
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "fonts-dejavu-core",
        "fonts-liberation2",
    ):
        assert package in runs, package
    assert "uv sync --locked --no-dev" in runs
    assert "manage.py collectstatic --noinput" in runs
    users = instruction(dockerfile, "USER")
    assert users and users[-1] not in {"root", "0"}


def test_it_points_the_image_and_compose_at_code_that_exists(dockerfile, services):
    [cmd] = instruction(dockerfile, "CMD")
    cmd = json.loads(cmd)
    # The web service runs the image's own command.
    assert command(services["web"]) == cmd
    module_name, attribute = cmd[1].split(":")
    assert callable(getattr(importlib.import_module(module_name), attribute))
    assert hasattr(importlib.import_module("secretary.celery"), "app")
    assert (ROOT / "manage.py").is_file()
    for args in instruction(dockerfile, "COPY"):
        for source in args.split()[:-1]:
            if source != ".":
                assert (ROOT / source).exists(), source
    # gunicorn and celery are runtime dependencies, installed from the lock.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[<>=\[ ]", dep)[0].lower() for dep in project["dependencies"]}
    assert {"gunicorn", "celery"} <= names


def test_it_collects_the_static_files_as_the_image_build_does(tmp_path):
    # Given production settings (hashed file names: every url() in the CSS must resolve)
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    env = {
        **base,
        "SECRETARY_TESTING": "0",
        "DEBUG": "0",
        "SECRET_KEY": "collectstatic-only",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    # When collectstatic runs, as in the Dockerfile
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "collectstatic",
            "--noinput",
            "--settings=tests.infra.manifest_settings",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # Then it succeeds and writes the manifest the app serves from
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").is_file()
    assert any((tmp_path / "static" / "css").glob("app.*.css"))


def test_it_keeps_local_state_and_secrets_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".env", "db.sqlite3", "var"} <= ignored


def compose_env_with_defaults(environment: dict) -> dict[str, str]:
    """The app's environment as compose would give it with nothing set but SECRET_KEY."""
    values = {"SECRET_KEY": "compose-" + "x" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789"}

    def substitute(match: re.Match) -> str:
        return values.get(match.group(1), match.group(2) or "")

    return {key: INTERPOLATION.sub(substitute, str(value)) for key, value in environment.items()}


def test_it_configures_a_production_stack_that_passes_the_checks(services):
    # Given the compose environment with its defaults (TLS left to a proxy in front)
    env = compose_env_with_defaults(services["web"]["environment"])
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    # When Django's deployment checklist runs with it
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**base, **env, "SECRETARY_TESTING": "0"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # Then the only remark is the HTTPS redirect that the proxy in front takes care of
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.findall(r"\((\w+\.[WE]\d+)\)", output) == ["security.W008"], output


# Variables of the README's table that mean nothing in the compose stack, and why.
NOT_FOR_COMPOSE = {
    "SQLITE_PATH": "the stack runs PostgreSQL (DATABASE_URL)",
    "CELERY_BROKER_DIR": "the stack's broker is Redis, not the embedded filesystem broker",
}


def readme_variables() -> set[str]:
    """Every name in the first column of the README's configuration table."""
    lines = (ROOT / "README.md").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Variable |"))
    names: set[str] = set()
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_it_passes_every_documented_variable_to_the_app_containers(services):
    # Given the variables the README's configuration table documents
    documented = readme_variables()
    assert {"SECRET_KEY", "WEB_CONCURRENCY", "S3_URL_EXPIRE_SECONDS"} <= documented
    # Then web, worker, beat and migrate receive each of them
    for name in (*APP_SERVICES, "migrate"):
        environment = set(services[name]["environment"])
        missing = sorted(documented - environment - set(NOT_FOR_COMPOSE))
        assert missing == [], f"{name} never receives {missing}"


def test_it_passes_defaults_that_the_settings_read_as_their_own(services):
    # Given the compose environment with nothing set but SECRET_KEY
    env = compose_env_with_defaults(services["web"]["environment"])
    # Then an empty value never replaces a setting's default with nothing
    for name in ("CELERY_BROKER_URL", "CONN_MAX_AGE", "S3_MEDIA_PREFIX", "API_TOKEN_RATE"):
        assert env[name], name
    assert env["CELERY_BROKER_URL"] == env["REDIS_URL"]


def test_it_keeps_prepared_statements_on_with_persistent_connections(services):
    # Given the compose environment with its defaults
    env = compose_env_with_defaults(services["web"]["environment"])
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    probe = "from django.conf import settings as s; print(s.DATABASE_PREPARED_STATEMENTS)"
    # When the settings load with it, and again with CONN_MAX_AGE=0 (a pooler in front)
    answers = []
    for conn_max_age in (env["CONN_MAX_AGE"], "0"):
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", probe],
            cwd=ROOT,
            env={**base, **env, "CONN_MAX_AGE": conn_max_age, "SECRETARY_TESTING": "0"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        answers.append(result.stdout.split()[-1])
    # Then the empty default means on while connections persist, off when they do not
    assert answers == ["True", "False"]


def healthcheck_request(service: dict, allowed_hosts: str, monkeypatch) -> urllib.request.Request:
    """The request the container's health check sends, given ALLOWED_HOSTS."""
    test = service["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"], test
    sent: list[urllib.request.Request] = []
    monkeypatch.setenv("ALLOWED_HOSTS", allowed_hosts)
    monkeypatch.setattr(urllib.request, "urlopen", lambda request, timeout: sent.append(request))
    # The file's own probe, run against a fake urlopen.
    exec(test[3], {})
    [request] = sent
    return request


@pytest.mark.django_db
@pytest.mark.parametrize(
    "allowed_hosts",
    ["secretary.example", " .secretary.example, www.secretary.example", "*", "localhost,127.0.0.1"],
)
def test_it_health_checks_web_with_a_host_that_django_accepts(
    services, allowed_hosts, monkeypatch, settings, client
):
    # Given ALLOWED_HOSTS set as the README says
    settings.ALLOWED_HOSTS = [h.strip() for h in allowed_hosts.split(",") if h.strip()]
    # When the web container's health check probes /healthz
    request = healthcheck_request(services["web"], allowed_hosts, monkeypatch)
    assert request.full_url == "http://127.0.0.1:8000/healthz"
    host = request.get_header("Host") or urllib.parse.urlsplit(request.full_url).netloc
    # Then Django answers 200, not 400 DisallowedHost
    response = client.get("/healthz", HTTP_HOST=host)
    assert response.status_code == 200


def compose_binaries() -> list[list[str]]:
    found = []
    if shutil.which("docker-compose"):
        found.append(["docker-compose"])
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, timeout=30, check=False
        )
        if probe.returncode == 0:
            found.append(["docker", "compose"])
    return found


def test_it_is_a_valid_file_for_the_compose_clients_installed(tmp_path):
    # Given the compose clients on this machine (CI installs docker-compose 1.29 from Debian)
    binaries = compose_binaries()
    if not binaries:
        pytest.skip("Neither docker-compose nor docker compose is installed here.")
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    for binary in binaries:
        # When each validates the file (no engine needed)
        result = subprocess.run(
            [*binary, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
            cwd=tmp_path,
            env={**base, "SECRET_KEY": "x" * 50},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        # Then it accepts it
        assert result.returncode == 0, f"{' '.join(binary)}: {result.stdout}{result.stderr}"
