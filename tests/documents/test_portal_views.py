"""Client contacts see and download their own client's documents in the portal."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from documents.models import DocumentStatus
from tests.clients.factories import ClientFactory, ContactFactory, EngagementFactory
from tests.conftest import client_for
from tests.documents.factories import FAKE_PDF, DocumentFactory
from tests.factories import MembershipFactory, UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
SUBJECT = "clients.engagement"


def url(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def portal(world):
    """The contact's client with a proposed engagement and its agreement; another client too."""
    own = ClientFactory(practice=world.practice, name="Northwind Legal")
    contact = ContactFactory(
        practice=world.practice, client=own, membership=world.client_contact, portal_documents=True
    )
    engagement = EngagementFactory(practice=world.practice, client=own)
    document = DocumentFactory(
        practice=world.practice,
        client=own,
        ready=True,
        subject_type=SUBJECT,
        subject_id=engagement.pk,
        title="Service agreement \u2013 Northwind Legal, version 1",
    )
    other = ClientFactory(practice=world.practice, name="Contoso Dental")
    other_engagement = EngagementFactory(practice=world.practice, client=other)
    other_document = DocumentFactory(
        practice=world.practice,
        client=other,
        ready=True,
        subject_type=SUBJECT,
        subject_id=other_engagement.pk,
        title="Contoso agreement",
    )
    return {
        "contact": contact,
        "engagement": engagement,
        "document": document,
        "other_engagement": other_engagement,
        "other_document": other_document,
    }


def routes(world, engagement, document) -> list[str]:
    return [
        url("portal_subject_documents", world, subject_type=SUBJECT, subject_id=engagement.pk),
        url("portal_document_download", world, document_id=document.pk),
        url("portal_document_preview", world, document_id=document.pk),
    ]


def test_it_checks_ownership(world, portal, contact_client, outsider_client, secretary_client):
    own = routes(world, portal["engagement"], portal["document"])

    # the contact of the client gets in
    for address in own:
        assert contact_client.get(address).status_code == 200, address
    # a member of another practice, and staff (the portal is for contacts), do not
    for client in (outsider_client, secretary_client):
        for address in own:
            assert client.get(address).status_code == 404, address


def test_a_contact_of_another_client_gets_404(world, portal, contact_client):
    for address in routes(world, portal["other_engagement"], portal["other_document"]):
        assert contact_client.get(address).status_code == 404, address


def test_a_contact_not_allowed_documents_gets_404(world, portal, contact_client):
    portal["contact"].portal_documents = False
    portal["contact"].save(update_fields=["portal_documents"])

    for address in routes(world, portal["engagement"], portal["document"]):
        assert contact_client.get(address).status_code == 404, address


def test_a_client_login_without_a_contact_gets_404(world, portal):
    stranger = MembershipFactory(
        practice=world.practice, role="client", user=UserFactory(email="nobody@client.test")
    )

    for address in routes(world, portal["engagement"], portal["document"]):
        assert client_for(stranger.user).get(address).status_code == 404, address


def test_the_practices_own_documents_stay_hidden_from_contacts(world, portal, contact_client):
    internal = DocumentFactory(practice=world.practice, client=None, ready=True)

    response = contact_client.get(url("portal_document_download", world, document_id=internal.pk))

    assert response.status_code == 404


def test_a_contact_downloads_the_agreement(world, portal, contact_client):
    response = contact_client.get(
        url("portal_document_download", world, document_id=portal["document"].pk)
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == FAKE_PDF


def test_the_portal_fragment_links_to_portal_urls_and_offers_no_retry(
    world, portal, contact_client
):
    DocumentFactory(
        practice=world.practice,
        client=portal["engagement"].client,
        failed=True,
        subject_type=SUBJECT,
        subject_id=portal["engagement"].pk,
    )

    response = contact_client.get(
        url(
            "portal_subject_documents",
            world,
            subject_type=SUBJECT,
            subject_id=portal["engagement"].pk,
        ),
        **HTMX,
    )

    body = response.content.decode()
    assert url("portal_document_download", world, document_id=portal["document"].pk) in body
    assert url("portal_document_preview", world, document_id=portal["document"].pk) in body
    assert "/app/" not in body
    assert "Retry" not in body
    assert "Contoso" not in body


def test_the_portal_fragment_polls_while_the_agreement_is_rendering(world, portal, contact_client):
    DocumentFactory(
        practice=world.practice,
        client=portal["engagement"].client,
        status=DocumentStatus.RENDERING,
        subject_type=SUBJECT,
        subject_id=portal["engagement"].pk,
    )

    response = contact_client.get(
        url(
            "portal_subject_documents",
            world,
            subject_type=SUBJECT,
            subject_id=portal["engagement"].pk,
        ),
        **HTMX,
    )

    assert 'hx-trigger="every 2s"' in response.content.decode()


def test_the_portal_fragment_is_a_portal_page_without_htmx(world, portal, contact_client):
    response = contact_client.get(
        url(
            "portal_subject_documents",
            world,
            subject_type=SUBJECT,
            subject_id=portal["engagement"].pk,
        )
    )

    body = response.content.decode()
    assert 'class="portal"' in body
    assert "Northwind Legal" in body


def test_the_include_loads_the_fragment_from_the_portal_url_for_contacts(world, portal):
    request = RequestFactory().get("/")
    request.practice, request.membership = world.practice, world.client_contact

    html = render_to_string(
        "documents/partials/subject_documents.html",
        {"subject_type": SUBJECT, "subject_id": portal["engagement"].pk},
        request=request,
    )

    assert (
        f'hx-get="{url("portal_subject_documents", world, subject_type=SUBJECT, subject_id=portal["engagement"].pk)}"'
        in html
    )
