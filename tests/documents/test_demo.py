"""The demo's composed documents for Northwind Legal: the same set however often it is seeded,
each in the state the demo shows (approved, awaiting approval, drafts), rendered by the queue."""

import pytest

from clients.mailing.campaigns import demo as campaigns_demo
from clients.models import BrandKit, Client
from documents import demo as documents_demo
from documents.compose import VERSION_SUBJECT, version_latest
from documents.models import (
    Approval,
    ApprovalDecision,
    Composition,
    CompositionStatus,
    CompositionVersion,
    DocumentAsset,
    DocumentKind,
    DocumentStatus,
)
from secretary.demo import seed_demo
from tasks.models import CalendarEvent

pytestmark = pytest.mark.django_db


def snapshot(practice, client) -> dict:
    compositions = Composition.objects.for_practice(practice).filter(client=client)
    return {
        "compositions": sorted(compositions.values_list("kind", "title", "status")),
        "versions": CompositionVersion.objects.for_practice(practice).count(),
        "approvals": Approval.objects.for_practice(practice)
        .filter(subject_type=VERSION_SUBJECT)
        .count(),
        "assets": sorted(
            DocumentAsset.objects.for_practice(practice)
            .filter(client=client)
            .values_list("original_name", flat=True)
        ),
        "events": sorted(
            CalendarEvent.objects.for_practice(practice)
            .filter(client=client, task__isnull=False)
            .values_list("title", flat=True)
        ),
        "brand_kits": BrandKit.objects.for_practice(practice).filter(client=client).count(),
    }


@pytest.fixture
def seeded():
    demo = seed_demo()
    client = Client.objects.for_practice(demo.practice).get(name=documents_demo.CLIENT_NAME)
    return demo, client


# The newsletters the campaigns' demo writes (``clients.mailing.campaigns.demo``).
CAMPAIGN_NEWSLETTERS = (campaigns_demo.SENT_NAME, campaigns_demo.AWAITING_NAME)


def test_it_makes_the_same_set_when_seeded_twice(seeded):
    # Given the demo seeded once
    demo, client = seeded
    first = snapshot(demo.practice, client)
    # When it is seeded again
    seed_demo()
    # Then the documents, their versions, approvals, files and events are the same
    assert snapshot(demo.practice, client) == first
    # The documents' demo, and the two newsletters of the mailing lists' campaigns
    assert len(first["compositions"]) == 5 + len(CAMPAIGN_NEWSLETTERS)
    assert first["versions"] == 5 + len(CAMPAIGN_NEWSLETTERS)
    assert first["approvals"] == 1
    assert first["assets"] == sorted(documents_demo.PICTURES)
    assert first["brand_kits"] == 1


def test_it_shows_each_document_in_its_state(seeded):
    # Given the seeded demo
    demo, client = seeded
    practice = demo.practice
    by_kind = {
        c.kind: c
        for c in Composition.objects.for_practice(practice)
        .filter(client=client)
        .exclude(title__in=CAMPAIGN_NEWSLETTERS)
        .select_related("approved_version")
    }
    # Then every kind of the demo is there
    assert set(by_kind) == {
        DocumentKind.LETTER,
        DocumentKind.NEWSLETTER,
        DocumentKind.BROCHURE,
        DocumentKind.BUSINESS_CARDS,
        DocumentKind.TRAVEL_ITINERARY,
    }
    # And the letter is approved by the portal contact, with its approval on record
    letter = by_kind[DocumentKind.LETTER]
    assert letter.status == CompositionStatus.APPROVED
    approved = version_latest(letter)
    assert letter.approved_version == approved
    approval = Approval.objects.for_practice(practice).get(
        subject_type=VERSION_SUBJECT, subject_id=approved.pk
    )
    assert approval.decision == ApprovalDecision.APPROVED
    assert approval.user == demo.client_contact.user
    assert approval.name == demo.client_contact.user.get_full_name()
    assert approval.content_hash == approved.content_hash
    # And the newsletter was sent and awaits the client
    newsletter = by_kind[DocumentKind.NEWSLETTER]
    sent = version_latest(newsletter)
    assert newsletter.status == CompositionStatus.AWAITING_APPROVAL
    assert sent.sent_for_approval_at is not None
    assert (
        not Approval.objects.for_practice(practice)
        .filter(subject_type=VERSION_SUBJECT, subject_id=sent.pk)
        .exists()
    )
    # And the others are drafts
    for kind in (DocumentKind.BROCHURE, DocumentKind.BUSINESS_CARDS, DocumentKind.TRAVEL_ITINERARY):
        assert by_kind[kind].status == CompositionStatus.DRAFT
    # And every document was queued for the worker, none rendered while seeding
    for composition in by_kind.values():
        version = version_latest(composition)
        assert version.document is not None, composition.kind
        assert version.document.status == DocumentStatus.QUEUED
    # And the pictures shown are the client's files
    assets = set(
        DocumentAsset.objects.for_practice(practice)
        .filter(client=client)
        .values_list("pk", flat=True)
    )
    newsletter_images = {b["asset"] for b in sent.content["blocks"] if b["type"] == "image"}
    assert newsletter_images and newsletter_images <= assets
    # And the brochure has its six panels, the card sheet its two people on US Letter
    brochure = version_latest(by_kind[DocumentKind.BROCHURE]).content["fields"]
    assert len(brochure["panels"]) == 6
    cards = version_latest(by_kind[DocumentKind.BUSINESS_CARDS]).content["fields"]
    assert [p["name"] for p in cards["people"]] == ["Jordan Avery", "Priya Raman"]
    assert by_kind[DocumentKind.BUSINESS_CARDS].paper == "letter"


def test_it_builds_the_itinerary_from_the_roadshow_task(seeded):
    # Given the seeded demo
    demo, client = seeded
    itinerary = Composition.objects.for_practice(demo.practice).get(
        client=client, kind=DocumentKind.TRAVEL_ITINERARY
    )
    # Then it belongs to the roadshow task, whose events are its legs
    assert itinerary.task.title == documents_demo.ROADSHOW_TASK
    legs = list(
        CalendarEvent.objects.for_practice(demo.practice)
        .filter(task=itinerary.task)
        .values_list("title", flat=True)
    )
    assert len(legs) == 4
    assert any(title.startswith(documents_demo.ROADSHOW_FLIGHT) for title in legs)
    fields = version_latest(itinerary).content["fields"]
    assert fields["trip"] == documents_demo.ROADSHOW_TASK
    items = [item for day in fields["days"] for item in day["items"]]
    assert [item["kind"] for item in items] == ["flight", "hotel", "meeting", "flight"]
    assert "HMG-4471093" in {item["confirmation"] for item in items}
    assert {"Jordan Avery", "Priya Raman"} <= set(fields["travellers"])


def test_each_demo_document_opens_in_the_editor_and_saves_unchanged(seeded):
    from django.urls import reverse

    from tests.conftest import client_for
    from tests.documents.editor_inputs import form_inputs

    demo, client = seeded
    browser = client_for(demo.owner.user)
    for composition in Composition.objects.for_practice(demo.practice).filter(client=client):
        editor = reverse(
            "composition_editor",
            kwargs={"practice_slug": demo.practice.slug, "composition_id": composition.pk},
        )
        page = browser.get(editor)
        assert page.status_code == 200, composition.kind
        if composition.is_locked:
            continue
        before = version_latest(composition)
        data = form_inputs(page.content.decode())
        data["action"] = "save"
        assert browser.post(editor, data).status_code == 200, composition.kind
        after = version_latest(composition)
        assert after.content["blocks"] == before.content["blocks"], composition.kind
        for name, value in before.content["fields"].items():
            assert after.content["fields"][name] == value, (composition.kind, name)
