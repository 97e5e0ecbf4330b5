"""Routes of the mailing lists for the isolation harness (included by tests/clients/isolation.py)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from clients.mailing.models import ImportJob, ImportStatus
from clients.mailing.services import audience_create, segment_create, subscriber_add
from clients.selectors import contact_for_membership
from tests.clients.factories import ClientFactory, ContactFactory
from tests.clients.mailing.conftest import CONSENT


def routes(world, client) -> dict[str, dict]:
    practice = world.practice
    audience = audience_create(practice=practice, client=client, data={"name": "Isolated list"})
    person = subscriber_add(
        practice=practice,
        audience=audience,
        data={
            "email": "person@isolated.example",
            "consent_source": CONSENT.source,
            "consent_at": CONSENT.at,
        },
    )
    segment = segment_create(practice=practice, audience=audience, data={"name": "Everyone"})
    job = ImportJob(
        practice=practice, audience=audience, kind="csv", file_name="people.csv", header=["email"]
    )
    job.file.save("isolated.csv", ContentFile(b"email\nperson@isolated.example\n"), save=False)
    job.status = ImportStatus.DONE
    job.save()
    # The client contact's own client gets a list of its own (the portal export).
    contact = contact_for_membership(membership=world.client_contact)
    if contact is None:
        own = ClientFactory(practice=practice, name="Isolated portal client")
        contact = ContactFactory(client=own, membership=world.client_contact)
    if not contact.portal_documents:
        contact.portal_documents = True
        contact.save(update_fields=["portal_documents"])
    portal_list = audience_create(
        practice=practice, client=contact.client, data={"name": "Isolated portal list"}
    )
    a = {"audience_id": audience.pk}
    return {
        "audience_list": {},
        "audience_create": {},
        "audience_detail": a,
        "audience_edit": a,
        "audience_delete": a,
        "audience_export": a,
        "subscriber_create": a,
        "subscriber_detail": {**a, "subscriber_id": person.pk},
        "subscriber_status": {**a, "subscriber_id": person.pk},
        "subscriber_delete": {**a, "subscriber_id": person.pk},
        "segment_create": a,
        "segment_edit": {**a, "segment_id": segment.pk},
        "segment_delete": {**a, "segment_id": segment.pk},
        "segment_export": {**a, "segment_id": segment.pk},
        "import_create": a,
        "import_detail": {**a, "job_id": job.pk},
        "portal_audience_list": {},
        "portal_audience_export": {"audience_id": portal_list.pk},
        "api_audience_list": {},
        "api_audience_detail": a,
        "api_subscriber_list": a,
        "api_subscriber_bulk": a,
        "api_subscriber_detail": {**a, "subscriber_id": person.pk},
        "api_segment_list": a,
        "api_segment_detail": {**a, "segment_id": segment.pk},
        "api_import_list": a,
        "api_import_detail": {**a, "job_id": job.pk},
    }
