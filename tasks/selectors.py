"""Reads of the tasks app. Every read names its practice; clients see only their own client."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, DateTimeField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Least
from django.http import Http404
from django.utils import timezone

from clients.models import Client, Engagement, EngagementStatus
from clients.selectors import clients_for_membership
from secretary.limits import EARLIEST_MOMENT, LATEST_MOMENT
from secretary.models import ActivityEvent, Membership, Practice
from tasks.models import (
    OPEN_STATUSES,
    Attachment,
    CalendarEvent,
    CalendarFeed,
    Comment,
    Status,
    Task,
    TaskTemplate,
    TimeEntry,
)

TASK_RELATED = ("client", "category", "assignee__user")


def tasks_for(*, practice: Practice) -> QuerySet[Task]:
    return Task.objects.for_practice(practice).select_related(*TASK_RELATED)


def task_get(*, practice: Practice, task_id) -> Task:
    task = tasks_for(practice=practice).filter(pk=task_id).first()
    if task is None:
        raise Http404
    return task


def template_for_category(*, practice: Practice, category) -> TaskTemplate | None:
    """The template a service offers: its first active template by name (None without one)."""
    if category is None:
        return None
    return (
        TaskTemplate.objects.for_practice(practice)
        .filter(category=category, archived=False)
        .order_by("name")
        .first()
    )


def client_tasks(*, practice: Practice, client: Client) -> QuerySet[Task]:
    """What a client contact may see: their client's client-visible tasks."""
    return (
        Task.objects.for_practice(practice)
        .filter(client=client, client_visible=True)
        .select_related("category", "assignee__user")
    )


def client_task_get(*, practice: Practice, client: Client, task_id) -> Task:
    task = client_tasks(practice=practice, client=client).filter(pk=task_id).first()
    if task is None:
        raise Http404
    return task


def comments_for(*, task: Task, include_internal: bool) -> QuerySet[Comment]:
    comments = (
        Comment.objects.for_practice(task.practice_id).filter(task=task).select_related("author")
    )
    if not include_internal:
        comments = comments.filter(internal=False)
    return comments


def attachments_for(*, task: Task, include_internal: bool) -> QuerySet[Attachment]:
    attachments = Attachment.objects.for_practice(task.practice_id).filter(task=task)
    if not include_internal:
        attachments = attachments.filter(internal=False)
    return attachments


def attachment_get(
    *, practice: Practice, attachment_id, client: Client | None = None
) -> Attachment:
    """An attachment by id in the practice; for a client contact, only visible ones of theirs."""
    attachments = Attachment.objects.for_practice(practice).select_related("task")
    if client is not None:
        attachments = attachments.filter(
            task__client=client, task__client_visible=True, internal=False
        )
    attachment = attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment


def task_history(*, practice: Practice, task: Task) -> QuerySet[ActivityEvent]:
    return (
        ActivityEvent.objects.for_practice(practice)
        .filter(target_type="tasks.task", target_id=str(task.pk))
        .select_related("actor")
    )


def time_entries_for(*, task: Task) -> QuerySet[TimeEntry]:
    return (
        TimeEntry.objects.for_practice(task.practice_id)
        .filter(task=task)
        # Rows stored outside the years dates may take (before that rule) are left out.
        .filter(started_at__gte=EARLIEST_MOMENT, started_at__lte=LATEST_MOMENT)
        .select_related("membership__user")
    )


def running_timer(*, practice: Practice, membership: Membership) -> TimeEntry | None:
    return (
        TimeEntry.objects.for_practice(practice)
        .filter(membership=membership, ended_at__isnull=True, manual=False)
        .select_related("task")
        .first()
    )


def task_minutes(*, task: Task) -> int:
    return time_entries_for(task=task).aggregate(total=Sum("minutes"))["total"] or 0


def staff_members(*, practice: Practice) -> QuerySet[Membership]:
    return (
        Membership.objects.for_practice(practice)
        .filter(role__in=("owner", "admin", "secretary"))
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def my_client_ids(*, practice: Practice, membership: Membership) -> QuerySet:
    """Ids of the clients the member serves (primary secretary or on the team)."""
    return clients_for_membership(membership=membership).values("pk")


def my_tasks(*, practice: Practice, membership: Membership) -> QuerySet[Task]:
    """Tasks assigned to the member, and unassigned tasks of the clients they look after."""
    return tasks_for(practice=practice).filter(
        Q(assignee=membership)
        | Q(
            assignee__isnull=True,
            client_id__in=my_client_ids(practice=practice, membership=membership),
        )
    )


def urgency():
    """The nearer of a task's due time and its response due time, the latter only while the
    response is still owed (an answered request is no more urgent for its old deadline)."""
    owed = Case(
        When(responded_at__isnull=True, then=F("sla_due_at")),
        default=Value(None),
        output_field=DateTimeField(),
    )
    # Each side falls back on the other, so LEAST never sees a NULL (SQLite's MIN would
    # answer NULL) and a task with neither deadline sorts last.
    return Least(Coalesce(owed, "due_at"), Coalesce("due_at", owed))


def by_urgency(queryset: QuerySet[Task], *then: str) -> QuerySet[Task]:
    return queryset.annotate(urgency=urgency()).order_by(F("urgency").asc(nulls_last=True), *then)


def _by_urgency(queryset: QuerySet[Task]) -> QuerySet[Task]:
    return by_urgency(queryset, "-priority", "created_at")


def events_for(
    *,
    practice: Practice,
    client: Client | None = None,
    membership: Membership | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[CalendarEvent]:
    # Rows stored outside the years dates may take (before that rule existed) cannot be shown
    # in every time zone: lists, pages and feeds leave them out instead of failing.
    events = (
        CalendarEvent.objects.for_practice(practice)
        .select_related("client", "task", "secretary__user")
        .filter(starts_at__gte=EARLIEST_MOMENT, ends_at__lte=LATEST_MOMENT)
    )
    if client is not None:
        events = events.filter(client=client)
    if membership is not None:
        events = events.filter(
            Q(secretary=membership)
            | Q(
                secretary__isnull=True,
                client_id__in=my_client_ids(practice=practice, membership=membership),
            )
        )
    if since is not None:
        events = events.filter(ends_at__gte=since)
    if until is not None:
        events = events.filter(starts_at__lt=until)
    return events.order_by("starts_at", "pk")


def feeds_for(
    *, practice: Practice, client: Client | None = None, membership: Membership | None = None
) -> QuerySet[CalendarFeed]:
    feeds = CalendarFeed.objects.for_practice(practice).filter(revoked_at__isnull=True)
    if client is not None:
        return feeds.filter(client=client)
    return feeds.filter(membership=membership)


def dashboard(*, practice: Practice, membership: Membership, limit: int = 15) -> dict:
    """Everything the secretary dashboard shows, in a fixed number of queries."""
    from clients.usage import usage_for_clients

    now = timezone.now()
    mine = my_tasks(practice=practice, membership=membership)
    open_mine = mine.filter(status__in=OPEN_STATUSES)
    zone = ZoneInfo(membership.user.time_zone or "UTC")
    today = now.astimezone(zone).date()
    day_start = datetime.combine(today, time(0), tzinfo=zone)
    counts = open_mine.aggregate(
        open=Count("pk"),
        requested=Count("pk", filter=Q(status=Status.REQUESTED)),
        waiting=Count("pk", filter=Q(status=Status.WAITING)),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        breached=Count(
            "pk",
            filter=Q(sla_breached_at__isnull=False, responded_at__isnull=True)
            | Q(sla_due_at__lt=now, responded_at__isnull=True, sla_paused_since__isnull=True),
        ),
    )
    clients = list(
        Client.objects.for_practice(practice)
        .filter(pk__in=my_client_ids(practice=practice, membership=membership))
        .order_by("name")[:30]
    )
    usage = usage_for_clients(practice=practice, clients=clients) if clients else {}
    return {
        "counts": counts,
        "requests": list(_by_urgency(open_mine.filter(status=Status.REQUESTED))[:limit]),
        "open_tasks": list(
            _by_urgency(open_mine.exclude(status__in=(Status.REQUESTED, Status.WAITING)))[:limit]
        ),
        "late": list(
            _by_urgency(
                open_mine.filter(
                    Q(due_at__lt=now)
                    | Q(sla_breached_at__isnull=False, responded_at__isnull=True)
                    | Q(
                        sla_due_at__lt=now, responded_at__isnull=True, sla_paused_since__isnull=True
                    )
                )
            )[:limit]
        ),
        "waiting": list(_by_urgency(open_mine.filter(status=Status.WAITING))[:limit]),
        "events": list(
            events_for(
                practice=practice,
                membership=membership,
                since=day_start,
                until=day_start + timedelta(days=1),
            )
        ),
        "usage": [(client, usage.get(client.pk)) for client in clients],
        "running": running_timer(practice=practice, membership=membership),
    }


def proposed_engagements(*, practice: Practice, client: Client) -> list[Engagement]:
    return list(
        Engagement.objects.for_practice(practice).filter(
            client=client, status=EngagementStatus.PROPOSED
        )
    )
