"""Log records: each names the practice of its own request (never an earlier one's), and the
paths Django logs carry no secret from the URL."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from secretary.api.views import MemberListView
from secretary.log_filters import PracticeContextFilter

SLUG = "harbour-desk"


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def practice_log():
    """Records reaching the root logger, with the practice filter of the console handler."""
    handler = Collect()
    handler.addFilter(PracticeContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.records
    root.removeHandler(handler)


def test_it_logs_the_next_request_without_the_practice_of_an_api_request_that_failed(
    world, secretary_client, monkeypatch, practice_log
):
    # Given an API request of practice A that fails with an unexpected error (a 500)
    def broken(self):
        raise RuntimeError("broken selector")

    monkeypatch.setattr(MemberListView, "get_queryset", broken)
    secretary_client.raise_request_exception = False
    failed = secretary_client.get(reverse("api_member_list", args=[SLUG]))
    assert failed.status_code == 500

    # When the same worker then serves an unrelated anonymous request that logs a line
    assert Client().get("/no-such-page/").status_code == 404

    # Then that line names no practice, while the 500 itself was logged under practice A
    [not_found] = [r for r in practice_log if r.getMessage() == "Not Found: /no-such-page/"]
    assert not_found.practice == "-"
    [error] = [r for r in practice_log if r.getMessage().startswith("Internal Server Error")]
    assert error.practice == SLUG
