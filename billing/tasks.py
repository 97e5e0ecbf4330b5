"""Celery jobs of the billing app. Each job takes ids, re-reads its rows inside the practice and
is idempotent (a unique row records what was sent). The bank's jobs live in
``billing.bank.tasks`` and are imported here so the worker registers them (Celery autodiscovers
``billing.tasks``)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from billing.bank.tasks import import_statement, requeue_stalled_imports
from billing.invoicing.tasks import send_invoice, send_invoice_reminders
from secretary.models import ADMIN_ROLES, Membership, Practice
from secretary.tenancy import practice_scope

__all__ = [
    "import_statement",
    "notify_month_end_pack_published",
    "requeue_stalled_imports",
    "send_close_reminders",
    "send_invoice",
    "send_invoice_reminders",
]

# --- Month end: the published pack, reminders of months left open ------------------------------


def _month_end_message(template: str, context: dict, to: list[str]) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"billing/emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"billing/emails/{template}.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=to)


@shared_task
def notify_month_end_pack_published(*, practice_id: int, pack_id: int) -> bool:
    """Email the client's billing contacts that a month-end pack is published (once)."""
    from billing.closing import month_label
    from billing.models import MonthEndPack, PackStatus
    from clients.models import Contact
    from tasks.models import NotificationSent

    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is None:
        return False
    with practice_scope(practice), transaction.atomic():
        pack = (
            MonthEndPack.objects.for_practice(practice)
            .select_related("book__client")
            .filter(pk=pack_id, status=PackStatus.PUBLISHED)
            .first()
        )
        if pack is None or pack.book.client_id is None:
            return False
        recipients = sorted(
            {
                contact.email
                for contact in Contact.objects.for_practice(practice)
                # Only contacts who still have a portal login and may see the books.
                .filter(client_id=pack.book.client_id, portal_billing=True)
                .filter(membership__isnull=False)
                .exclude(email="")
            }
        )
        if not recipients:
            return False
        try:
            with transaction.atomic():
                NotificationSent.objects.create(practice=practice, key=f"billing.pack:{pack.pk}")
        except IntegrityError:
            return False
        url = settings.SITE_URL + reverse("portal_books", args=[practice.slug])
        context = {
            "practice": practice,
            "client": pack.book.client,
            "month": month_label(pack.period_start),
            "url": url,
        }
        get_connection().send_messages([_month_end_message("month_end_pack", context, recipients)])
    return True


def _reminder_recipients(practice: Practice, book) -> list[str]:
    if book.client_id is not None:
        secretary = book.client.primary_secretary
        if secretary is not None and secretary.user.email:
            return [secretary.user.email]
        return []
    admins = (
        Membership.objects.for_practice(practice)
        .filter(role__in=ADMIN_ROLES, user__is_active=True)
        .select_related("user")
    )
    return sorted({member.user.email for member in admins if member.user.email})


def close_reminders_send_for(*, practice: Practice, today) -> int:
    """Remind people of the practice's books whose previous month is still open (once per
    book and month); returns how many reminders were sent."""
    from billing.closing import books_left_open, month_label
    from billing.models import CloseReminder

    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    sent = 0
    for book in books_left_open(practice=practice, today=today):
        recipients = _reminder_recipients(practice, book)
        if not recipients:
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    CloseReminder.objects.create(practice=practice, book=book, month=month)
            except IntegrityError:
                continue
            url = settings.SITE_URL + reverse("month_end", args=[practice.slug, book.pk])
            context = {"practice": practice, "book": book, "month": month_label(month), "url": url}
            get_connection().send_messages(
                [_month_end_message("close_reminder", context, recipients)]
            )
            sent += 1
    return sent


@shared_task
def send_close_reminders() -> int:
    """Beat (daily): every practice's books whose previous month is left open."""
    sent = 0
    today = timezone.localdate()
    for practice in Practice.objects.order_by("pk"):
        with practice_scope(practice):
            sent += close_reminders_send_for(practice=practice, today=today)
    return sent


# --- End of month end -----------------------------------------------------------------------------


# --- Invoice runs and hour blocks -----------------------------------------------------------------


@shared_task
def run_invoices() -> int:
    """Beat (hourly): for every practice, build the draft invoice of each active engagement
    whose previous period has ended in its own time zone and has no invoice yet (once: the
    one-invoice-per-period constraint)."""
    from billing.invoicing.runs import invoices_run_for

    built = 0
    now = timezone.now()
    for practice in Practice.objects.order_by("pk"):
        with practice_scope(practice):
            built += len(invoices_run_for(practice=practice, now=now))
    return built


@shared_task
def check_block_alert(*, practice_id: int, client_id: int) -> bool:
    """Email the primary secretary and the client's billing contacts once when the client's
    prepaid hours fall below the engagement's alert share of the latest block."""
    from billing.invoicing.blocks import block_alert_due, block_balance
    from clients.models import Client, Contact
    from tasks.models import NotificationSent

    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is None:
        return False
    with practice_scope(practice), transaction.atomic():
        client = (
            Client.objects.for_practice(practice)
            .select_related("primary_secretary__user")
            .filter(pk=client_id)
            .first()
        )
        if client is None:
            return False
        block = block_alert_due(practice=practice, client=client)
        if block is None:
            return False
        recipients = {
            contact.email
            for contact in Contact.objects.for_practice(practice).filter(
                client=client, portal_billing=True
            )
            if contact.email
        }
        if client.primary_secretary is not None and client.primary_secretary.user.email:
            recipients.add(client.primary_secretary.user.email)
        if not recipients:
            return False
        try:
            with transaction.atomic():
                NotificationSent.objects.create(practice=practice, key=f"billing.block:{block.pk}")
        except IntegrityError:
            return False
        context = {
            "practice": practice,
            "client": client,
            "balance": block_balance(practice=practice, client=client),
            "url": settings.SITE_URL + reverse("portal_hour_blocks", args=[practice.slug]),
        }
        get_connection().send_messages(
            [_month_end_message("block_alert", context, sorted(recipients))]
        )
    return True


# --- End of invoice runs and hour blocks ------------------------------------------------------
