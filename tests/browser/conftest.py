"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live
server, with the real Celery worker when Redis and PostgreSQL are there (always in CI).

The ``browser`` marker gates them (tests/conftest.py): skipped with the reason when Chromium
is missing, a failure under CI=true.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.infra import services

SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls (fixtures,
# assertions) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _tasks_urls(settings):
    settings.ROOT_URLCONF = "tests.tasks.urls"


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def background(request):
    """The live Celery worker when this machine has one (CI does), else None: tasks then run
    in-process in the live server and their emails land in ``mail.outbox``."""
    if services.detect().gate("worker") is None:
        return request.getfixturevalue("celery_worker_live")
    return None


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
