"""Documents routes for the isolation harness."""

from django.core.files.uploadedfile import SimpleUploadedFile

from clients.selectors import contact_for_membership
from documents import compose
from documents.models import Composition, DocumentKind
from tests.clients.factories import ClientFactory, ContactFactory, EngagementFactory
from tests.documents.factories import DocumentFactory, png_bytes
from tests.documents.isolation_library import routes as library_routes
from tests.documents.isolation_proofing import routes as proofing_routes

SUBJECT = "clients.engagement"


def routes(world) -> dict[str, dict]:
    # The world's contact may already represent a client (another app's routes made one).
    contact = contact_for_membership(membership=world.client_contact)
    if contact is not None:
        client = contact.client
    else:
        client = ClientFactory(practice=world.practice, name=f"{world.practice.name} client")
        ContactFactory(practice=world.practice, client=client, membership=world.client_contact)
    engagement = EngagementFactory(practice=world.practice, client=client, weekdays=range(5))
    subject = {"subject_type": SUBJECT, "subject_id": engagement.pk}
    ready = DocumentFactory(
        practice=world.practice,
        client=client,
        ready=True,
        subject_type=SUBJECT,
        subject_id=engagement.pk,
        title=f"{world.practice.name} agreement",
    )
    failed = DocumentFactory(
        practice=world.practice,
        client=client,
        failed=True,
        subject_type=SUBJECT,
        subject_id=engagement.pk,
    )
    composition = Composition.objects.create(
        practice=world.practice,
        client=client,
        kind=DocumentKind.LETTER,
        title=f"{world.practice.name} letter",
        paper="A4",
    )
    asset = compose.asset_upload(
        practice=world.practice,
        client=client,
        upload=SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
    )
    editable = {"composition_id": composition.pk}
    newsletter = compose.composition_create(
        practice=world.practice,
        client=client,
        kind=DocumentKind.NEWSLETTER,
        title=f"{world.practice.name} newsletter",
        content={"blocks": [{"type": "heading", "text": "News"}], "fields": {}},
    )
    email = {"composition_id": newsletter.pk}
    return {
        "documents": {},
        "subject_documents": subject,
        "document_download": {"document_id": ready.pk},
        "document_preview": {"document_id": ready.pk},
        "document_retry": {"document_id": failed.pk},
        "portal_subject_documents": subject,
        "portal_document_download": {"document_id": ready.pk},
        "portal_document_preview": {"document_id": ready.pk},
        "portal_composition": {"composition_id": composition.pk},
        **proofing_routes(world, client),
        **library_routes(world, client),
        "composition_list": {},
        "composition_new": {},
        "composition_editor": editable,
        "composition_preview": editable,
        "composition_send": editable,
        "composition_pdf": editable,
        "composition_asset_upload": editable,
        "document_asset": {"asset_id": asset.pk},
        "composition_email": email,
        "composition_email_test": email,
        "api_composition_email": email,
    }
