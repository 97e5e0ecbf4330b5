"""The public unsubscribe page: a confirmation in the client's colours, the one-click POST
of mail programs, idempotent, and a clear refusal of forged or altered links."""

from __future__ import annotations

import pytest
from django.core import mail, signing
from django.test import Client

from clients.mailing.campaigns import services
from clients.mailing.campaigns.models import Delivery, DeliveryStatus
from clients.mailing.campaigns.unsubscribe import SALT, unsubscribe_token
from clients.mailing.models import Subscriber, SubscriberStatus
from tests.campaigns.helpers import approved_campaign, unsubscribe_path
from tests.clients.factories import BrandKitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(world, audience, newsletter, fast_sending, django_capture_on_commit_callbacks):
    campaign = approved_campaign(world, audience, newsletter)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_send_now(practice=world.practice, campaign=campaign)
    return campaign


def subscriber_of(world, message) -> Subscriber:
    return Subscriber.objects.for_practice(world.practice).get(email=message.to[0])


def test_it_asks_for_confirmation_in_the_clients_colours(world, sent, northwind):
    BrandKitFactory(practice=world.practice, client=northwind, primary_color="#123456")
    message = mail.outbox[0]

    response = Client().get(unsubscribe_path(message))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Northwind Legal" in page and message.to[0] in page
    assert "--portal-bar:#123456" in page
    assert subscriber_of(world, message).status == SubscriberStatus.SUBSCRIBED


def test_the_one_click_post_unsubscribes_once(world, sent):
    message = mail.outbox[0]
    browser = Client(enforce_csrf_checks=True)

    # When a mail program posts the one-click body (no CSRF token), twice
    for _attempt in range(2):
        response = browser.post(
            unsubscribe_path(message),
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
    # Then the person is unsubscribed, the delivery says so, and one audit entry records it
    subscriber = subscriber_of(world, message)
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert "link in" in subscriber.status_reason
    delivery = Delivery.objects.for_practice(world.practice).get(subscriber=subscriber)
    assert delivery.status == DeliveryStatus.UNSUBSCRIBED
    from secretary.models import ActivityEvent

    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="subscriber.unsubscribed")
        .count()
        == 1
    )


def test_a_later_campaign_skips_the_unsubscribed_address(
    world, sent, audience, newsletter, django_capture_on_commit_callbacks
):
    message = mail.outbox[0]
    Client().post(unsubscribe_path(message))
    mail.outbox.clear()

    second = approved_campaign(world, audience, newsletter)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_send_now(practice=world.practice, campaign=second)

    assert len(mail.outbox) == 11
    assert message.to[0] not in {m.to[0] for m in mail.outbox}


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        signing.dumps([1, 1, 1], salt="another.salt"),
        "WzEsMSwxXQ:1kXYZ:abcdefabcdefabcdefabcdefabcdef",
    ],
)
def test_a_forged_token_changes_nothing(world, sent, token):
    before = list(Subscriber.objects.for_practice(world.practice).values_list("status", flat=True))

    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/mailing/unsubscribe/{token}/")
        assert response.status_code == 400
        assert "This unsubscribe link does not work" in response.content.decode()
    after = list(Subscriber.objects.for_practice(world.practice).values_list("status", flat=True))
    assert before == after


def test_an_altered_token_changes_nothing(world, sent):
    message = mail.outbox[0]
    path = unsubscribe_path(message)
    token = path.split("/")[-2]
    # Another subscriber's id in a token signed for the first one
    payload, rest = token.split(":", 1)
    other = signing.b64_encode(b"[%d,999999,%d]" % (world.practice.pk, sent.pk)).decode()
    response = Client().post(f"/mailing/unsubscribe/{other}:{rest}/")

    assert response.status_code == 400
    assert payload != other
    assert subscriber_of(world, message).status == SubscriberStatus.SUBSCRIBED


def test_a_token_of_a_subscriber_who_is_gone_answers_404(world, sent):
    token = unsubscribe_token(practice_id=world.practice.pk, subscriber_id=999_999, campaign_id=0)
    assert signing.loads(token, salt=SALT)[1] == 999_999

    response = Client().post(f"/mailing/unsubscribe/{token}/")

    assert response.status_code == 404
