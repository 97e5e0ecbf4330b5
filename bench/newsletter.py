"""Benchmark: a newsletter campaign to 50,000 subscribers, sent by real Celery workers.

On PostgreSQL only, as the app's role (``DATABASE_APP_ROLE``) under row-level security, with
Redis as the broker.

* ``send``: a practice, a client, a list of ``BENCH_PEOPLE`` (50,000) subscribers and a
  composed newsletter; the campaign is approved, then sent now. ``celery -A secretary worker
  -Q default -c <n>`` (``BENCH_PROCESSES``, 2) started here as a subprocess sends it, each
  message built and serialized by ``bench/newsletter_backend.py`` (an in-memory sink). Wall
  time from the commit of "send now" until the campaign is ``sent``, messages per second, and
  a check that every subscriber got one delivery.
* ``queries``: in this process, one batch of 10, 100 and 1,000 messages of another campaign to
  the same list, the queries counted (``CaptureQueriesContext``): the same number whatever the
  batch's size.

    DATABASE_URL=postgres://secretary:…@127.0.0.1:5432/secretary_bench \
        DATABASE_APP_ROLE=secretary_app REDIS_URL=redis://127.0.0.1:6379/8 \
        .venv/bin/python bench/newsletter.py

``BENCH_PARTS`` (``send,queries``), ``BENCH_PEOPLE``, ``BENCH_PROCESSES`` and
``BENCH_BATCH_SIZE`` (500, the practice's batch size) change the run. Every run makes a
practice of its own; the worker's output goes to ``var/newsletter-bench-worker.log``. A
script, not a test: it prints figures.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretary.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECRETARY_TESTING", "0")
os.environ["EMAIL_BACKEND"] = "bench.newsletter_backend.EmailBackend"
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("bench/newsletter.py measures PostgreSQL: set DATABASE_URL=postgres://…")

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "50000"))
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "2"))
BATCH_SIZE = int(os.environ.get("BENCH_BATCH_SIZE", "500"))
PARTS = set(os.environ.get("BENCH_PARTS", "send,queries").split(","))

import django  # noqa: E402

django.setup()
logging.disable(logging.INFO)

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from clients.mailing.campaigns import sending, services  # noqa: E402
from clients.mailing.campaigns.models import (  # noqa: E402
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    SendingSettings,
)
from clients.mailing.models import Audience, Subscriber  # noqa: E402
from clients.models import Client, ClientStatus, Contact  # noqa: E402
from documents import compose  # noqa: E402
from documents.models import DocumentKind  # noqa: E402
from secretary import rls  # noqa: E402
from secretary.celery import app as celery_app  # noqa: E402
from secretary.models import Membership, Practice, Role, User  # noqa: E402
from secretary.tenancy import practice_scope  # noqa: E402

BLOCKS = [
    {"type": "heading", "level": 1, "text": "Leases in 2026: what changes"},
    {"type": "text", "markdown": "Three rules **every landlord** should know this year. " * 6},
    {"type": "quote", "text": "Plan ahead and the new rules are workable.", "cite": "A. Hart"},
    {"type": "cta", "text": "Book a lease review", "url": "https://northwind.example/book"},
]


class World:
    def __init__(self) -> None:
        slug = f"newsletter-bench-{uuid.uuid4().hex[:8]}"
        with rls.cross_practice("bench seed"):
            self.practice = Practice.objects.create(
                name="Harbour Desk", slug=slug, time_zone="Australia/Sydney", currency="AUD"
            )
            self.user = User.objects.create_user(f"{slug}@bench.test", "bench-password-123")
            self.contact_user = User.objects.create_user(f"c-{slug}@bench.test", "bench-pw-123")
            self.member = Membership.objects.unscoped().create(
                practice=self.practice, user=self.user, role=Role.OWNER
            )
            self.contact_member = Membership.objects.unscoped().create(
                practice=self.practice, user=self.contact_user, role=Role.CLIENT
            )
        with practice_scope(self.practice), transaction.atomic():
            self.client = Client.objects.create(
                practice=self.practice,
                name="Northwind Legal",
                status=ClientStatus.ACTIVE,
                time_zone="Australia/Sydney",
                currency="AUD",
            )
            Contact.objects.create(
                practice=self.practice,
                client=self.client,
                name="Amelia Hart",
                membership=self.contact_member,
            )
            SendingSettings.objects.create(
                practice=self.practice,
                rate_per_minute=10_000_000,
                batch_size=BATCH_SIZE,
                parallel_senders=PROCESSES,
            )
            self.audience = Audience.objects.create(
                practice=self.practice, client=self.client, name="Customers"
            )
            now = timezone.now()
            for start in range(0, PEOPLE, 5_000):
                Subscriber.objects.bulk_create(
                    Subscriber(
                        practice=self.practice,
                        audience=self.audience,
                        email=f"customer{n}@example.com",
                        email_key=f"customer{n}@example.com",
                        name=f"Customer {n}",
                        consent_source="bench",
                        consent_at=now,
                    )
                    for n in range(start, min(PEOPLE, start + 5_000))
                )
            self.newsletter = compose.composition_create(
                practice=self.practice,
                client=self.client,
                kind=DocumentKind.NEWSLETTER,
                title="The Northwind Brief",
                user=self.user,
                content={"blocks": BLOCKS, "fields": {"intro": "Welcome to our spring issue."}},
            )
        with rls.owner_role(), connection.cursor() as cursor:
            cursor.execute("ANALYZE clients_subscriber")

    def approved_campaign(self) -> Campaign:
        with practice_scope(self.practice), transaction.atomic():
            campaign = services.campaign_create(
                practice=self.practice,
                client=self.client,
                audience=self.audience,
                composition=self.newsletter,
                user=self.user,
            )
            services.campaign_request_approval(practice=self.practice, campaign=campaign)
            return services.campaign_approve(
                practice=self.practice, campaign=campaign, membership=self.contact_member
            )


def _worker() -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "secretary",
        "worker",
        "-Q",
        "default",
        "-c",
        str(PROCESSES),
        "-n",
        f"newsletter-bench-{os.getpid()}@%h",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
    ]
    log = ROOT / "var" / "newsletter-bench-worker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=dict(os.environ),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def bench_send(world: World) -> None:
    if not str(celery_app.conf.broker_url).startswith("redis"):
        print("send: skipped (set REDIS_URL: the worker's broker is Redis)")
        return
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    campaign = world.approved_campaign()
    worker = _worker()
    try:
        time.sleep(5)  # the worker's boot is not part of the figure
        with practice_scope(world.practice), transaction.atomic():
            services.campaign_send_now(practice=world.practice, campaign=campaign)
        started = time.monotonic()
        deadline = started + 3600
        while True:
            with practice_scope(world.practice):
                row = Campaign.objects.for_practice(world.practice).get(pk=campaign.pk)
            if row.status in (CampaignStatus.SENT, CampaignStatus.FAILED):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"campaign still {row.status} after an hour")
            time.sleep(0.5)
        wall = time.monotonic() - started
    finally:
        _stop(worker)
        celery_app.conf.task_always_eager = True
    with practice_scope(world.practice):
        deliveries = Delivery.objects.for_practice(world.practice).filter(campaign=campaign)
        sent = deliveries.filter(status=DeliveryStatus.SENT).count()
        total = deliveries.count()
    print(
        f"send: {PEOPLE} subscribers, -c {PROCESSES}, batches of {BATCH_SIZE}: "
        f"{wall:.1f} s from 'send now' to sent, {sent / wall:.0f} messages/s "
        f"({sent} sent of {total} deliveries; status {row.status})"
    )


def bench_queries(world: World) -> None:
    campaign = world.approved_campaign()
    # Due now (set here: "send now" would send it all through the in-process tasks)
    with practice_scope(world.practice):
        Campaign.objects.for_practice(world.practice).filter(pk=campaign.pk).update(
            status=CampaignStatus.SCHEDULED, scheduled_at=timezone.now()
        )
    with practice_scope(world.practice):
        sending.campaign_start(practice=world.practice, campaign_id=campaign.pk)
    with practice_scope(world.practice):  # the email is built once per process: warm it
        sending.campaign_send_batch(practice=world.practice, campaign_id=campaign.pk, batch_size=1)
    print("queries: one batch of the campaign's queued messages")
    for size in (10, 100, 1_000):
        with practice_scope(world.practice), CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            result = sending.campaign_send_batch(
                practice=world.practice, campaign_id=campaign.pk, batch_size=size
            )
            seconds = time.perf_counter() - began
        print(
            f"  batch of {size:>5}: {len(queries):>2} queries, {result.sent} sent, "
            f"{seconds * 1000:7.0f} ms ({result.sent / seconds:5.0f} messages/s in one process)"
        )


def main() -> None:
    began = time.monotonic()
    world = World()
    print(f"seeded {PEOPLE} subscribers in {time.monotonic() - began:.1f} s")
    if "send" in PARTS:
        bench_send(world)
    if "queries" in PARTS:
        bench_queries(world)


if __name__ == "__main__":
    main()
