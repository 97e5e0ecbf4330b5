"""Reads of the tasks app. Every read names its practice; clients see only their own client."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Greatest
from django.http import Http404
from django.utils import timezone

from clients.models import Client, ClientStatus, Engagement, EngagementStatus
from clients.selectors import clients_for_membership
from secretary.limits import EARLIEST_MOMENT, LATEST_MOMENT, parse_id
from secretary.models import ActivityEvent, Membership, Practice
from secretary.prepared import AmongIds, prepared, prepared_list
from secretary.versions import PracticeVersions
from tasks.models import (
    EVENT_LENGTH,
    OPEN_STATUSES,
    Attachment,
    CalendarEvent,
    CalendarFeed,
    ChecklistItem,
    Comment,
    Status,
    Task,
    TaskTemplate,
    TimeEntry,
    urgency,
)

TASK_RELATED = ("client", "category", "assignee__user")


def tasks_for(*, practice: Practice) -> QuerySet[Task]:
    return Task.objects.for_practice(practice).select_related(*TASK_RELATED)


def task_get(*, practice: Practice, task_id) -> Task:
    """One task of the practice (404 otherwise), with ``transcription_job_id``: its
    transcription job's id, or None (read in the same query, for the task page's link)."""
    task_id = parse_id(task_id)
    found = task_id and _task_with_job(practice=practice.pk, task=task_id)
    if not found:
        raise Http404
    return found[0]


@prepared()
def _task_with_job(*, practice: int, task: int):
    return (
        tasks_for(practice=practice)
        .annotate(transcription_job_id=F("transcription__id"))
        .filter(pk=task)
        .order_by()[:1]
    )


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


def time_entries_for(*, task: Task) -> QuerySet[TimeEntry]:
    return (
        TimeEntry.objects.for_practice(task.practice_id)
        .filter(task=task)
        # Rows stored outside the years dates may take (before that rule) are left out.
        .filter(started_at__gte=EARLIEST_MOMENT, started_at__lte=LATEST_MOMENT)
        .select_related("membership__user")
    )


@prepared()
def _page_entries(*, practice: int, task: int):
    return time_entries_for(task=Task(pk=task, practice_id=practice))


@prepared()
def _page_comments(*, practice: int, task: int):
    return comments_for(task=Task(pk=task, practice_id=practice), include_internal=True)


@prepared()
def _page_attachments(*, practice: int, task: int):
    return attachments_for(task=Task(pk=task, practice_id=practice), include_internal=True)


@prepared()
def _page_checklist(*, practice: int, task: int):
    return ChecklistItem.objects.for_practice(practice).filter(task=task)


@prepared()
def _page_history(*, practice: int, target: str):
    return (
        ActivityEvent.objects.for_practice(practice)
        .filter(target_type="tasks.task", target_id=target)
        .select_related("actor")[:50]
    )


@prepared()
def _page_events(*, practice: int, task: int):
    return events_for(practice=practice).filter(task=task)


def task_page(*, task: Task) -> dict:
    """What the staff task page lists, each read compiled once per process: time entries,
    comments with their files, the task's own files, checklist, history and events."""
    ids = {"practice": task.practice_id, "task": task.pk}
    files = _page_attachments(**ids)
    by_comment: dict[int, list[Attachment]] = {}
    for attachment in files:
        by_comment.setdefault(attachment.comment_id, []).append(attachment)
    comments = _page_comments(**ids)
    for comment in comments:
        comment.files = by_comment.get(comment.pk, [])
    return {
        "entries": _page_entries(**ids),
        "comments": comments,
        "attachments": by_comment.get(None, []),
        "checklist": _page_checklist(**ids),
        "history": _page_history(practice=task.practice_id, target=str(task.pk)),
        "events": _page_events(**ids),
    }


def running_timer(*, practice: Practice, membership: Membership) -> TimeEntry | None:
    return (
        TimeEntry.objects.for_practice(practice)
        .filter(membership=membership, ended_at__isnull=True, manual=False)
        .select_related("task")
        .first()
    )


def running_timer_id():
    """The id of the member's running timer, or null: an expression read with the request's
    memberships (``secretary.access.register_membership_extra``; ``OuterRef("pk")`` is the
    membership), so that a page asks for the timer only when one runs."""
    running = TimeEntry.objects.unscoped().filter(
        practice=OuterRef("practice"), membership=OuterRef("pk"), ended_at__isnull=True
    )
    return Subquery(running.filter(manual=False).values("pk")[:1])


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


def my_tasks(
    *, practice: Practice, membership: Membership, client_ids: list[int] | None = None
) -> QuerySet[Task]:
    """Tasks assigned to the member, and unassigned tasks of the clients they look after
    (``client_ids`` when the caller has read them already)."""
    if client_ids is None:
        client_ids = my_client_ids(practice=practice, membership=membership)
    return tasks_for(practice=practice).filter(
        Q(assignee=membership) | Q(assignee__isnull=True, client_id__in=client_ids)
    )


# What a row of a task list shows (the dashboard's lines, the task table): nothing else is
# read, so a list costs its one query whatever the rows hold (no descriptions, no hashes).
TASK_ROW_FIELDS = (
    "practice",
    "client__name",
    "client__time_zone",
    "category__name",
    "assignee__user__full_name",
    "assignee__user__email",
    "title",
    "status",
    "priority",
    "due_at",
    "sla_due_at",
    "sla_paused_since",
    "responded_at",
    "sla_breached_at",
    "created_at",
)


def task_rows(queryset: QuerySet[Task]) -> QuerySet[Task]:
    """``queryset`` as list rows: client, service and assignee joined, only what rows show."""
    return queryset.select_related(*TASK_RELATED).only(*TASK_ROW_FIELDS)


@prepared_list()
def open_task_rows(*, practice: int):
    """The task list as it opens (no filter, no sort chosen): the practice's open tasks by
    urgency (``task_open_urgency_idx``)."""
    open_tasks = tasks_for(practice=practice).filter(status__in=OPEN_STATUSES)
    return task_rows(by_urgency(open_tasks, "-pk"))


@prepared_list()
def newest_task_rows(*, practice: int):
    """The API's task list as it comes (no filter, no sort chosen): newest first."""
    return tasks_for(practice=practice).order_by("-created_at", "-pk")


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
        .filter(starts_at__gte=_earliest_start(practice, since), ends_at__lte=LATEST_MOMENT)
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


def _earliest_start(practice, since: datetime | None):
    """The earliest start of an event the lists show: the first moment dates may take, or, for
    events that still run at ``since``, the practice's longest event before it (one bound, so
    PostgreSQL reads the index of starts from there, where ``ends_at >= since`` alone had it
    read every earlier event)."""
    if since is None:
        return EARLIEST_MOMENT
    return Greatest(
        Value(EARLIEST_MOMENT, output_field=DateTimeField()),
        ExpressionWrapper(
            Value(since, output_field=DateTimeField()) - _longest_event(practice),
            output_field=DateTimeField(),
        ),
    )


def _longest_event(practice) -> Subquery:
    """The length of the practice's longest event, read from ``event_length_idx`` (none when
    it has no event: then nothing is "since" anything)."""
    return Subquery(
        CalendarEvent.objects.for_practice(practice)
        .annotate(length=EVENT_LENGTH)
        .order_by("-length")
        .values("length")[:1]
    )


def feeds_for(
    *, practice: Practice, client: Client | None = None, membership: Membership | None = None
) -> QuerySet[CalendarFeed]:
    feeds = CalendarFeed.objects.for_practice(practice).filter(revoked_at__isnull=True)
    if client is not None:
        return feeds.filter(client=client)
    return feeds.filter(membership=membership)


def _late(now) -> Q:
    return (
        Q(due_at__lt=now)
        | Q(sla_breached_at__isnull=False, responded_at__isnull=True)
        | Q(sla_due_at__lt=now, responded_at__isnull=True, sla_paused_since__isnull=True)
    )


def _count_figures(now) -> dict:
    """The dashboard's figures as aggregates, each on a column the open-task indexes hold."""
    late = Q(sla_breached_at__isnull=False, responded_at__isnull=True) | Q(
        sla_due_at__lt=now, responded_at__isnull=True, sla_paused_since__isnull=True
    )
    return {
        "open": Count("status"),
        "requested": Count("status", filter=Q(status=Status.REQUESTED)),
        "waiting": Count("status", filter=Q(status=Status.WAITING)),
        "overdue": Count("status", filter=Q(due_at__lt=now)),
        "breached": Count("status", filter=late),
    }


@prepared(shape=("practice_wide",))
def _open_figures(*, practice: int, now, practice_wide: bool, membership=None, client_ids=()):
    """The figures in one statement. For one member, two index-only scans of
    ``task_open_mine_idx`` (their own tasks; the unassigned ones of their clients) whose rows
    the caller adds up; practice-wide, one aggregate. Each count names a column the index
    holds (``status``), never the primary key; grouping by the practice gives one row per
    part."""
    open_tasks = Task.objects.for_practice(practice).filter(status__in=OPEN_STATUSES).order_by()
    figures = _count_figures(now)
    if practice_wide:
        return open_tasks.values("practice").annotate(**figures).values(*figures)
    own = open_tasks.filter(assignee=membership)
    unassigned = open_tasks.filter(AmongIds(F("client_id"), client_ids), assignee__isnull=True)
    return (
        own.values("practice")
        .annotate(**figures)
        .values(*figures)
        .union(unassigned.values("practice").annotate(**figures).values(*figures), all=True)
    )


def open_counts(*, practice: Practice, membership: Membership, client_ids: list[int], now) -> dict:
    """The dashboard's figures over the member's open tasks (``_open_figures``)."""
    return _added(
        _open_figures(
            practice=practice.pk,
            membership=membership.pk,
            client_ids=client_ids,
            now=now,
            practice_wide=False,
        )
    )


def practice_open_counts(*, practice: Practice, now) -> dict:
    """The dashboard's figures over every open task of the practice, in one aggregate."""
    return _added(_open_figures(practice=practice.pk, now=now, practice_wide=True))


def _added(rows: list[dict]) -> dict:
    counts = dict.fromkeys(_count_figures(None), 0)
    for row in rows:
        for name, value in row.items():
            counts[name] += value
    return counts


# The dashboard's lists: which open tasks each shows (``late`` depends on the time).
_DASHBOARD_LISTS = {
    "requests": lambda now: Q(status=Status.REQUESTED),
    "open": lambda now: ~Q(status__in=(Status.REQUESTED, Status.WAITING)),
    "late": _late,
    "waiting": lambda now: Q(status=Status.WAITING),
}


def _open_lines(practice: int, which: str, now) -> QuerySet[Task]:
    """Open tasks of list ``which`` as dashboard lines: the task and its client, nothing of
    its service or assignee."""
    return (
        Task.objects.for_practice(practice)
        .filter(_DASHBOARD_LISTS[which](now), status__in=OPEN_STATUSES)
        .select_related("client")
        .only(*(f for f in TASK_ROW_FIELDS if not f.startswith(("category__", "assignee__"))))
    )


@prepared(shape=("which", "limit"))
def _member_lines(*, practice: int, membership: int, client_ids, which: str, limit: int, now=None):
    """The member's first ``limit`` open tasks of list ``which`` by urgency: theirs, and the
    unassigned ones of their clients.

    On PostgreSQL one statement of two parts, each read in urgency order until ``limit`` rows
    match: the member's own tasks (a range of ``task_open_assignee_idx``) and the practice's
    unassigned ones (``task_open_unassigned_idx``, the triage queue). A list of a few waiting
    tasks reads those, never every open task of the practice.
    """
    lines = _open_lines(practice, which, now)
    own = lines.filter(assignee=membership)
    unassigned = lines.filter(AmongIds(F("client_id"), client_ids), assignee__isnull=True)
    if not connections[lines.db].features.supports_slicing_ordering_in_compound:
        return _by_urgency(own | unassigned)[:limit]  # SQLite: one query, no index order
    return (
        _by_urgency(own)[:limit]
        .union(_by_urgency(unassigned)[:limit], all=True)
        .order_by(F("urgency").asc(nulls_last=True), "-priority", "created_at")[:limit]
    )


@prepared(shape=("practice_wide",))
def _dashboard_clients(*, practice: int, practice_wide: bool, member=None):
    """The clients the dashboard is about, by name: the active ones of the practice, or those
    the member serves."""
    if practice_wide:
        clients = Client.objects.for_practice(practice).filter(status=ClientStatus.ACTIVE)
    else:
        clients = clients_for_membership(membership=Membership(pk=member, practice_id=practice))
    return clients.order_by("name").only("practice", "name")


@prepared(shape=("limit",))
def _day_events(*, practice: int, since, until, limit: int, member=None, client_ids=None):
    """The day's events: the practice's, or the member's and the unassigned ones of their
    clients (``client_ids``); with what the dashboard's lines show (``day_event_lines``)."""
    events = (
        events_for(practice=practice, since=since, until=until)
        .select_related(None)
        .select_related("client", "secretary__user")
        .only(*_DAY_EVENT_FIELDS)
    )
    if member is not None:
        events = events.filter(
            Q(secretary=member)
            | (Q(secretary__isnull=True) & Q(AmongIds(F("client_id"), client_ids)))
        )
    return events[:limit]


_DAY_EVENT_FIELDS = (
    "practice",
    "title",
    "starts_at",
    "ends_at",
    "time_zone",
    "client__name",
    "secretary__user__full_name",
    "secretary__user__email",
)


@prepared(shape=("which", "limit"))
def _practice_lines(*, practice: int, which: str, limit: int, now=None):
    """The practice's first ``limit`` open tasks of list ``which`` by urgency."""
    return _by_urgency(_open_lines(practice, which, now))[:limit]


# The dashboard's figures count every open task of a member or of the practice (16,000 rows
# take 7 ms), and its four lists read up to 60 tasks: both are kept a minute, under a version
# that every write of the practice's tasks, and of its clients, renews once it commits
# (``tasks.signals.task_written``). Within that minute a task whose deadline has just passed
# may not yet be counted "overdue" nor listed as late; every row shows its times and SLA state
# as they are when the page is drawn.
KEPT_FOR = 60
ANY_PRACTICE = "any"  # the version a write not scoped to one practice renews
dashboard_versions = PracticeVersions("tasks:dashboard", shared=(ANY_PRACTICE,))


def _kept_tasks(
    *, practice: Practice, membership: Membership, practice_wide: bool, client_ids, limit: int
) -> dict:
    """The dashboard's figures and task lists, from the cache while nothing they read changed
    (``dashboard_versions``)."""
    now = timezone.now()

    def mine(which: str) -> list[Task]:
        return _member_lines(
            practice=practice.pk,
            membership=membership.pk,
            client_ids=client_ids,
            which=which,
            limit=limit,
            **({"now": now} if which == "late" else {}),
        )

    def shown(which: str) -> list[Task]:
        if not practice_wide:
            return mine(which)
        timed = {"now": now} if which == "late" else {}
        return _practice_lines(practice=practice.pk, which=which, limit=limit, **timed)

    def read() -> dict:
        return {
            "counts": (
                practice_open_counts(practice=practice, now=now)
                if practice_wide
                else open_counts(
                    practice=practice, membership=membership, client_ids=client_ids, now=now
                )
            ),
            "requests": shown("requests"),
            "open_tasks": mine("open"),
            "late": shown("late"),
            "waiting": shown("waiting"),
        }

    ids = ",".join(str(pk) for pk in sorted(client_ids))
    clients = hashlib.blake2b(ids.encode(), digest_size=12).hexdigest()
    scope = "practice" if practice_wide else "member"
    name = f"{scope}:{membership.pk}:{clients}:{limit}"
    return dashboard_versions.kept(practice.pk, name, read, KEPT_FOR)


def dashboard(
    *, practice: Practice, membership: Membership, practice_wide: bool = False, limit: int = 15
) -> dict:
    """Everything the dashboard shows, in a fixed number of queries.

    For one member: the requests, late and waiting tasks of the clients they serve, their
    own open tasks, their events today and the hours of their clients. ``practice_wide`` (what
    owners and admins see first) puts every client's requests, late and waiting tasks,
    figures, events and hours there instead; "My open tasks" stays the member's own.

    Its lists stop after ``limit`` rows read in urgency order and its figures are counted from
    an index (``_member_lines``, ``_open_figures``): nothing sorts or counts the member's open
    tasks in Python, nor every open task of the practice. Those reads are compiled once per
    process (``secretary.prepared``), and their rows kept a minute (``_kept_tasks``).
    """
    from clients.usage import usage_for_clients

    now = timezone.now()
    if practice_wide:
        my_clients = _dashboard_clients(practice=practice.pk, practice_wide=True)
    else:
        my_clients = _dashboard_clients(
            practice=practice.pk, member=membership.pk, practice_wide=False
        )
    client_ids = [client.pk for client in my_clients]
    zone = ZoneInfo(membership.user.time_zone or "UTC")
    today = now.astimezone(zone).date()
    day_start = datetime.combine(today, time(0), tzinfo=zone)
    clients = my_clients[:30]
    usage = usage_for_clients(practice=practice, clients=clients) if clients else {}
    kept = _kept_tasks(
        practice=practice,
        membership=membership,
        practice_wide=practice_wide,
        client_ids=client_ids,
        limit=limit,
    )
    return {
        "practice_wide": practice_wide,
        **kept,
        "events": _day_events(
            practice=practice.pk,
            client_ids=None if practice_wide else client_ids,
            member=None if practice_wide else membership.pk,
            since=day_start,
            until=day_start + timedelta(days=1),
            limit=limit * 2,
        ),
        "usage": [(client, usage.get(client.pk)) for client in clients],
    }


def proposed_engagements(*, practice: Practice, client: Client) -> list[Engagement]:
    return _proposed_of(practice=practice.pk, client=client.pk)


@prepared()
def _proposed_of(*, practice: int, client: int):
    return Engagement.objects.for_practice(practice).filter(
        client=client, status=EngagementStatus.PROPOSED
    )
