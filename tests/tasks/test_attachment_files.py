"""Attachments are typed by their bytes: stored and served as what they are, whatever their name."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tasks.models import Task
from tests.conftest import client_for
from tests.secretary.test_files import SCRIPT, body, png
from tests.tasks.test_views import url


def test_it_refuses_a_web_page_named_like_a_pdf(world, desk, contact_client):
    response = contact_client.post(
        url(world, "portal_request_new"),
        {
            "subject": "Invoice",
            "details": "Attached",
            "attachments": [
                SimpleUploadedFile("invoice.pdf", b"<html>" + SCRIPT, "application/pdf")
            ],
        },
    )
    assert response.status_code == 400
    assert "“invoice.pdf” is not an allowed file type" in response.content.decode()
    assert not Task.objects.for_practice(world.practice).exists()


def test_it_stores_and_serves_an_attachment_as_what_its_bytes_are(world, desk, contact_client):
    # Given a contact attaches a PNG named like a PDF
    response = contact_client.post(
        url(world, "portal_request_new"),
        {
            "subject": "Passport",
            "details": "Scan attached",
            "attachments": [SimpleUploadedFile("passport.pdf", png(), "application/pdf")],
        },
    )
    assert response.status_code == 302
    attachment = Task.objects.for_practice(world.practice).get().attachments.get()
    # Then it is kept as a PNG
    assert (attachment.original_name, attachment.content_type) == ("passport.png", "image/png")
    assert attachment.file.name.endswith(".png")
    # And staff download it (never inline) as a PNG
    served = client_for(world.secretary.user).get(
        url(world, "attachment_download", attachment_id=attachment.pk)
    )
    assert served["Content-Type"] == "image/png"
    assert served["Content-Disposition"] == 'attachment; filename="passport.png"'
    assert served["X-Content-Type-Options"] == "nosniff"
    assert body(served) == png()
