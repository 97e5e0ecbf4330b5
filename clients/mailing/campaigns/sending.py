"""Sending a campaign: its deliveries made once, then sent in batches by any number of workers.

``campaign_start`` (a scheduled campaign whose time has come) makes one queued ``Delivery``
per subscribed person, unique per (campaign, subscriber), and turns the campaign to
``sending``. ``campaign_send_batch`` then claims up to a batch of queued rows with
``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL: two workers never claim the same row), sends
them over one mail connection and marks them sent in the same transaction that holds the
claim: a row is either still queued (and locked, or free again after a crash) or sent, never
sent twice by two workers. The email is built once per campaign (and kept by the worker), with
a placeholder where each subscriber's unsubscribe token goes.
"""

from __future__ import annotations

import dataclasses
import logging
import smtplib
import threading
import time
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.html import escape

from clients.mailing.campaigns import selectors
from clients.mailing.campaigns.models import Campaign, CampaignStatus, Delivery, DeliveryStatus
from clients.mailing.campaigns.unsubscribe import (
    PLACEHOLDER,
    unsubscribe_token,
    unsubscribe_url_prefix,
)
from clients.mailing.models import SubscriberStatus
from secretary.errors import ApplicationError

logger = logging.getLogger(__name__)

INSERT_CHUNK = 2_000
# A campaign whose senders have not finished a batch for this long is picked up by the sweep.
STALLED_AFTER_SECONDS = 300
# After an error of the mail server (not of one address), the batch's rest waits this long.
SERVER_ERROR_PAUSE_SECONDS = 60


@dataclass(frozen=True)
class BatchResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    finished: bool = False  # the campaign is done (or gone, or not sending)
    pause: float = 0.0  # seconds before the next batch of this sender
    server_error: str = ""


def sender_of(campaign: Campaign, conf) -> tuple[str, str]:
    """(From, Reply-To) of the campaign: its own sender, else its list's, else the practice's
    settings, else the product's address under the client's name."""
    audience = campaign.audience
    address = (
        campaign.from_email
        or audience.from_email
        or conf.from_email
        or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    )
    name = campaign.from_name or audience.from_name or conf.from_name or campaign.client.name
    return formataddr((name, address)), audience.reply_to or ""


# --- Starting ---------------------------------------------------------------------------------


def campaign_start(*, practice, campaign_id: int) -> int:
    """Turn a due scheduled campaign to ``sending`` and make its deliveries; returns how many
    senders to start (0 when there is nothing to do: not due, already started, cancelled)."""
    with transaction.atomic():
        campaign = (
            Campaign.objects.for_practice(practice)
            .select_for_update(of=("self",))
            .select_related("audience", "segment")
            .filter(pk=campaign_id)
            .first()
        )
        if campaign is None or campaign.status != CampaignStatus.SCHEDULED:
            return 0
        now = timezone.now()
        if campaign.scheduled_at and campaign.scheduled_at > now:
            return 0
        conf = selectors.sending_settings_for(practice=practice)
        people = selectors.campaign_recipients(campaign).values_list("pk", "email")
        chunk: list[Delivery] = []
        for subscriber_id, email in people.iterator(chunk_size=INSERT_CHUNK):
            chunk.append(
                Delivery(
                    practice=practice,
                    campaign=campaign,
                    subscriber_id=subscriber_id,
                    email=email,
                )
            )
            if len(chunk) >= INSERT_CHUNK:
                Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
                chunk = []
        if chunk:
            Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
        campaign.recipient_count = selectors.deliveries_of(campaign).count()
        campaign.status = CampaignStatus.SENDING
        campaign.started_at = now
        campaign.last_batch_at = now
        campaign.track_opens = conf.track_opens
        campaign.track_clicks = conf.track_clicks
        campaign.save(
            update_fields=[
                "recipient_count",
                "status",
                "started_at",
                "last_batch_at",
                "track_opens",
                "track_clicks",
                "updated_at",
            ]
        )
        return max(1, min(conf.parallel_senders, campaign.recipient_count or 1))


# --- The email, built once --------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    email: object  # documents.newsletter_email.NewsletterEmail with the placeholder link
    from_email: str
    reply_to: str
    url_prefix: str
    url_suffix: str


_prepared: dict[tuple, Prepared] = {}
_prepared_lock = threading.Lock()
PREPARED_KEPT = 8


def prepared_for(practice, campaign: Campaign, conf) -> Prepared:
    """The campaign's email with a placeholder unsubscribe link (built once per worker)."""
    from documents.newsletter_email import newsletter_email

    # started_at: a campaign is prepared afresh for each start (ids alone may come back in a
    # database restored or rolled back).
    key = (practice.pk, campaign.pk, campaign.started_at, campaign.version_id, settings.SITE_URL)
    with _prepared_lock:
        found = _prepared.get(key)
    if found is not None:
        return found
    prefix, suffix = unsubscribe_url_prefix()
    with translation.override(settings.LANGUAGE_CODE):
        email = newsletter_email(
            practice=practice,
            composition=campaign.composition,
            version=campaign.version,
            unsubscribe_url=prefix + PLACEHOLDER + suffix,
        )
    if campaign.subject:
        email.subject = campaign.subject
    from_email, reply_to = sender_of(campaign, conf)
    found = Prepared(
        email=email,
        from_email=from_email,
        reply_to=reply_to,
        url_prefix=prefix,
        url_suffix=suffix,
    )
    with _prepared_lock:
        if len(_prepared) >= PREPARED_KEPT:
            _prepared.clear()
        _prepared[key] = found
    return found


def personal_message(prepared: Prepared, *, campaign: Campaign, delivery: Delivery):
    """The message of one delivery: the subscriber's own unsubscribe link in the footer and
    the List-Unsubscribe headers (one-click, RFC 8058)."""
    from documents.newsletter_email import newsletter_message

    token = unsubscribe_token(
        practice_id=campaign.practice_id,
        subscriber_id=delivery.subscriber_id,
        campaign_id=campaign.pk,
    )
    email = dataclasses.replace(
        prepared.email,
        html=prepared.email.html.replace(PLACEHOLDER, escape(token)),
        text=prepared.email.text.replace(PLACEHOLDER, token),
        unsubscribe_url=prepared.url_prefix + token + prepared.url_suffix,
    )
    message = newsletter_message(
        email,
        to=delivery.email,
        from_email=prepared.from_email,
        reply_to=prepared.reply_to or None,
    )
    message.extra_headers["Message-ID"] = _message_id(campaign, delivery.pk)
    # Read by django-anymail's backends (ignored by Django's own): the webhook finds the
    # delivery by its metadata, and tracking is off unless the practice turned it on.
    message.metadata = {"practice": str(campaign.practice_id), "delivery": str(delivery.pk)}
    message.track_opens = campaign.track_opens
    message.track_clicks = campaign.track_clicks
    return message


# --- One batch --------------------------------------------------------------------------------


def _address_errors() -> tuple[type[BaseException], ...]:
    """Errors about one message (its address), after which the batch goes on."""
    from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused

    return (
        smtplib.SMTPRecipientsRefused,
        smtplib.SMTPSenderRefused,
        smtplib.SMTPDataError,
        AnymailRecipientsRefused,
        AnymailInvalidAddress,
    )


def _provider_message_id(message) -> str:
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None) if status is not None else None
    if message_id:
        return str(message_id)[:200]
    return str(message.extra_headers.get("Message-ID", ""))[:200]


def campaign_send_batch(
    *, practice, campaign_id: int, batch_size: int | None = None
) -> BatchResult:
    """Claim, send and mark one batch of the campaign's queued deliveries, in one transaction.

    The claim skips rows another worker holds; the rows are marked in the transaction that
    holds them, so no row is sent by two workers. A failure of one address marks that row
    failed; a failure of the mail server ends the batch early (what was sent stays sent, the
    rest stays queued for the next batch).
    """
    started = time.monotonic()
    with transaction.atomic():
        campaign = (
            Campaign.objects.for_practice(practice)
            .select_related("client", "audience", "composition", "version")
            .filter(pk=campaign_id)
            .first()
        )
        if campaign is None or campaign.status != CampaignStatus.SENDING:
            return BatchResult(finished=True)
        conf = selectors.sending_settings_for(practice=practice)
        size = batch_size or conf.batch_size
        rows = list(
            Delivery.objects.for_practice(practice)
            .filter(campaign=campaign, status=DeliveryStatus.QUEUED)
            .select_related("subscriber")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")[:size]
        )
        if not rows:
            return BatchResult(finished=_finish_if_done(practice, campaign))
        try:
            prepared = prepared_for(practice, campaign, conf)
        except ApplicationError as error:
            _fail(practice, campaign, error.message)
            return BatchResult(finished=True)
        result = _send_rows(rows, prepared=prepared, campaign=campaign)
        now = timezone.now()
        _save_rows(practice, campaign, rows, now)
        Campaign.objects.for_practice(practice).filter(pk=campaign.pk).update(
            sent_count=F("sent_count") + result.sent,
            failed_count=F("failed_count") + result.failed,
            last_batch_at=now,
            failure_reason=result.server_error[:300],
        )
    # The practice's rate, shared by its parallel senders.
    period = conf.parallel_senders * len(rows) * 60 / conf.rate_per_minute
    pause = max(0.0, period - (time.monotonic() - started))
    if result.server_error:
        pause = max(pause, SERVER_ERROR_PAUSE_SECONDS)
    return dataclasses.replace(result, pause=pause)


def _send_rows(rows: list[Delivery], *, prepared: Prepared, campaign: Campaign) -> BatchResult:
    now = timezone.now()
    sent = failed = skipped = 0
    server_error = ""
    address_errors = _address_errors()
    outgoing = []
    for row in rows:
        if row.subscriber.status != SubscriberStatus.SUBSCRIBED:
            row.status = DeliveryStatus.SKIPPED
            row.updated_at = now
            skipped += 1
            continue
        outgoing.append(row)
    if outgoing:
        connection = get_connection()
        try:
            connection.open()
        except Exception as error:  # the server is down: nothing was sent, all stays queued
            logger.warning("Campaign %s: mail server unreachable (%s)", campaign.pk, error)
            return BatchResult(
                claimed=len(rows), skipped=skipped, server_error=f"{type(error).__name__}: {error}"
            )
        try:
            for row in outgoing:
                message = personal_message(prepared, campaign=campaign, delivery=row)
                try:
                    count = connection.send_messages([message])
                except address_errors as error:
                    row.status, row.error = DeliveryStatus.FAILED, str(error)[:300]
                    row.updated_at = now
                    failed += 1
                    continue
                except Exception as error:
                    # The server failed, not the address: stop here; this row and the rest
                    # stay queued for a later batch.
                    logger.warning("Campaign %s: sending stopped (%s)", campaign.pk, error)
                    server_error = f"{type(error).__name__}: {error}"
                    break
                if count:
                    row.status, row.sent_at = DeliveryStatus.SENT, timezone.now()
                    row.provider_message_id = _provider_message_id(message)
                    row.error = ""
                    sent += 1
                else:
                    row.status, row.error = DeliveryStatus.FAILED, "not accepted"
                    failed += 1
                row.updated_at = now
        finally:
            try:
                connection.close()
            except Exception:  # a connection already gone closes quietly
                logger.debug("closing the mail connection failed", exc_info=True)
    return BatchResult(
        claimed=len(rows), sent=sent, failed=failed, skipped=skipped, server_error=server_error
    )


def _save_rows(practice, campaign: Campaign, rows: list[Delivery], now) -> None:
    """Write the batch's outcome in a bounded number of queries, whatever its size: one
    UPDATE for the rows sent under our own Message-ID (computed in SQL), one for the skipped
    ones; row by row values (a provider's own message ids, errors) only for the rows that
    have them. (``bulk_update`` of every row costs a CASE per row and field: seconds for a
    thousand rows.)"""
    mine, skipped, others = [], [], []
    for row in rows:
        if row.status == DeliveryStatus.SENT and row.provider_message_id == _message_id(
            campaign, row.pk
        ):
            mine.append(row.pk)
        elif row.status == DeliveryStatus.SKIPPED:
            skipped.append(row.pk)
        elif row.status != DeliveryStatus.QUEUED:
            others.append(row)
    deliveries = Delivery.objects.for_practice(practice)
    if mine:
        prefix, suffix = _message_id_parts(campaign)
        deliveries.filter(pk__in=mine).update(
            status=DeliveryStatus.SENT,
            sent_at=now,
            error="",
            updated_at=now,
            provider_message_id=Concat(
                Value(prefix), Cast("pk", CharField()), Value(suffix), output_field=CharField()
            ),
        )
    if skipped:
        deliveries.filter(pk__in=skipped).update(status=DeliveryStatus.SKIPPED, updated_at=now)
    if others:
        deliveries.bulk_update(
            others, ["status", "sent_at", "provider_message_id", "error", "updated_at"]
        )


def _message_id_parts(campaign: Campaign) -> tuple[str, str]:
    """Our Message-ID of a delivery is ``prefix + delivery id + suffix``: unique (the campaign
    and its start in it), and computable in SQL."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "secretary.local"
    started = int(campaign.started_at.timestamp()) if campaign.started_at else 0
    return f"<campaign{campaign.pk}.{started}.delivery", f"@{domain}>"


def _message_id(campaign: Campaign, delivery_id: int) -> str:
    prefix, suffix = _message_id_parts(campaign)
    return f"{prefix}{delivery_id}{suffix}"


def _finish_if_done(practice, campaign: Campaign) -> bool:
    """Mark the campaign sent once no delivery is queued (rows another worker still holds
    are queued: that worker finishes it)."""
    if selectors.deliveries_of(campaign).filter(status=DeliveryStatus.QUEUED).exists():
        return False
    Campaign.objects.for_practice(practice).filter(
        pk=campaign.pk, status=CampaignStatus.SENDING
    ).update(status=CampaignStatus.SENT, finished_at=timezone.now())
    return True


def _fail(practice, campaign: Campaign, reason: str) -> None:
    Campaign.objects.for_practice(practice).filter(pk=campaign.pk).update(
        status=CampaignStatus.FAILED, failure_reason=str(reason)[:300], finished_at=timezone.now()
    )
