"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live
server, with the real Celery worker when Redis and PostgreSQL are there (always in CI).

The ``browser`` marker gates them (tests/conftest.py): skipped with the reason when Chromium
is missing, a failure under CI=true.
"""

from pathlib import Path

import pytest
from django.conf import settings

from tests.infra import services

SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


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
