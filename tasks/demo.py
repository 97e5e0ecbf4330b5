"""Demo data: a busy week of requests, tasks, time and calendar events across clients and
time zones (the clients being served, and the set-up work of those being onboarded). ``seed(demo)`` is idempotent: a practice that already has tasks is left as it is
(only missing default templates are added)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from clients.models import Client, ClientStatus, Contact
from clients.selectors import can_work_on
from secretary.models import Membership, Practice
from tasks import services, timekeeping
from tasks.models import (
    CalendarEvent,
    Comment,
    EventKind,
    Priority,
    RecurringTask,
    Status,
    Task,
    TimeEntry,
)

# title, status, priority, due in (days, hour in the client's zone), from the portal?
WORK = [
    (
        "Book flights and hotel for the Tokyo roadshow",
        Status.IN_PROGRESS,
        Priority.HIGH,
        (2, 17),
        True,
    ),
    ("Proofread the Q3 investor letter", Status.TODO, Priority.NORMAL, (1, 12), False),
    ("Set up the board call with dial-in", Status.WAITING, Priority.HIGH, (3, 10), True),
    ("Order 500 business cards for new hires", Status.REQUESTED, Priority.NORMAL, (5, 17), True),
    ("Close the month's books", Status.TODO, Priority.NORMAL, (4, 17), False),
    ("Reschedule the dentist appointment", Status.DONE, Priority.LOW, (-1, 9), True),
    ("Draft the weekly newsletter", Status.IN_PROGRESS, Priority.NORMAL, (0, 15), False),
    ("Chase the overdue supplier invoice", Status.TODO, Priority.URGENT, (-1, 16), False),
]

# A lighter week for clients still being onboarded: setting them up.
ONBOARDING_WORK = [
    ("Set up the shared inbox and calendar access", Status.IN_PROGRESS, Priority.NORMAL, (1, 12)),
    ("Import the contact list", Status.TODO, Priority.NORMAL, (3, 17)),
    ("Welcome call: walk through the portal", Status.DONE, Priority.LOW, (-1, 10)),
]

EVENTS = [
    ("Board call", EventKind.CALL, 1, time(9, 0), 60, "Australia/Sydney"),
    ("Flight QF25 Sydney to Tokyo", EventKind.TRAVEL, 3, time(10, 30), 600, "Australia/Sydney"),
    ("Supplier video meeting", EventKind.MEETING, 2, time(14, 0), 45, "Europe/London"),
    ("Weekly sync", EventKind.CALL, 0, time(16, 0), 30, None),  # the client's own zone
]


def _staff(practice: Practice, *members: Membership | None) -> list[Membership]:
    found = [m for m in members if m is not None and m.is_staff]
    return found or list(
        Membership.objects.for_practice(practice)
        .filter(role__in=("owner", "admin", "secretary"))
        .select_related("user")[:2]
    )


def _crew(client: Client, staff: list[Membership]) -> list[Membership]:
    """The staff who may work on the client (regulated clients need an agreement)."""
    return [m for m in staff if can_work_on(client=client, membership=m)]


def _log_time(task: Task, member: Membership, *, now, period_start, w_index: int) -> None:
    """Three manual entries over the last days (the oldest not billable)."""
    for day_back in range(3):
        started = max(
            now - timedelta(days=day_back, hours=2 + w_index % 3),
            period_start + timedelta(hours=9),
        )
        minutes = 20 + 15 * ((w_index + day_back) % 4)
        TimeEntry.objects.create(
            practice=task.practice,
            task=task,
            client=task.client,
            membership=member,
            started_at=started,
            ended_at=started + timedelta(minutes=minutes),
            minutes=minutes,
            description="Research and bookings",
            billable=day_back != 2,
            manual=True,
        )


def _client_contact(practice: Practice, client: Client) -> Contact | None:
    contact = (
        Contact.objects.for_practice(practice)
        .filter(client=client, membership__isnull=False)
        .select_related("membership__user")
        .first()
    )
    return contact


@transaction.atomic
def seed_practice(
    practice: Practice, staff: list[Membership], *, now: datetime | None = None
) -> int:
    """Seed one practice; returns how many tasks were created (0 when it already had some)."""
    services.task_templates_seed(practice=practice)
    if Task.objects.for_practice(practice).exists() or not staff:
        return 0
    now = now or timezone.now()
    # The clients being served (active, else any), a handful of them.
    clients = list(
        Client.objects.for_practice(practice)
        .filter(status=ClientStatus.ACTIVE)
        .order_by("name")[:5]
    ) or list(Client.objects.for_practice(practice).order_by("name")[:5])
    created = 0
    for c_index, client in enumerate(clients):
        crew = _crew(client, staff)
        if not crew:
            continue
        zone = ZoneInfo(client.time_zone or "UTC")
        contact = _client_contact(practice, client)
        today = now.astimezone(zone).date()
        period_start = timekeeping.current_period_start(client, now=now)
        for w_index, (title, status, priority, (days, hour), portal) in enumerate(WORK):
            if (w_index + c_index) % 5 == 4:  # not every client has every job
                continue
            member = crew[(w_index + c_index) % len(crew)]
            created_at = now - timedelta(hours=6 + 5 * w_index)
            due = datetime.combine(today + timedelta(days=days), time(hour), tzinfo=zone)
            due = max(due, created_at + timedelta(hours=1))
            if portal and contact is not None:
                task = Task(
                    practice=practice,
                    client=client,
                    source="portal",
                    title=title,
                    status=Status.REQUESTED,
                    priority=priority,
                    requested_by=contact.membership,
                    created_by=contact.membership.user,
                    created_at=created_at,
                    client_visible=True,
                )
                services.task_sla_compute(task)
                task.save()
            else:
                task = services.task_create(
                    practice=practice,
                    actor=member,
                    client=client,
                    title=title,
                    priority=priority,
                    assignee=member,
                    created_at=created_at,
                    status=Status.TODO,
                )
            if status != Status.REQUESTED:
                task.assignee = member
                task.due_at = due
                task.status = status
                if status == Status.WAITING:
                    task.sla_paused_since = now - timedelta(hours=2)
                if status == Status.DONE:
                    task.completed_at = now - timedelta(hours=3)
                    task.responded_at = task.responded_at or task.completed_at
                task.save()
            if status in (Status.IN_PROGRESS, Status.WAITING, Status.DONE):
                Comment.objects.create(
                    practice=practice,
                    task=task,
                    author=member.user,
                    author_membership=member,
                    internal=False,
                    body="Thanks, we're on it. I'll confirm the details today.",
                    created_at=created_at + timedelta(minutes=40),
                    client_notified_at=created_at + timedelta(minutes=41),
                )
                Comment.objects.create(
                    practice=practice,
                    task=task,
                    author=member.user,
                    author_membership=member,
                    internal=True,
                    body="Client prefers morning options; check the loyalty number.",
                    created_at=created_at + timedelta(minutes=45),
                )
                if task.responded_at is None:
                    task.responded_at = created_at + timedelta(minutes=40)
                    task.save(update_fields=["responded_at"])
                _log_time(task, member, now=now, period_start=period_start, w_index=w_index)
            created += 1
        if contact is not None:
            created += _late_request(practice, client, contact, crew[0], now=now)
        for e_index, (title, kind, days, start, minutes, event_zone) in enumerate(EVENTS):
            event_zone = event_zone or client.time_zone
            starts = datetime.combine(
                today + timedelta(days=days), start, tzinfo=ZoneInfo(event_zone)
            )
            CalendarEvent.objects.create(
                practice=practice,
                client=client,
                secretary=crew[e_index % len(crew)],
                kind=kind,
                title=f"{title} · {client.name}",
                starts_at=starts,
                ends_at=starts + timedelta(minutes=minutes),
                time_zone=event_zone,
                location="Video call" if kind != EventKind.TRAVEL else "Sydney Airport T1",
                video_link="https://meet.example.com/demo-call" if kind != EventKind.TRAVEL else "",
                dial_in="+61 2 5550 1234, PIN 4321" if kind == EventKind.CALL else "",
                attendees=[{"name": str(m.user), "email": m.user.email} for m in staff[:2]],
                notes="Agenda in the shared folder.",
            )
        RecurringTask.objects.create(
            practice=practice,
            client=client,
            title="Weekly newsletter",
            frequency="weekly",
            weekday=3,
            start_date=today,
            assignee=crew[0],
            lead_days=2,
        )
        RecurringTask.objects.create(
            practice=practice,
            client=client,
            title="Monthly bookkeeping close",
            frequency="monthly",
            month_day=31,
            start_date=today,
            assignee=crew[-1],
            lead_days=3,
        )
    created += _seed_onboarding(practice, staff, now=now)
    return created


def _late_request(
    practice: Practice, client: Client, contact: Contact, member: Membership, *, now
) -> int:
    """A request sent four days ago and not yet answered: its response time has passed (four
    days always hold two working days), so the dashboard has a late response to show."""
    task = Task(
        practice=practice,
        client=client,
        source="portal",
        title="Renew the professional indemnity insurance",
        description="The renewal notice is in your inbox; please compare two quotes.",
        status=Status.REQUESTED,
        priority=Priority.HIGH,
        assignee=member,
        requested_by=contact.membership,
        created_by=contact.membership.user,
        created_at=now - timedelta(days=4),
        client_visible=True,
    )
    services.task_sla_compute(task)
    if task.sla_due_at is not None and task.sla_due_at < now:
        # Marked and notified as the beat job would have done (no email from the demo).
        task.sla_breached_at = task.sla_notified_at = task.sla_due_at
    task.save()
    return 1


def _seed_onboarding(practice: Practice, staff: list[Membership], *, now) -> int:
    """Clients being onboarded get their set-up work, a welcome call and some time."""
    created = 0
    clients = Client.objects.for_practice(practice).filter(status=ClientStatus.ONBOARDING)
    for c_index, client in enumerate(clients.order_by("name")[:3]):
        crew = _crew(client, staff)
        if not crew:
            continue
        zone = ZoneInfo(client.time_zone or "UTC")
        today = now.astimezone(zone).date()
        period_start = timekeeping.current_period_start(client, now=now)
        for w_index, (title, status, priority, (days, hour)) in enumerate(ONBOARDING_WORK):
            member = crew[(w_index + c_index) % len(crew)]
            created_at = now - timedelta(days=2, hours=3 * w_index)
            due = datetime.combine(today + timedelta(days=days), time(hour), tzinfo=zone)
            task = services.task_create(
                practice=practice,
                actor=member,
                client=client,
                title=title,
                priority=priority,
                assignee=member,
                due_at=max(due, created_at + timedelta(hours=1)),
                created_at=created_at,
                status=Status.TODO,
            )
            if status != Status.TODO:
                task.status = status
                if status == Status.DONE:
                    task.completed_at = now - timedelta(hours=20)
                task.save(update_fields=["status", "completed_at"])
                _log_time(task, member, now=now, period_start=period_start, w_index=w_index)
            created += 1
        starts = datetime.combine(today + timedelta(days=1 + c_index), time(10), tzinfo=zone)
        CalendarEvent.objects.create(
            practice=practice,
            client=client,
            secretary=crew[0],
            kind=EventKind.CALL,
            title=f"Onboarding call · {client.name}",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=45),
            time_zone=client.time_zone or "UTC",
            location="Video call",
            video_link="https://meet.example.com/onboarding",
            attendees=[{"name": str(crew[0].user), "email": crew[0].user.email}],
            notes="Portal tour, access checklist, first requests.",
        )
    return created


def seed(demo) -> None:
    from tasks.inbound import demo as inbound_demo
    from tasks.roster import demo as roster_demo
    from tasks.transcription import demo as transcription_demo

    seed_practice(demo.practice, _staff(demo.practice, demo.secretary, demo.owner))
    roster_demo.seed(demo)
    transcription_demo.seed(demo)
    inbound_demo.seed(demo)
    from tasks.calls import demo as calls_demo

    calls_demo.seed(demo)
    other = getattr(demo, "other_practice", None)
    if other is not None:
        seed_practice(other, _staff(other, getattr(demo, "other_owner", None)))
