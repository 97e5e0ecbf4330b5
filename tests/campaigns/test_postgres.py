"""Two senders on one campaign at once (PostgreSQL): ``SKIP LOCKED`` claims give each its own
rows, and no person gets two messages."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connections
from django.utils import timezone

from clients.mailing.campaigns import sending
from clients.mailing.campaigns.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    SendingSettings,
)
from secretary.tenancy import practice_scope
from tests.campaigns.helpers import approved_campaign
from tests.clients.mailing_factories import AudienceFactory, subscribers_bulk

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAIT = 20


class HoldingBackend(LocmemBackend):
    """The thread named "holder" stops after its first message until ``release`` is set."""

    holding = threading.Event()
    release = threading.Event()

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if threading.current_thread().name == "holder" and not self.release.is_set():
            self.holding.set()
            assert self.release.wait(WAIT)
        return sent


@pytest.fixture
def started(world, northwind, newsletter, settings):
    settings.EMAIL_BACKEND = "tests.campaigns.test_postgres.HoldingBackend"
    HoldingBackend.holding.clear()
    HoldingBackend.release.clear()
    SendingSettings.objects.create(practice=world.practice, rate_per_minute=100_000, batch_size=10)
    audience = AudienceFactory(practice=world.practice, client=northwind)
    subscribers_bulk(audience, 60)
    campaign = approved_campaign(world, audience, newsletter)
    # Due now, and started here (not by the in-process tasks, which would send it all at once)
    Campaign.objects.for_practice(world.practice).filter(pk=campaign.pk).update(
        status=CampaignStatus.SCHEDULED, scheduled_at=timezone.now()
    )
    assert sending.campaign_start(practice=world.practice, campaign_id=campaign.pk) == 1
    mail.outbox.clear()  # the request for approval
    return campaign


def run(name: str, target, results: dict, errors: list) -> threading.Thread:
    def body():
        try:
            # As a task does: one transaction inside the practice (row-level security).
            results[name] = target()
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=body, name=name)
    thread.start()
    return thread


def test_a_second_sender_skips_the_rows_the_first_holds(world, started):
    results, errors = {}, []

    def send():
        with practice_scope(world.practice):
            return sending.campaign_send_batch(practice=world.practice, campaign_id=started.pk)

    # Given a sender that claimed a batch and is still sending it
    holder = run("holder", send, results, errors)
    assert HoldingBackend.holding.wait(WAIT)
    # When a second sender runs a batch meanwhile, it does not wait: it takes other rows
    other = run("other", send, results, errors)
    other.join(WAIT)
    assert not other.is_alive() and not errors
    assert results["other"].sent == 10
    # Then the first finishes its own batch
    HoldingBackend.release.set()
    holder.join(WAIT)
    assert results["holder"].sent == 10
    recipients = Counter(message.to[0] for message in mail.outbox)
    assert len(recipients) == 20 and set(recipients.values()) == {1}


def test_two_senders_send_the_whole_campaign_once(world, started):
    HoldingBackend.release.set()  # nobody holds
    results, errors = {}, []

    def loop():
        sent = 0
        while True:
            with practice_scope(world.practice):
                result = sending.campaign_send_batch(
                    practice=world.practice, campaign_id=started.pk
                )
            sent += result.sent
            if result.claimed == 0 and result.finished:
                return sent
            if result.claimed == 0:
                # The other sender holds the last rows: it finishes the campaign.
                return sent

    threads = [run(f"sender-{n}", loop, results, errors) for n in range(2)]
    for thread in threads:
        thread.join(WAIT * 3)
    assert not errors

    recipients = Counter(message.to[0] for message in mail.outbox)
    assert len(recipients) == 60 and set(recipients.values()) == {1}
    assert results["sender-0"] + results["sender-1"] == 60
    rows = Delivery.objects.for_practice(world.practice).filter(campaign=started)
    assert rows.filter(status=DeliveryStatus.SENT).count() == 60
    # The last batch finds nothing left and marks the campaign sent
    with practice_scope(world.practice):
        assert sending.campaign_send_batch(practice=world.practice, campaign_id=started.pk).finished
    started.refresh_from_db()
    assert started.status == "sent" and started.sent_count == 60
