"""The client's proofing in the portal: every page of the version sent, pinned comments,
approval with the read confirmation and a typed name, requests for changes."""

import pytest
from django.urls import reverse

from documents import compose
from documents.models import (
    Approval,
    CompositionStatus,
    DocumentKind,
    DocumentStatus,
    ProofComment,
)
from documents.pages import NoSuchPage, page_name, page_png
from tests.clients.factories import ClientFactory, ContactFactory
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory

BLOCKS = [
    {"type": "heading", "text": "Your new office hours"},
    {"type": "text", "markdown": "From **Monday** we answer your phones from 8 am."},
    {"type": "page_break"},
    {"type": "heading", "text": "Holidays"},
    {"type": "text", "markdown": "<script>alert(1)</script> We close on public holidays."},
]


def url(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def northwind(world):
    client = ClientFactory(practice=world.practice, name="Northwind Legal", time_zone="UTC")
    ContactFactory(
        practice=world.practice,
        client=client,
        membership=world.client_contact,
        portal_documents=True,
    )
    return client


def make(world, client, title="Office hours letter", blocks=BLOCKS):
    return compose.composition_create(
        practice=world.practice,
        client=client,
        kind=DocumentKind.LETTER,
        title=title,
        user=world.secretary.user,
        content={"blocks": blocks, "fields": {}},
    )


def pdf_of(pages: int) -> bytes:
    """A blank PDF of ``pages`` A4 pages."""
    import io

    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    for _number in range(pages):
        pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    return buffer.getvalue()


def give_pages(document, pages: int) -> None:
    """The document's file replaced by one of ``pages`` pages (the letter fills one)."""
    import hashlib

    from django.core.files.base import ContentFile

    data = pdf_of(pages)
    document.file.save("pages.pdf", ContentFile(data), save=False)
    document.page_count = pages
    document.checksum = hashlib.sha256(data).hexdigest()
    document.save(update_fields=["file", "page_count", "checksum"])


@pytest.fixture
def sent(world, northwind, django_capture_on_commit_callbacks):
    composition = make(world, northwind)
    with django_capture_on_commit_callbacks(execute=True):
        version = compose.composition_send_for_approval(
            practice=world.practice, composition=composition, user=world.secretary.user
        )
    version.refresh_from_db()
    assert version.document.status == DocumentStatus.READY, version.document.failure_reason
    return composition, version


def test_it_checks_ownership(world, sent, outsider_client, secretary_client):
    composition, version = sent
    other = ClientFactory(practice=world.practice, name="Contoso Dental")
    other_user = UserFactory()
    other_membership = MembershipFactory(practice=world.practice, user=other_user, role="client")
    ContactFactory(
        practice=world.practice, client=other, membership=other_membership, portal_documents=True
    )
    no_part_user = UserFactory()
    no_part = MembershipFactory(practice=world.practice, user=no_part_user, role="client")
    ContactFactory(
        practice=world.practice,
        client=composition.client,
        membership=no_part,
        portal_documents=False,
    )
    routes = [
        url("portal_composition", world, composition_id=composition.pk),
        url(
            "portal_composition_page",
            world,
            composition_id=composition.pk,
            version_id=version.pk,
            page=1,
        ),
    ]
    for browser in (
        outsider_client,
        secretary_client,
        client_for(other_user),
        client_for(no_part_user),
    ):
        for route in routes:
            assert browser.get(route).status_code == 404, route
    # The list shows nothing of another client's
    assert (
        "Office hours letter"
        not in client_for(other_user).get(url("portal_compositions", world)).content.decode()
    )
    assert client_for(no_part_user).get(url("portal_compositions", world)).status_code == 404


def test_it_lists_what_awaits_review(world, sent, contact_client, django_assert_max_num_queries):
    composition, _version = sent
    draft_only = make(world, composition.client, title="Unsent newsletter")

    with django_assert_max_num_queries(15):
        page = contact_client.get(url("portal_compositions", world)).content.decode()

    assert "Office hours letter" in page and "Please review" in page
    assert draft_only.title not in page


def test_it_shows_every_page_as_png(world, sent, contact_client):
    composition, version = sent
    document = version.document
    give_pages(document, 2)

    page = contact_client.get(url("portal_composition", world, composition_id=composition.pk))
    html = page.content.decode()
    for number in (1, 2):
        assert (
            url(
                "portal_composition_page",
                world,
                composition_id=composition.pk,
                version_id=version.pk,
                page=number,
            )
            in html
        )
    second = contact_client.get(
        url(
            "portal_composition_page",
            world,
            composition_id=composition.pk,
            version_id=version.pk,
            page=2,
        )
    )
    png = b"".join(second.streaming_content)
    assert second.status_code == 200 and png.startswith(b"\x89PNG")
    assert document.file.storage.exists(page_name(document, 2))
    missing = contact_client.get(
        url(
            "portal_composition_page",
            world,
            composition_id=composition.pk,
            version_id=version.pk,
            page=3,
        )
    )
    assert missing.status_code == 404


def test_page_png_renders_the_asked_page(sent):
    _composition, version = sent
    with version.document.file.open("rb") as handle:
        first = page_png(handle.read(), 1, 200)
    assert first.startswith(b"\x89PNG")
    assert page_png(pdf_of(3), 3, 100).startswith(b"\x89PNG")
    with pytest.raises(NoSuchPage):
        page_png(pdf_of(2), 3, 100)


def test_a_comment_pins_a_spot_on_a_page(world, sent, contact_client):
    composition, version = sent
    give_pages(version.document, 2)
    answer = contact_client.post(
        url("portal_composition_comment", world, composition_id=composition.pk),
        {"body": "Move the logo left.", "page": 2, "x": "12.5", "y": "40"},
    )
    assert answer.status_code == 302
    comment = ProofComment.objects.for_practice(world.practice).get()
    assert (comment.page, str(comment.x), str(comment.y)) == (2, "12.50", "40.00")
    assert comment.version_id == version.pk and comment.from_client
    ProofComment.objects.create(
        practice=world.practice,
        version=version,
        page=2,
        body="Done, see version 2.",
        author=world.secretary.user,
        author_name="Sam Secretary",
        from_client=False,
    )
    html = contact_client.get(
        url("portal_composition", world, composition_id=composition.pk)
    ).content.decode()
    assert "left: 12.50%; top: 40.00%" in html
    assert "Done, see version 2." in html and "Your secretary" in html


@pytest.mark.parametrize(
    "data",
    [
        {"body": "", "page": 1},
        {"body": "Hi", "page": 9},
        {"body": "Hi", "page": 1, "x": "120", "y": "3"},
        {"body": "Hi", "page": 1, "x": "12"},
        {"body": "Hi", "page": "one"},
    ],
)
def test_a_bad_comment_saves_nothing(world, sent, contact_client, data):
    composition, _version = sent
    answer = contact_client.post(
        url("portal_composition_comment", world, composition_id=composition.pk), data
    )
    assert answer.status_code == 400
    assert b"errorlist" in answer.content
    assert not ProofComment.objects.for_practice(world.practice).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Ana Reyes"}, "Confirm that you have read this version."),
        ({"read_confirmed": "on", "name": "   "}, "Type your full name to approve."),
        ({"read_confirmed": "on"}, "Type your full name to approve."),
    ],
)
def test_approval_needs_the_read_confirmation_and_a_typed_name(
    world, sent, contact_client, data, message
):
    composition, version = sent
    answer = contact_client.post(
        url("portal_composition", world, composition_id=composition.pk),
        {"decision": "approved", "version": version.pk, **data},
    )
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Approval.objects.for_practice(world.practice).exists()
    composition.refresh_from_db()
    assert composition.status == CompositionStatus.AWAITING_APPROVAL


def test_approval_is_recorded_and_shown(world, sent, contact_client):
    composition, version = sent
    answer = contact_client.post(
        url("portal_composition", world, composition_id=composition.pk),
        {
            "decision": "approved",
            "version": version.pk,
            "read_confirmed": "on",
            "name": "Ana  Reyes",
        },
        HTTP_USER_AGENT="Proofing browser",
        REMOTE_ADDR="203.0.113.7",
    )
    assert answer.status_code == 302
    approval = Approval.objects.for_practice(world.practice).get()
    assert approval.name == "Ana Reyes" and approval.user == world.client_contact.user
    assert approval.content_hash == version.content_hash
    assert approval.ip_address == "203.0.113.7" and approval.user_agent == "Proofing browser"
    composition.refresh_from_db()
    assert composition.status == CompositionStatus.APPROVED

    html = contact_client.get(answer.url).content.decode()
    assert "Approved by Ana Reyes on" in html
    assert f"version 1, hash {version.content_hash[:12]}" in html
    assert "Approve this version" not in html


def test_changes_need_a_comment(world, sent, contact_client):
    composition, version = sent
    empty = contact_client.post(
        url("portal_composition", world, composition_id=composition.pk),
        {"decision": "changes_requested", "version": version.pk, "comment": " "},
    )
    assert empty.status_code == 400 and "Say what should change." in empty.content.decode()
    assert not Approval.objects.for_practice(world.practice).exists()

    done = contact_client.post(
        url("portal_composition", world, composition_id=composition.pk),
        {
            "decision": "changes_requested",
            "version": version.pk,
            "comment": "Our hours start at 8:30.",
            "page": 2,
        },
    )
    assert done.status_code == 302
    composition.refresh_from_db()
    assert composition.status == CompositionStatus.CHANGES_REQUESTED
    comment = ProofComment.objects.for_practice(world.practice).get()
    assert (comment.page, comment.body) == (2, "Our hours start at 8:30.")


def test_a_draft_after_changes_is_not_shown_until_sent(
    world, sent, contact_client, django_capture_on_commit_callbacks
):
    composition, version = sent
    compose.composition_decide(
        practice=world.practice,
        composition=composition,
        version_id=version.pk,
        user=world.client_contact.user,
        decision="changes_requested",
        comment="Shorter, please.",
    )
    draft = compose.composition_save(
        practice=world.practice,
        composition=composition,
        content={"blocks": [{"type": "heading", "text": "Secret draft heading"}], "fields": {}},
    )
    page_url = url("portal_composition", world, composition_id=composition.pk)

    html = contact_client.get(page_url).content.decode()
    assert "Version 1" in html and "Version 2" not in html
    assert "Approve this version" not in html
    draft_page = url(
        "portal_composition_page",
        world,
        composition_id=composition.pk,
        version_id=draft.pk,
        page=1,
    )
    assert contact_client.get(draft_page).status_code == 404
    # Approving the old version is refused
    answer = contact_client.post(
        page_url,
        {"decision": "approved", "version": version.pk, "read_confirmed": "on", "name": "Ana"},
    )
    assert answer.status_code == 400
    assert Approval.objects.for_practice(world.practice).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        compose.composition_send_for_approval(practice=world.practice, composition=composition)
    html = contact_client.get(page_url).content.decode()
    assert "Version 2" in html and "Approve this version" in html
