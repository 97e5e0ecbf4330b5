"""The client's acceptance of a service agreement is recorded as an approval: who, when, from
where, and the hash of the agreement accepted."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from clients.models import CoverageWindow, EngagementStatus
from documents.acceptance import agreement_hash
from documents.models import Approval
from tests.clients.factories import ClientFactory, ContactFactory, EngagementFactory
from tests.documents.factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(world):
    client = ClientFactory(practice=world.practice, name="Northwind Legal", time_zone="UTC")
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


def accept(world, browser, engagement):
    return browser.post(
        reverse(
            "portal_engagement_accept",
            kwargs={"practice_slug": world.practice.slug, "engagement_id": engagement.pk},
        ),
        HTTP_USER_AGENT="Agreement browser",
        REMOTE_ADDR="198.51.100.4",
    )


def test_acceptance_records_the_agreements_checksum(world, proposed, contact_client):
    DocumentFactory(
        practice=world.practice,
        client=proposed.client,
        ready=True,
        subject_type="clients.engagement",
        subject_id=proposed.pk,
        checksum="a" * 64,
    )

    assert accept(world, contact_client, proposed).status_code == 302

    approval = Approval.objects.for_practice(world.practice).get(subject_type="clients.engagement")
    user = world.client_contact.user
    assert approval.subject_id == proposed.pk and approval.decision == "approved"
    assert approval.content_hash == "a" * 64
    assert approval.user == user and approval.name == (user.get_full_name() or user.email)
    assert approval.ip_address == "198.51.100.4" and approval.user_agent == "Agreement browser"


def test_without_a_ready_pdf_the_agreements_content_is_hashed(world, proposed, contact_client):
    expected = agreement_hash(practice=world.practice, engagement=proposed)
    assert len(expected) == 64

    assert accept(world, contact_client, proposed).status_code == 302

    approval = Approval.objects.for_practice(world.practice).get(subject_type="clients.engagement")
    assert approval.content_hash == expected


def test_a_refused_acceptance_records_nothing(world, proposed, contact_client):
    proposed.status = EngagementStatus.DRAFT
    proposed.save(update_fields=["status"])

    accept(world, contact_client, proposed)

    assert (
        not Approval.objects.for_practice(world.practice)
        .filter(subject_type="clients.engagement")
        .exists()
    )
