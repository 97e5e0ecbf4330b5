"""Tasks and time entries of a period as a spreadsheet (CSV or XLSX), for owners and admins.

The period is a range of dates in the practice's time zone, both days included: tasks created
in it, time entries started in it. Times are written in the practice's time zone, durations in
minutes and hours (numbers a spreadsheet can add up). Regulated clients the member holds no
agreement for are left out."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.selectors import regulated_clients_closed_to
from secretary import spreadsheets
from secretary.models import Membership
from secretary.tenancy import practice_scope
from tasks.models import Task, TimeEntry

MAX_DAYS = 366 * 3


def period_bounds(membership: Membership, start: date, end: date) -> tuple[datetime, datetime]:
    zone = zoneinfo.ZoneInfo(membership.practice.time_zone)
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _local(value: datetime | None, zone) -> datetime | None:
    return value.astimezone(zone).replace(second=0, microsecond=0) if value else None


def task_header() -> list[str]:
    return [
        _("Task"),
        _("Client"),
        _("Title"),
        _("Status"),
        _("Priority"),
        _("Source"),
        _("Service"),
        _("Assignee"),
        _("Created"),
        _("Due"),
        _("Completed"),
        _("Minutes logged"),
    ]


def task_rows(membership: Membership, start: date, end: date) -> Iterator[list]:
    since, until = period_bounds(membership, start, end)
    zone = since.tzinfo
    tasks = (
        Task.objects.for_practice(membership.practice_id)
        .filter(created_at__gte=since, created_at__lt=until)
        .exclude(client_id__in=regulated_clients_closed_to(membership))
        .select_related("client", "category", "assignee__user")
        .only(
            "pk",
            "title",
            "status",
            "priority",
            "source",
            "created_at",
            "due_at",
            "completed_at",
            "client__name",
            "category__name",
            "assignee__user__email",
            "assignee__user__full_name",
        )
        .annotate(logged=Sum("time_entries__minutes"))
        .order_by("created_at", "pk")
    )
    with practice_scope(membership.practice_id):
        for task in tasks.iterator(chunk_size=1000):
            yield [
                task.pk,
                task.client.name,
                task.title,
                task.get_status_display(),
                task.get_priority_display(),
                task.get_source_display(),
                task.category.name if task.category else "",
                _member_name(task.assignee),
                _local(task.created_at, zone),
                _local(task.due_at, zone),
                _local(task.completed_at, zone),
                task.logged or 0,
            ]


def _member_name(membership) -> str:
    if membership is None:
        return ""
    return membership.user.full_name or membership.user.email


def time_header() -> list[str]:
    return [
        _("Entry"),
        _("Client"),
        _("Task"),
        _("Task title"),
        _("Member"),
        _("Started"),
        _("Ended"),
        _("Minutes"),
        _("Hours"),
        _("Billable"),
        _("Description"),
    ]


def time_rows(membership: Membership, start: date, end: date) -> Iterator[list]:
    since, until = period_bounds(membership, start, end)
    zone = since.tzinfo
    entries = (
        TimeEntry.objects.for_practice(membership.practice_id)
        .filter(started_at__gte=since, started_at__lt=until)
        .exclude(client_id__in=regulated_clients_closed_to(membership))
        .select_related("client", "task")
        .only(
            "pk",
            "member_name",
            "started_at",
            "ended_at",
            "minutes",
            "billable",
            "description",
            "client__name",
            "task__id",
            "task__title",
        )
        .order_by("started_at", "pk")
    )
    with practice_scope(membership.practice_id):
        for entry in entries.iterator(chunk_size=1000):
            minutes = entry.minutes or 0
            yield [
                entry.pk,
                entry.client.name,
                entry.task.pk,
                entry.task.title,
                entry.member_name,
                _local(entry.started_at, zone),
                _local(entry.ended_at, zone),
                minutes,
                (Decimal(minutes) / 60).quantize(Decimal("0.01")),
                _("yes") if entry.billable else _("no"),
                entry.description,
            ]


EXPORTS = {
    "tasks": (gettext_lazy("Tasks"), task_header, task_rows),
    "time": (gettext_lazy("Time entries"), time_header, time_rows),
}


def export_response(membership: Membership, what: str, start: date, end: date, fmt: str):
    title, header, rows = EXPORTS[what]
    stem = f"{membership.practice.slug}-{what}-{start.isoformat()}-{end.isoformat()}"
    data = rows(membership, start, end)
    if fmt == "xlsx":
        return spreadsheets.xlsx_response(f"{stem}.xlsx", str(title), header(), data)
    # CSV has no types: times are written as "YYYY-MM-DD HH:MM" in the practice's zone.
    text_rows = ([_text(value) for value in row] for row in data)
    return spreadsheets.csv_response(f"{stem}.csv", header(), text_rows)


def _text(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value
