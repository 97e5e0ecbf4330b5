"""Worker jobs of inbound email (queue ``default``): processing a received message, and sending
a staff reply in its thread. Both take ids and are idempotent: a message is processed while it
is ``received`` only, and a comment is sent once (its ``EmailReply``)."""

from __future__ import annotations

from email.utils import formataddr, make_msgid

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from secretary.models import Practice
from tasks.inbound import parsing
from tasks.inbound.models import EmailReply, EmailThread, InboundMessage
from tasks.models import Comment

MAX_REFERENCES = 20


@shared_task(name="tasks.inbound.tasks.process_inbound_message", acks_late=True)
def process_inbound_message(*, practice_id: int, inbound_id: int) -> str:
    from tasks.inbound.services import inbound_message_process

    practice = Practice.objects.filter(pk=practice_id).first()
    inbound = InboundMessage.objects.for_practice(practice_id).filter(pk=inbound_id).first()
    if practice is None or inbound is None:
        return ""
    return inbound_message_process(practice=practice, inbound=inbound)


def reply_subject(title: str, token: str) -> str:
    stem = title.strip()
    while stem.lower().startswith(("re:", "aw:", "fw:", "fwd:")):
        stem = stem.split(":", 1)[1].strip()
    return f"Re: {stem} [#{token}]"


@shared_task(name="tasks.inbound.tasks.send_email_reply", acks_late=True)
def send_email_reply(*, practice_id: int, comment_id: int) -> bool:
    """Email a staff reply on an email request to its requester, in the thread."""
    from tasks.inbound.services import inbound_address_for

    with transaction.atomic():
        comment = (
            Comment.objects.for_practice(practice_id)
            .select_for_update()
            .filter(pk=comment_id)
            .first()
        )
        if comment is None or comment.internal or comment.from_client:
            return False
        thread = (
            EmailThread.objects.for_practice(practice_id)
            .select_related("task__client", "practice")
            .filter(task_id=comment.task_id)
            .first()
        )
        if thread is None or not thread.email or not thread.task.client_visible:
            return False
        if EmailReply.objects.for_practice(practice_id).filter(comment=comment).exists():
            return False
        practice, task = thread.practice, thread.task
        earlier = list(
            InboundMessage.objects.for_practice(practice_id)
            .filter(task=task)
            .order_by("received_at", "pk")
            .values_list("received_at", "message_id")
        ) + list(
            EmailReply.objects.for_practice(practice_id)
            .filter(thread=thread)
            .values_list("sent_at", "message_id")
        )
        ids = [f"<{mid}>" for _when, mid in sorted(earlier) if not mid.startswith("sha256:")]
        domain = settings.INBOUND_DOMAIN
        message_id = make_msgid(idstring="reply", domain=domain)
        headers = {"Message-ID": message_id, parsing.LOOP_HEADER: domain}
        if ids:
            headers["In-Reply-To"] = ids[-1]
            headers["References"] = " ".join(ids[-MAX_REFERENCES:])
        address = inbound_address_for(practice=practice, client=task.client)
        sender = formataddr((practice.name, _bare(settings.DEFAULT_FROM_EMAIL)))
        email = EmailMessage(
            subject=reply_subject(task.title, thread.token),
            body=f"{comment.body}\n\n-- \n{practice.name}\n",
            from_email=sender,
            to=[formataddr((thread.name, thread.email))],
            reply_to=[address.email],
            headers=headers,
        )
        EmailReply.objects.create(
            practice_id=practice_id,
            thread=thread,
            comment=comment,
            message_id=message_id.strip("<>"),
            recipient=thread.email,
        )
        email.send()
    return True


def _bare(address: str) -> str:
    from email.utils import parseaddr

    return parseaddr(address)[1]
