"""Background jobs of campaigns, on the ``default`` queue (their names are outside
``documents.tasks``, which the ``documents`` queue takes).

``start_campaign`` makes the deliveries and starts the practice's senders;
``send_campaign_batch`` sends one batch and queues the sender's next one after the practice's
rate allows; the beat job ``campaigns_sweep`` starts campaigns whose time has come and
restarts senders that stopped (a lost worker, a broker outage).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clients.mailing.campaigns import sending
from clients.mailing.campaigns.models import Campaign, CampaignStatus
from secretary import rls
from secretary.background import enqueue_on_commit
from secretary.models import Practice
from secretary.tenancy import practice_scope

logger = logging.getLogger(__name__)


def _practice(practice_id: int) -> Practice | None:
    return Practice.objects.filter(pk=practice_id).first()


@shared_task(name="clients.mailing.campaigns.tasks.start_campaign", acks_late=True)
def start_campaign(*, practice_id: int, campaign_id: int) -> int:
    """Start a due campaign: its deliveries, then its senders. Returns the senders started."""
    practice = _practice(practice_id)
    if practice is None:
        return 0
    senders = sending.campaign_start(practice=practice, campaign_id=campaign_id)
    for _number in range(senders):
        enqueue_on_commit(send_campaign_batch, practice_id=practice_id, campaign_id=campaign_id)
    return senders


def _next_batch(practice_id: int, campaign_id: int, pause: float) -> None:
    try:
        send_campaign_batch.apply_async(
            kwargs={"practice_id": practice_id, "campaign_id": campaign_id},
            countdown=pause or None,
        )
    except Exception:  # the broker is away: the sweep restarts the sender
        logger.warning("Campaign %s: next batch not queued", campaign_id, exc_info=True)


@shared_task(name="clients.mailing.campaigns.tasks.send_campaign_batch", acks_late=True)
def send_campaign_batch(*, practice_id: int, campaign_id: int) -> int:
    """Send one batch of a campaign; queue this sender's next batch while rows are left.
    Returns how many messages went out."""
    practice = _practice(practice_id)
    if practice is None:
        return 0
    result = sending.campaign_send_batch(practice=practice, campaign_id=campaign_id)
    if not result.finished:
        transaction.on_commit(lambda: _next_batch(practice_id, campaign_id, result.pause))
    return result.sent


@shared_task(name="clients.mailing.campaigns.tasks.campaigns_sweep")
def campaigns_sweep() -> int:
    """Beat: start the scheduled campaigns whose time has come, and restart the senders of a
    campaign that sent nothing for a while. Returns how many jobs were queued."""
    now = timezone.now()
    stalled_before = now - timedelta(seconds=sending.STALLED_AFTER_SECONDS)
    with rls.cross_practice("campaign sweep: due and stalled campaigns of every practice"):
        due = list(
            Campaign.objects.unscoped()
            .filter(status=CampaignStatus.SCHEDULED, scheduled_at__lte=now)
            .values_list("practice_id", "pk")
        )
        stalled = list(
            Campaign.objects.unscoped()
            .filter(status=CampaignStatus.SENDING, last_batch_at__lt=stalled_before)
            .values_list("practice_id", "pk")
        )
    queued = 0
    for practice_id, campaign_id in due:
        with practice_scope(practice_id):
            enqueue_on_commit(start_campaign, practice_id=practice_id, campaign_id=campaign_id)
        queued += 1
    for practice_id, campaign_id in stalled:
        with practice_scope(practice_id):
            # Claimed so that the next sweep leaves it to the sender queued now.
            restarted = (
                Campaign.objects.for_practice(practice_id)
                .filter(pk=campaign_id, last_batch_at__lt=stalled_before)
                .update(last_batch_at=now)
            )
            if restarted:
                enqueue_on_commit(
                    send_campaign_batch, practice_id=practice_id, campaign_id=campaign_id
                )
                queued += 1
    return queued


@shared_task(name="clients.mailing.campaigns.tasks.notify_approval_requested", acks_late=True)
def notify_approval_requested(*, practice_id: int, campaign_id: int) -> int:
    """Tell the client's contacts who may approve documents that a campaign awaits them."""
    from django.core.mail import EmailMessage

    from clients.models import Contact
    from clients.tasks import send_once

    practice = _practice(practice_id)
    if practice is None:
        return 0
    campaign = (
        Campaign.objects.for_practice(practice)
        .select_related("client")
        .filter(pk=campaign_id, status=CampaignStatus.AWAITING_APPROVAL)
        .first()
    )
    if campaign is None:
        return 0
    contacts = list(
        Contact.objects.for_practice(practice)
        .filter(
            client_id=campaign.client_id,
            portal_documents=True,
            membership__isnull=False,
            membership__user__is_active=True,
        )
        .select_related("membership__user")
    )
    to = sorted({contact.membership.user.email for contact in contacts if contact.membership})
    if not to:
        return 0
    url = settings.SITE_URL + reverse(
        "portal_campaign", kwargs={"practice_slug": practice.slug, "campaign_id": campaign.pk}
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Please approve the newsletter “%(name)s”") % {"name": campaign.name}
        body = _(
            "%(practice)s has prepared the newsletter “%(name)s” for %(client)s's mailing list "
            "and asks for your approval before it is sent.\n\nSee it and answer here: %(url)s\n"
        ) % {
            "practice": practice.name,
            "name": campaign.name,
            "client": campaign.client.name,
            "url": url,
        }
    asked = int(campaign.approval_requested_at.timestamp()) if campaign.approval_requested_at else 0
    key = f"campaign-approval:{campaign.pk}:{asked}"
    sent = send_once(practice, key, [EmailMessage(subject, body, to=to)])
    return len(to) if sent else 0
