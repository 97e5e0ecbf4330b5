"""Database guarantees of the clients app."""

from datetime import time

import pytest
from django.db import IntegrityError, transaction

from clients.models import CoverageWindow, EngagementStatus, ServiceCategory
from secretary.services import practice_create
from tests.clients.factories import ClientFactory, EngagementFactory
from tests.factories import UserFactory


def test_it_allows_only_one_active_engagement_per_client(world):
    client = ClientFactory(practice=world.practice)
    EngagementFactory(client=client, status=EngagementStatus.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        EngagementFactory(client=client, status=EngagementStatus.ACTIVE)


def test_it_allows_history_beside_the_active_engagement(world):
    client = ClientFactory(practice=world.practice)
    EngagementFactory(client=client, status=EngagementStatus.SUPERSEDED)
    EngagementFactory(client=client, status=EngagementStatus.ACTIVE)
    EngagementFactory(client=client, status=EngagementStatus.DRAFT)
    assert client.engagements.count() == 3


def test_it_refuses_an_inverted_window_in_the_database(world):
    engagement = EngagementFactory(client=ClientFactory(practice=world.practice))
    with pytest.raises(IntegrityError), transaction.atomic():
        CoverageWindow.objects.create(
            practice=world.practice, engagement=engagement, weekday=0, start=time(17), end=time(9)
        )
    CoverageWindow.objects.create(
        practice=world.practice, engagement=engagement, weekday=0, start=time(22), end=time(0)
    )


def test_it_seeds_categories_for_every_new_practice(db):
    practice = practice_create(name="New Desk", owner=UserFactory())
    slugs = set(ServiceCategory.objects.for_practice(practice).values_list("slug", flat=True))
    assert {"correspondence", "bookkeeping", "desktop-publishing", "legal-secretarial"} <= slugs


def test_the_demo_has_clients_at_every_onboarding_stage(db, django_capture_on_commit_callbacks):
    from clients.models import Client, Contact, Engagement, Questionnaire
    from clients.selectors import engagement_active
    from secretary.demo import seed_demo

    with django_capture_on_commit_callbacks(execute=True):
        demo = seed_demo()
    seed_demo()  # idempotent
    practice = demo.practice
    clients = {c.name: c for c in Client.objects.for_practice(practice)}
    assert clients["Bright Bakery"].status == "prospect"
    sent = Questionnaire.objects.for_practice(practice).get(client=clients["Copperleaf Dental"])
    answered = Questionnaire.objects.for_practice(practice).get(
        client=clients["Harper & Vine Architects"]
    )
    assert (sent.status, answered.status) == ("sent", "submitted")
    proposed = Engagement.objects.for_practice(practice).get(client=clients["Meridian Events"])
    assert proposed.status == "proposed"
    northwind = engagement_active(practice=practice, client=clients["Northwind Legal"])
    assert northwind.accepted_by == demo.client_contact.user
    assert northwind.coverage().time_zone == "Australia/Sydney"
    assert clients["Northwind Legal"].time_zone == "America/Los_Angeles"
    assert engagement_active(practice=practice, client=clients["Nightjar Ventures"]).on_call
    assert clients["Quiet Harbour Consulting"].status == "paused"
    contact = Contact.objects.for_practice(practice).get(membership=demo.client_contact)
    assert contact.client == clients["Northwind Legal"]
    assert contact.portal_requests and contact.portal_documents and contact.portal_billing
    assert Client.objects.for_practice(demo.other_practice).count() == 2
    # The agreements of the demo carry the practice's branding: tagline, address and logo
    import io

    import pypdf

    from documents.models import Document

    # (the agreement as proposed; an accepted one is rendered again with its acceptance page)
    agreement = (
        Document.objects.for_practice(practice)
        .filter(subject_type="clients.engagement", subject_id=northwind.pk)
        .order_by("created_at", "id")
        .first()
    )
    with agreement.file.open("rb") as handle:
        pdf = pypdf.PdfReader(io.BytesIO(handle.read()))
    text = pdf.pages[0].extract_text()
    assert "Your office, anywhere" in text and "20 Bond Street" in text
    assert len(pdf.pages[0].images) == 1


def test_the_site_admin_lists_every_practice(world, northwind, active, db):
    from django.test import Client as Browser
    from django.urls import reverse

    from tests.factories import UserFactory

    root = UserFactory(email="root@site.test", is_staff=True, is_superuser=True)
    browser = Browser()
    browser.force_login(root)
    for name in (
        "client",
        "engagement",
        "contact",
        "serviceplan",
        "servicecategory",
        "brandkit",
        "questionnaire",
        "confidentialityagreement",
    ):
        response = browser.get(reverse(f"admin:clients_{name}_changelist"))
        assert response.status_code == 200, name
    for name, pk in [
        ("client", northwind.pk),
        ("engagement", active.pk),
        ("contact", northwind.contacts.get().pk),
    ]:
        response = browser.get(reverse(f"admin:clients_{name}_change", args=[pk]))
        assert response.status_code == 200, name
