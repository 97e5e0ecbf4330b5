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


def test_it_keeps_calendar_feed_tokens_out_of_request_logs(world, caplog):
    # Given a feed link that no longer works (or never did)
    caplog.set_level(logging.INFO)
    token = "revoked-feed-secret-4f9c2a"
    url = reverse("calendar_feed", args=[SLUG, token])

    # When a calendar app still polls it: 404, which Django logs with the path
    assert Client().get(url).status_code == 404

    # Then the log names the route but not the secret
    assert f"Not Found: /app/{SLUG}/calendar/feed/***.ics" in caplog.text
    assert token not in caplog.text


@pytest.fixture
def server_log():
    """Records of the development server's logger (it does not propagate to the root)."""
    handler = Collect()
    logger = logging.getLogger("django.server")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


@pytest.mark.parametrize(
    ("path", "secret"),
    [
        ("/app/harbour-desk/calendar/feed/feed-secret-1.ics", "feed-secret-1"),
        ("/invitations/invitation-secret-2/", "invitation-secret-2"),
        ("/accounts/password/reset/key/1a-reset-secret-3/", "reset-secret-3"),
        ("/accounts/confirm-email/confirm-secret-4/", "confirm-secret-4"),
        ("/somewhere/?page=2&token=query-secret-5", "query-secret-5"),
    ],
)
def test_it_keeps_secrets_out_of_the_development_server_log(server_log, path, secret):
    # When the development server logs a request line with a secret in its URL
    logging.getLogger("django.server").info('"%s" %s %s', f"GET {path} HTTP/1.1", "404", "179")

    # Then the line keeps the route and masks the secret
    [record] = server_log
    assert secret not in record.getMessage()
    assert "***" in record.getMessage()
    assert record.getMessage().startswith('"GET /')
