"""The SLA clock of a task: computed from the engagement, paused while waiting on the
client, stopped by the first reply, and breaches marked once."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clients.selectors import engagement_active
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.models import Practice
from tasks import sla
from tasks.models import (
    CLOSED_STATUSES,
    Source,
    Task,
)


def _pauses(task: Task) -> list[tuple[datetime, datetime]]:
    return [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in task.sla_pauses]


def task_sla_compute(task: Task) -> None:
    """Set ``sla_due_at`` from the client's active engagement (portal and email requests)."""
    if task.source == Source.STAFF or task.responded_at is not None:
        return
    engagement = engagement_active(practice=task.practice_id, client=task.client)
    if engagement is None or engagement.response_target_hours is None:
        task.sla_due_at = None
        return
    task.sla_hours = Decimal(engagement.response_target_hours)
    try:
        task.sla_due_at = sla.due_at(
            start=task.created_at,
            hours=task.sla_hours,
            coverage=engagement.coverage(),
            paused=_pauses(task),
        )
    except sla.NoCoverage:
        task.sla_due_at = None


def _sla_pause(task: Task, now: datetime) -> None:
    if task.sla_due_at is not None and task.responded_at is None and task.sla_paused_since is None:
        task.sla_paused_since = now


def _sla_resume(task: Task, now: datetime) -> None:
    if task.sla_paused_since is None:
        return
    task.sla_pauses = [*task.sla_pauses, [task.sla_paused_since.isoformat(), now.isoformat()]]
    task.sla_paused_since = None
    task_sla_compute(task)


def _sla_respond(task: Task, now: datetime) -> None:
    if task.responded_at is None and task.sla_due_at is not None:
        _sla_resume(task, now)
        task.responded_at = now


SLA_FIELDS = ["sla_due_at", "sla_hours", "sla_paused_since", "sla_pauses", "responded_at"]


@transaction.atomic
def sla_breaches_mark(*, practice: Practice | int, now: datetime | None = None) -> list[int]:
    """Mark open, unanswered, running tasks past their response time; notify each assignee once."""
    from tasks.tasks import notify_sla_breach

    now = now or timezone.now()
    practice_id = practice if isinstance(practice, int) else practice.pk
    due = list(
        Task.objects.for_practice(practice_id)
        .select_for_update()
        .filter(
            sla_due_at__lt=now,
            responded_at__isnull=True,
            sla_breached_at__isnull=True,
            sla_paused_since__isnull=True,
        )
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("pk")
    )
    for task in due:
        task.sla_breached_at = now
        task.save(update_fields=["sla_breached_at"])
        activity_record(
            practice=Practice(pk=practice_id),
            verb="task.sla_breached",
            target=task,
            data={"due": task.sla_due_at.isoformat()},
        )
        enqueue_on_commit(notify_sla_breach, practice_id=practice_id, task_id=task.pk)
    return [task.pk for task in due]
