"""Reminders of open invoices: a practice's rules (days from the due date, with a subject and
a message), seeded on first use, and the daily job that sends each at most once per invoice.

Catching up: when a day was missed (or the rules are new), an invoice gets only the latest
reminder that applies to it, never a burst of the earlier ones.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing.invoicing.sending import invoice_recipients
from billing.models import (
    OPEN_INVOICE_STATUSES,
    Invoice,
    InvoiceKind,
    ReminderRule,
    ReminderSent,
)
from secretary.audit import activity_record
from secretary.errors import ApplicationError
from secretary.money import format_money

PLACEHOLDERS = ("number", "amount_due", "due_date", "client")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def default_rules() -> list[dict]:
    """The reminders a practice starts with (in its language at the time of seeding)."""
    return [
        {
            "days_from_due": -3,
            "subject": _("Invoice {number} is due on {due_date}"),
            "body": _(
                "Hello {client},\n\nA friendly reminder that invoice {number} for {amount_due} "
                "is due on {due_date}. If you have paid it already, thank you and please "
                "ignore this message."
            ),
        },
        {
            "days_from_due": 0,
            "subject": _("Invoice {number} is due today"),
            "body": _(
                "Hello {client},\n\nInvoice {number} for {amount_due} is due today "
                "({due_date}). Thank you for your payment."
            ),
        },
        {
            "days_from_due": 7,
            "subject": _("Invoice {number} is overdue"),
            "body": _(
                "Hello {client},\n\nInvoice {number} was due on {due_date} and {amount_due} "
                "is still open. Please arrange the payment at your earliest convenience."
            ),
        },
        {
            "days_from_due": 21,
            "subject": _("Second reminder: invoice {number} is overdue"),
            "body": _(
                "Hello {client},\n\nInvoice {number} was due on {due_date}, three weeks ago, "
                "and {amount_due} is still open. Please pay it now or tell us when you will."
            ),
        },
    ]


def reminder_rules_seed(*, practice) -> list[ReminderRule]:
    """The practice's rules; the defaults are created the first time (when it has none)."""
    rules = list(ReminderRule.objects.for_practice(practice).order_by("days_from_due"))
    if rules:
        return rules
    with translation.override(settings.LANGUAGE_CODE):
        ReminderRule.objects.bulk_create(
            [ReminderRule(practice=practice, **rule) for rule in default_rules()],
            ignore_conflicts=True,
        )
    return list(ReminderRule.objects.for_practice(practice).order_by("days_from_due"))


def rule_when(rule: ReminderRule) -> str:
    days = rule.days_from_due
    if days < 0:
        return ngettext(
            "%(days)s day before the due date", "%(days)s days before the due date", -days
        ) % {"days": -days}
    if days == 0:
        return _("On the due date")
    return ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}


def fill(text: str, values: dict[str, str]) -> str:
    """Replace the known ``{placeholders}``; anything else in braces stays as written."""
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def reminder_rule_update(
    *,
    practice,
    rule: ReminderRule,
    days_from_due: int,
    subject: str,
    body: str,
    active: bool,
    user=None,
    request=None,
) -> ReminderRule:
    if not -60 <= days_from_due <= 365:
        message = _("Choose a day from 60 days before to 365 days after the due date.")
        raise ApplicationError(message, errors={"days_from_due": message})
    clash = (
        ReminderRule.objects.for_practice(practice)
        .filter(days_from_due=days_from_due)
        .exclude(pk=rule.pk)
        .exists()
    )
    if clash:
        message = _("Another reminder is sent on that day already.")
        raise ApplicationError(message, errors={"days_from_due": message})
    with transaction.atomic():
        rule.days_from_due = days_from_due
        rule.subject = subject
        rule.body = body
        rule.active = active
        rule.save(update_fields=["days_from_due", "subject", "body", "active"])
        activity_record(
            practice=practice,
            actor=user,
            verb="invoice.reminder_rule_changed",
            target=rule,
            data={"days_from_due": days_from_due, "active": active},
            request=request,
        )
    return rule


def _due_for(*, practice, rule: ReminderRule, today: date):
    """Open invoices with a balance that reached the rule's day and had no reminder of that
    day or a later one."""
    return (
        Invoice.objects.for_practice(practice)
        .filter(
            kind=InvoiceKind.INVOICE,
            status__in=OPEN_INVOICE_STATUSES,
            due_date__lte=today - timedelta(days=rule.days_from_due),
            total__gt=F("amount_paid") + F("amount_credited"),
        )
        .exclude(reminders__days_from_due__gte=rule.days_from_due)
        .select_related("client")
        .order_by("due_date", "pk")
    )


def _message(*, practice, invoice: Invoice, rule: ReminderRule, to: list[str]) -> EmailMessage:
    values = {
        "number": invoice.number,
        "amount_due": format_money(invoice.balance_due, invoice.currency),
        "due_date": invoice.due_date.isoformat() if invoice.due_date else "",
        "client": invoice.client.name,
    }
    subject = " ".join(fill(rule.subject, values).split())
    body = fill(rule.body, values).rstrip() + f"\n\n{practice.name}\n"
    return EmailMessage(subject=subject, body=body, to=to)


def reminders_send_for(*, practice, today: date) -> int:
    """Send the reminders due today (once per invoice and rule); returns how many."""
    has_open = (
        Invoice.objects.for_practice(practice)
        .filter(kind=InvoiceKind.INVOICE, status__in=OPEN_INVOICE_STATUSES)
        .exists()
    )
    if not has_open:
        return 0
    rules = [rule for rule in reminder_rules_seed(practice=practice) if rule.active]
    sent = 0
    # Latest rule first: an invoice that it reminds is skipped by the earlier ones.
    for rule in sorted(rules, key=lambda rule: -rule.days_from_due):
        for invoice in _due_for(practice=practice, rule=rule, today=today):
            recipients = invoice_recipients(practice=practice, invoice=invoice)
            if not recipients:
                continue
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(
                            practice=practice,
                            invoice=invoice,
                            rule=rule,
                            days_from_due=rule.days_from_due,
                        )
                except IntegrityError:
                    continue
                get_connection().send_messages(
                    [_message(practice=practice, invoice=invoice, rule=rule, to=recipients)]
                )
                sent += 1
    return sent
