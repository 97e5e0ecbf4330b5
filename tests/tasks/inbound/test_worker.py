"""The done-when test on the real stack: a signed Mailgun post of a raw email, processed by a
Celery worker on PostgreSQL through Redis, becomes a request with its attachment; a reply
carrying In-Reply-To becomes a comment on the same task; the staff reply goes out threaded."""

from __future__ import annotations

import pytest
from django.test import Client

from secretary.models import Outbox
from tasks.inbound.models import InboundMessage, InboundStatus
from tasks.models import Comment, Task
from tasks.services import comment_add
from tests.tasks.inbound.helpers import PDF, pdf, raw_mail
from tests.tasks.inbound.test_webhooks import SECRET, SIGNING_KEY, auth, mailgun_post

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _webhook_secrets(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def _status(world, message_id: str):
    def check():
        row = (
            InboundMessage.objects.for_practice(world.practice)
            .filter(message_id=message_id)
            .exclude(status=InboundStatus.RECEIVED)
            .first()
        )
        return row.status if row else None

    return check


def test_it_turns_a_raw_email_into_a_request_and_its_reply_into_a_comment(
    world, address, celery_worker_live
):
    # Given a raw email with a PDF from Northwind's contact, posted by Mailgun (signed)
    raw = raw_mail(to=address.email, attachments=(pdf(),), message_id="<first@client.test>")
    response = Client().post("/mail/inbound/mailgun/", mailgun_post(raw), **auth())
    assert response.status_code == 200
    # When the worker has processed it
    status = celery_worker_live.wait_for(
        _status(world, "first@client.test"), timeout=60, what="the message to be processed"
    )
    # Then a new request holds the attachment
    assert status == InboundStatus.REQUEST
    task = Task.objects.for_practice(world.practice).get()
    assert task.source == "email"
    assert [(a.original_name, a.size) for a in task.attachments.all()] == [
        ("itinerary.pdf", len(PDF))
    ]
    # When the contact replies with In-Reply-To
    reply = raw_mail(
        to=address.email,
        subject="Re: Please book the Lisbon trip",
        text="Aisle seats, please.\n\n> Flights for two on the 12th, please.\n",
        message_id="<second@client.test>",
        headers={"In-Reply-To": "<first@client.test>"},
    )
    assert Client().post("/mail/inbound/mailgun/", mailgun_post(reply), **auth()).status_code == 200
    status = celery_worker_live.wait_for(
        _status(world, "second@client.test"), timeout=60, what="the reply to be processed"
    )
    # Then it is a comment on the same task
    assert status == InboundStatus.COMMENT
    assert Task.objects.for_practice(world.practice).count() == 1
    comment = Comment.objects.for_practice(world.practice).get(task=task, from_client=True)
    assert comment.body == "Aisle seats, please."
    # And a staff reply goes out by email in the thread
    celery_worker_live.clear_mail()
    comment_add(practice=world.practice, author=world.secretary, task=task, body="Done.")
    threaded = celery_worker_live.wait_for(
        lambda: [m for m in celery_worker_live.messages() if m["In-Reply-To"]],
        timeout=60,
        what="the reply by email",
    )
    assert len(threaded) == 1
    assert threaded[0]["In-Reply-To"].strip() == "<second@client.test>"
    assert threaded[0]["Reply-To"] == address.email
    # Every queued job has finished before the test's tables are emptied
    celery_worker_live.wait_for(
        lambda: not Outbox.objects.filter(done_at__isnull=True).exists(),
        timeout=60,
        what="the remaining jobs",
    )
