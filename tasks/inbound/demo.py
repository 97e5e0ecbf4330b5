"""Demo data: an email thread that became a request for Northwind Legal (the first message with
its attachment, the staff reply sent back in the thread, the client's answer as a comment) and
one message held because its sender is not a contact. Idempotent: seeded once per practice."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone

from clients.models import Client, Contact
from secretary.tenancy import practice_scope
from tasks.inbound.models import EmailThread, InboundMessage
from tasks.inbound.services import inbound_address_for, inbound_message_process, inbound_receive
from tasks.inbound.tasks import send_email_reply
from tasks.services import comment_add

CLIENT = "Northwind Legal"
AGENDA = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _message(*, sender: str, to: str, subject: str, text: str, **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain="northwind.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message


def _receive(practice, message: EmailMessage) -> InboundMessage | None:
    inbound = inbound_receive(raw=message.as_bytes(), channel="demo")
    if inbound is not None:
        # The demo does not wait for a worker: processed here (the queued job then finds it
        # done and changes nothing).
        inbound_message_process(practice=practice, inbound=inbound)
        inbound.refresh_from_db()
    return inbound


def seed_practice(practice, secretary) -> bool:
    with practice_scope(practice):
        client = Client.objects.for_practice(practice).filter(name=CLIENT).first()
        if client is None or EmailThread.objects.for_practice(practice).exists():
            return False
        contact = (
            Contact.objects.for_practice(practice)
            .filter(client=client)
            .exclude(email="")
            .order_by("-is_primary", "pk")
            .first()
        )
        if contact is None:
            return False
        address = inbound_address_for(practice=practice, client=client).email
        sender = f"{contact.name} <{contact.email}>"
        first = _message(
            sender=sender,
            to=f"Northwind requests <{address}>",
            subject="Agenda for the partners' offsite",
            text=(
                "Hi team,\n\nCould you format the attached agenda for the partners' offsite on "
                "the 14th and send it to the six partners with a calendar invitation?\n\n"
                f"Thanks,\n{contact.name}"
            ),
        )
        first.add_attachment(
            AGENDA, maintype="application", subtype="pdf", filename="offsite-agenda.pdf"
        )
        inbound = _receive(practice, first)
        if inbound is None or inbound.task_id is None:
            return False
        task = inbound.task
        comment = comment_add(
            practice=practice,
            author=secretary,
            task=task,
            body="Happy to. Should the invitation include the dial-in for the two remote partners?",
        )
        send_email_reply(practice_id=practice.pk, comment_id=comment.pk)
        ours = comment.email_reply.message_id
        _receive(
            practice,
            _message(
                sender=sender,
                to=address,
                subject=f"Re: Agenda for the partners' offsite [#{task.email_thread.token}]",
                text=(
                    "Yes please, add the dial-in.\n\nOn the 1st, Harbour Desk wrote:\n"
                    "> Happy to. Should the invitation include the dial-in?\n"
                ),
                In_Reply_To=f"<{ours}>",
                References=f"<{inbound.message_id}> <{ours}>",
            ),
        )
        _receive(
            practice,
            _message(
                sender="Pat Prospect <pat@prospect.example>",
                to=address,
                subject="Do you handle conference bookings?",
                text="Hello, a colleague at Northwind gave me this address. Can you help?",
            ),
        )
    return True


def seed(demo) -> None:
    seed_practice(demo.practice, demo.secretary)
