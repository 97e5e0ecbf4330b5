"""Writes of time entries: timers, manual entries, edits, and the closed-period rule.

A period is **closed** when it ended before the current billing period began: billing periods
are calendar months in the time zone of the client's active engagement (the client's own zone
without one). An app that bills time may replace that rule with a guard
(``register_period_guard``): then a period is closed when any guard says so. An entry is also
closed once ``locked_at`` is set (invoicing locks what it bills). Closed entries cannot be
created, edited or deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.selectors import can_work_on, engagement_active
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.limits import date_in_range, date_range_message
from secretary.models import Membership, Practice
from secretary.prepared import AmongIds, prepared
from tasks.models import Task, TimeEntry

MAX_ENTRY_MINUTES = 24 * 60

PeriodGuard = Callable[..., bool]
_PERIOD_GUARDS: list[PeriodGuard] = []


def register_period_guard(fn: PeriodGuard) -> PeriodGuard:
    """Register ``fn(*, client, started_at) -> bool``: True when time of that client starting
    then falls in a period closed for billing. Registered guards replace the month-end rule."""
    if fn not in _PERIOD_GUARDS:
        _PERIOD_GUARDS.append(fn)
    return fn


def unregister_period_guard(fn: PeriodGuard) -> None:
    if fn in _PERIOD_GUARDS:
        _PERIOD_GUARDS.remove(fn)


def period_is_closed(client, started_at: datetime) -> bool:
    """Whether time of ``client`` starting at ``started_at`` falls in a closed period."""
    if _PERIOD_GUARDS:
        return any(guard(client=client, started_at=started_at) for guard in list(_PERIOD_GUARDS))
    return started_at < current_period_start(client)


def billing_zone(client) -> ZoneInfo:
    engagement = engagement_active(practice=client.practice_id, client=client)
    return ZoneInfo(engagement.coverage_time_zone if engagement else client.time_zone)


def current_period_start(client, *, now: datetime | None = None) -> datetime:
    zone = billing_zone(client)
    local = (now or timezone.now()).astimezone(zone)
    return datetime.combine(local.date().replace(day=1), time(0), tzinfo=zone)


def entry_is_closed(entry: TimeEntry, *, period_start: datetime | None = None) -> bool:
    if entry.locked_at is not None:
        return True
    if period_start is not None:
        return entry.started_at < period_start
    return period_is_closed(entry.client, entry.started_at)


def _closed_error() -> ApplicationError:
    message = _(
        "This time falls in a closed period (its month is already invoiced or closed) and "
        "cannot be changed."
    )
    return ApplicationError(message, errors={"date": message})


def _check_minutes(minutes) -> int:
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = -1
    if minutes <= 0:
        message = _("Enter a duration of at least one minute.")
        raise ApplicationError(message, errors={"minutes": message})
    if minutes > MAX_ENTRY_MINUTES:
        message = _("One entry can be at most 24 hours; split longer work into several entries.")
        raise ApplicationError(message, errors={"minutes": message})
    return minutes


def _usage_changed(entry: TimeEntry) -> None:
    from clients.tasks import check_usage_alert

    enqueue_on_commit(check_usage_alert, practice_id=entry.practice_id, client_id=entry.client_id)


def _manual_start(client, day: date) -> datetime:
    # A manual entry counts at noon of its day in the billing zone, so the day decides the month.
    return datetime.combine(day, time(12), tzinfo=billing_zone(client))


def _check_day(client, day: date | None) -> None:
    """The one rule for the day of a time entry, logged or edited: given, within the years
    dates may take, not in the future (tomorrow allowed, for time zones ahead) and not in a
    closed period."""
    if day is None:
        raise ApplicationError(_("Enter the date."), errors={"date": _("This field is required.")})
    if not date_in_range(day):
        raise ApplicationError(date_range_message(), errors={"date": date_range_message()})
    zone = billing_zone(client)
    if day > timezone.now().astimezone(zone).date() + timedelta(days=1):
        message = _("Time cannot be logged for a future date.")
        raise ApplicationError(message, errors={"date": message})
    if period_is_closed(client, _manual_start(client, day)):
        raise _closed_error()


def _check_staff(membership: Membership, task: Task) -> None:
    if not membership.is_staff:
        raise ApplicationError(_("Only staff can log time."))
    if not can_work_on(client=task.client, membership=membership):
        # A regulated client's work needs the member's signed agreement, time included.
        raise ApplicationError(
            _(
                "You cannot work on %(client)s: a signed confidentiality agreement is "
                "required for this client."
            )
            % {"client": task.client}
        )


@transaction.atomic
def timer_start(
    *, practice: Practice, membership: Membership, task: Task, description: str = "", request=None
) -> TimeEntry:
    _check_staff(membership, task)
    # Lock the member's row: two starts at once cannot both see "no running timer".
    Membership.objects.for_practice(practice).select_for_update().filter(pk=membership.pk).first()
    running = (
        TimeEntry.objects.for_practice(practice)
        .filter(membership=membership, ended_at__isnull=True, manual=False)
        .select_related("task")
        .first()
    )
    if running is not None:
        message = _(
            "A timer is already running on “%(task)s”. Stop it before starting another."
        ) % {"task": running.task.title}
        raise ApplicationError(message, errors={"timer": message})
    try:
        with transaction.atomic():
            entry = TimeEntry.objects.create(
                practice=practice,
                task=task,
                client_id=task.client_id,
                membership=membership,
                started_at=timezone.now(),
                description=(description or "")[:300],
            )
    except IntegrityError as exc:  # the partial unique constraint: a concurrent start won
        raise ApplicationError(
            _("A timer is already running. Stop it before starting another."),
            errors={"timer": _("A timer is already running.")},
        ) from exc
    return entry


@transaction.atomic
def timer_stop(
    *,
    practice: Practice,
    membership: Membership,
    entry: TimeEntry,
    description: str | None = None,
    billable: bool | None = None,
    now: datetime | None = None,
    request=None,
) -> TimeEntry:
    """End a running timer as a time entry; ``description`` (what was done) and ``billable``
    replace the entry's when given."""
    entry = TimeEntry.objects.for_practice(practice).select_for_update().get(pk=entry.pk)
    if entry.membership_id != membership.pk:
        raise ApplicationError(_("You can only stop your own timer."))
    if not entry.is_running:
        raise ApplicationError(_("This timer is not running."))
    now = now or timezone.now()
    seconds = (now - entry.started_at).total_seconds()
    minutes = max(1, round(seconds / 60))
    if minutes > MAX_ENTRY_MINUTES:
        message = _(
            "This timer ran for more than 24 hours, which is more than one entry may "
            "hold. Discard it and enter the time by hand."
        )
        raise ApplicationError(message, errors={"minutes": message})
    entry.ended_at, entry.minutes = now, minutes
    if description is not None and description.strip():
        entry.description = description.strip()[:300]
    if billable is not None:
        entry.billable = billable
    entry.save(update_fields=["ended_at", "minutes", "description", "billable"])
    activity_record(
        practice=practice,
        actor=membership.user,
        verb="time.logged",
        target=entry.task,
        data={"minutes": minutes},
        request=request,
    )
    _usage_changed(entry)
    return entry


@transaction.atomic
def timer_discard(*, practice: Practice, membership: Membership, entry: TimeEntry) -> None:
    entry = TimeEntry.objects.for_practice(practice).select_for_update().get(pk=entry.pk)
    if entry.membership_id != membership.pk or not entry.is_running:
        raise ApplicationError(_("You can only discard your own running timer."))
    entry.delete()


@transaction.atomic
def time_entry_add(
    *,
    practice: Practice,
    membership: Membership,
    task: Task,
    day: date,
    minutes,
    description: str = "",
    billable: bool = True,
    request=None,
) -> TimeEntry:
    _check_staff(membership, task)
    minutes = _check_minutes(minutes)
    _check_day(task.client, day)
    started_at = _manual_start(task.client, day)
    entry = TimeEntry.objects.create(
        practice=practice,
        task=task,
        client_id=task.client_id,
        membership=membership,
        started_at=started_at,
        ended_at=started_at + timedelta(minutes=minutes),
        minutes=minutes,
        description=(description or "")[:300],
        billable=billable,
        manual=True,
    )
    activity_record(
        practice=practice,
        actor=membership.user,
        verb="time.logged",
        target=task,
        data={"minutes": minutes},
        request=request,
    )
    _usage_changed(entry)
    return entry


@transaction.atomic
def time_entry_update(
    *,
    practice: Practice,
    actor: Membership,
    entry: TimeEntry,
    day: date | None = None,
    minutes=None,
    description: str | None = None,
    billable: bool | None = None,
    request=None,
) -> TimeEntry:
    entry = (
        TimeEntry.objects.for_practice(practice)
        .select_for_update()
        .select_related("client", "task")
        .get(pk=entry.pk)
    )
    if entry.membership_id != actor.pk and not actor.is_admin:
        raise ApplicationError(_("You can only change your own time entries."))
    if entry.is_running:
        raise ApplicationError(_("Stop the timer before editing the entry."))
    if entry_is_closed(entry):
        raise _closed_error()
    if minutes is not None:
        entry.minutes = _check_minutes(minutes)
    if day is not None:
        _check_day(entry.client, day)
        started_at = (
            _manual_start(entry.client, day)
            if entry.manual
            else datetime.combine(
                day,
                entry.started_at.astimezone(billing_zone(entry.client)).time(),
                tzinfo=billing_zone(entry.client),
            )
        )
        entry.started_at = started_at
    entry.ended_at = entry.started_at + timedelta(minutes=entry.minutes)
    if description is not None:
        entry.description = description[:300]
    if billable is not None:
        entry.billable = billable
    entry.save()
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="time.changed",
        target=entry.task,
        data={"entry": entry.pk, "minutes": entry.minutes},
        request=request,
    )
    _usage_changed(entry)
    return entry


@transaction.atomic
def time_entry_delete(
    *, practice: Practice, actor: Membership, entry: TimeEntry, request=None
) -> None:
    entry = (
        TimeEntry.objects.for_practice(practice)
        .select_for_update()
        .select_related("client", "task")
        .get(pk=entry.pk)
    )
    if entry.membership_id != actor.pk and not actor.is_admin:
        raise ApplicationError(_("You can only delete your own time entries."))
    if not entry.is_running and entry_is_closed(entry):
        raise _closed_error()
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="time.deleted",
        target=entry.task,
        data={"minutes": entry.minutes},
        request=request,
    )
    entry.delete()
    _usage_changed(entry)


def minutes_source(
    *, practice, client_ids: list[int], start: datetime, end: datetime
) -> dict[int, dict[int, int]]:
    """Billable, finished entries per client in [start, end), counted by duration: fed to
    ``clients.usage`` (one row per client and duration, not one per entry)."""
    result: dict[int, dict[int, int]] = {client_id: {} for client_id in client_ids}
    practice_id = practice if isinstance(practice, int) else practice.pk
    rows = _entries_by_duration(practice=practice_id, client_ids=client_ids, start=start, end=end)
    for row in rows:
        result.setdefault(row["client_id"], {})[row["minutes"]] = row["entries"]
    return result


@prepared()
def _entries_by_duration(*, practice: int, client_ids: list[int], start, end):
    return (
        TimeEntry.objects.for_practice(practice)
        .filter(
            AmongIds(F("client_id"), client_ids),
            billable=True,
            minutes__isnull=False,
            started_at__gte=start,
            started_at__lt=end,
        )
        .values("client_id", "minutes")
        .annotate(entries=Count("pk"))
        .order_by()
    )
