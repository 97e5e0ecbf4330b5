"""The service agreement rendered when an engagement is proposed."""

import io
from datetime import date, time
from decimal import Decimal

import pypdf
import pytest

from clients import services as client_services
from clients.coverage import Coverage, Window
from clients.models import SAFE_FONTS as BRAND_KIT_FONTS
from clients.models import EngagementCategory
from documents import rendering
from documents.agreements import (
    agreement_context,
    coverage_lines,
    coverage_lines_in_zone,
)
from documents.models import Document, DocumentKind, DocumentStatus
from tests.clients.factories import (
    BrandKitFactory,
    ClientFactory,
    EngagementFactory,
    ServiceCategoryFactory,
    ServicePlanFactory,
)


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(autouse=True)
def _no_proposal_email(monkeypatch):
    """The clients app emails the proposal on commit too; that is not under test here."""
    from clients.tasks import notify_engagement_proposed

    monkeypatch.setattr(notify_engagement_proposed, "apply_async", lambda *args, **kwargs: None)


@pytest.fixture
def engagement(world):
    client = ClientFactory(
        practice=world.practice,
        name="Northwind Legal",
        time_zone="America/Los_Angeles",
        currency="AUD",
        address="1 Market Street\nSan Francisco CA 94105",
    )
    plan = ServicePlanFactory(practice=world.practice, name="Harbour Standard")
    engagement = EngagementFactory(
        practice=world.practice,
        client=client,
        plan=plan,
        version=1,
        currency="AUD",
        monthly_fee=Decimal("1200.00"),
        included_hours=Decimal("20.00"),
        hourly_rate=Decimal("65.00"),
        overage_rate=Decimal("80.50"),
        rollover_max_hours=Decimal("5.00"),
        response_target_hours=Decimal("4.00"),
        coverage_time_zone="Australia/Sydney",
        start_date=date(2026, 12, 1),
        rounding_minutes=15,
        rush_notice_hours=Decimal("4.00"),
        rush_multiplier=Decimal("1.50"),
        after_hours_multiplier=Decimal("2.00"),
        alert_threshold_percent=80,
        scope_notes="Inbox triage and diary management.",
        weekdays=range(5),
    )
    for name in ("Correspondence and client communication", "Travel arrangements"):
        EngagementCategory.objects.create(
            practice=world.practice,
            engagement=engagement,
            category=ServiceCategoryFactory(practice=world.practice, name=name),
        )
    return engagement


def propose(world, engagement):
    return client_services.engagement_propose(
        practice=world.practice, actor=world.secretary, engagement=engagement
    )


def agreements(world):
    return Document.objects.for_practice(world.practice).filter(kind=DocumentKind.SERVICE_AGREEMENT)


# --- The plain-data context ----------------------------------------------------------------


def test_it_describes_the_engagement_in_plain_text(engagement):
    context = agreement_context(engagement)

    assert context["client"] == {
        "name": "Northwind Legal",
        "address_lines": ["1 Market Street", "San Francisco CA 94105"],
    }
    assert context["practice"] == {"name": "Harbour Desk"}
    assert context["plan"]["name"] == "Harbour Standard"
    assert context["fees"]["monthly_fee"] == "AUD\xa01,200.00"
    assert context["fees"]["included_hours"] == "20 hours"
    assert context["fees"]["hourly_rate"] == "AUD\xa065.00 per hour"
    assert context["fees"]["overage_rate"] == "AUD\xa080.50 per hour"
    assert "Up to 5 hours" in context["fees"]["rollover"]
    assert context["coverage"]["lines"] == ["Mon\u2013Fri 09:00\u201317:00 Australia/Sydney"]
    assert context["coverage"]["response_target"] == "Within 4 hours of coverage time"
    assert context["services"] == ["Correspondence and client communication", "Travel arrangements"]
    assert context["term"] == {
        "start": "1 December 2026",
        "end": "Until either party ends the agreement",
    }
    terms = {item["label"]: item["text"] for item in context["billing_terms"]}
    assert "rounded up to 15 minutes" in terms["Time rounding"]
    assert "less than 4 hours of notice" in terms["Rush work"]
    assert "1.5 times" in terms["Rush work"]
    assert "2 times" in terms["Outside coverage hours"]
    assert "80%" in terms["Usage alert"]
    assert context["scope_notes"] == "Inbox triage and diary management."
    # the context is plain data the restricted engine accepts
    rendering.plain(context)


def test_it_states_when_nothing_rolls_over_and_nothing_is_surcharged(world):
    engagement = EngagementFactory(
        practice=world.practice,
        client=ClientFactory(practice=world.practice),
        rollover_max_hours=Decimal("0"),
        weekdays=[0],
        end_date=date(2027, 6, 30),
    )

    context = agreement_context(engagement)

    assert context["fees"]["rollover"] == "Unused hours do not carry over."
    terms = {item["label"]: item["text"] for item in context["billing_terms"]}
    assert terms["Time rounding"] == "Time is billed as recorded, without rounding."
    assert terms["Rush work"] == "No rush surcharge."
    assert context["term"]["end"] == "30 June 2027"
    assert context["plan"]["name"] == "Custom plan"


@pytest.mark.parametrize(
    "windows, expected",
    [
        (
            [Window(d, time(9), time(17)) for d in range(5)],
            ["Mon\u2013Fri 09:00\u201317:00 Australia/Sydney"],
        ),
        (
            [
                Window(0, time(9), time(12)),
                Window(0, time(13), time(17)),
                Window(2, time(9), time(12)),
            ],
            ["Mon, Wed 09:00\u201312:00 Australia/Sydney", "Mon 13:00\u201317:00 Australia/Sydney"],
        ),
        (
            [Window(5, time(22), time(0)), Window(6, time(22), time(0))],
            ["Sat, Sun 22:00\u201324:00 Australia/Sydney"],
        ),
        (
            [Window(d, time(8), time(18)) for d in (0, 1, 2, 4, 5, 6)],
            ["Mon\u2013Wed, Fri\u2013Sun 08:00\u201318:00 Australia/Sydney"],
        ),
    ],
)
def test_it_writes_coverage_windows_as_text_in_their_time_zone(windows, expected):
    assert (
        coverage_lines(Coverage(time_zone="Australia/Sydney", windows=tuple(windows))) == expected
    )


SYDNEY_WEEKDAYS = Coverage(
    time_zone="Australia/Sydney", windows=tuple(Window(d, time(9), time(17)) for d in range(5))
)


@pytest.mark.parametrize(
    "coverage, zone, week_of, expected",
    [
        # The seed's example: Australian business hours bought by a US client, in both seasons
        (
            SYDNEY_WEEKDAYS,
            "America/Los_Angeles",
            date(2026, 12, 7),
            ["Sun\u2013Thu 14:00\u201322:00 America/Los_Angeles"],
        ),
        (
            SYDNEY_WEEKDAYS,
            "America/Los_Angeles",
            date(2026, 7, 6),
            ["Sun\u2013Thu 16:00\u201324:00 America/Los_Angeles"],
        ),
        (
            SYDNEY_WEEKDAYS,
            "America/New_York",
            date(2026, 12, 7),
            ["Sun\u2013Thu 17:00\u201301:00 (ending the next day) America/New_York"],
        ),
        # Spans that touch on the other clock read as one, across the end of the week too
        (
            Coverage(
                time_zone="America/New_York",
                windows=(Window(5, time(22), time(0)), Window(6, time(0), time(6))),
            ),
            "Europe/London",
            date(2026, 12, 7),
            ["Sun 03:00\u201311:00 Europe/London"],
        ),
        (
            Coverage(
                time_zone="UTC", windows=(Window(6, time(20), time(0)), Window(0, time(0), time(4)))
            ),
            "Europe/London",
            date(2026, 7, 6),
            ["Sun 21:00\u201305:00 (ending the next day) Europe/London"],
        ),
        (
            Coverage(
                time_zone="UTC", windows=tuple(Window(d, time(0), time(0)) for d in (4, 5, 6))
            ),
            "Asia/Tokyo",
            date(2026, 7, 6),
            ["Fri 09:00 \u2013 Mon 09:00 Asia/Tokyo"],
        ),
        (
            Coverage(time_zone="UTC", windows=tuple(Window(d, time(0), time(0)) for d in range(7))),
            "Asia/Tokyo",
            date(2026, 7, 6),
            ["Around the clock, every day"],
        ),
        # Nothing to convert
        (SYDNEY_WEEKDAYS, "Australia/Sydney", date(2026, 12, 7), []),
        (Coverage(time_zone="UTC", always_on=True), "Asia/Tokyo", date(2026, 12, 7), []),
    ],
)
def test_it_writes_the_coverage_on_another_clock(coverage, zone, week_of, expected):
    assert coverage_lines_in_zone(coverage, zone, week_of=week_of) == expected


def test_it_gives_the_coverage_on_the_clients_clock_in_the_agreement(
    world, engagement, django_capture_on_commit_callbacks
):
    # Given Sydney weekday hours for a Los Angeles client, starting 1 December 2026
    context = agreement_context(engagement)
    assert context["coverage"]["client_lines"] == [
        "Sun\u2013Thu 14:00\u201322:00 America/Los_Angeles"
    ]
    # When proposed; then the agreement states both clocks
    with django_capture_on_commit_callbacks(execute=True):
        propose(world, engagement)
    text = pdf_text(agreements(world).get())
    assert "Mon\u2013Fri 09:00\u201317:00 Australia/Sydney" in text
    assert "Sun\u2013Thu 14:00\u201322:00 America/Los_Angeles" in text
    assert "1 December 2026" in text


def test_it_writes_on_call_coverage_as_24_7():
    coverage = Coverage(time_zone="UTC", windows=(), always_on=True)

    assert coverage_lines(coverage) == ["24/7 on-call"]


def test_the_safe_fonts_are_the_brand_kits_fonts():
    assert list(rendering.SAFE_FONTS) == list(BRAND_KIT_FONTS)


# --- Proposing renders the agreement -------------------------------------------------------


def test_proposing_renders_the_agreement_with_the_client_fee_and_hours(
    world, engagement, django_capture_on_commit_callbacks
):
    # When a secretary proposes the engagement (the worker runs on commit, eagerly here)
    with django_capture_on_commit_callbacks(execute=True):
        propose(world, engagement)

    # Then its service agreement is a ready PDF about that engagement and client
    document = agreements(world).get()
    assert document.status == DocumentStatus.READY
    assert document.client == engagement.client
    assert (document.subject_type, document.subject_id) == ("clients.engagement", engagement.pk)
    assert document.created_by == world.secretary.user
    assert document.title == "Service agreement \u2013 Northwind Legal, version 1"
    text = pdf_text(document)
    assert "Northwind Legal" in text
    assert "AUD 1,200.00" in text
    assert "Mon\u2013Fri 09:00\u201317:00 Australia/Sydney" in text
    assert "Correspondence and client communication" in text


def test_the_agreement_uses_the_practice_brand_kit(
    world, engagement, django_capture_on_commit_callbacks
):
    BrandKitFactory(
        practice=world.practice,
        client=None,
        font="Liberation Serif",
        primary_color="#7b1e3a",
        tagline="Calm, capable support",
    )

    with django_capture_on_commit_callbacks(execute=True):
        propose(world, engagement)

    document = agreements(world).get()
    assert document.brand["font"] == "Liberation Serif"
    assert document.brand["primary"] == "#7b1e3a"
    assert "Calm, capable support" in pdf_text(document)


def test_it_does_not_repeat_the_practice_name_opening_the_address_block(
    world, engagement, django_capture_on_commit_callbacks
):
    # Given a practice brand kit whose address block starts with the practice's name
    BrandKitFactory(
        practice=world.practice,
        client=None,
        address_block=f"{world.practice.name}\n20 Bond Street\nSydney NSW 2000",
    )

    with django_capture_on_commit_callbacks(execute=True):
        propose(world, engagement)

    # Then the name shows once in the masthead, once as the provider, once to sign for
    text = pdf_text(agreements(world).get())
    assert text.count(world.practice.name) == 3
    assert text.count("20 Bond Street") == 2


def test_proposing_the_same_version_again_makes_no_second_file(
    world, engagement, django_capture_on_commit_callbacks
):
    # Given a proposed engagement with its agreement
    with django_capture_on_commit_callbacks(execute=True):
        propose(world, engagement)
    first = agreements(world).get()

    # When it is withdrawn and proposed again unchanged
    with django_capture_on_commit_callbacks(execute=True):
        client_services.engagement_withdraw(
            practice=world.practice, actor=world.secretary, engagement=engagement
        )
        propose(world, engagement)

    # Then the same document and file serve it
    assert agreements(world).count() == 1
    assert agreements(world).get().file.name == first.file.name


def test_changed_terms_make_a_new_agreement(world, engagement, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        propose(world, engagement)
        client_services.engagement_withdraw(
            practice=world.practice, actor=world.secretary, engagement=engagement
        )
        client_services.engagement_update(
            practice=world.practice,
            actor=world.secretary,
            engagement=engagement,
            data={"monthly_fee": Decimal("1350.00")},
        )
        propose(world, engagement)

    documents = list(agreements(world).order_by("created_at", "id"))
    assert len(documents) == 2
    assert "AUD 1,350.00" in pdf_text(documents[1])
    assert documents[0].file.name != documents[1].file.name


def test_the_agreement_is_enqueued_only_once_the_proposal_commits(
    world, engagement, django_capture_on_commit_callbacks, monkeypatch
):
    from documents.tasks import render_document

    sent = []
    monkeypatch.setattr(
        render_document,
        "apply_async",
        lambda args=(), kwargs=None, **options: sent.append(kwargs),
    )

    # When the proposal is made, nothing is sent before commit
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        propose(world, engagement)
    document = agreements(world).get()
    assert document.status == DocumentStatus.QUEUED
    assert sent == []

    # And the render is sent, with ids only, once it commits
    for callback in callbacks:
        callback()
    assert sent == [{"practice_id": world.practice.pk, "document_id": document.pk}]


def test_a_document_cannot_name_another_practices_client(world, engagement):
    from django.core.exceptions import ValidationError

    from tests.documents.factories import DocumentFactory

    with pytest.raises(ValidationError) as error:
        DocumentFactory(practice=world.other_practice, client=engagement.client)

    assert "client" in error.value.message_dict
