"""The client portal: requests with attachments, replies, and what a contact may see."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.models import Attachment, Comment, Status, Task
from tasks.services import MAX_ATTACHMENT_BYTES
from tests.conftest import client_for
from tests.factories import MembershipFactory
from tests.tasks.factories import (
    AttachmentFactory,
    CalendarEventFactory,
    ClientFactory,
    CommentFactory,
    ContactFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def pdf(name="brief.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF" + b"x" * (size - 4), content_type="application/pdf")


def test_it_checks_ownership(world, desk, contact_client, secretary_client, outsider_client):
    other_client = ClientFactory(practice=world.practice)
    theirs = TaskFactory(practice=world.practice, client=other_client)
    hidden = TaskFactory(practice=world.practice, client=desk.client, client_visible=False)
    # Another client's task and an internal task are not found
    assert (
        contact_client.get(url(world, "portal_request_detail", task_id=theirs.pk)).status_code
        == 404
    )
    assert (
        contact_client.get(url(world, "portal_request_detail", task_id=hidden.pk)).status_code
        == 404
    )
    # Staff and outsiders are not portal users
    assert secretary_client.get(url(world, "portal_request_list")).status_code == 404
    assert outsider_client.get(url(world, "portal_request_list")).status_code == 404
    # A contact without request rights does not see the request pages
    desk.contact.portal_requests = False
    desk.contact.save()
    assert contact_client.get(url(world, "portal_request_new")).status_code == 404


def test_it_submits_a_request_with_attachments_and_computes_its_sla(world, desk, contact_client):
    response = contact_client.post(
        url(world, "portal_request_new"),
        {
            "subject": "Book flights to Tokyo",
            "details": "Economy is fine",
            "attachments": [pdf(), pdf("passport.png")],
        },
    )
    assert response.status_code == 302
    task = Task.objects.for_practice(world.practice).get()
    assert (task.source, task.status, task.client_id) == (
        "portal",
        Status.REQUESTED,
        desk.client.pk,
    )
    assert task.assignee_id == world.secretary.pk
    assert task.sla_due_at is not None and task.sla_due_at > task.created_at
    # A file is named after what its bytes are: this "passport.png" holds a PDF
    assert sorted(a.original_name for a in task.attachments.all()) == ["brief.pdf", "passport.pdf"]
    page = contact_client.get(response["Location"])
    assert "Book flights to Tokyo" in page.content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"subject": ""}, "This field is required"),
        (
            {"subject": "Too big", "attachments": [pdf(size=MAX_ATTACHMENT_BYTES + 1)]},
            "10 MB limit",
        ),
        (
            {"subject": "Bad type", "attachments": [SimpleUploadedFile("run.exe", b"MZ")]},
            "not an allowed file type. Allowed: PDF",
        ),
        (
            {"subject": "Too many", "attachments": [pdf(f"p{n}.pdf") for n in range(11)]},
            "Attach at most 10 files at a time.",
        ),
        ({"subject": "Yesterday", "wanted_by": "2000-01-01"}, "cannot be in the past"),
    ],
)
def test_it_rejects_bad_requests_and_saves_nothing(world, desk, contact_client, data, message):
    response = contact_client.post(url(world, "portal_request_new"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Task.objects.for_practice(world.practice).exists()
    assert not Attachment.objects.for_practice(world.practice).exists()


def test_it_shows_replies_but_never_internal_notes(world, desk, contact_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    CommentFactory(practice=world.practice, task=task, body="Visible reply")
    CommentFactory(practice=world.practice, task=task, body="Secret note", internal=True)
    internal_file = AttachmentFactory(
        practice=world.practice, task=task, internal=True, original_name="internal.pdf"
    )
    body = contact_client.get(url(world, "portal_request_detail", task_id=task.pk)).content.decode()
    assert "Visible reply" in body
    assert "Secret note" not in body and "internal.pdf" not in body
    assert (
        contact_client.get(
            url(world, "portal_attachment", attachment_id=internal_file.pk)
        ).status_code
        == 404
    )


def test_it_never_shows_an_internal_attachment_in_the_portal(
    world, desk, secretary_client, contact_client
):
    # Given a task with files the secretary marked internal: on the attachments card, on an
    # internal note, and one internal file hung on a visible reply (no form makes it, the
    # portal still must not trust the reply to vouch for it)
    task = TaskFactory(practice=world.practice, client=desk.client)
    secretary_client.post(
        url(world, "task_attach", task_id=task.pk),
        {"attachments": [pdf("card-internal.pdf")], "internal": "on"},
    )
    secretary_client.post(
        url(world, "task_comment", task_id=task.pk),
        {"body": "Team only", "internal": "on", "attachments": [pdf("note-internal.pdf")]},
    )
    reply = CommentFactory(practice=world.practice, task=task, body="Here you go")
    AttachmentFactory(
        practice=world.practice, task=task, comment=reply, internal=True, original_name="odd.pdf"
    )
    AttachmentFactory(practice=world.practice, task=task, comment=reply, original_name="ok.pdf")
    internal = Attachment.objects.for_practice(world.practice).filter(internal=True)
    assert sorted(internal.values_list("original_name", flat=True)) == [
        "card-internal.pdf",
        "note-internal.pdf",
        "odd.pdf",
    ]

    # When the client opens the request
    page = contact_client.get(url(world, "portal_request_detail", task_id=task.pk))

    # Then none of them is listed, nor reachable by its download route or the API
    body = page.content.decode()
    assert "Here you go" in body and "ok.pdf" in body
    for attachment in internal:
        assert attachment.original_name not in body
        download = url(world, "portal_attachment", attachment_id=attachment.pk)
        assert download not in body
        assert contact_client.get(download).status_code == 404
        api = url(world, "api_attachment_download", attachment_id=attachment.pk)
        assert contact_client.get(api).status_code == 404
    listed = contact_client.get(url(world, "api_task_attachments", task_id=task.pk)).json()
    names = [row["original_name"] for row in listed.get("results", listed)]
    assert names and not set(names) & set(internal.values_list("original_name", flat=True))


def test_it_lets_the_client_reply_and_tells_the_assignee(
    world, desk, contact_client, django_capture_on_commit_callbacks
):
    task = TaskFactory(practice=world.practice, client=desk.client, assignee=world.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_client.post(
            url(world, "portal_request_detail", task_id=task.pk),
            {"body": "Aisle seat please", "attachments": [pdf()]},
        )
    assert response.status_code == 302
    comment = Comment.objects.for_practice(world.practice).get()
    assert comment.from_client and not comment.internal
    assert comment.attachments.count() == 1
    assert [m.to for m in mail.outbox] == [["secretary@harbour.test"]]


def test_it_shows_open_requests_approvals_and_hours_on_the_portal_home(world, desk, contact_client):
    TaskFactory(practice=world.practice, client=desk.client, title="Open thing")
    TaskFactory(
        practice=world.practice, client=desk.client, title="Closed thing", status=Status.DONE
    )
    response = contact_client.get(url(world, "portal_home"))
    body = response.content.decode()
    assert "Open thing" in body and "Closed thing" not in body
    assert "of 10 h used" in body


def test_it_keeps_a_contact_of_another_client_out(world, desk):
    other = ClientFactory(practice=world.practice)
    member = MembershipFactory(practice=world.practice, role="client")
    ContactFactory(practice=world.practice, client=other, membership=member)
    task = TaskFactory(practice=world.practice, client=desk.client)
    browser = client_for(member.user)
    assert browser.get(url(world, "portal_request_detail", task_id=task.pk)).status_code == 404
    assert task.title not in browser.get(url(world, "portal_request_list")).content.decode()


def test_it_lists_proposals_awaiting_the_clients_approval(world, desk, contact_client):
    from clients.models import EngagementStatus
    from tests.tasks.factories import EngagementFactory

    EngagementFactory(
        practice=world.practice, client=desk.client, windows=[], status=EngagementStatus.PROPOSED
    )
    body = contact_client.get(url(world, "portal_home")).content.decode()
    assert "Service plan proposal (version" in body


def test_it_keeps_requests_from_a_contact_without_request_rights_but_not_the_calendar(
    world, desk, contact_client
):
    # Given a contact who may not file requests, and a request and an event of their client
    desk.contact.portal_requests = False
    desk.contact.save()
    TaskFactory(practice=world.practice, client=desk.client, title="Board pack")
    CalendarEventFactory(practice=world.practice, client=desk.client, title="Board call")
    # Then the portal home does not list requests, nor does the API serve them
    home = contact_client.get(url(world, "portal_home")).content.decode()
    assert "Board pack" not in home
    assert contact_client.get(url(world, "api_task_list")).status_code == 404
    # But their client's calendar is theirs, in the portal and the API alike
    assert "Board call" in contact_client.get(url(world, "portal_calendar")).content.decode()
    events = contact_client.get(url(world, "api_event_list")).json()["results"]
    assert [e["title"] for e in events] == ["Board call"]
    assert contact_client.get(url(world, "api_calendar_ics")).status_code == 200
