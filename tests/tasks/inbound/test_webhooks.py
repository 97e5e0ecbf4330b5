"""Providers' inbound webhooks, /mail/inbound/<provider>/: a signed post becomes a request; a
forged one is refused and stores nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.test import Client

from tasks.inbound.models import InboundMessage
from tasks.models import Task
from tests.tasks.inbound.helpers import PDF, pdf, raw_mail

pytestmark = pytest.mark.django_db

SECRET = "inbound:s3cret"
SIGNING_KEY = "mailgun-signing-key"


@pytest.fixture(autouse=True)
def _webhook_secrets(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def mailgun_post(raw: bytes, *, key: str = SIGNING_KEY, recipient: str = "") -> dict:
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "body-mime": raw.decode("utf-8"),
        "recipient": recipient,
        "sender": "contact@client.test",
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
    }


def post_mailgun(data: dict, django_capture_on_commit_callbacks, secret: str = SECRET):
    # With WEBHOOK_SECRET set, anymail checks the basic auth as well as Mailgun's signature.
    with django_capture_on_commit_callbacks(execute=True):
        return Client().post("/mail/inbound/mailgun/", data, **auth(secret))


def auth(secret: str = SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def postmark_payload(raw: bytes, address) -> dict:
    return {
        "FromFull": {"Email": "contact@client.test", "Name": "Casey Client"},
        "ToFull": [{"Email": address.email, "Name": ""}],
        "Subject": "Please book the Lisbon trip",
        "MessageID": "pm-inbound-1",
        "Headers": [],
        "TextBody": "ignored when RawEmail is sent",
        "RawEmail": raw.decode("utf-8"),
    }


def test_it_makes_a_signed_mailgun_post_a_request_with_its_attachment(
    world, address, django_capture_on_commit_callbacks
):
    # Given a raw email from Northwind's contact, with a PDF, as Mailgun forwards it (signed)
    raw = raw_mail(to=address.email, attachments=(pdf(),), message_id="<one@client.test>")
    # When Mailgun posts it
    response = post_mailgun(mailgun_post(raw), django_capture_on_commit_callbacks)
    # Then a new request holds the attachment
    assert response.status_code == 200
    task = Task.objects.for_practice(world.practice).get()
    assert task.source == "email"
    assert task.status == "requested"
    assert [(a.original_name, a.size) for a in task.attachments.all()] == [
        ("itinerary.pdf", len(PDF))
    ]
    # And a reply carrying In-Reply-To lands as a comment on the same task
    reply = raw_mail(
        to=address.email,
        subject="Re: Please book the Lisbon trip",
        text="Aisle seats, please.",
        headers={"In-Reply-To": "<one@client.test>"},
    )
    assert post_mailgun(mailgun_post(reply), django_capture_on_commit_callbacks).status_code == 200
    assert Task.objects.for_practice(world.practice).count() == 1
    assert [c.body for c in task.comments.all()] == ["Aisle seats, please."]


def test_it_takes_a_message_larger_than_the_usual_request_limit(
    world, address, django_capture_on_commit_callbacks
):
    big = ("scan.pdf", PDF + b"0" * (3 * 1024 * 1024), "application", "pdf")
    raw = raw_mail(to=address.email, attachments=(big,))
    response = post_mailgun(mailgun_post(raw), django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert Task.objects.for_practice(world.practice).get().attachments.count() == 1


def test_it_refuses_a_forged_mailgun_post(world, address, django_capture_on_commit_callbacks):
    raw = raw_mail(to=address.email)
    data = mailgun_post(raw, key="not-the-key")
    response = post_mailgun(data, django_capture_on_commit_callbacks)
    assert 400 <= response.status_code < 500
    assert InboundMessage.objects.for_practice(world.practice).count() == 0
    # A correct signature with a wrong basic auth
    good = mailgun_post(raw)
    assert 400 <= post_mailgun(good, django_capture_on_commit_callbacks, "x:y").status_code < 500
    # A post without a signature at all, too
    data.pop("signature")
    assert 400 <= post_mailgun(data, django_capture_on_commit_callbacks).status_code < 500
    assert InboundMessage.objects.for_practice(world.practice).count() == 0


def test_it_takes_a_postmark_post_with_the_webhooks_basic_auth(
    world, address, django_capture_on_commit_callbacks
):
    payload = json.dumps(postmark_payload(raw_mail(to=address.email), address))
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/mail/inbound/postmark/", payload, content_type="application/json", **auth()
        )
    assert response.status_code == 200
    assert Task.objects.for_practice(world.practice).count() == 1


def test_it_refuses_a_postmark_post_with_a_wrong_secret(world, address):
    payload = json.dumps(postmark_payload(raw_mail(to=address.email), address))
    for headers in (auth("inbound:guess"), {}):
        response = Client().post(
            "/mail/inbound/postmark/", payload, content_type="application/json", **headers
        )
        assert 400 <= response.status_code < 500
    assert InboundMessage.objects.for_practice(world.practice).count() == 0


def test_it_keeps_a_provider_closed_until_its_secret_is_set(world, address, settings):
    settings.ANYMAIL = {}
    raw = raw_mail(to=address.email)
    assert Client().post("/mail/inbound/mailgun/", mailgun_post(raw)).status_code == 404
    assert Client().post("/mail/inbound/unknown/", {}).status_code == 404
