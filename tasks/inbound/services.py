"""Inbound email: every channel (provider webhooks, a raw file, an IMAP mailbox) hands the raw
message to ``inbound_receive``, which finds the client by the address and stores the message
once per Message-ID; the worker (``tasks.inbound.tasks.process_inbound_message``) then ignores
it, holds it in the quarantine, or makes it a request or a comment on its thread."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, Contact
from clients.selectors import can_work_on
from secretary import limits, rls
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.models import Membership, Practice
from secretary.tenancy import practice_scope
from tasks.inbound import parsing
from tasks.inbound.models import (
    EmailReply,
    EmailThread,
    InboundAddress,
    InboundMessage,
    InboundStatus,
    new_address_token,
    new_thread_token,
)
from tasks.models import Comment, Source, Status, Task
from tasks.roster.routing import request_assignee
from tasks.services.attachments import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS_PER_UPLOAD,
    attachment_add,
    attachment_problems,
)
from tasks.services.sla_clock import task_sla_compute

logger = logging.getLogger(__name__)

# A message larger than this is not read at all; attachments over the attachment limit are
# removed before a message is stored, and the stored message is kept under MAX_STORED_BYTES.
MAX_RECEIVED_BYTES = 64 * 1024 * 1024
MAX_STORED_BYTES = 25 * 1024 * 1024


# --- The client's address -----------------------------------------------------------------


def inbound_address_for(*, practice: Practice, client: Client) -> InboundAddress:
    """The client's address, made on first use."""
    address = InboundAddress.objects.for_practice(practice).filter(client=client).first()
    if address is not None:
        return address
    try:
        with transaction.atomic():
            return InboundAddress.objects.create(practice=practice, client=client)
    except IntegrityError:
        return InboundAddress.objects.for_practice(practice).get(client=client)


@transaction.atomic
def inbound_address_rotate(
    *, practice: Practice, client: Client, actor: Membership, request=None
) -> InboundAddress:
    """A new address for the client; mail to the old one is no longer taken."""
    if actor is None or not actor.is_staff:
        raise ApplicationError(_("Only staff of the practice can do this."))
    address = inbound_address_for(practice=practice, client=client)
    address = InboundAddress.objects.for_practice(practice).select_for_update().get(pk=address.pk)
    address.token = new_address_token()
    address.rotated_at = timezone.now()
    address.save(update_fields=["token", "rotated_at"])
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="inbound.address_rotated",
        target=client,
        request=request,
    )
    return address


# --- Receiving ----------------------------------------------------------------------------


def _address_by_token(tokens: list[str]) -> InboundAddress | None:
    if not tokens:
        return None
    # The address names the practice: a lookup by a secret that precedes the practice.
    with rls.cross_practice("inbound email: the client of a private address"):
        found = {
            a.token: a
            for a in InboundAddress.objects.unscoped()
            .filter(token__in=tokens)
            .select_related("practice", "client")
        }
    return next((found[t] for t in tokens if t in found), None)


def _strip_large_attachments(message) -> bool:
    """Empty the attachments over the limit (noting their size); then, while the message is
    still over MAX_STORED_BYTES, the largest ones. True when anything was removed."""
    parts = [(parsing.attachment_size(part), part) for part in message.attachments]
    stripped = False
    for size, part in parts:
        if size > MAX_ATTACHMENT_BYTES:
            _empty(part, size)
            stripped = True
    kept = sorted(((s, p) for s, p in parts if s <= MAX_ATTACHMENT_BYTES), key=lambda x: -x[0])
    total = len(message.as_bytes()) if stripped else None
    while kept and (total or 0) > MAX_STORED_BYTES:
        size, part = kept.pop(0)
        _empty(part, size)
        total = len(message.as_bytes())
    return stripped


def _empty(part, size: int) -> None:
    part.set_payload("")
    del part["Content-Transfer-Encoding"]
    part[parsing.REFUSED_HEADER] = str(size)


def inbound_receive(
    *, raw: bytes, channel: str, envelope_recipient: str | None = None
) -> InboundMessage | None:
    """Store a received message for the client its address names and queue its processing.

    Returns None when the message is for no client of ours (dropped, a line in the log) or is
    over the size read at all. The same Message-ID twice gives the stored message again.
    """
    if len(raw) > MAX_RECEIVED_BYTES:
        logger.warning("inbound email dropped: %s bytes is over the limit", len(raw))
        return None
    message = parsing.parse(raw)
    address = _address_by_token(parsing.address_tokens(message, envelope_recipient))
    if address is None:
        logger.info(
            "inbound email dropped: no client's address among its recipients (%s)",
            channel,
        )
        return None
    if _strip_large_attachments(message) or len(raw) > MAX_STORED_BYTES:
        raw = message.as_bytes()
    message_id = parsing.message_id(message) or ("sha256:" + hashlib.sha256(raw).hexdigest())
    practice = address.practice
    name, email = parsing.sender(message)
    with practice_scope(practice), transaction.atomic():
        existing = (
            InboundMessage.objects.for_practice(practice).filter(message_id=message_id).first()
        )
        if existing is not None:
            return existing
        try:
            sent_at = message.date
        except (TypeError, ValueError, IndexError):
            sent_at = None
        if sent_at is not None and timezone.is_naive(sent_at):
            sent_at = timezone.make_aware(sent_at, UTC)  # "-0000": a time in UTC
        inbound = InboundMessage(
            practice=practice,
            client=address.client,
            message_id=message_id,
            channel=channel[:40],
            sender_email=email,
            sender_name=name,
            subject=" ".join(parsing.header(message, "Subject").split())[:200],
            sent_at=sent_at if sent_at and limits.date_in_range(sent_at) else None,
            body_text=parsing.body_text(message)[: limits.TEXT_LONG],
            body_html=parsing.sanitized_html(message)[: limits.TEXT_LONG],
            raw_size=len(raw),
        )
        inbound.raw.save("message.eml", ContentFile(raw), save=False)
        try:
            with transaction.atomic():
                inbound.save()
        except IntegrityError:
            # The same message arrived twice at once: the other copy is the one kept.
            inbound.raw.delete(save=False)
            return InboundMessage.objects.for_practice(practice).get(message_id=message_id)
        from tasks.inbound.tasks import process_inbound_message

        enqueue_on_commit(process_inbound_message, practice_id=practice.pk, inbound_id=inbound.pk)
    return inbound


# --- Processing ---------------------------------------------------------------------------


def _contact_for(practice: Practice, client_id: int, email: str) -> Contact | None:
    if not email:
        return None
    return (
        Contact.objects.for_practice(practice)
        .filter(client_id=client_id, email__iexact=email)
        .select_related("membership__user")
        .order_by("-is_primary", "pk")
        .first()
    )


def _thread_for(practice: Practice, client_id: int, message) -> EmailThread | None:
    """The thread this message answers: by its references, else by the token in its subject."""
    references = parsing.references(message)
    task_id = None
    if references:
        task_id = (
            InboundMessage.objects.for_practice(practice)
            .filter(client_id=client_id, message_id__in=references, task__isnull=False)
            .values_list("task_id", flat=True)
            .first()
        ) or (
            EmailReply.objects.for_practice(practice)
            .filter(message_id__in=references, thread__task__client_id=client_id)
            .values_list("thread__task_id", flat=True)
            .first()
        )
    threads = EmailThread.objects.for_practice(practice).select_related("task")
    if task_id is not None:
        return threads.filter(task_id=task_id).first()
    token = parsing.subject_token(parsing.header(message, "Subject"))
    if token:
        return threads.filter(token=token, task__client_id=client_id).first()
    return None


def _over_rate(practice: Practice, inbound: InboundMessage) -> bool:
    since = timezone.now() - timedelta(hours=1)
    count = (
        InboundMessage.objects.for_practice(practice)
        .filter(sender_email=inbound.sender_email, received_at__gte=since)
        .exclude(pk=inbound.pk)
        .count()
    )
    return count >= settings.INBOUND_SENDER_HOURLY_LIMIT


def _finish(inbound: InboundMessage, status: str, reason: str = "", **fields) -> None:
    inbound.status = status
    inbound.reason = reason[:200]
    for name, value in fields.items():
        setattr(inbound, name, value)
    if status in (InboundStatus.IGNORED, InboundStatus.DISCARDED) and inbound.raw:
        # Nothing will be made of it: keep its headers and text, not the message.
        transaction.on_commit(_deleter(inbound.raw.storage, inbound.raw.name))
        inbound.raw = ""
    inbound.save(
        update_fields=["status", "reason", "raw", *fields.keys()],
    )


def _deleter(storage, name):
    return lambda: storage.delete(name)


@transaction.atomic
def inbound_message_process(*, practice: Practice, inbound: InboundMessage) -> str:
    """Decide what a received message becomes; its status says what it became."""
    inbound = InboundMessage.objects.for_practice(practice).select_for_update().get(pk=inbound.pk)
    if inbound.status != InboundStatus.RECEIVED:
        return inbound.status
    message = _read(inbound)
    reason = parsing.automatic_reason(message)
    if not reason and _over_rate(practice, inbound):
        reason = _("more than %(count)s messages from this sender in an hour") % {
            "count": settings.INBOUND_SENDER_HOURLY_LIMIT
        }
    if reason:
        logger.info("inbound email %s ignored: %s", inbound.pk, reason)
        _finish(inbound, InboundStatus.IGNORED, reason)
        return inbound.status
    contact = _contact_for(practice, inbound.client_id, inbound.sender_email)
    thread = _thread_for(practice, inbound.client_id, message)
    if thread is not None and (contact is not None or inbound.sender_email == thread.email):
        _add_reply(practice, inbound, message, thread, contact)
    elif contact is not None:
        _create_request(practice, inbound, message, contact)
    else:
        _finish(inbound, InboundStatus.QUARANTINED, _("the sender is not a contact of this client"))
    return inbound.status


def _read(inbound: InboundMessage):
    with inbound.raw.open("rb") as handle:
        return parsing.parse(handle.read())


def _requester(contact: Contact | None) -> Membership | None:
    if contact is None or contact.membership_id is None:
        return None
    return contact.membership


def _create_request(
    practice: Practice,
    inbound: InboundMessage,
    message,
    contact: Contact | None,
    accepted_by: Membership | None = None,
) -> Task:
    from tasks.tasks import notify_assignment

    client = Client.objects.for_practice(practice).get(pk=inbound.client_id)
    requester = _requester(contact)
    now = timezone.now()
    assignee = client.primary_secretary
    if assignee is not None and not can_work_on(client=client, membership=assignee):
        assignee = None
    assignee = request_assignee(practice=practice, client=client, default=assignee, at=now)
    title = inbound.subject or _("Email from %(sender)s") % {
        "sender": inbound.sender_name or inbound.sender_email
    }
    task = Task(
        practice=practice,
        client=client,
        source=Source.EMAIL,
        title=title[:200],
        description=inbound.body_text[: limits.TEXT_LONG],
        status=Status.REQUESTED,
        requested_by=requester,
        created_by=requester.user if requester else None,
        client_visible=True,
        assignee=assignee,
        created_at=now,
    )
    task_sla_compute(task)
    task.full_clean()
    task.save()
    thread = EmailThread(
        practice=practice,
        task=task,
        contact=contact,
        email=inbound.sender_email,
        name=inbound.sender_name,
        sent_at=inbound.sent_at or inbound.received_at,
    )
    while EmailThread.objects.for_practice(practice).filter(token=thread.token).exists():
        thread.token = new_thread_token()
    thread.save()
    event = activity_record(
        practice=practice,
        actor=accepted_by.user if accepted_by else (requester.user if requester else None),
        verb="task.requested",
        target=task,
        data={"channel": "email", "message": inbound.pk},
    )
    refused = _save_attachments(practice, task, None, message, requester)
    if refused:
        Comment.objects.create(
            practice=practice,
            task=task,
            body="\n".join(refused)[: limits.TEXT_LONG],
            internal=True,
            created_at=now,
        )
    if task.assignee_id and (accepted_by is None or accepted_by.pk != task.assignee_id):
        enqueue_on_commit(
            notify_assignment,
            practice_id=practice.pk,
            task_id=task.pk,
            membership_id=task.assignee_id,
            event_id=event.pk,
        )
    _finish(
        inbound,
        InboundStatus.REQUEST,
        task=task,
        contact=contact,
        handled_by=accepted_by,
        handled_at=now if accepted_by else None,
    )
    return task


def _add_reply(
    practice: Practice,
    inbound: InboundMessage,
    message,
    thread: EmailThread,
    contact: Contact | None,
    accepted_by: Membership | None = None,
) -> Comment:
    from tasks.services.work import comment_add
    from tasks.tasks import notify_staff_of_reply

    body = parsing.trim_quoted(inbound.body_text) or _("(The message had no text.)")
    body = body[: limits.TEXT_LONG]
    requester = _requester(contact)
    task = thread.task
    if requester is not None and requester.is_client:
        comment = comment_add(practice=practice, author=requester, task=task, body=body)
    else:
        comment = Comment.objects.create(
            practice=practice, task=task, body=body, from_client=True, created_at=timezone.now()
        )
        enqueue_on_commit(notify_staff_of_reply, practice_id=practice.pk, comment_id=comment.pk)
    refused = _save_attachments(practice, task, comment, message, requester)
    if refused:
        Comment.objects.create(
            practice=practice,
            task=task,
            body="\n".join(refused)[: limits.TEXT_LONG],
            internal=True,
            created_at=timezone.now(),
        )
    now = timezone.now()
    _finish(
        inbound,
        InboundStatus.COMMENT,
        task=task,
        comment=comment,
        contact=contact,
        handled_by=accepted_by,
        handled_at=now if accepted_by else None,
    )
    return comment


def _save_attachments(
    practice: Practice, task: Task, comment: Comment | None, message, requester
) -> list[str]:
    """Attach what the portal would accept; return a note for each file refused and why."""
    refused, accepted = [], []
    for part in message.attachments:
        name = parsing.attachment_name(part)
        removed_size = parsing.header(part, parsing.REFUSED_HEADER)
        if removed_size:
            refused.append(
                _("“%(name)s” (%(size)s MB) was not saved: files may be at most %(limit)s MB.")
                % {
                    "name": name,
                    "size": _megabytes(removed_size),
                    "limit": MAX_ATTACHMENT_BYTES // (1024 * 1024),
                }
            )
            continue
        if len(accepted) >= MAX_ATTACHMENTS_PER_UPLOAD:
            refused.append(
                _("“%(name)s” was not saved: at most %(count)s files are kept per message.")
                % {"name": name, "count": MAX_ATTACHMENTS_PER_UPLOAD}
            )
            continue
        upload = ContentFile(part.get_content_bytes(), name=name)
        problems = attachment_problems([upload])
        if problems:
            refused.append(_("Not saved: %(reason)s") % {"reason": problems[0]})
        else:
            accepted.append(upload)
    if accepted:
        attachment_add(
            practice=practice,
            task=task,
            files=accepted,
            user=requester.user if requester else None,
            internal=False,
            comment=comment,
        )
    return refused


def _megabytes(size: str) -> str:
    try:
        return f"{int(size) / (1024 * 1024):.1f}"
    except ValueError:
        return "?"


# --- The quarantine -----------------------------------------------------------------------


def _held(practice: Practice, inbound: InboundMessage) -> InboundMessage:
    inbound = InboundMessage.objects.for_practice(practice).select_for_update().get(pk=inbound.pk)
    if inbound.status != InboundStatus.QUARANTINED:
        raise ApplicationError(_("This message is no longer held."))
    return inbound


@transaction.atomic
def quarantine_accept(
    *,
    practice: Practice,
    inbound: InboundMessage,
    actor: Membership,
    add_contact: bool = False,
    request=None,
) -> Task:
    """Make a held message a request of its client (or a reply on its thread), optionally
    adding its sender as a contact of the client."""
    from clients.services import contact_create

    if actor is None or not actor.is_staff:
        raise ApplicationError(_("Only staff of the practice can do this."))
    inbound = _held(practice, inbound)
    if not inbound.raw:
        raise ApplicationError(_("This message was not kept and cannot be accepted."))
    contact = _contact_for(practice, inbound.client_id, inbound.sender_email)
    if add_contact and contact is None:
        if not inbound.sender_email:
            raise ApplicationError(
                _("The message has no sender address to add."),
                errors={"add_contact": _("The message has no sender address to add.")},
            )
        contact = contact_create(
            practice=practice,
            actor=actor,
            client=inbound.client,
            data={
                "name": inbound.sender_name or inbound.sender_email,
                "email": inbound.sender_email,
            },
            request=request,
        )
    message = _read(inbound)
    thread = _thread_for(practice, inbound.client_id, message)
    if thread is not None:
        _add_reply(practice, inbound, message, thread, contact, accepted_by=actor)
        task = thread.task
    else:
        task = _create_request(practice, inbound, message, contact, accepted_by=actor)
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="inbound.accepted",
        target=task,
        data={"message": inbound.pk, "contact_added": bool(add_contact)},
        request=request,
    )
    return task


@transaction.atomic
def quarantine_discard(
    *, practice: Practice, inbound: InboundMessage, actor: Membership, request=None
) -> InboundMessage:
    if actor is None or not actor.is_staff:
        raise ApplicationError(_("Only staff of the practice can do this."))
    inbound = _held(practice, inbound)
    _finish(
        inbound,
        InboundStatus.DISCARDED,
        inbound.reason,
        handled_by=actor,
        handled_at=timezone.now(),
    )
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="inbound.discarded",
        target=inbound.client,
        data={"message": inbound.pk},
        request=request,
    )
    return inbound
