import pytest


@pytest.fixture(autouse=True)
def _tasks_urls(settings):
    settings.ROOT_URLCONF = "tests.tasks.urls"
