"""Done when: a list of 1,000 people imported from a CSV (20 duplicates, 5 bad rows), an
approved campaign sent by the real worker — one message per person, each with a working
unsubscribe link; a one-click unsubscribe; the next campaign leaves that address out.
(PostgreSQL, Redis, a real Celery worker, the file email backend.)"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction
from django.test import Client

from clients.mailing.campaigns import services
from clients.mailing.campaigns.models import Campaign, CampaignStatus, SendingSettings
from clients.mailing.campaigns.unsubscribe import read_token
from clients.mailing.imports import import_job_create, import_job_start
from clients.mailing.models import ImportJob, ImportStatus, Subscriber, SubscriberStatus
from tests.campaigns.helpers import UNSUBSCRIBE_LINK, approved_campaign
from tests.clients.mailing.helpers import upload
from tests.clients.mailing_factories import AudienceFactory

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PEOPLE = 1_000


def customers_csv() -> bytes:
    lines = ["email,name"]
    lines += [f"customer{n}@example.com,Customer {n}" for n in range(PEOPLE)]
    lines += [f"CUSTOMER{n}@Example.com,Customer {n} again" for n in range(0, 200, 10)]  # 20
    lines += [f"not-an-address-{n},Broken {n}" for n in range(5)]
    return ("\n".join(lines) + "\n").encode()


def campaign_messages(worker, count: int):
    found = worker.wait_for(
        lambda: (
            len(messages := [m for m in worker.messages() if m["List-Unsubscribe"]]) >= count
            and messages
        ),
        timeout=300,
        what=f"{count} campaign messages",
    )
    return found


def sent(world, campaign_id: int, worker) -> Campaign:
    def finished():
        row = Campaign.objects.for_practice(world.practice).get(pk=campaign_id)
        return row if row.status in (CampaignStatus.SENT, CampaignStatus.FAILED) else None

    return worker.wait_for(finished, timeout=300, what="the campaign to be sent")


def test_a_campaign_reaches_each_person_once_and_unsubscribes_in_one_click(
    world, northwind, newsletter, celery_worker_live
):
    SendingSettings.objects.create(
        practice=world.practice, rate_per_minute=100_000, batch_size=100, parallel_senders=2
    )
    audience = AudienceFactory(practice=world.practice, client=northwind, name="Customers")
    # Given a list imported on the worker from a CSV with duplicates and bad rows
    with transaction.atomic():
        job = import_job_create(
            practice=world.practice, audience=audience, file=upload(customers_csv(), "c.csv")
        )
        import_job_start(
            practice=world.practice,
            job=job,
            mapping=job.mapping,
            basis="existing customers who bought from the client",
        )

    def imported():
        item = ImportJob.objects.for_practice(world.practice).get(pk=job.pk)
        return item if item.finished else None

    item = celery_worker_live.wait_for(imported, timeout=300, what="the import to finish")
    assert item.status == ImportStatus.DONE, item.failure
    assert (item.created_count, item.merged_count, item.error_total) == (PEOPLE, 20, 5)
    people = Subscriber.objects.for_practice(world.practice).filter(audience=audience)
    assert people.count() == PEOPLE

    # When an approved campaign is sent now, on the worker
    with transaction.atomic():
        campaign = approved_campaign(world, audience, newsletter)
        services.campaign_send_now(practice=world.practice, campaign=campaign)
    campaign = sent(world, campaign.pk, celery_worker_live)

    # Then each person got exactly one message
    assert campaign.status == CampaignStatus.SENT, campaign.failure_reason
    assert campaign.sent_count == PEOPLE
    messages = campaign_messages(celery_worker_live, PEOPLE)
    counts = Counter(message["To"] for message in messages)
    assert len(messages) == PEOPLE and set(counts.values()) == {1}
    assert set(counts) == set(people.values_list("email", flat=True))
    # Each with its own working unsubscribe link (headers and footer)
    browser = Client()
    by_address = {}
    for message in messages:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        token = UNSUBSCRIBE_LINK.search(message["List-Unsubscribe"]).group(1)
        html = message.get_body(("html",)).get_content()
        assert f"/mailing/unsubscribe/{token}/" in html
        named = read_token(token)
        assert named is not None and named.campaign_id == campaign.pk
        by_address[message["To"]] = token
    for address in sorted(by_address)[::50]:
        page = browser.get(f"/mailing/unsubscribe/{by_address[address]}/")
        assert page.status_code == 200 and address in page.content.decode()

    # When one person unsubscribes in one click (their mail program's POST)
    leaver = "customer7@example.com"
    response = browser.post(
        f"/mailing/unsubscribe/{by_address[leaver]}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert people.get(email_key=leaver).status == SubscriberStatus.UNSUBSCRIBED

    # Then the next campaign to the list goes to everyone else, and not to them
    celery_worker_live.clear_mail()
    with transaction.atomic():
        second = approved_campaign(world, audience, newsletter)
        services.campaign_send_now(practice=world.practice, campaign=second)
    second = sent(world, second.pk, celery_worker_live)
    assert second.status == CampaignStatus.SENT and second.sent_count == PEOPLE - 1
    messages = campaign_messages(celery_worker_live, PEOPLE - 1)
    addresses = Counter(message["To"] for message in messages)
    assert len(messages) == PEOPLE - 1 and set(addresses.values()) == {1}
    assert leaver not in addresses
