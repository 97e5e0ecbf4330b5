"""Inbound email: a contact's message becomes a request, a reply a comment; strangers' mail is
held; automatic mail is ignored; attachments follow the portal's limits; staff replies go back
in the thread."""

from __future__ import annotations

import io
from email import message_from_bytes
from email.utils import make_msgid

import pytest
from django.core import mail
from django.core.management import call_command

from clients.models import Contact
from secretary.errors import ApplicationError
from tasks.inbound.models import EmailReply, EmailThread, InboundMessage, InboundStatus
from tasks.inbound.services import (
    MAX_STORED_BYTES,
    inbound_address_rotate,
    inbound_receive,
    quarantine_accept,
    quarantine_discard,
)
from tasks.models import Attachment, Comment, Source, Status, Task
from tasks.services import comment_add
from tests.tasks.inbound.helpers import pdf, raw_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def receive(django_capture_on_commit_callbacks):
    def run(raw: bytes, channel: str = "test"):
        with django_capture_on_commit_callbacks(execute=True):
            return inbound_receive(raw=raw, channel=channel)

    return run


def _tasks(world):
    return Task.objects.for_practice(world.practice)


def test_it_makes_a_contacts_message_a_request_with_its_attachment(world, desk, address, receive):
    # Given a message from Northwind's contact to its address, with a PDF
    raw = raw_mail(to=address.email, attachments=(pdf(),))
    # When it is received
    inbound = receive(raw)
    # Then a request exists: source email, requested, the contact as requester
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.REQUEST
    task = _tasks(world).get()
    assert task.source == Source.EMAIL
    assert task.status == Status.REQUESTED
    assert task.client == desk.client
    assert task.requested_by == world.client_contact
    assert task.title == "Please book the Lisbon trip"
    assert task.description == "Flights for two on the 12th, please."
    assert task.assignee == world.secretary
    attachment = Attachment.objects.for_practice(world.practice).get(task=task)
    assert attachment.original_name == "itinerary.pdf"
    assert attachment.content_type == "application/pdf"
    thread = EmailThread.objects.for_practice(world.practice).get(task=task)
    assert thread.email == "contact@client.test"
    assert thread.contact == desk.contact


def test_it_makes_one_request_of_the_same_message_received_twice(world, address, receive):
    raw = raw_mail(to=address.email, message_id="<same@client.test>")
    first = receive(raw)
    second = receive(raw)
    assert first.pk == second.pk
    assert _tasks(world).count() == 1


def test_it_matches_the_sender_case_insensitively(world, address, receive):
    receive(raw_mail(to=address.email, sender="CONTACT@Client.Test"))
    assert _tasks(world).count() == 1


def test_it_drops_mail_for_an_unknown_address(world, address, receive, caplog):
    raw = raw_mail(to="nobody123@inbound.secretary.local")
    with caplog.at_level("INFO", logger="tasks.inbound.services"):
        assert receive(raw) is None
    assert InboundMessage.objects.for_practice(world.practice).count() == 0
    assert "dropped" in caplog.text


def test_it_finds_the_address_in_delivered_to_when_the_client_forwards(world, address, receive):
    raw = raw_mail(to="office@client.test", headers={"Delivered-To": address.email})
    receive(raw)
    assert _tasks(world).count() == 1


def test_it_holds_mail_from_an_unknown_sender(world, desk, address, receive):
    # Given a message from someone who is not a contact of Northwind
    inbound = receive(raw_mail(to=address.email, sender="Stranger <someone@elsewhere.test>"))
    # Then it waits in the quarantine and no request exists
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.raw
    assert _tasks(world).count() == 0


def test_it_makes_a_held_message_a_request_and_adds_its_sender(
    world, desk, address, receive, django_capture_on_commit_callbacks
):
    inbound = receive(
        raw_mail(to=address.email, sender="Sam Stranger <sam@elsewhere.test>", attachments=(pdf(),))
    )
    with django_capture_on_commit_callbacks(execute=True):
        task = quarantine_accept(
            practice=world.practice, inbound=inbound, actor=world.secretary, add_contact=True
        )
    assert task.source == Source.EMAIL
    assert task.attachments.count() == 1
    contact = Contact.objects.for_practice(world.practice).get(email="sam@elsewhere.test")
    assert contact.client == desk.client
    assert contact.name == "Sam Stranger"
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.REQUEST
    assert inbound.handled_by == world.secretary
    # A held message is accepted once
    with pytest.raises(ApplicationError):
        quarantine_accept(practice=world.practice, inbound=inbound, actor=world.secretary)


def test_it_discards_a_held_message_and_its_raw_copy(world, address, receive):
    inbound = receive(raw_mail(to=address.email, sender="x@elsewhere.test"))
    quarantine_discard(practice=world.practice, inbound=inbound, actor=world.owner)
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.DISCARDED
    assert not inbound.raw
    assert _tasks(world).count() == 0


def test_it_lets_only_staff_handle_held_messages(world, address, receive):
    inbound = receive(raw_mail(to=address.email, sender="x@elsewhere.test"))
    with pytest.raises(ApplicationError):
        quarantine_discard(practice=world.practice, inbound=inbound, actor=world.client_contact)


def test_it_refuses_a_30_mb_attachment_and_says_so_on_the_request(world, address, receive):
    # Given a message with a 30 MB attachment and a small one
    big = ("scan.pdf", b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024), "application", "pdf")
    raw = raw_mail(to=address.email, attachments=(big, pdf()))
    # When it is received
    inbound = receive(raw)
    # Then the message is stored without the big file, the request keeps the small one
    inbound.refresh_from_db()
    assert inbound.raw_size < MAX_STORED_BYTES
    assert inbound.raw_size < 1024 * 1024
    task = _tasks(world).get()
    assert [a.original_name for a in task.attachments.all()] == ["itinerary.pdf"]
    # and a note names the refused file and the limit
    note = Comment.objects.for_practice(world.practice).get(task=task)
    assert note.internal
    assert "scan.pdf" in note.body
    assert "30.0 MB" in note.body
    assert "10 MB" in note.body


def test_it_refuses_an_attachment_whose_bytes_are_a_program(world, address, receive):
    program = ("invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "application", "octet-stream")
    receive(raw_mail(to=address.email, attachments=(program,)))
    task = _tasks(world).get()
    assert task.attachments.count() == 0
    note = Comment.objects.for_practice(world.practice).get(task=task)
    assert "invoice.pdf" in note.body
    assert "not an allowed file type" in note.body


def test_it_sanitizes_scripts_in_html_bodies(world, address, receive):
    html = (
        "<p>Hello <b>team</b></p><script>alert('owned')</script>"
        '<img src="x" onerror="alert(1)"><a href="javascript:alert(2)">link</a>'
    )
    inbound = receive(raw_mail(to=address.email, text=None, html=html))
    inbound.refresh_from_db()
    assert "<script" not in inbound.body_html
    assert "onerror" not in inbound.body_html
    assert "javascript:" not in inbound.body_html
    assert "<b>team</b>" in inbound.body_html
    task = _tasks(world).get()
    # No text part: the description is the HTML's text, without the script
    assert "Hello team" in task.description
    assert "alert" not in task.description
    assert "<" not in task.description


def test_it_prefers_the_text_part(world, address, receive):
    receive(raw_mail(to=address.email, text="Plain words", html="<p>Rich words</p>"))
    assert _tasks(world).get().description == "Plain words"


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X-Autoreply": "yes"},
        {"List-Id": "<news.client.test>"},
        {"X-Secretary-Loop": "inbound.secretary.local"},
    ],
)
def test_it_ignores_automatic_mail_and_loops(world, address, receive, headers):
    inbound = receive(raw_mail(to=address.email, headers=headers))
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.IGNORED
    assert inbound.reason
    assert not inbound.raw
    assert _tasks(world).count() == 0


def test_it_ignores_a_message_of_ours_that_comes_back(world, address, receive):
    raw = raw_mail(to=address.email, message_id=make_msgid(domain="inbound.secretary.local"))
    inbound = receive(raw)
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.IGNORED


def test_it_takes_a_human_message_that_says_auto_submitted_no(world, address, receive):
    receive(raw_mail(to=address.email, headers={"Auto-Submitted": "no"}))
    assert _tasks(world).count() == 1


def test_it_caps_the_messages_one_sender_sends_in_an_hour(world, address, receive, settings):
    settings.INBOUND_SENDER_HOURLY_LIMIT = 3
    for number in range(5):
        receive(raw_mail(to=address.email, subject=f"Loop {number}"))
    assert _tasks(world).count() == 3
    ignored = InboundMessage.objects.for_practice(world.practice).filter(
        status=InboundStatus.IGNORED
    )
    assert ignored.count() == 2
    assert "in an hour" in ignored.first().reason


def test_it_adds_a_reply_with_in_reply_to_as_a_comment_on_the_same_task(world, address, receive):
    # Given a request that came by email
    first = receive(raw_mail(to=address.email, message_id="<first@client.test>"))
    task = _tasks(world).get()
    # When the contact replies in the thread, quoting the first message
    reply = raw_mail(
        to=address.email,
        subject="Re: Please book the Lisbon trip",
        text="Window seats if you can.\n\nOn Mon, Casey wrote:\n> Flights for two on the 12th.\n",
        message_id="<second@client.test>",
        headers={"In-Reply-To": "<first@client.test>", "References": "<first@client.test>"},
        attachments=(pdf("passport.pdf"),),
    )
    inbound = receive(reply)
    # Then it is a client-visible comment on that task, the quoted history trimmed
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.COMMENT
    assert _tasks(world).count() == 1
    comment = Comment.objects.for_practice(world.practice).get(task=task)
    assert comment.body == "Window seats if you can."
    assert comment.from_client and not comment.internal
    assert comment.author_membership == world.client_contact
    assert [a.original_name for a in comment.attachments.all()] == ["passport.pdf"]
    assert first.pk != inbound.pk


def test_it_threads_a_reply_by_the_token_in_its_subject(world, address, receive):
    receive(raw_mail(to=address.email))
    task = _tasks(world).get()
    token = EmailThread.objects.for_practice(world.practice).get(task=task).token
    receive(raw_mail(to=address.email, subject=f"Re: Lisbon [#{token}]", text="One more thing"))
    assert _tasks(world).count() == 1
    assert Comment.objects.for_practice(world.practice).get(task=task).body == "One more thing"


def test_it_sends_a_staff_reply_in_the_thread_and_threads_the_answer(
    world, address, receive, django_capture_on_commit_callbacks
):
    # Given a request that came by email
    receive(raw_mail(to=address.email, message_id="<first@client.test>"))
    task = _tasks(world).get()
    token = EmailThread.objects.for_practice(world.practice).get(task=task).token
    mail.outbox.clear()
    # When staff reply to the client on the task
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_add(
            practice=world.practice, author=world.secretary, task=task, body="Booked: TP 1350."
        )
    # Then the requester gets it by email, in the thread
    sent = [m for m in mail.outbox if "contact@client.test" in " ".join(m.to)]
    threaded = [m for m in sent if m.extra_headers.get("In-Reply-To")]
    assert len(threaded) == 1
    # (the reply itself: no second "the practice replied" email to the same person)
    assert len(sent) == 1
    message = message_from_bytes(threaded[0].message().as_bytes())
    assert message["In-Reply-To"] == "<first@client.test>"
    assert "<first@client.test>" in message["References"]
    assert message["Subject"] == f"Re: Please book the Lisbon trip [#{token}]"
    assert message["Reply-To"] == address.email
    assert message["Auto-Submitted"] is None
    assert "Booked: TP 1350." in threaded[0].body
    reply = EmailReply.objects.for_practice(world.practice).get(comment=comment)
    assert message["Message-ID"].strip() == f"<{reply.message_id}>"
    # An internal note is not sent
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(
            practice=world.practice, author=world.secretary, task=task, body="n", internal=True
        )
    assert mail.outbox == []
    # And the client's answer to our message lands on the same task
    receive(
        raw_mail(
            to=address.email,
            subject="Re: something else entirely",
            text="Thanks!",
            headers={"In-Reply-To": message["Message-ID"].strip()},
        )
    )
    assert _tasks(world).count() == 1
    assert (
        Comment.objects.for_practice(world.practice).filter(task=task, body="Thanks!").count() == 1
    )


def test_it_does_not_take_mail_to_a_rotated_address(world, desk, address, receive):
    old = address.email
    new = inbound_address_rotate(practice=world.practice, client=desk.client, actor=world.admin)
    assert new.email != old
    assert receive(raw_mail(to=old)) is None
    assert receive(raw_mail(to=new.email)) is not None


def test_it_receives_a_raw_file_with_the_command(world, address, tmp_path, settings):
    path = tmp_path / "message.eml"
    path.write_bytes(raw_mail(to=address.email))
    out = io.StringIO()
    call_command("receive_mail", "--file", str(path), stdout=out)
    assert "received" in out.getvalue()
    # (the test suite's transaction never commits: the stored message waits for its job)
    assert InboundMessage.objects.for_practice(world.practice).count() == 1


def test_it_reads_a_body_in_an_unknown_charset_and_a_date_without_a_zone(world, address, receive):
    raw = (
        f"From: contact@client.test\r\nTo: {address.email}\r\nSubject: Odd\r\n"
        "Message-ID: <odd@client.test>\r\nDate: Mon, 30 Nov 2026 10:00:00 -0000\r\n"
        'Content-Type: text/plain; charset="x-unknown"\r\n\r\nCaf\xc3\xa9 order\r\n'
    ).encode("latin-1")
    inbound = receive(raw)
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.REQUEST
    assert "order" in _tasks(world).get().description
    assert inbound.sent_at is not None and inbound.sent_at.tzinfo is not None
