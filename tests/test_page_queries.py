"""Every page measured in ``bench/pages.py`` costs the same number of queries whatever the
practice holds: a page grown from a few rows of each kind to many runs exactly the queries it
ran before (no query per row, no query per task, client, entry or document).

(The dashboard and the task list have their own test at 10 and 500 tasks in
``tests/tasks/test_views.py``; here they are measured with every other kind of row too.)
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.ledger.books import book_create
from billing.models import Account, Invoice, JournalEntry, JournalLine
from documents.models import Composition, CompositionVersion, Document
from secretary.models import ActivityEvent
from secretary.tenancy import practice_scope
from tasks.calls.models import Call
from tasks.inbound.models import InboundMessage, InboundStatus
from tasks.models import CalendarEvent, Comment, Status, Task, TimeEntry
from tests.conftest import client_for
from tests.tasks.factories import ClientFactory, ContactFactory, EngagementFactory, TaskFactory

pytestmark = pytest.mark.django_db

STATUSES = [Status.REQUESTED, Status.TODO, Status.IN_PROGRESS, Status.WAITING, Status.DONE]


@pytest.fixture
def office(world):
    """Two clients of the secretary (the first one's contact signs in to the portal), the
    first one's books, and the task whose page is measured."""
    clients = [
        ClientFactory(
            practice=world.practice, name=name, time_zone=zone, primary_secretary=world.secretary
        )
        for name, zone in (("Northwind Legal", "America/Los_Angeles"), ("Acme", "Europe/London"))
    ]
    for client in clients:
        EngagementFactory(practice=world.practice, client=client)
    ContactFactory(
        practice=world.practice,
        client=clients[0],
        membership=world.client_contact,
        email="contact@client.test",
        portal_billing=True,
    )
    with practice_scope(world.practice):
        book = book_create(
            practice=world.practice, name="Northwind books", chart="us_service", client=clients[0]
        )
    task = TaskFactory(
        practice=world.practice, client=clients[0], title="The task", assignee=world.secretary
    )
    return {"clients": clients, "book": book, "task": task}


def grow(world, office, count: int, start: int) -> None:
    """``count`` more rows of every kind the pages list: tasks in every status (assigned or
    not, late or not), their time and events, comments and history of the measured task,
    invoices, journal entries with their lines, documents and composed documents, calls (a
    message, a follow-up task) and held or ignored emails."""
    practice, clients, now = world.practice, office["clients"], timezone.now()
    numbers = range(start, start + count)
    tasks = Task.objects.bulk_create(
        [
            Task(
                practice=practice,
                client=clients[n % 2],
                title=f"Bulk {n}",
                status=STATUSES[n % 5],
                assignee=world.secretary if n % 3 else None,
                due_at=now + timedelta(hours=n % 48 - 24),
                sla_due_at=now + timedelta(hours=n % 7 - 3) if n % 2 else None,
                source="portal" if n % 2 else "staff",
            )
            for n in numbers
        ]
    )
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(
                practice=practice,
                task=task,
                client=task.client,
                membership=world.secretary,
                started_at=now - timedelta(hours=2 + n % 30),
                ended_at=now - timedelta(hours=1 + n % 30),
                minutes=15 + n % 45,
                manual=True,
            )
            for n, task in zip(numbers, tasks, strict=True)
        ]
    )
    CalendarEvent.objects.bulk_create(
        [
            CalendarEvent(
                practice=practice,
                client=clients[n % 2],
                secretary=world.secretary if n % 2 else None,
                title=f"Call {n}",
                starts_at=now + timedelta(hours=n % 40 - 4),
                ends_at=now + timedelta(hours=n % 40 - 3),
                time_zone="Australia/Sydney",
            )
            for n in numbers
        ]
    )
    measured = office["task"]
    Comment.objects.bulk_create(
        [
            Comment(
                practice=practice,
                task=measured,
                author=world.secretary.user,
                body=f"Note {n}",
                internal=n % 2 == 0,
            )
            for n in numbers
        ]
    )
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(
                practice=practice,
                task=measured,
                client=measured.client,
                membership=world.secretary,
                started_at=now - timedelta(days=1, hours=n % 20),
                ended_at=now - timedelta(days=1, hours=n % 20) + timedelta(minutes=20),
                minutes=20,
                manual=True,
            )
            for n in numbers
        ]
    )
    ActivityEvent.objects.bulk_create(
        [
            ActivityEvent(
                practice=practice,
                actor=world.secretary.user,
                verb="task.updated",
                target_type=target_type,
                target_id=str(target_id),
                target_repr="Bulk",
            )
            for n in numbers
            for target_type, target_id in (
                ("tasks.task", measured.pk),
                ("clients.client", clients[0].pk),
            )
        ]
    )
    Invoice.objects.bulk_create(
        [
            Invoice(
                practice=practice,
                client=clients[n % 2],
                status="sent" if n % 2 else "draft",
                number=f"INV-{n:05d}" if n % 2 else "",
                currency="AUD",
                issue_date=date(2026, 1, 1) + timedelta(days=n % 300) if n % 2 else None,
                total=Decimal("110.00"),
            )
            for n in numbers
        ]
    )
    book = office["book"]
    accounts = list(Account.objects.for_practice(practice).filter(book=book).order_by("code")[:4])
    entries = JournalEntry.objects.bulk_create(
        [
            JournalEntry(
                practice=practice,
                book=book,
                date=date(2026, 1, 1) + timedelta(days=n % 300),
                memo=f"Entry {n}",
            )
            for n in numbers
        ]
    )
    JournalLine.objects.bulk_create(
        [
            JournalLine(
                practice=practice,
                entry=entry,
                book=book,
                account=accounts[side + n % 2 * 2],
                date=entry.date,
                debit=Decimal("10.00") if side == 0 else Decimal(0),
                credit=Decimal("10.00") if side == 1 else Decimal(0),
                position=side,
            )
            for n, entry in zip(numbers, entries, strict=True)
            for side in (0, 1)
        ]
    )
    Document.objects.bulk_create(
        [
            Document(
                practice=practice,
                client=clients[n % 2],
                kind="letter",
                title=f"Letter {n}",
                template_version="letter@test",
                render_key=f"{n:064x}",
                status="ready",
                created_by=world.secretary.user,
                size=1000 + n,
                page_count=1,
            )
            for n in numbers
        ]
    )
    compositions = Composition.objects.bulk_create(
        [
            Composition(
                practice=practice,
                client=clients[n % 2],
                kind="letter",
                title=f"Letter {n}",
                paper="a4",
                created_by=world.secretary.user,
            )
            for n in numbers
        ]
    )
    CompositionVersion.objects.bulk_create(
        [
            CompositionVersion(
                practice=practice,
                composition=composition,
                number=1,
                content={"blocks": [], "fields": {}},
                content_hash=f"{composition.pk:064x}",
            )
            for composition in compositions
        ]
    )

    Call.objects.bulk_create(
        [
            Call(
                practice=practice,
                client=clients[n % 2],
                received_at=now - timedelta(minutes=n),
                caller_name=f"Caller {n}",
                message="Call back" if n % 2 else "",
                message_to_client=bool(n % 2),
                follow_up=n % 3 == 0,
                task=tasks[n - start] if n % 3 == 0 else None,
                taken_by=world.secretary,
                taken_by_name="Secretary",
            )
            for n in numbers
        ]
    )
    InboundMessage.objects.bulk_create(
        [
            InboundMessage(
                practice=practice,
                client=clients[n % 2],
                message_id=f"<mail-{n}@sender.test>",
                status=InboundStatus.QUARANTINED if n % 2 else InboundStatus.IGNORED,
                reason="Unknown sender",
                sender_email=f"sender{n}@sender.test",
                subject=f"Mail {n}",
            )
            for n in numbers
        ]
    )


def pages(world, office) -> dict[str, tuple[str, str]]:
    """Each page: (who asks, its address)."""
    slug, book = world.practice.slug, office["book"].pk
    app = lambda name, **kw: reverse(name, kwargs={"practice_slug": slug, **kw})  # noqa: E731
    return {
        "dashboard": ("staff", app("dashboard")),
        "task list": ("staff", app("task_list")),
        "client list": ("staff", app("client_list")),
        "client page": ("staff", app("client_detail", client_id=office["clients"][0].pk)),
        **{
            f"client {tab} tab": (
                "staff",
                app("client_detail", client_id=office["clients"][0].pk) + f"?tab={tab}",
            )
            for tab in CLIENT_TABS
        },
        "calendar month": ("staff", app("event_list") + "?view=month&scope=all"),
        "task page": ("staff", app("task_detail", task_id=office["task"].pk)),
        "calendar": ("staff", app("event_list")),
        "portal home": ("contact", app("portal_home")),
        "portal requests": ("contact", app("portal_request_list")),
        "API task list": ("staff", app("api_task_list")),
        "invoice list": ("staff", app("invoice_list")),
        "book page": ("staff", app("book_detail", book_id=book)),
        "journal list": ("staff", app("journal_list", book_id=book)),
        "document list": ("staff", app("documents")),
        "composed documents": ("staff", app("composition_list")),
        "call list": ("staff", app("call_list")),
        "held email": ("staff", app("inbound_quarantine")),
    }


CLIENT_TABS = ("tasks", "email", "time", "documents", "mailing", "billing", "playbook", "calls")
PAGES = [
    "dashboard",
    "task list",
    "client list",
    "client page",
    *(f"client {tab} tab" for tab in CLIENT_TABS),
    "calendar month",
    "task page",
    "calendar",
    "portal home",
    "portal requests",
    "API task list",
    "invoice list",
    "book page",
    "journal list",
    "document list",
    "composed documents",
    "call list",
    "held email",
]


@pytest.mark.parametrize("name", PAGES)
def test_it_keeps_each_page_s_queries_flat_as_rows_grow(world, office, name):
    who, address = pages(world, office)[name]
    browser = client_for(world.secretary.user if who == "staff" else world.client_contact.user)
    # Given a few rows of every kind, the page costs N queries (caches warmed first)
    grow(world, office, 6, start=0)
    assert browser.get(address).status_code == 200
    with CaptureQueriesContext(connection) as few:
        assert browser.get(address).status_code == 200
    # When the practice holds a hundred times as many
    grow(world, office, 600, start=6)
    with CaptureQueriesContext(connection) as many:
        assert browser.get(address).status_code == 200
    # Then the page costs the same N queries
    assert len(many.captured_queries) == len(few.captured_queries), "\n".join(
        query["sql"][:200] for query in many.captured_queries
    )
