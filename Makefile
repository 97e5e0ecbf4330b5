# The two commands: `make run` (web, worker and beat on the embedded default, with demo data) and
# `make test` (the whole suite). Each sets up what it needs by itself.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .venv-uv/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test ci lint format migrate demo worker beat clean

$(UV):
	$(PYTHON) -m venv .venv-uv
	.venv-uv/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Site-packages compiled at install: where PYTHONDONTWRITEBYTECODE is set, nothing else caches
# their bytecode and every process would compile them at start (bench/startup.py, "cold").
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) UV_COMPILE_BYTECODE=1 $(UV) sync --locked --quiet
	touch $@

run: $(VENV)/.synced
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 SITE_URL=http://$(HOST):$(PORT) $(PY) manage.py seed_demo
	DEBUG=1 SITE_URL=http://$(HOST):$(PORT) $(PY) manage.py run_all $(HOST):$(PORT)

migrate: $(VENV)/.synced
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

demo: $(VENV)/.synced
	DEBUG=1 $(PY) manage.py seed_demo

test: $(VENV)/.synced
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite on real services (PostgreSQL, Redis, a Celery worker), as CI runs it.
ci:
	CI=true bash .ci/run

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.synced
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: $(VENV)/.synced
	DEBUG=$${DEBUG:-1} $(VENV)/bin/celery -A secretary worker -Q default,documents --loglevel=info

beat: $(VENV)/.synced
	mkdir -p var
	DEBUG=$${DEBUG:-1} $(VENV)/bin/celery -A secretary beat --loglevel=info

clean:
	rm -rf $(VENV) .venv-uv .pytest_cache
