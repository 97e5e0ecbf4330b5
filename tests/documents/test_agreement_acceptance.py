"""The client's acceptance of a service agreement: the portal asks for a read confirmation and
a typed full name, records an approval (the name, when, from where, the hash of the proposed
PDF) and renders the accepted agreement with its acceptance page."""

import io
import json
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pypdf
import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from clients import services as client_services
from clients.models import CoverageWindow, EngagementStatus
from documents.acceptance import agreement_hash
from documents.agreements import acceptance_context, agreement_context, moment_in_zone
from documents.models import Approval, Document, DocumentStatus
from tests.clients.factories import ClientFactory, ContactFactory, EngagementFactory
from tests.conftest import client_for
from tests.documents.factories import DocumentFactory
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SUBJECT = "clients.engagement"
SIGNED = {"read_confirmed": "on", "name": "  Nora   Northwind "}


@pytest.fixture(autouse=True)
def _no_proposal_email(monkeypatch):
    """The clients app emails the proposal on commit too; that is not under test here."""
    from clients.tasks import notify_engagement_proposed

    monkeypatch.setattr(notify_engagement_proposed, "apply_async", lambda *args, **kwargs: None)


@pytest.fixture
def proposed(world):
    client = ClientFactory(
        practice=world.practice, name="Northwind Legal", time_zone="Australia/Sydney"
    )
    ContactFactory(
        practice=world.practice,
        client=client,
        membership=world.client_contact,
        portal_documents=True,
    )
    engagement = EngagementFactory(
        practice=world.practice,
        client=client,
        status=EngagementStatus.PROPOSED,
        monthly_fee=Decimal("2400.00"),
        start_date=date(2025, 1, 6),
    )
    for weekday in range(5):
        CoverageWindow.objects.create(
            practice=world.practice,
            engagement=engagement,
            weekday=weekday,
            start=time(9),
            end=time(17),
        )
    return engagement


def accept(world, browser, engagement, data=SIGNED):
    return browser.post(
        reverse(
            "portal_engagement_accept",
            kwargs={"practice_slug": world.practice.slug, "engagement_id": engagement.pk},
        ),
        data,
        HTTP_USER_AGENT="Agreement browser",
        REMOTE_ADDR="198.51.100.4",
    )


def approvals(world):
    return Approval.objects.for_practice(world.practice).filter(subject_type=SUBJECT)


def agreements(world, engagement):
    return Document.objects.for_practice(world.practice).filter(
        subject_type=SUBJECT, subject_id=engagement.pk
    )


def stored(context):
    return json.loads(json.dumps(context, cls=DjangoJSONEncoder))


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- The form ------------------------------------------------------------------------------


def test_it_shows_the_acceptance_form_to_a_contact_who_may_answer(world, proposed, contact_client):
    response = contact_client.get(
        reverse(
            "portal_engagement",
            kwargs={"practice_slug": world.practice.slug, "engagement_id": proposed.pk},
        )
    )
    body = response.content.decode()
    assert 'name="read_confirmed"' in body and 'name="name"' in body


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Nora Northwind"}, "read_confirmed", "Confirm that you have read the agreement."),
        ({"read_confirmed": "on"}, "name", "Type your full name to accept."),
        ({"read_confirmed": "on", "name": "   "}, "name", "Type your full name to accept."),
        ({"read_confirmed": "on", "name": "N" * 151}, "name", "at most 150 characters"),
        ({}, "read_confirmed", "Confirm that you have read the agreement."),
    ],
)
def test_it_refuses_an_acceptance_without_the_check_or_the_name(
    world, proposed, contact_client, data, field, message
):
    # When the contact accepts without confirming or without typing a name
    response = accept(world, contact_client, proposed, data)

    # Then the form says what is missing, and nothing is saved
    assert response.status_code == 400
    form = response.context["accept_form"]
    assert any(message in error for error in form.errors[field])
    assert message.split("%")[0] in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == EngagementStatus.PROPOSED and proposed.accepted_at is None
    assert not approvals(world).exists()
    assert not agreements(world, proposed).exists()


def test_it_shows_a_broken_rule_on_the_form_and_saves_nothing(world, proposed, contact_client):
    # Given another proposal of the same client already accepted (not one this one replaces)
    active = EngagementFactory(
        practice=world.practice,
        client=proposed.client,
        status=EngagementStatus.ACTIVE,
        version=9,
    )

    response = accept(world, contact_client, proposed)

    assert response.status_code == 400
    assert "already has an active engagement" in response.content.decode()
    proposed.refresh_from_db()
    active.refresh_from_db()
    assert (proposed.status, active.status) == ("proposed", "active")
    assert not approvals(world).exists()


def test_it_answers_404_to_a_contact_of_another_client(world, proposed):
    # Given a contact with a login at another client of the same practice
    from secretary.models import Role

    stranger = MembershipFactory(practice=world.practice, role=Role.CLIENT)
    ContactFactory(
        client=ClientFactory(practice=world.practice), membership=stranger, portal_documents=True
    )

    response = accept(world, client_for(stranger.user), proposed)

    assert response.status_code == 404
    proposed.refresh_from_db()
    assert proposed.status == EngagementStatus.PROPOSED
    assert not approvals(world).exists()


# --- The approval ---------------------------------------------------------------------------


def test_acceptance_records_the_typed_name_and_the_agreements_checksum(
    world, proposed, contact_client
):
    # Given the proposed agreement's PDF, ready
    DocumentFactory(
        practice=world.practice,
        client=proposed.client,
        ready=True,
        subject_type=SUBJECT,
        subject_id=proposed.pk,
        context=stored(agreement_context(proposed)),
        checksum="a" * 64,
    )

    assert accept(world, contact_client, proposed).status_code == 302

    approval = approvals(world).get()
    assert approval.subject_id == proposed.pk and approval.decision == "approved"
    assert approval.content_hash == "a" * 64
    assert approval.user == world.client_contact.user
    assert approval.name == "Nora Northwind"  # as typed, spaces tidied
    assert approval.ip_address == "198.51.100.4" and approval.user_agent == "Agreement browser"
    assert approval.decided_at is not None
    proposed.refresh_from_db()
    assert proposed.status == EngagementStatus.ACTIVE


def test_the_hash_is_that_of_the_pdf_of_the_present_terms(world, proposed, contact_client):
    # Given a ready PDF of earlier terms and the PDF of the present ones
    earlier = stored(agreement_context(proposed))
    earlier["fees"]["monthly_fee"] = "AUD 1.00"
    for context, checksum in ((stored(agreement_context(proposed)), "c"), (earlier, "b")):
        DocumentFactory(
            practice=world.practice,
            client=proposed.client,
            ready=True,
            subject_type=SUBJECT,
            subject_id=proposed.pk,
            context=context,
            checksum=checksum * 64,
        )

    # Then the hash is that of the present terms' PDF, though the other one is newer
    assert agreement_hash(practice=world.practice, engagement=proposed) == "c" * 64


def test_without_a_ready_pdf_the_agreements_content_is_hashed(world, proposed, contact_client):
    expected = agreement_hash(practice=world.practice, engagement=proposed)
    assert len(expected) == 64

    assert accept(world, contact_client, proposed).status_code == 302

    assert approvals(world).get().content_hash == expected


def test_a_refused_acceptance_records_nothing(world, proposed, contact_client):
    proposed.status = EngagementStatus.DRAFT
    proposed.save(update_fields=["status"])

    accept(world, contact_client, proposed)

    assert not approvals(world).exists()


# --- The accepted agreement -----------------------------------------------------------------


def test_it_writes_the_moment_on_the_clients_clock_with_its_zone():
    moment = datetime(2025, 1, 6, 23, 30, tzinfo=UTC)

    assert moment_in_zone(moment, "Australia/Sydney") == (
        "7 January 2025, 10:30 Australia/Sydney (UTC+11:00)"
    )
    assert moment_in_zone(moment, "UTC") == "6 January 2025, 23:30 UTC"


def test_the_acceptance_page_states_who_when_where_and_what(world, proposed):
    approval = Approval(
        practice=world.practice,
        name="Nora Northwind",
        ip_address="198.51.100.4",
        decided_at=datetime(2025, 1, 6, 23, 30, tzinfo=UTC),
    )

    page = acceptance_context(engagement=proposed, approval=approval, agreement_hash="d" * 64)

    assert page["statement"] == (
        "Accepted by Nora Northwind for Northwind Legal on 7 January 2025, 10:30 "
        f"Australia/Sydney (UTC+11:00) from IP 198.51.100.4; agreement version "
        f"{proposed.version}, SHA-256 {'d' * 64}"
    )


def test_the_accepted_agreement_carries_its_acceptance_page(
    world, proposed, contact_client, django_capture_on_commit_callbacks
):
    # Given the agreement proposed and rendered
    proposed.status = EngagementStatus.DRAFT
    proposed.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        client_services.engagement_propose(
            practice=world.practice, actor=world.secretary, engagement=proposed
        )
    original = agreements(world, proposed).get()
    assert original.status == DocumentStatus.READY and len(original.checksum) == 64
    assert "Accepted by" not in pdf_text(original)

    # When the client accepts it, typing their name
    with django_capture_on_commit_callbacks(execute=True):
        assert accept(world, contact_client, proposed).status_code == 302

    # Then the accepted PDF is rendered beside the proposed one, which stays as it was
    approval = approvals(world).get()
    assert approval.content_hash == original.checksum
    accepted = agreements(world, proposed).exclude(pk=original.pk).get()
    assert accepted.status == DocumentStatus.READY
    assert (
        accepted.title
        == f"Accepted service agreement \u2013 Northwind Legal, version {proposed.version}"
    )
    assert accepted.page_count == original.page_count + 1  # the acceptance page
    original.refresh_from_db()
    assert original.status == DocumentStatus.READY and original.file
    text = pdf_text(accepted)
    assert "Accepted by Nora Northwind for Northwind Legal on " in text
    assert "from IP 198.51.100.4" in text
    assert original.checksum in text
    assert f"agreement version {proposed.version}" in text
    local = moment_in_zone(approval.decided_at, "Australia/Sydney")
    assert re.sub(r"\s+", " ", local) in text
    # The signature block carries the typed name
    assert text.count("Nora Northwind") >= 3  # signature, statement, details

    # And both show in the engagement's documents in the portal
    listing = contact_client.get(
        reverse(
            "portal_subject_documents",
            kwargs={
                "practice_slug": world.practice.slug,
                "subject_type": SUBJECT,
                "subject_id": proposed.pk,
            },
        )
    ).content.decode()
    assert "Accepted service agreement" in listing
    assert f"Service agreement \u2013 Northwind Legal, version {proposed.version}" in listing
