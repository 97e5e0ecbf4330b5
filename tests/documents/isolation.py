"""Documents routes for the isolation harness."""

from documents.subjects import register_subject_type
from tests.documents.factories import DocumentFactory

SUBJECT = "tests.membership"


def routes(world) -> dict[str, dict]:
    register_subject_type(SUBJECT, model="secretary.Membership", client_field=None)
    subject = {"subject_type": SUBJECT, "subject_id": world.secretary.pk}
    ready = DocumentFactory(practice=world.practice, ready=True, subject_type=SUBJECT,
                            subject_id=world.secretary.pk, title=f"{world.practice.name} letter")
    failed = DocumentFactory(practice=world.practice, failed=True)
    return {
        "documents": {},
        "subject_documents": subject,
        "document_download": {"document_id": ready.pk},
        "document_preview": {"document_id": ready.pk},
        "document_retry": {"document_id": failed.pk},
    }
