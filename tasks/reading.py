"""What a client contact has read in the portal: new replies on their client's requests.

A reply is new to a contact when someone else wrote it (staff, or another contact of the
client), the client may see it, and it came after the contact last read the request.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from tasks.models import Comment, RequestRead, Task


def _replies_by_others(*, practice, member) -> QuerySet[Comment]:
    return (
        Comment.objects.for_practice(practice)
        .filter(internal=False)
        .exclude(author_membership_id=member)
    )


def with_unread(tasks: QuerySet[Task], *, practice, contact, member=None) -> QuerySet[Task]:
    """``tasks`` annotated with ``has_unread``: a reply ``contact`` has not read yet (two
    correlated subqueries in the same query, whatever the number of tasks). ``member``: the
    contact's membership (or its id), when the caller has it apart."""
    latest_reply = (
        _replies_by_others(practice=practice, member=member or contact.membership_id)
        .filter(task=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    read_at = (
        RequestRead.objects.for_practice(practice)
        .filter(contact=contact, task=OuterRef("pk"))
        .values("read_at")[:1]
    )
    return tasks.annotate(
        latest_reply_at=Subquery(latest_reply), read_at=Subquery(read_at)
    ).annotate(
        has_unread=Case(
            When(
                Q(latest_reply_at__isnull=False)
                & (Q(read_at__isnull=True) | Q(latest_reply_at__gt=F("read_at"))),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def request_mark_read(*, practice, contact, task: Task, up_to: datetime | None = None) -> None:
    """Record that ``contact`` has read ``task`` up to ``up_to`` (now by default). It only
    moves forward, and two tabs marking at once leave one row."""
    up_to = up_to or timezone.now()
    moved = (
        RequestRead.objects.for_practice(practice)
        .filter(contact=contact, task=task, read_at__lt=up_to)
        .update(read_at=up_to)
    )
    if not moved:
        RequestRead.objects.for_practice(practice).bulk_create(
            [RequestRead(practice=practice, contact=contact, task=task, read_at=up_to)],
            ignore_conflicts=True,
        )
