"""The client page's Tasks and Time tabs (registered in ``TasksConfig.ready``)."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from secretary.durations import format_duration
from secretary.prepared import prepared_aggregate
from tasks import selectors
from tasks.models import OPEN_STATUSES, Status, Task, TimeEntry

TAB_ROWS = 20


def _open_tasks(request, client):
    return _open_of(practice=request.practice.pk, client=client.pk)


def _open_of(*, practice: int, client: int):
    return Task.objects.for_practice(practice).filter(client=client, status__in=OPEN_STATUSES)


_open_count = prepared_aggregate(n=Count("status"))(_open_of)


def tasks_count(request, client) -> int:
    return _open_count(practice=request.practice.pk, client=client.pk)["n"]


def tasks_context(request, client) -> dict:
    """The client's open tasks by urgency, and the last ones done."""
    rows = selectors.task_rows(_open_tasks(request, client))
    done = (
        Task.objects.for_practice(request.practice)
        .filter(client=client, status=Status.DONE)
        .only("practice", "title", "completed_at")
        .order_by(F("completed_at").desc(nulls_last=True), "-pk")
    )
    return {
        "client": client,
        "open": list(selectors.by_urgency(rows, "-pk")[:TAB_ROWS]),
        "done": list(done[:5]),
    }


def _month_start(client) -> datetime:
    """The first moment of this month on the client's clock."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(client.time_zone)
    today = timezone.now().astimezone(zone).date()
    return datetime.combine(today.replace(day=1), time(0), tzinfo=zone)


def _entries(request, client):
    return _entries_since(
        practice=request.practice.pk, client=client.pk, since=_month_start(client)
    )


@prepared_aggregate(total=Sum("minutes"))
def _logged(*, practice: int, client: int, since):
    return _entries_since(practice=practice, client=client, since=since)


def _entries_since(*, practice: int, client: int, since):
    return TimeEntry.objects.for_practice(practice).filter(
        client=client, started_at__gte=since, minutes__isnull=False
    )


def time_count(request, client) -> str | None:
    """The time logged for the client this month, e.g. "12 h 30 min" (nothing when none)."""
    minutes = _logged(practice=request.practice.pk, client=client.pk, since=_month_start(client))[
        "total"
    ]
    return format_duration(minutes) if minutes else None


def time_context(request, client) -> dict:
    """This month's time entries of the client (newest first) and their totals."""
    from clients.usage import usage_for_clients

    entries = _entries(request, client)
    totals = entries.aggregate(
        total=Sum("minutes"), billable=Sum("minutes", filter=Q(billable=True))
    )
    return {
        "client": client,
        "since": _month_start(client),
        "entries": list(
            entries.select_related("task", "membership__user").order_by("-started_at", "-pk")[
                :TAB_ROWS
            ]
        ),
        "total_minutes": totals["total"] or 0,
        "billable_minutes": totals["billable"] or 0,
        "usage": usage_for_clients(practice=request.practice, clients=[client]).get(client.pk),
    }
