"""Demo data of the mailing lists: Northwind's customer list of 200 people and a segment.

``northwind_audience(demo)`` is idempotent: the list is found by name, its people are upserted
with a fixed consent (a second run changes nothing), and statuses are set only when created.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from clients.mailing.models import Audience, Segment, Subscriber, SubscriberStatus
from clients.mailing.services import (
    Consent,
    audience_create,
    segment_create,
    upsert_subscribers,
)
from clients.models import Client

AUDIENCE_NAME = "Customers"
SEGMENT_NAME = "VIP wholesale buyers"
PEOPLE = 200
FIRST_NAMES = (
    "Ava Ben Chloe Dan Ella Finn Grace Hugo Isla Jack Kira Liam Maya Noah Olive Priya Quinn "
    "Ruby Sam Tara Uma Vince Willow Xavier Yara Zane"
).split()
LAST_NAMES = (
    "Adams Baker Chen Diaz Evans Fischer Garcia Hughes Ito Jones Khan Lopez Murphy Nguyen "
    "Okafor Patel Rossi Smith Tanaka Walsh"
).split()
CITIES = ["San Francisco", "Oakland", "San Jose", "Sacramento", "Portland"]
FIELDS = [
    {"key": "city", "label": "City", "type": "choice", "choices": CITIES},
    {"key": "customer_since", "label": "Customer since", "type": "date"},
    {"key": "orders", "label": "Orders", "type": "number"},
]
CONSENT = Consent(
    source="import: customers.csv (existing customers who bought from the client)",
    at=datetime(2025, 1, 15, 9, 0, tzinfo=UTC),
)


def _people() -> list[dict]:
    pick = random.Random(2025)  # the same people on every run
    rows = []
    for number in range(PEOPLE):
        first, last = pick.choice(FIRST_NAMES), pick.choice(LAST_NAMES)
        tags = ["retail" if number % 3 else "wholesale"]
        if number % 7 == 0:
            tags.append("vip")
        if number % 2 == 0:
            tags.append("newsletter-2025")
        rows.append(
            {
                "email": f"{first}.{last}.{number}@customers.example".lower(),
                "name": f"{first} {last}",
                "company": f"{last} & Co" if "wholesale" in tags else "",
                "tags": tags,
                "custom": {
                    "city": CITIES[number % len(CITIES)],
                    "customer_since": (date(2019, 1, 1) + timedelta(days=number * 9)).isoformat(),
                    "orders": pick.randint(1, 60),
                },
            }
        )
    return rows


def northwind_audience(demo) -> Audience:
    """Northwind Legal's customer list (200 people, tags, custom fields) and one segment."""
    practice = demo.practice
    client = Client.objects.for_practice(practice).get(name="Northwind Legal")
    audience = Audience.objects.for_practice(practice).filter(client=client, name=AUDIENCE_NAME)
    audience = audience.first()
    created = audience is None
    if created:
        audience = audience_create(
            practice=practice,
            client=client,
            actor=demo.secretary,
            data={
                "name": AUDIENCE_NAME,
                "description": "People who bought from Northwind, for the monthly newsletter.",
                "fields": FIELDS,
            },
        )
    upsert_subscribers(audience, _people(), consent=CONSENT, actor=demo.secretary)
    if created:
        people = Subscriber.objects.for_practice(practice).filter(audience=audience)
        for status, every in ((SubscriberStatus.UNSUBSCRIBED, 23), (SubscriberStatus.BOUNCED, 41)):
            keys = [row["email"] for index, row in enumerate(_people()) if index % every == 5]
            people.filter(email_key__in=keys).update(
                status=status, status_changed_at=CONSENT.at + timedelta(days=30)
            )
    if not Segment.objects.for_practice(practice).filter(audience=audience).exists():
        segment_create(
            practice=practice,
            audience=audience,
            actor=demo.secretary,
            data={"name": SEGMENT_NAME, "rules": {"tags_all": ["vip", "wholesale"]}},
        )
    return audience
