"""The call log's job: email a message taken for the client (idempotent: once per call)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from secretary.tenancy import practice_scope


def call_message_recipients(call) -> list[str]:
    """The contact the message is for, or else the client's contacts with a portal login who
    may file requests."""
    from clients.models import Contact

    if call.message_for_contact_id is not None:
        contact = call.message_for_contact
        return [contact.email] if contact and contact.email else []
    contacts = (
        Contact.objects.for_practice(call.practice_id)
        .filter(client_id=call.client_id, portal_requests=True, membership__isnull=False)
        .exclude(email="")
    )
    return sorted({contact.email for contact in contacts})


@shared_task
def send_call_message(*, practice_id: int, call_id: int) -> bool:
    from secretary.models import Practice
    from tasks.calls.models import Call

    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is None:
        return False
    with practice_scope(practice), transaction.atomic():
        call = Call.objects.for_practice(practice).select_for_update().filter(pk=call_id).first()
        if call is None or not call.message_to_client or call.message_emailed_at is not None:
            return False
        call = (
            Call.objects.for_practice(practice)
            .select_related("client", "message_for_contact", "practice")
            .get(pk=call.pk)
        )
        recipients = call_message_recipients(call)
        Call.objects.for_practice(practice).filter(pk=call.pk).update(
            message_emailed_at=timezone.now()
        )
        if not recipients:
            return False
        context = {
            "call": call,
            "url": settings.SITE_URL + reverse("portal_call_messages", args=[practice.slug]),
        }
        subject = render_to_string("tasks/emails/call_message_subject.txt", context).strip()
        body = render_to_string("tasks/emails/call_message.txt", context)
        send_mail(subject, body, None, recipients)
    return True
