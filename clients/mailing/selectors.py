"""Who a campaign goes to: an audience's subscribed people, narrowed by a segment's rules."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from clients.mailing.models import Audience, Segment, Subscriber, SubscriberStatus

FIELD_OPS = ("eq", "ne", "contains", "gt", "lt", "empty", "not_empty")


def has_tag(tag: str) -> Q:
    """Subscribers carrying ``tag`` (tags are stored lower-cased)."""
    tag = tag.strip().lower()
    if connection.vendor == "postgresql":
        return Q(tags__contains=[tag])  # jsonb @> ['tag']
    # SQLite has no JSON containment: match the stored JSON text, escaped as Django wrote it.
    return Q(tags__icontains=json.dumps(tag))


def field_condition(key: str, op: str, value: Any = None) -> Q:
    """One rule on a custom field's value; text comparisons ignore case."""
    path = f"custom__{key}"
    if op == "eq":
        return Q(**{f"{path}__iexact": value})
    if op == "ne":
        return ~Q(**{f"{path}__iexact": value}) | Q(**{f"{path}__isnull": True})
    if op == "contains":
        return Q(**{f"{path}__icontains": value})
    if op == "gt":
        return Q(**{f"{path}__gt": value})
    if op == "lt":
        return Q(**{f"{path}__lt": value})
    empty = Q(**{f"{path}__isnull": True}) | Q(**{path: ""})
    if op == "empty":
        return empty
    if op == "not_empty":
        return ~empty
    raise ValueError(f"Unknown field operator {op!r}")


def rules_condition(rules: dict[str, Any] | None) -> Q:
    """The Q of a segment's rules (see ``Segment``); empty rules select everyone."""
    rules = rules or {}
    condition = Q()
    tags_any = [tag for tag in rules.get("tags_any") or [] if tag]
    if tags_any:
        any_of = Q()
        for tag in tags_any:
            any_of |= has_tag(tag)
        condition &= any_of
    for tag in rules.get("tags_all") or []:
        if tag:
            condition &= has_tag(tag)
    for rule in rules.get("fields") or []:
        condition &= field_condition(rule["key"], rule["op"], rule.get("value"))
    return condition


def recipients(audience: Audience, segment: Segment | None = None) -> QuerySet[Subscriber]:
    """The subscribed people of ``audience`` (in ``segment`` when given), by address.

    Unsubscribed, bounced and complained addresses are never among them: that is what keeps
    them suppressed in every later campaign of the audience.
    """
    if segment is not None and segment.audience_id != audience.pk:
        raise ValueError("The segment belongs to another audience.")
    people = Subscriber.objects.filter(
        practice_id=audience.practice_id, audience=audience, status=SubscriberStatus.SUBSCRIBED
    )
    if segment is not None:
        people = people.filter(rules_condition(segment.rules))
    return people.order_by("pk")
