"""Sending: one message per subscribed person, each with its own unsubscribe link and
List-Unsubscribe headers, in batches of a constant number of queries; never twice."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.mailing.campaigns import sending, services
from clients.mailing.campaigns.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    SendingSettings,
)
from clients.mailing.campaigns.tasks import campaigns_sweep
from clients.mailing.campaigns.unsubscribe import read_token
from clients.mailing.models import Subscriber, SubscriberStatus
from tests.campaigns.helpers import UNSUBSCRIBE_LINK, approved_campaign
from tests.clients.mailing_factories import AudienceFactory, subscribers_bulk

pytestmark = pytest.mark.django_db


def send_now(world, campaign, capture):
    with capture(execute=True):
        services.campaign_send_now(practice=world.practice, campaign=campaign)
    campaign.refresh_from_db()
    return campaign


def test_it_sends_one_message_per_subscribed_person(
    world, audience, newsletter, fast_sending, django_capture_on_commit_callbacks
):
    # Given an approved campaign to 12 subscribed people and one who left
    gone = Subscriber.objects.for_practice(world.practice).filter(audience=audience).first()
    gone.status = SubscriberStatus.UNSUBSCRIBED
    gone.save()
    campaign = approved_campaign(world, audience, newsletter, subject="Our spring news")
    # When it is sent now
    campaign = send_now(world, campaign, django_capture_on_commit_callbacks)
    # Then each subscribed person got exactly one message, with the campaign's subject
    assert campaign.status == CampaignStatus.SENT
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        audience.subscribers.filter(status="subscribed").values_list("email", flat=True)
    )
    assert gone.email not in {m.to[0] for m in mail.outbox}
    assert {m.subject for m in mail.outbox} == {"Our spring news"}
    assert campaign.recipient_count == 11 and campaign.sent_count == 11
    assert Delivery.objects.for_practice(world.practice).filter(status="sent").count() == 11


def test_each_message_carries_its_own_unsubscribe_link(
    world, audience, newsletter, fast_sending, django_capture_on_commit_callbacks
):
    campaign = approved_campaign(world, audience, newsletter)
    send_now(world, campaign, django_capture_on_commit_callbacks)

    tokens = set()
    for message in mail.outbox:
        header = message.extra_headers["List-Unsubscribe"]
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        token = UNSUBSCRIBE_LINK.search(header).group(1)
        html = message.alternatives[0][0]
        # The same link in the footer of both parts, and no placeholder left
        assert f"/mailing/unsubscribe/{token}/" in html
        assert f"/mailing/unsubscribe/{token}/" in message.body
        assert "PLACEHOLDER" not in html and "PLACEHOLDER" not in message.body
        named = read_token(token)
        subscriber = Subscriber.objects.for_practice(world.practice).get(pk=named.subscriber_id)
        assert subscriber.email == message.to[0]
        assert named.campaign_id == campaign.pk and named.practice_id == world.practice.pk
        tokens.add(token)
    assert len(tokens) == len(mail.outbox) == 12


def test_it_comes_from_the_lists_sender_by_default(
    world, audience, newsletter, fast_sending, django_capture_on_commit_callbacks
):
    audience.from_name, audience.from_email = "Northwind News", "news@northwind.test"
    audience.reply_to = "office@northwind.test"
    audience.save()
    campaign = approved_campaign(world, audience, newsletter)
    send_now(world, campaign, django_capture_on_commit_callbacks)

    assert mail.outbox[0].from_email == "Northwind News <news@northwind.test>"
    assert mail.outbox[0].reply_to == ["office@northwind.test"]


def start(world, campaign):
    services.campaign_send_now(practice=world.practice, campaign=campaign)
    sending.campaign_start(practice=world.practice, campaign_id=campaign.pk)


def test_a_batch_runs_the_same_number_of_queries_whatever_its_size(
    world, northwind, newsletter, fast_sending
):
    # Given two campaigns being sent, to lists of 5 and 40 people
    counts = []
    for size in (5, 40):
        audience = AudienceFactory(practice=world.practice, client=northwind)
        subscribers_bulk(audience, size, start=size * 100)
        campaign = approved_campaign(world, audience, newsletter)
        start(world, campaign)
        # (the email is built once per worker: build it before counting)
        sending.campaign_send_batch(practice=world.practice, campaign_id=campaign.pk, batch_size=1)
        # When one batch of all the rest is sent
        with CaptureQueriesContext(connection) as queries:
            result = sending.campaign_send_batch(
                practice=world.practice, campaign_id=campaign.pk, batch_size=size
            )
        assert result.sent == size - 1
        counts.append(len(queries))
    # Then both batches ran the same (small) number of queries
    assert counts[0] == counts[1]
    assert counts[0] <= 8


def test_a_second_run_sends_nothing_more(world, audience, newsletter, fast_sending):
    campaign = approved_campaign(world, audience, newsletter)
    start(world, campaign)
    while not sending.campaign_send_batch(
        practice=world.practice, campaign_id=campaign.pk
    ).finished:
        pass
    sent = len(mail.outbox)

    # When the start and a batch run again (a retry, a duplicate message)
    assert sending.campaign_start(practice=world.practice, campaign_id=campaign.pk) == 0
    result = sending.campaign_send_batch(practice=world.practice, campaign_id=campaign.pk)
    # Then nothing more is sent
    assert result.finished and result.sent == 0
    assert len(mail.outbox) == sent == 12


def test_someone_who_leaves_before_their_turn_is_skipped(world, audience, newsletter, fast_sending):
    campaign = approved_campaign(world, audience, newsletter)
    start(world, campaign)
    leaver = Subscriber.objects.for_practice(world.practice).filter(audience=audience).last()
    Subscriber.objects.for_practice(world.practice).filter(pk=leaver.pk).update(
        status=SubscriberStatus.UNSUBSCRIBED
    )
    while not sending.campaign_send_batch(
        practice=world.practice, campaign_id=campaign.pk
    ).finished:
        pass

    assert leaver.email not in {m.to[0] for m in mail.outbox}
    assert len(mail.outbox) == 11
    skipped = Delivery.objects.for_practice(world.practice).get(subscriber=leaver)
    assert skipped.status == DeliveryStatus.SKIPPED


class RefusingBackend(LocmemBackend):
    """Refuses one address; fails as a server after ``server_fails_after`` messages."""

    refused = "person3@example.test"
    server_fails_after: int | None = None

    def send_messages(self, messages):
        if self.server_fails_after is not None and len(mail.outbox) >= self.server_fails_after:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        for message in messages:
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"No such user")})
        return super().send_messages(messages)


def test_a_refused_address_fails_alone(world, audience, newsletter, fast_sending, settings):
    settings.EMAIL_BACKEND = "tests.campaigns.test_sending.RefusingBackend"
    campaign = approved_campaign(world, audience, newsletter)
    start(world, campaign)
    while not sending.campaign_send_batch(
        practice=world.practice, campaign_id=campaign.pk
    ).finished:
        pass

    failed = Delivery.objects.for_practice(world.practice).get(email=RefusingBackend.refused)
    assert failed.status == DeliveryStatus.FAILED and "No such user" in failed.error
    assert len(mail.outbox) == 11
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT and campaign.failed_count == 1


def test_a_server_failure_keeps_the_rest_queued(
    world, audience, newsletter, fast_sending, settings, monkeypatch
):
    settings.EMAIL_BACKEND = "tests.campaigns.test_sending.RefusingBackend"
    monkeypatch.setattr(RefusingBackend, "refused", "nobody@example.test")
    monkeypatch.setattr(RefusingBackend, "server_fails_after", 3)
    campaign = approved_campaign(world, audience, newsletter)
    start(world, campaign)

    result = sending.campaign_send_batch(practice=world.practice, campaign_id=campaign.pk)

    assert result.sent == 3 and not result.finished
    assert result.pause >= sending.SERVER_ERROR_PAUSE_SECONDS
    rows = Delivery.objects.for_practice(world.practice).filter(campaign=campaign)
    assert rows.filter(status=DeliveryStatus.SENT).count() == 3
    assert rows.filter(status=DeliveryStatus.QUEUED).count() == 9
    campaign.refresh_from_db()
    assert "SMTPServerDisconnected" in campaign.failure_reason
    # And once the server is back, the rest goes out, each once
    monkeypatch.setattr(RefusingBackend, "server_fails_after", None)
    while not sending.campaign_send_batch(
        practice=world.practice, campaign_id=campaign.pk
    ).finished:
        pass
    assert sorted(m.to[0] for m in mail.outbox) == sorted(rows.values_list("email", flat=True))


def test_tracking_is_off_unless_the_practice_turns_it_on(world, audience, newsletter, fast_sending):
    campaign = approved_campaign(world, audience, newsletter)
    start(world, campaign)
    sending.campaign_send_batch(practice=world.practice, campaign_id=campaign.pk)
    assert {(m.track_opens, m.track_clicks) for m in mail.outbox} == {(False, False)}

    SendingSettings.objects.for_practice(world.practice).update(track_opens=True, track_clicks=True)
    mail.outbox.clear()
    second = approved_campaign(world, audience, newsletter)
    start(world, second)
    sending.campaign_send_batch(practice=world.practice, campaign_id=second.pk)
    assert {(m.track_opens, m.track_clicks) for m in mail.outbox} == {(True, True)}
    assert mail.outbox[0].metadata["practice"] == str(world.practice.pk)


def test_the_sweep_starts_a_campaign_whose_time_has_come(
    world, audience, newsletter, fast_sending, django_capture_on_commit_callbacks
):
    campaign = approved_campaign(world, audience, newsletter)
    services.campaign_schedule(
        practice=world.practice, campaign=campaign, when=timezone.now() + timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        campaigns_sweep()
    assert mail.outbox == []

    Campaign.objects.for_practice(world.practice).filter(pk=campaign.pk).update(
        scheduled_at=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        campaigns_sweep()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    assert len(mail.outbox) == 12


def test_it_sends_on_the_default_queue():
    from secretary.celery import app
    from secretary.outbox import _queue_of

    task = app.tasks["clients.mailing.campaigns.tasks.send_campaign_batch"]
    assert _queue_of(task) == "default"
    assert _queue_of(app.tasks["clients.mailing.campaigns.tasks.start_campaign"]) == "default"
