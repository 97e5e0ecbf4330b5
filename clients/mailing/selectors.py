"""Who a campaign goes to: an audience's subscribed people, narrowed by a segment's rules."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet

from clients.mailing.models import Audience, Segment, Subscriber, SubscriberStatus
from secretary.prepared import prepared_aggregate

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
    # Numbers are stored as JSON numbers (services.custom_value): compare them as numbers.
    number = isinstance(value, int | float) and not isinstance(value, bool)
    same = Q(**{path: value}) if number else Q(**{f"{path}__iexact": value})
    if op == "eq":
        return same
    if op == "ne":
        return ~same | Q(**{f"{path}__isnull": True})
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


# --- Reads of the pages and the API -----------------------------------------------------------


def audience_get(*, practice, audience_id: int) -> Audience:
    """One audience of the practice (404 otherwise), with its client."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Audience.objects.for_practice(practice).select_related("client"), pk=audience_id
    )


def audiences_with_counts(*, practice, client=None) -> QuerySet[Audience]:
    """The practice's audiences (or one client's), each with ``subscribed_count`` and
    ``people_count``, in one query."""
    from django.db.models import Count

    audiences = Audience.objects.for_practice(practice).select_related("client")
    if client is not None:
        audiences = audiences.filter(client=client)
    return audiences.annotate(
        people_count=Count("subscribers", distinct=True),
        subscribed_count=Count(
            "subscribers",
            filter=Q(subscribers__status=SubscriberStatus.SUBSCRIBED),
            distinct=True,
        ),
    ).order_by("client__name", "name")


def status_counts(audience: Audience) -> dict[str, int]:
    """``{status: count}`` of an audience's people, every status present, plus ``total``."""
    from django.db.models import Count

    rows = (
        Subscriber.objects.for_practice(audience.practice_id)
        .filter(audience=audience)
        .values("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {status: 0 for status in SubscriberStatus.values}
    for row in rows:
        counts[row["status"]] = row["count"]
    counts["total"] = sum(counts.values())
    return counts


def subscribers_filtered(
    audience: Audience, *, status: str = "", tag: str = "", search: str = ""
) -> QuerySet[Subscriber]:
    """An audience's people by status, tag and a search of address, name and company."""
    people = Subscriber.objects.for_practice(audience.practice_id).filter(audience=audience)
    if status:
        people = people.filter(status=status)
    if tag:
        people = people.filter(has_tag(tag))
    if search:
        people = people.filter(
            Q(email_key__icontains=search.strip().lower())
            | Q(name__icontains=search.strip())
            | Q(company__icontains=search.strip())
        )
    return people.order_by("email_key")


def subscriber_get(*, practice, audience: Audience, subscriber_id: int) -> Subscriber:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Subscriber.objects.for_practice(practice).filter(audience=audience), pk=subscriber_id
    )


def segment_get(*, practice, audience: Audience, segment_id: int) -> Segment:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Segment.objects.for_practice(practice).filter(audience=audience), pk=segment_id
    )


def segment_count(segment: Segment) -> int:
    """How many subscribed people the segment selects now."""
    return recipients(segment.audience, segment).count()


def segment_counts(audience: Audience, segments: list[Segment]) -> dict[int, int]:
    """``{segment id: subscribed people it selects}`` for many segments in one query."""
    from django.db.models import Count

    if not segments:
        return {}
    for segment in segments:
        if segment.audience_id != audience.pk:
            raise ValueError("The segment belongs to another audience.")
    totals = (
        Subscriber.objects.for_practice(audience.practice_id)
        .filter(audience=audience, status=SubscriberStatus.SUBSCRIBED)
        .aggregate(
            **{
                f"segment_{segment.pk}": Count("pk", filter=condition) if condition else Count("pk")
                for segment in segments
                for condition in [rules_condition(segment.rules)]
            }
        )
    )
    return {segment.pk: totals[f"segment_{segment.pk}"] or 0 for segment in segments}


def audience_tags(audience: Audience, *, limit: int = 200) -> list[str]:
    """The tags in use on an audience, sorted (for filters and segment forms)."""
    if connection.vendor == "postgresql":
        from django.db.models import Func

        values = (
            Subscriber.objects.for_practice(audience.practice_id)
            .filter(audience=audience)
            .annotate(tag=Func("tags", function="jsonb_array_elements_text"))
            .values_list("tag", flat=True)
            .distinct()
            .order_by("tag")[:limit]
        )
        return list(values)
    seen: set[str] = set()
    lists = (
        Subscriber.objects.for_practice(audience.practice_id)
        .filter(audience=audience)
        .values_list("tags", flat=True)
        .distinct()[:5000]
    )
    for tags in lists:
        seen.update(tags or [])
    return sorted(seen)[:limit]


@prepared_aggregate(n=Count("pk"))
def _audiences(*, practice: int, client: int) -> QuerySet[Audience]:
    return Audience.objects.for_practice(practice).filter(client=client)


def audience_count(*, practice: int, client: int) -> int:
    """How many mailing lists the client has (the client page's tab)."""
    return _audiences(practice=practice, client=client)["n"]
