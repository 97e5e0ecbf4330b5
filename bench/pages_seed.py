"""The practice the page benchmark measures, seeded in bulk (imported by ``bench/pages.py``).

``seed(clients=30, tasks=20_000)`` makes (once per database and size; a second run reuses it):

* a practice with one secretary per 30 clients; the measured secretary is the primary secretary
  of every 30th client (all of them at 30 clients), member of a second practice too (so the
  practice switcher shows);
* per client an active engagement with five coverage windows and two contacts; the first
  client's first contact signs in to the portal;
* ``tasks`` tasks in every status (four in five open), each assigned to its client's secretary
  or unassigned, a tenth with a time entry, a tenth as many calendar events over 200 days;
* one task with comments, a checklist and history (the task page);
* ``tasks / 20`` invoices, the first client's books with ``tasks / 10`` posted entries of two lines each,
  ``tasks / 20`` documents and ``tasks / 40`` composed documents of two versions each;
* the front desk's lists: ``tasks / 20`` calls (a fifth with a message, a tenth with a
  follow-up task), ``tasks / 200`` held emails and as many ignored ones, ``tasks / 200``
  transcription jobs (on requested tasks); added to a practice seeded before they existed, on
  its next run.

On PostgreSQL the large tables go in with ``COPY`` (as the tables' owner, the practice
policies lifted for the load only), the rest with ``bulk_create``; on SQLite everything with
``bulk_create``. Then ``VACUUM ANALYZE`` (every run, the practice seeded or found).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone

from billing.ledger.books import book_create
from billing.models import Account, Book, Invoice, InvoiceStatus, JournalEntry, JournalLine
from clients.models import Client, Contact, CoverageWindow, Engagement, ServiceCategory
from documents.models import Composition, CompositionVersion, Document
from secretary import rls
from secretary.models import ActivityEvent, Membership, Practice, Role, User
from secretary.tenancy import practice_scope
from tasks.models import (
    CalendarEvent,
    ChecklistItem,
    Comment,
    Priority,
    Status,
    Task,
    TimeEntry,
)

PASSWORD = "bench-password-123"
CLIENTS_PER_SECRETARY = 30
ZONES = ("America/Los_Angeles", "Australia/Sydney", "Europe/London")
STATUSES = (Status.REQUESTED, Status.TODO, Status.IN_PROGRESS, Status.WAITING, Status.DONE)


@dataclass
class Seeded:
    practice: Practice
    secretary: User
    contact_user: User
    client_id: int
    task_id: int
    book_id: int


def _user(email: str, name: str, zone: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, PASSWORD)
        user.full_name, user.time_zone = name, zone
        user.save(update_fields=["full_name", "time_zone"])
    return user


def insert(
    model: type[models.Model], rows: list[models.Model], *, copy: bool = True, batch: int = 5000
) -> None:
    """Insert ``rows`` fast: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere (or when the
    table's deferred checks must wait for another table's rows: ``copy=False``)."""
    if not rows:
        return
    if connection.vendor != "postgresql" or not copy:
        model.objects.bulk_create(rows, batch_size=batch)
        return
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        # PostgreSQL refuses COPY FROM into a table under row-level security, even its owner's.
        _alter(cursor, f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
                )
        _alter(cursor, f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def _alter(cursor, sql: str) -> None:
    # A table with deferred checks pending (foreign keys of rows just written) cannot change:
    # run them now, then defer again.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(sql)
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def seed(*, clients: int = 30, tasks: int = 20_000, slug: str | None = None) -> Seeded:
    slug = slug or f"pages-bench-{clients}-{tasks}"
    with rls.owner_role():
        existing = Practice.objects.filter(slug=slug).first()
        if existing is not None:
            seeded = _found(existing)
        else:
            with transaction.atomic():
                seeded = _seed(slug, clients, tasks)
        vacuum_analyze()
    return seeded


def vacuum_analyze() -> None:
    """``VACUUM ANALYZE`` every table of the app: the planner's statistics, and the visibility
    map that index-only scans read (autovacuum keeps both in production; a table loaded a
    moment ago has neither)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")


def _found(practice: Practice) -> Seeded:
    from tasks.calls.models import Call

    with practice_scope(practice):
        if not Call.objects.for_practice(practice).exists():
            with transaction.atomic():
                _front_desk(practice, timezone.now())
        task = Task.objects.for_practice(practice).filter(title="The task page").first()
        contact = Contact.objects.for_practice(practice).filter(membership__isnull=False).first()
        return Seeded(
            practice=practice,
            secretary=User.objects.get(email=f"{practice.slug}-secretary@bench.test"),
            contact_user=contact.membership.user,
            client_id=task.client_id,
            task_id=task.pk,
            book_id=Book.objects.for_practice(practice).get().pk,
        )


def _seed(slug: str, n_clients: int, n_tasks: int) -> Seeded:
    practice = Practice.objects.create(
        name=f"Bench Desk {n_clients}", slug=slug, time_zone="Australia/Sydney", currency="AUD"
    )
    other = Practice.objects.create(
        name=f"Bench Other {n_clients}", slug=f"{slug}-other", time_zone="UTC", currency="USD"
    )
    me_user = _user(f"{slug}-secretary@bench.test", "Bench Secretary", "Australia/Sydney")
    staff = [Membership.objects.create(practice=practice, user=me_user, role=Role.SECRETARY)]
    Membership.objects.create(practice=other, user=me_user, role=Role.SECRETARY)
    for n in range(1, max(1, n_clients // CLIENTS_PER_SECRETARY)):
        user = _user(f"{slug}-staff{n}@bench.test", f"Staff {n}", "UTC")
        staff.append(Membership.objects.create(practice=practice, user=user, role=Role.SECRETARY))
    me = staff[0]
    now = timezone.now()
    categories = ServiceCategory.objects.bulk_create(
        [
            ServiceCategory(practice=practice, name=f"Service {n}", slug=f"service-{n}")
            for n in range(5)
        ]
    )
    clients = Client.objects.bulk_create(
        [
            Client(
                practice=practice,
                name=f"Client {n:04d}",
                time_zone=ZONES[n % len(ZONES)],
                currency="AUD",
                primary_secretary=staff[n % len(staff)],
            )
            for n in range(n_clients)
        ]
    )
    engagements = Engagement.objects.bulk_create(
        [
            Engagement(
                practice=practice,
                client=client,
                status="active",
                currency="AUD",
                included_hours=40,
                monthly_fee=Decimal("1000.00"),
                start_date=(now - timedelta(days=90)).date(),
                coverage_time_zone="Australia/Sydney",
            )
            for client in clients
        ]
    )
    CoverageWindow.objects.bulk_create(
        [
            CoverageWindow(practice=practice, engagement=e, weekday=d, start=time(9), end=time(17))
            for e in engagements
            for d in range(5)
        ]
    )
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                practice=practice,
                client=client,
                name=f"Contact {k} of {client.name}",
                email=f"{slug}-c{client.pk}-{k}@bench.test",
                is_primary=k == 0,
                portal_billing=True,
            )
            for client in clients
            for k in range(2)
        ]
    )
    contact_user = _user(f"{slug}-contact@bench.test", "Bench Contact", "America/Los_Angeles")
    contact_membership = Membership.objects.create(
        practice=practice, user=contact_user, role=Role.CLIENT
    )
    Contact.objects.for_practice(practice).filter(pk=contacts[0].pk).update(
        membership=contact_membership
    )

    # A task's attributes cycle with its rank among its client's tasks (``k``), not with ``n``
    # itself: with ``n`` every client would get one status and one kind of assignment.
    rows = []
    for n in range(n_tasks):
        client, k = clients[n % n_clients], n // n_clients
        rows.append(
            Task(
                practice=practice,
                client=client,
                title=f"Task {n}",
                status=STATUSES[k % len(STATUSES)],
                priority=Priority.NORMAL + k % 3,
                category=categories[k % 5] if k % 4 else None,
                assignee=client.primary_secretary if k % 3 else None,
                client_visible=k % 4 != 0,
                source="portal" if k % 2 else "staff",
                due_at=now + timedelta(hours=(n % 400) - 100),
                created_at=now - timedelta(days=n % 60, minutes=n % 1440),
                sla_due_at=now + timedelta(hours=(n % 50) - 10) if k % 2 else None,
                responded_at=now - timedelta(hours=1) if k % 10 == 1 else None,
                completed_at=now - timedelta(days=1) if k % 5 == 4 else None,
            )
        )
    insert(Task, rows)
    # The task page: an open task of the first client, assigned to the measured secretary.
    page_task = Task.objects.create(
        practice=practice,
        client=clients[0],
        title="The task page",
        status=Status.IN_PROGRESS,
        assignee=me,
        category=categories[0],
        due_at=now + timedelta(days=2),
        sla_due_at=now + timedelta(hours=4),
    )
    task_rows = list(
        Task.objects.for_practice(practice)
        .order_by("pk")
        .values_list("pk", "client_id", "assignee_id")[: n_tasks // 10]
    )
    by_client = {client.pk: client for client in clients}
    insert(
        TimeEntry,
        [
            TimeEntry(
                practice=practice,
                task_id=task_id,
                client_id=client_id,
                membership_id=assignee_id or by_client[client_id].primary_secretary_id,
                started_at=now - timedelta(days=i % 30, hours=2),
                ended_at=now - timedelta(days=i % 30, hours=1, minutes=30),
                minutes=30,
                manual=True,
            )
            for i, (task_id, client_id, assignee_id) in enumerate(task_rows)
        ],
    )
    # Spread evenly over a hundred days either side of now, so the calendar's upcoming list
    # is full at every size.
    n_events = n_tasks // 10
    offset = [timedelta(hours=n * 4800 // n_events - 2400) for n in range(n_events)]
    insert(
        CalendarEvent,
        [
            CalendarEvent(
                practice=practice,
                client=clients[n % n_clients],
                secretary=clients[n % n_clients].primary_secretary if n % 2 else None,
                kind="call",
                title=f"Call {n}",
                starts_at=now + offset[n],
                ends_at=now + offset[n] + timedelta(minutes=45),
                time_zone=clients[n % n_clients].time_zone,
            )
            for n in range(n_events)
        ],
    )
    _task_page(practice, page_task, me, now)
    _billing(practice, clients, engagements, me_user, n_tasks, now)
    book = _books(practice, clients[0], n_tasks, now)
    _documents(practice, clients, me_user, n_tasks, now)
    _front_desk(practice, now)
    return Seeded(
        practice=practice,
        secretary=me_user,
        contact_user=contact_user,
        client_id=clients[0].pk,
        task_id=page_task.pk,
        book_id=book.pk,
    )


def _task_page(practice, task, me, now) -> None:
    Comment.objects.bulk_create(
        [
            Comment(
                practice=practice,
                task=task,
                author=me.user,
                author_membership=me,
                body=f"Comment {n} on the task.",
                internal=n % 2 == 0,
                created_at=now - timedelta(hours=20 - n),
            )
            for n in range(10)
        ]
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(practice=practice, task=task, text=f"Step {n}", position=n)
            for n in range(6)
        ]
    )
    ActivityEvent.objects.bulk_create(
        [
            ActivityEvent(
                practice=practice,
                actor=me.user,
                verb="task.updated",
                target_type="tasks.task",
                target_id=str(task.pk),
                target_repr=task.title,
                created_at=now - timedelta(hours=n),
            )
            for n in range(12)
        ]
    )
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(
                practice=practice,
                task=task,
                client=task.client,
                membership=me,
                started_at=now - timedelta(days=n, hours=3),
                ended_at=now - timedelta(days=n, hours=2),
                minutes=60,
                manual=True,
            )
            for n in range(5)
        ]
    )


def _billing(practice, clients, engagements, user, n_tasks, now) -> None:
    statuses = (InvoiceStatus.DRAFT, InvoiceStatus.SENT, InvoiceStatus.PAID, InvoiceStatus.SENT)
    rows = []
    for n in range(n_tasks // 20):
        status = statuses[n % len(statuses)]
        issued = status != InvoiceStatus.DRAFT
        day = (now - timedelta(days=n % 700)).date()
        rows.append(
            Invoice(
                practice=practice,
                client=clients[n % len(clients)],
                engagement=engagements[n % len(clients)],
                status=status,
                currency="AUD",
                number=f"INV-{n:06d}" if issued else "",
                issue_date=day if issued else None,
                due_date=day + timedelta(days=14) if issued else None,
                subtotal=Decimal("1000.00"),
                tax_total=Decimal("100.00"),
                total=Decimal("1100.00"),
                amount_paid=Decimal("1100.00") if status == InvoiceStatus.PAID else Decimal(0),
                bill_to_name=clients[n % len(clients)].name,
                created_by=user,
                issued_by=user if issued else None,
                issued_at=now if issued else None,
            )
        )
    insert(Invoice, rows)


def _books(practice, client, n_tasks, now) -> Book:
    """A client's books (a secretary keeps them; the practice's own need an admin)."""
    with practice_scope(practice):
        book = book_create(
            practice=practice, name=f"Books of {client.name}", chart="us_service", client=client
        )
    accounts = list(Account.objects.for_practice(practice).filter(book=book).order_by("code"))
    entries = max(2, n_tasks // 10)
    first = date(now.year - 2, 1, 1)
    insert(
        JournalEntry,
        [
            JournalEntry(
                practice=practice,
                book=book,
                number=n + 1,
                date=first + timedelta(days=n % 700),
                memo=f"Bench entry {n}",
                source="manual",
                status="posted",
                posted_at=now,
            )
            for n in range(entries)
        ],
        copy=False,  # each entry's balance is checked at commit, once its lines are in
    )
    lines = []
    for n, (entry_id, day) in enumerate(
        JournalEntry.objects.for_practice(practice)
        .filter(book=book)
        .order_by("number")
        .values_list("pk", "date")
    ):
        amount = Decimal((n % 1000) + 1) / 4
        debit, credit = accounts[n % len(accounts)], accounts[(n * 7 + 3) % len(accounts)]
        for position, (account, dr, cr) in enumerate(
            ((debit, amount, Decimal(0)), (credit, Decimal(0), amount))
        ):
            lines.append(
                JournalLine(
                    practice=practice,
                    entry_id=entry_id,
                    book=book,
                    account=account,
                    date=day,
                    posted=True,
                    debit=dr,
                    credit=cr,
                    position=position,
                )
            )
    insert(JournalLine, lines, copy=False)
    Book.objects.for_practice(practice).filter(pk=book.pk).update(next_entry_number=entries + 1)
    return book


def _documents(practice, clients, user, n_tasks, now) -> None:
    kinds = ("letter", "newsletter", "brochure", "flier")
    insert(
        Document,
        [
            Document(
                practice=practice,
                client=clients[n % len(clients)],
                kind=kinds[n % len(kinds)],
                title=f"Document {n}",
                template_version="bench",
                render_key=hashlib.sha256(f"{practice.slug}-{n}".encode()).hexdigest(),
                status="ready",
                file=f"documents/bench/{n}.pdf",
                size=120_000 + n,
                page_count=1 + n % 4,
                checksum="0" * 64,
                created_by=user,
                rendered_at=now,
            )
            for n in range(n_tasks // 20)
        ],
    )
    count = max(1, n_tasks // 40)
    insert(
        Composition,
        [
            Composition(
                practice=practice,
                client=clients[n % len(clients)],
                kind=kinds[n % len(kinds)],
                title=f"Composition {n}",
                paper="a4",
                status="draft",
                created_by=user,
            )
            for n in range(count)
        ],
    )
    insert(
        CompositionVersion,
        [
            CompositionVersion(
                practice=practice,
                composition_id=composition_id,
                number=number,
                content={"blocks": [], "fields": {}},
                content_hash=hashlib.sha256(f"{composition_id}-{number}".encode()).hexdigest(),
                created_by=user,
            )
            for composition_id in Composition.objects.for_practice(practice).values_list(
                "pk", flat=True
            )
            for number in (1, 2)
        ],
    )


def _front_desk(practice, now) -> None:
    """Calls, held and ignored emails and transcription jobs, in proportion to
    the practice's tasks (the measured secretary takes the calls)."""
    from tasks.calls.models import Call, Urgency
    from tasks.inbound.models import InboundMessage, InboundStatus
    from tasks.transcription.models import TranscriptionJob, Turnaround

    me_user = User.objects.get(email=f"{practice.slug}-secretary@bench.test")
    me = Membership.objects.for_practice(practice).get(user=me_user)
    clients = list(Client.objects.for_practice(practice).order_by("pk"))
    contacts = {c.client_id: c for c in Contact.objects.for_practice(practice).order_by("-pk")}
    n_tasks = Task.objects.for_practice(practice).count()
    tasks = list(
        Task.objects.for_practice(practice)
        .order_by("pk")
        .values_list("pk", "client_id")[: max(1, n_tasks // 20)]
    )
    insert(
        Call,
        [
            Call(
                practice=practice,
                client_id=client_id,
                received_at=now - timedelta(minutes=37 * n),
                caller_name=f"Caller {n}",
                caller_number=f"+61 2 5550 {n % 10000:04d}",
                caller_company=f"Company {n % 97}",
                reason="Asks about the invoice" if n % 3 else "Wants a call back",
                message="Please call back before noon" if n % 5 == 0 else "",
                message_for_contact=contacts.get(client_id) if n % 5 == 0 else None,
                message_to_client=n % 5 == 0,
                urgency=Urgency.URGENT if n % 7 == 0 else Urgency.NORMAL,
                follow_up=n % 10 == 0,
                task_id=task_id if n % 10 == 0 else None,
                duration_minutes=3 + n % 12,
                taken_by=me,
                taken_by_name="Bench Secretary",
            )
            for n, (task_id, client_id) in enumerate(tasks)
        ],
    )
    held = max(1, n_tasks // 200)
    insert(
        InboundMessage,
        [
            InboundMessage(
                practice=practice,
                client=clients[n % len(clients)],
                message_id=f"<held-{n}@sender.example>",
                status=InboundStatus.QUARANTINED if n < held else InboundStatus.IGNORED,
                reason="Unknown sender" if n < held else "Auto-Submitted: auto-replied",
                channel="mailgun",
                sender_email=f"sender{n}@sender.example",
                sender_name=f"Sender {n}",
                subject=f"Question number {n}",
                received_at=now - timedelta(hours=n),
            )
            for n in range(2 * held)
        ],
    )
    requested = list(
        Task.objects.for_practice(practice)
        .filter(status=Status.REQUESTED)
        .order_by("-pk")
        .values_list("pk", "client_id")[:held]
    )
    insert(
        TranscriptionJob,
        [
            TranscriptionJob(
                practice=practice,
                task_id=task_id,
                client_id=client_id,
                audio=f"transcription/{practice.pk}/bench-{n}.mp3",
                audio_name=f"dictation-{n}.mp3",
                audio_type="audio/mpeg",
                audio_size=1_000_000 + n,
                duration_seconds=Decimal(60 + n % 900),
                turnaround=(Turnaround.choices[n % len(Turnaround.choices)][0]),
                submitted_by=me,
                created_at=now - timedelta(hours=n),
            )
            for n, (task_id, client_id) in enumerate(requested)
        ],
    )
