"""Paying an invoice online: a provider interface and its Stripe Checkout implementation.

Online payment is on only when the provider is configured (``STRIPE_SECRET_KEY`` and
``STRIPE_WEBHOOK_SECRET``). The client is sent to the provider's checkout page; the provider
tells us of the payment by a signed webhook. Each event is handled once: its id is recorded as
a ``ProviderEvent`` in the same transaction as the payment, so a second delivery is answered
and does nothing, and a failure records neither (the provider delivers it again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.invoicing.payments import payment_record
from billing.models import (
    OPEN_INVOICE_STATUSES,
    Invoice,
    Payment,
    PaymentMethod,
    ProviderEvent,
)
from billing.models.ledger import ZERO
from secretary.audit import activity_record
from secretary.errors import ApplicationError
from secretary.models import Practice, currency_exponent, currency_quantum
from secretary.tenancy import practice_scope

logger = logging.getLogger(__name__)


class WebhookRejected(Exception):
    """The webhook's payload or signature is not acceptable (answer 400, save nothing)."""


@dataclass(frozen=True)
class WebhookOutcome:
    handled: bool  # False: a repeated delivery, or an event we do not act on
    payment: Payment | None = None


class PaymentProvider(Protocol):
    name: str

    def checkout_url(self, invoice: Invoice, success_url: str, cancel_url: str) -> str:
        """Where to send the client to pay the invoice's amount due."""

    def handle_webhook(self, payload: bytes, signature: str) -> WebhookOutcome:
        """Verify and act on one delivery; raise ``WebhookRejected`` when it is not genuine."""


def minor_units(amount: Decimal, currency: str) -> int:
    exponent = currency_exponent(currency)
    return int((amount * (Decimal(10) ** exponent)).to_integral_value(ROUND_HALF_UP))


def from_minor_units(amount: int, currency: str) -> Decimal:
    exponent = currency_exponent(currency)
    return (Decimal(amount) / (Decimal(10) ** exponent)).quantize(currency_quantum(currency))


class StripeProvider:
    """Stripe Checkout: one-off sessions for an invoice's amount due."""

    name = "stripe"

    def __init__(self, *, secret_key: str, webhook_secret: str):
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret

    def checkout_url(self, invoice: Invoice, success_url: str, cancel_url: str) -> str:
        import stripe

        amount = invoice.balance_due
        if invoice.status not in OPEN_INVOICE_STATUSES or amount <= ZERO:
            message = _("This invoice has nothing left to pay.")
            raise ApplicationError(message, errors={"invoice": message})
        try:
            session = stripe.checkout.Session.create(
                api_key=self.secret_key,
                mode="payment",
                success_url=success_url,
                cancel_url=cancel_url,
                client_reference_id=str(invoice.pk),
                line_items=[
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": invoice.currency.lower(),
                            "unit_amount": minor_units(amount, invoice.currency),
                            "product_data": {
                                "name": _("Invoice %(number)s") % {"number": invoice.number}
                            },
                        },
                    }
                ],
                metadata={
                    "practice_id": str(invoice.practice_id),
                    "invoice_id": str(invoice.pk),
                },
                payment_intent_data={"description": invoice.number},
            )
        except stripe.StripeError as error:
            logger.warning("Stripe checkout for invoice %s failed: %s", invoice.pk, error)
            message = _("Online payment is not available right now. Please try again later.")
            raise ApplicationError(message) from error
        return session.url

    def handle_webhook(self, payload: bytes, signature: str) -> WebhookOutcome:
        import stripe

        try:
            event = stripe.Webhook.construct_event(payload, signature, self.webhook_secret)
        except (ValueError, stripe.SignatureVerificationError) as error:
            raise WebhookRejected(str(error)) from error
        return stripe_event_handle(event.to_dict())


def stripe_event_handle(event: dict[str, Any]) -> WebhookOutcome:
    """Act on a verified Stripe event, once per event id."""
    event_id = str(event.get("id") or "")
    if not event_id:
        raise WebhookRejected("event without an id")
    session = (event.get("data") or {}).get("object") or {}
    metadata = session.get("metadata") or {}
    acts = (
        event.get("type") == "checkout.session.completed"
        and session.get("payment_status") == "paid"
        and metadata.get("practice_id")
        and metadata.get("invoice_id")
    )
    practice = None
    if acts:
        try:
            practice = Practice.objects.filter(pk=int(metadata["practice_id"])).first()
        except (TypeError, ValueError):
            practice = None
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProviderEvent.objects.create(
                    provider="stripe", event_id=event_id, practice=practice
                )
        except IntegrityError:
            return WebhookOutcome(handled=False)  # delivered before: acknowledged, nothing done
        if practice is None:
            return WebhookOutcome(handled=False)
        with practice_scope(practice):
            invoice = (
                Invoice.objects.for_practice(practice)
                .select_for_update(of=("self",))
                .filter(pk=_int(metadata.get("invoice_id")))
                .first()
            )
            if invoice is None:
                logger.warning("Stripe event %s names an unknown invoice", event_id)
                return WebhookOutcome(handled=False)
            currency = str(session.get("currency") or "").upper()
            amount = from_minor_units(int(session.get("amount_total") or 0), currency)
            created = event.get("created")
            day = (
                datetime.fromtimestamp(int(created), tz=UTC).date()
                if created
                else timezone.localdate()
            )
            payment = _record_online_payment(
                practice=practice,
                invoice=invoice,
                amount=amount,
                currency=currency,
                day=day,
                provider="stripe",
                provider_reference=str(session.get("id") or event_id)[:120],
            )
    return WebhookOutcome(handled=True, payment=payment)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _record_online_payment(
    *,
    practice,
    invoice: Invoice,
    amount: Decimal,
    currency: str,
    day: date,
    provider: str,
    provider_reference: str,
) -> Payment | None:
    """Record the money received for ``invoice`` (locked by the caller): the payment, its
    allocation up to the amount due (the rest stays the client's credit) and the invoice's
    paid amount and status. The one place an online payment is written."""
    if amount <= ZERO:
        return None
    applied = min(amount, max(invoice.balance_due, ZERO)) if currency == invoice.currency else ZERO
    if invoice.status not in OPEN_INVOICE_STATUSES:
        applied = ZERO
    # Posted like any payment (Dr bank / Cr receivable); what exceeds the amount due stays the
    # client's credit.
    payment = payment_record(
        practice=practice,
        client=invoice.client,
        date=day,
        amount=amount,
        currency=currency,
        method=PaymentMethod.ONLINE,
        reference=invoice.number,
        allocations={invoice: applied} if applied > ZERO else {},
        keep_as_credit=True,
        provider=provider,
        provider_reference=provider_reference,
    )
    activity_record(
        practice=practice,
        actor=None,
        verb="invoice.paid_online",
        target=invoice,
        data={"amount": str(amount), "currency": currency, "provider": provider},
    )
    return payment


def payment_provider() -> PaymentProvider | None:
    """The configured online payment provider, or None when online payment is off."""
    secret_key = getattr(settings, "STRIPE_SECRET_KEY", "")
    webhook_secret = getattr(settings, "STRIPE_WEBHOOK_SECRET", "")
    if secret_key and webhook_secret:
        return StripeProvider(secret_key=secret_key, webhook_secret=webhook_secret)
    return None
