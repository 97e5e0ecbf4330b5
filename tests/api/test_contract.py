"""The API keeps its published contract: schemathesis fuzzes every operation of /api/schema/.

A practice with demo data and an owner's personal access token; schemathesis loads the schema
from the Django WSGI app in-process and sends generated requests (examples, coverage and
fuzzing phases) with a fixed seed, derandomized, and a bounded number of examples per operation.
Every response must be no server error, carry a documented status code and content type, match
its documented schema; requests the schema forbids must be rejected and requests it allows must
not be refused as malformed (a 400 for a rule of the product that no schema can state, such as
an id naming no row or a transition the state forbids, is not counted: see
``is_rule_of_the_product``).

Left out: the stateful phase (the schema has no links yet) and checks this test does not aim at
(response headers, unexpected methods, authorization across users: tests/test_isolation.py).
No operation is excluded: the token's owner is the practice's only owner, whom no call can
remove or demote, and tokens are revoked only from a browser session (403 for a token).

The run is printed (and written to ``test-artifacts/schemathesis.txt``), so CI logs show the
summary line. To reproduce one failure, the report gives a curl command per failure.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.db.backends.signals import connection_created
from rest_framework.exceptions import ValidationError
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from secretary.api_base import exception_handler
from secretary.demo import seed_demo
from secretary.errors import ApplicationError
from secretary.services import token_create

# Committed rows (the app runs in schemathesis' worker thread, with its own connection), and ids
# from 1 whatever ran before, so the same seed sends the same requests to the same rows.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, reset_sequences=True),
]

SEED = 20261129
# Per operation and phase; the coverage phase enumerates the schema's edge cases on top.
MAX_EXAMPLES = 5
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
)
OTHER_CHECKS = (
    "response_headers_conformance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "object_level_authorization",
)
ARTIFACT = Path(settings.BASE_DIR) / "test-artifacts" / "schemathesis.txt"
# Set (in this test only) on a 400 that a rule of the product gave, not the shape of the input.
RULE_HEADER = "X-Contract-Rule"
RULE_CODES = {"does_not_exist", "window_rule"}


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def is_rule_of_the_product(exc) -> bool:
    """A schema says what a request looks like, not which ids exist in the practice, which state
    allows a transition or which names are taken: services refuse those (``ApplicationError``),
    and so do id fields naming no row of the practice (code ``does_not_exist``) and coverage
    windows that end before they start or overlap (``window_rule``)."""
    if isinstance(exc, ApplicationError):
        return True
    if isinstance(exc, ValidationError):
        codes = list(_leaves(exc.get_codes()))
        return bool(codes) and all(code in RULE_CODES for code in codes)
    return False


def exception_handler_naming_rules(exc, context):
    """The API's own handler; marks the 400s that ``positive_data_acceptance`` must not count."""
    response = exception_handler(exc, context)
    if response is not None and response.status_code == 400 and is_rule_of_the_product(exc):
        response[RULE_HEADER] = "1"
    return response


@dataclass
class Report:
    operations: set[str] = field(default_factory=set)
    requests: int = 0
    by_phase: Counter = field(default_factory=Counter)
    # (operation, check, title, first line of the message) -> a curl command reproducing it
    failures: dict[tuple[str, str, str, str], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        by_check = Counter(check for _op, check, _title, _msg in self.failures)
        counts = ", ".join(f"{check} {n}" for check, n in sorted(by_check.items())) or "none"
        return (
            f"schemathesis: {len(self.failures)} failures, {len(self.errors)} errors, "
            f"{self.requests} requests over {len(self.operations)} operations in "
            f"{self.seconds:.0f}s (seed {SEED}, {MAX_EXAMPLES} examples per operation; "
            f"requests by phase: {dict(self.by_phase)}; "
            f"failures by check: {counts})"
        )

    def details(self) -> str:
        lines = []
        for (operation, check, title, message), curl in sorted(self.failures.items()):
            lines += [f"- {operation} [{check}] {title}: {message}", f"    {curl}"]
        lines += [f"- error: {error}" for error in self.errors]
        return "\n".join(lines)


def record(report: Report, recorder, phase) -> None:
    report.operations.add(recorder.label)
    report.requests += len(recorder.interactions)
    report.by_phase[str(phase)] += len(recorder.interactions)
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.status != Status.FAILURE or check.failure_info is None:
                continue
            failure = check.failure_info.failure
            interaction = recorder.interactions.get(case_id)
            response = interaction.response if interaction is not None else None
            if (
                check.name == "positive_data_acceptance"
                and response is not None
                and RULE_HEADER.lower() in {name.lower() for name in response.headers}
            ):
                continue
            first_line = (failure.message or "").strip().splitlines()[:1]
            key = (failure.operation or recorder.label, check.name, failure.title, *first_line)
            if len(key) == 3:
                key = (*key, "")
            answer = (
                f"\n    -> {response.status_code} {response.content[:300]!r}"
                if response is not None
                else ""
            )
            report.failures.setdefault(key, check.failure_info.code_sample + answer)


def run_schemathesis(*, slug: str, secret: str) -> Report:
    """Fuzz every operation of the schema against the app, in this process."""
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "workers": 1,
            # Nothing learnt in one run may change the next: no cache, no example database.
            "cache": {"enabled": False},
            "generation": {
                # DRF refuses the NUL character in all text ("Null characters are not allowed.").
                "allow-x00": False,
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "phases": {
                # Links between operations are not described in the schema (yet).
                "stateful": {"enabled": False},
                # Methods a path does not have answer 405; not checked here, not sent.
                "coverage": {
                    "unexpected-methods": [],
                    "generate-duplicate-query-parameters": False,
                },
            },
            "checks": {
                **{name: {"enabled": True} for name in CHECKS},
                **{name: {"enabled": False} for name in OTHER_CHECKS},
            },
            "headers": {"Authorization": f"Bearer {secret}"},
            "parameters": {"path.practice_slug": slug},
            "suppress-health-check": ["all"],
            "operations": [
                {
                    # schemathesis sends no file in a generated multipart list of files, so a
                    # valid upload cannot be made here; tests/tasks/test_api.py covers uploads.
                    "include-path-regex": "/attachments/$",
                    "include-method": "POST",
                    "checks": {"positive_data_acceptance": {"enabled": False}},
                },
                {
                    # Likewise for transcription jobs: a generated file is no recording.
                    "include-path-regex": "/transcription-jobs/$",
                    "include-method": "POST",
                    "checks": {"positive_data_acceptance": {"enabled": False}},
                },
                {
                    # Likewise for bank statements: a generated file is no statement.
                    "include-path-regex": "/bank/imports/$",
                    "include-method": "POST",
                    "checks": {"positive_data_acceptance": {"enabled": False}},
                },
            ],
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=config)
    report = Report()
    started = time.monotonic()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            record(report, event.recorder, getattr(event, "phase", "fuzz"))
        elif isinstance(event, events.NonFatalError):
            report.errors.append(f"{event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            report.errors.append(f"fatal: {event.exception!r}")
    report.seconds = time.monotonic() - started
    return report


@pytest.fixture
def practice_with_token(settings):
    """The demo practice, and a personal access token of its owner."""
    # Calls made with tokens are rate-limited; the fuzzer makes thousands.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "1000000/min"},
        "EXCEPTION_HANDLER": f"{__name__}.exception_handler_naming_rules",
    }
    demo = seed_demo()
    _token, secret = token_create(membership=demo.owner, name="Contract test")
    return demo.practice, secret


@pytest.fixture
def close_connections_of_other_threads():
    """schemathesis calls the app from its worker threads: each opens its own database
    connection (kept for the next requests); close them all when the run is over."""
    opened = []

    def remember(sender, connection, **kwargs):
        opened.append(connection)

    connection_created.connect(remember)
    yield
    connection_created.disconnect(remember)
    for connection in opened:
        if connection.connection is not None and connection is not connections["default"]:
            connection.inc_thread_sharing()
            connection.close()


def test_it_keeps_the_published_contract(
    practice_with_token, close_connections_of_other_threads, capsys
):
    # Given a practice with demo data and its owner's token
    practice, secret = practice_with_token

    # When schemathesis fuzzes every operation
    report = run_schemathesis(slug=practice.slug, secret=secret)

    # Then the summary is in the log, and nothing broke the contract
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(report.summary() + "\n" + report.details() + "\n")
    with capsys.disabled():
        print(f"\n{report.summary()}")
    assert len(report.operations) >= 70, report.summary()
    assert not report.failures and not report.errors, report.summary() + "\n" + report.details()
