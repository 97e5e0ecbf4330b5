"""Recurring tasks: rules, and the beat job that creates each occurrence once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.selectors import can_work_on
from secretary.errors import ApplicationError
from secretary.models import Membership, Practice
from tasks.models import (
    RecurringTask,
    Task,
)
from tasks.recurrence import occurrences, rule_problems
from tasks.services.work import (
    _check_assignable,
    _check_category,
    _check_client,
    _staff_member,
    task_create,
)


@transaction.atomic
def recurring_task_save(
    *, practice: Practice, actor: Membership, recurring: RecurringTask | None = None, **fields
) -> RecurringTask:
    recurring = recurring or RecurringTask(practice=practice)
    for name, value in fields.items():
        setattr(recurring, name, value)
    _check_client(practice, recurring.client)
    _check_category(practice, recurring.category)
    assignee = _staff_member(practice, recurring.assignee_id)
    _check_assignable(recurring.client, assignee)
    problems = rule_problems(recurring.rule())
    if recurring.frequency != "weekly":
        recurring.weekday = None
    if recurring.frequency != "monthly":
        recurring.month_day = None
    if problems:
        raise ApplicationError(_("Please correct the errors below."), errors=problems)
    if recurring.lead_days > 60:
        raise ApplicationError(
            _("Create tasks at most 60 days ahead."),
            errors={"lead_days": _("Create tasks at most 60 days ahead.")},
        )
    recurring.full_clean()
    recurring.save()
    return recurring


def recurring_tasks_run(*, practice: Practice | int, now: datetime | None = None) -> list[Task]:
    """Create the tasks of every active rule whose next occurrences are within their lead time.

    Each rule is locked while it runs and remembers its last occurrence; the unique constraint
    on (practice, rule, occurrence date) is the last word, so no occurrence is created twice.
    """
    now = now or timezone.now()
    practice_id = practice if isinstance(practice, int) else practice.pk
    practice = Practice.objects.get(pk=practice_id)
    created: list[Task] = []
    rule_ids = list(
        RecurringTask.objects.for_practice(practice_id)
        .filter(active=True)
        .values_list("pk", flat=True)
    )
    for rule_id in rule_ids:
        with transaction.atomic():
            rule = (
                RecurringTask.objects.for_practice(practice_id)
                .select_for_update(of=("self",))
                .select_related("client", "template", "assignee")
                .filter(pk=rule_id)
                .first()
            )
            if rule is None or not rule.active:
                continue
            zone = ZoneInfo(rule.client.time_zone)
            today = now.astimezone(zone).date()
            # Never backfill before the rule existed.
            floor = rule.last_occurrence or (
                rule.created_at.astimezone(zone).date() - timedelta(days=1)
            )
            dates = occurrences(
                rule.rule(), after=floor, until=today + timedelta(days=rule.lead_days)
            )
            existing = set(
                Task.objects.for_practice(practice_id)
                .filter(recurrence=rule, occurrence_date__in=dates)
                .values_list("occurrence_date", flat=True)
            )
            for day in dates:
                if day in existing:
                    continue
                due = datetime.combine(day, rule.due_time, tzinfo=zone)
                assignee = rule.assignee
                if assignee is not None and not can_work_on(
                    client=rule.client, membership=assignee
                ):
                    assignee = None
                created.append(
                    task_create(
                        practice=practice,
                        actor=None,
                        client=rule.client,
                        title=rule.title,
                        description=rule.description,
                        category=rule.category,
                        assignee=assignee,
                        due_at=max(due, now),
                        template=rule.template,
                        recurrence=rule,
                        occurrence_date=day,
                        created_at=now,
                    )
                )
            if dates:
                rule.last_occurrence = dates[-1]
                rule.save(update_fields=["last_occurrence"])
    return created
