"""Services: the SLA clock on real tasks, breaches, recurring rules, regulated clients, usage."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from clients.models import ConfidentialityAgreement
from clients.usage import period_usage
from secretary.errors import ApplicationError
from secretary.models import ActivityEvent
from tasks import services, timekeeping
from tasks.models import NotificationPreference, Source, Status, Task, TaskTemplate
from tasks.tasks import create_recurring_tasks, notify_sla_breach
from tests.tasks.factories import (
    AttachmentFactory,
    ClientFactory,
    CommentFactory,
    EngagementFactory,
    RecurringTaskFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db
SYDNEY = ZoneInfo("Australia/Sydney")


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_it_computes_the_response_due_time_from_the_engagement(world, desk):
    # Given a request on Friday 16:30 Sydney time, 2-hour target, Mon-Fri 09:00-17:00 Sydney
    with at(datetime(2025, 3, 14, 16, 30, tzinfo=SYDNEY)):
        task = services.task_request_submit(
            practice=world.practice,
            contact=desk.contact,
            membership=world.client_contact,
            subject="Visa",
        )
    # Then the response is due on Monday 10:30 Sydney time
    assert task.sla_due_at == datetime(2025, 3, 17, 10, 30, tzinfo=SYDNEY)


def test_it_marks_the_friday_request_late_only_after_monday_1030_sydney(
    world, desk, django_capture_on_commit_callbacks
):
    # Given the spec's request: Friday 16:30 Sydney, 2-hour target, Mon-Fri 09:00-17:00
    with at(datetime(2025, 3, 14, 16, 30, tzinfo=SYDNEY)):
        task = services.task_request_submit(
            practice=world.practice,
            contact=desk.contact,
            membership=world.client_contact,
            subject="Visa",
        )
    with django_capture_on_commit_callbacks(execute=True):
        # When the beat job runs over the weekend and just before 10:30 on Monday
        for moment in (
            datetime(2025, 3, 15, 12, 0, tzinfo=SYDNEY),
            datetime(2025, 3, 17, 10, 29, tzinfo=SYDNEY),
        ):
            # Then nothing is late
            assert services.sla_breaches_mark(practice=world.practice, now=moment) == []
        # And just after, the request is late and its assignee told once
        late = datetime(2025, 3, 17, 10, 31, tzinfo=SYDNEY)
        assert services.sla_breaches_mark(practice=world.practice, now=late) == [task.pk]
    assert [m.subject for m in mail.outbox if "Response time missed" in m.subject] == [
        "Response time missed: Visa"
    ]


def test_it_recomputes_the_response_time_when_a_request_moves_to_another_client(world, desk):
    # Given the Friday request, received by email and filed under the wrong client (a portal
    # request cannot be misfiled: it comes from the client's own contact)
    moment = datetime(2025, 3, 14, 16, 30, tzinfo=SYDNEY)
    with at(moment):
        task = services.task_create(
            practice=world.practice,
            actor=world.secretary,
            client=desk.client,
            title="Visa",
            source=Source.EMAIL,
            status=Status.REQUESTED,
            created_at=moment,
        )
    on_call = ClientFactory(practice=world.practice, name="Nightjar")
    EngagementFactory(
        practice=world.practice, client=on_call, on_call=True, response_target_hours=1, windows=[]
    )
    # When it moves to a client with 24/7 cover and a 1-hour target
    task = services.task_update(
        practice=world.practice, actor=world.secretary, task=task, client=on_call
    )
    # Then its response is due an hour after it was sent
    assert task.sla_due_at == datetime(2025, 3, 14, 17, 30, tzinfo=SYDNEY)


@pytest.mark.parametrize("history", ["portal", "reply", "client_reply", "attachment"])
def test_it_keeps_a_task_with_client_visible_history_with_its_client(world, desk, history):
    # Given a task whose history the client has seen: its own portal request, a reply to it,
    # its own reply, or a file it may download
    if history == "portal":
        task = services.task_request_submit(
            practice=world.practice,
            contact=desk.contact,
            membership=world.client_contact,
            subject="Visa",
        )
    else:
        task = TaskFactory(practice=world.practice, client=desk.client, source=Source.STAFF)
        if history == "attachment":
            AttachmentFactory(practice=world.practice, task=task)
        else:
            CommentFactory(
                practice=world.practice,
                task=task,
                body="Passport attached",
                from_client=history == "client_reply",
            )
    other = ClientFactory(practice=world.practice, name="Nightjar")
    # When staff move it to another client
    with pytest.raises(ApplicationError) as refused:
        services.task_update(
            practice=world.practice, actor=world.secretary, task=task, client=other
        )
    # Then the move is refused with the reason, on the client field
    assert "client" in refused.value.errors
    assert "cannot change" in refused.value.message
    task.refresh_from_db()
    assert task.client == desk.client


def test_it_moves_a_task_whose_history_the_client_has_not_seen(world, desk):
    # Given a staff task with only an internal note and an internal file
    task = TaskFactory(practice=world.practice, client=desk.client, source=Source.STAFF)
    CommentFactory(practice=world.practice, task=task, body="Call them", internal=True)
    AttachmentFactory(practice=world.practice, task=task, internal=True)
    other = ClientFactory(practice=world.practice, name="Nightjar")
    # When it moves to another client
    services.task_update(practice=world.practice, actor=world.secretary, task=task, client=other)
    # Then it belongs to that client
    task.refresh_from_db()
    assert task.client == other


def test_it_pauses_the_clock_while_waiting_on_the_client(world, desk):
    with at(datetime(2025, 3, 17, 9, 0, tzinfo=SYDNEY)):
        task = services.task_request_submit(
            practice=world.practice,
            contact=desk.contact,
            membership=world.client_contact,
            subject="Visa",
        )
    assert task.sla_due_at == datetime(2025, 3, 17, 11, 0, tzinfo=SYDNEY)
    with at(datetime(2025, 3, 17, 10, 0, tzinfo=SYDNEY)):
        services.task_transition(
            practice=world.practice, actor=world.secretary, task=task, status=Status.WAITING
        )
    with at(datetime(2025, 3, 17, 15, 0, tzinfo=SYDNEY)):
        task = services.task_transition(
            practice=world.practice, actor=world.secretary, task=task, status=Status.IN_PROGRESS
        )
    # Five hours waiting moved the due time by five hours
    assert task.sla_due_at == datetime(2025, 3, 17, 16, 0, tzinfo=SYDNEY)
    assert task.sla_paused_since is None and len(task.sla_pauses) == 1


def test_it_stops_waiting_and_resumes_the_clock_when_the_client_answers(world, desk):
    # Given a request put on hold at 10:00 Monday to wait for the client
    with at(datetime(2025, 3, 17, 9, 0, tzinfo=SYDNEY)):
        task = services.task_request_submit(
            practice=world.practice,
            contact=desk.contact,
            membership=world.client_contact,
            subject="Which hotel?",
        )
    with at(datetime(2025, 3, 17, 10, 0, tzinfo=SYDNEY)):
        services.task_transition(
            practice=world.practice, actor=world.secretary, task=task, status=Status.WAITING
        )
    # When the client answers at 14:00
    with at(datetime(2025, 3, 17, 14, 0, tzinfo=SYDNEY)):
        services.comment_add(
            practice=world.practice, author=world.client_contact, task=task, body="The Park one"
        )
    # Then the task is back in progress, the four hours waited do not count, and the history
    # says so
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS and task.sla_paused_since is None
    assert task.sla_due_at == datetime(2025, 3, 17, 15, 0, tzinfo=SYDNEY)
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="task.status_changed", actor=world.client_contact.user)
        .exists()
    )


def test_it_stops_the_clock_at_the_first_reply_to_the_client(world, desk):
    task = services.task_request_submit(
        practice=world.practice,
        contact=desk.contact,
        membership=world.client_contact,
        subject="Visa",
    )
    services.comment_add(
        practice=world.practice, author=world.secretary, task=task, body="Internal", internal=True
    )
    task.refresh_from_db()
    assert task.responded_at is None
    services.comment_add(practice=world.practice, author=world.secretary, task=task, body="On it")
    task.refresh_from_db()
    assert task.responded_at is not None and task.sla_state in {"met", "late"}


def test_it_marks_a_breach_and_notifies_the_assignee_once(
    world, desk, django_capture_on_commit_callbacks
):
    late = TaskFactory(
        practice=world.practice,
        client=desk.client,
        assignee=world.secretary,
        source="portal",
        sla_due_at=datetime(2025, 1, 1, tzinfo=SYDNEY),
    )
    TaskFactory(
        practice=world.practice,
        client=desk.client,
        status=Status.WAITING,
        sla_due_at=datetime(2025, 1, 1, tzinfo=SYDNEY),
        sla_paused_since=datetime(2024, 12, 31, tzinfo=SYDNEY),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sla_breaches_mark(practice=world.practice) == [late.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sla_breaches_mark(practice=world.practice) == []
    assert notify_sla_breach(practice_id=world.practice.pk, task_id=late.pk) is False
    assert [m.to for m in mail.outbox] == [["secretary@harbour.test"]]
    late.refresh_from_db()
    assert late.sla_breached_at and late.sla_notified_at and late.sla_state == "breached"


def test_it_respects_notification_preferences(world, desk, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(
        practice=world.practice, membership=world.secretary, on_assignment=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.task_create(
            practice=world.practice,
            actor=world.owner,
            client=desk.client,
            title="Quiet",
            assignee=world.secretary,
        )
        services.task_create(
            practice=world.practice,
            actor=world.owner,
            client=desk.client,
            title="Loud",
            assignee=world.admin,
        )
    assert [m.to for m in mail.outbox] == [["admin@harbour.test"]]


def test_it_creates_each_recurring_occurrence_once(world, desk, django_capture_on_commit_callbacks):
    # Given a weekly newsletter on Mondays and a monthly close on the 31st
    weekly = RecurringTaskFactory(
        practice=world.practice,
        client=desk.client,
        weekday=0,
        start_date=date(2025, 3, 1),
        lead_days=0,
    )
    monthly = RecurringTaskFactory(
        practice=world.practice,
        client=desk.client,
        title="Close the books",
        frequency="monthly",
        weekday=None,
        month_day=31,
        start_date=date(2025, 1, 1),
        lead_days=3,
    )
    RecurringTaskFactory._meta.model.objects.for_practice(world.practice).update(
        created_at=datetime(2025, 3, 2, tzinfo=SYDNEY)
    )
    now = datetime(2025, 3, 31, 8, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    # When beat runs twice, and again a week later
    with at(now):
        first = services.recurring_tasks_run(practice=world.practice)
        again = services.recurring_tasks_run(practice=world.practice)
    with at(now + timedelta(days=7)):
        create_recurring_tasks()
    # Then every occurrence exists exactly once
    dates = sorted(
        Task.objects.for_practice(world.practice)
        .filter(recurrence=weekly)
        .values_list("occurrence_date", flat=True)
    )
    assert dates == [
        date(2025, 3, 3),
        date(2025, 3, 10),
        date(2025, 3, 17),
        date(2025, 3, 24),
        date(2025, 3, 31),
        date(2025, 4, 7),
    ]
    assert [t.occurrence_date for t in first if t.recurrence_id == monthly.pk] == [
        date(2025, 3, 31)
    ]
    assert again == []
    task = Task.objects.for_practice(world.practice).get(
        recurrence=weekly, occurrence_date=date(2025, 4, 7)
    )
    assert task.due_at.astimezone(ZoneInfo("America/Los_Angeles")).time() == time(17, 0)
    # And the database refuses a second row for the same occurrence
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(
            practice=world.practice,
            client=desk.client,
            title="dup",
            recurrence=weekly,
            occurrence_date=date(2025, 3, 3),
        )


def test_it_assigns_a_regulated_clients_task_only_to_members_with_an_agreement(world, desk):
    desk.client.is_regulated = True
    desk.client.save()
    task = TaskFactory(practice=world.practice, client=desk.client)
    with pytest.raises(ApplicationError) as error:
        services.task_assign(
            practice=world.practice, actor=world.owner, task=task, assignee=world.admin
        )
    assert "assignee" in error.value.errors
    ConfidentialityAgreement.objects.create(
        practice=world.practice,
        client=desk.client,
        membership=world.admin,
        kind=desk.client.required_agreement_kind,
        signed_on=date(2025, 1, 1),
    )
    task = services.task_assign(
        practice=world.practice, actor=world.owner, task=task, assignee=world.admin
    )
    assert task.assignee_id == world.admin.pk


def test_it_lets_only_members_with_an_agreement_log_time_on_a_regulated_client(world, desk):
    desk.client.is_regulated = True
    desk.client.save()
    task = TaskFactory(practice=world.practice, client=desk.client)
    today = datetime.now(SYDNEY).date()
    for log in (
        lambda: timekeeping.timer_start(practice=world.practice, membership=world.admin, task=task),
        lambda: timekeeping.time_entry_add(
            practice=world.practice, membership=world.admin, task=task, day=today, minutes=30
        ),
    ):
        with pytest.raises(ApplicationError) as error:
            log()
        assert "confidentiality agreement" in error.value.message
    assert not task.time_entries.exists()


def test_it_feeds_billable_minutes_to_usage_and_checks_the_alert(
    world, desk, django_capture_on_commit_callbacks
):
    task = TaskFactory(practice=world.practice, client=desk.client)
    today = datetime.now(SYDNEY).date()
    with (
        mock.patch("clients.tasks.check_usage_alert.apply_async") as alert,
        django_capture_on_commit_callbacks(execute=True),
    ):
        timekeeping.time_entry_add(
            practice=world.practice, membership=world.secretary, task=task, day=today, minutes=90
        )
        timekeeping.time_entry_add(
            practice=world.practice,
            membership=world.secretary,
            task=task,
            day=today,
            minutes=30,
            billable=False,
        )
    assert alert.call_args.kwargs["kwargs"] == {
        "practice_id": world.practice.pk,
        "client_id": desk.client.pk,
    }
    assert period_usage(engagement=desk.engagement).used_hours == Decimal("1.50")


def test_it_refuses_time_in_a_closed_period(world, desk):
    task = TaskFactory(practice=world.practice, client=desk.client)
    with pytest.raises(ApplicationError) as error:
        timekeeping.time_entry_add(
            practice=world.practice,
            membership=world.secretary,
            task=task,
            day=date(2020, 1, 1),
            minutes=30,
        )
    assert "closed period" in error.value.message


def test_it_refuses_a_timer_that_ran_over_a_day(world, desk):
    task = TaskFactory(practice=world.practice, client=desk.client)
    entry = timekeeping.timer_start(practice=world.practice, membership=world.secretary, task=task)
    with pytest.raises(ApplicationError):
        timekeeping.timer_stop(
            practice=world.practice,
            membership=world.secretary,
            entry=entry,
            now=entry.started_at + timedelta(hours=25),
        )
    timekeeping.timer_discard(practice=world.practice, membership=world.secretary, entry=entry)
    assert not task.time_entries.exists()


def test_it_seeds_default_templates_once_and_links_services(world):
    # Given the services every practice starts with (seeded by the clients app)
    created = services.task_templates_seed(practice=world.practice)
    assert len(created) == 5
    assert services.task_templates_seed(practice=world.practice) == []
    template = TaskTemplate.objects.for_practice(world.practice).get(name="Travel booking")
    assert template.category.slug == "travel"
    cards = TaskTemplate.objects.for_practice(world.practice).get(name="Business-card order")
    assert cards.category.slug == "supplies"
    assert template.checklist == ["Flights", "Hotel", "Ground transport", "Itinerary sent"]


def test_it_does_not_email_members_who_assign_work_to_themselves(
    world, desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.task_create(
            practice=world.practice,
            actor=world.secretary,
            client=desk.client,
            title="Mine",
            assignee=world.secretary,
        )
    assert mail.outbox == []


def test_it_writes_plain_emails_unescaped_with_the_clients_zone_beside(
    world, desk, django_capture_on_commit_callbacks
):
    # Given a secretary in UTC and a client in Los Angeles
    due = datetime(2030, 7, 1, 16, 0, tzinfo=ZoneInfo("UTC"))
    with django_capture_on_commit_callbacks(execute=True):
        task = services.task_create(
            practice=world.practice,
            actor=world.owner,
            client=desk.client,
            title="O'Brien & Sons' renewal",
            assignee=world.secretary,
            due_at=due,
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(
            practice=world.practice,
            author=world.secretary,
            task=task,
            body="It's booked: <QF25> & seat 31C.",
        )
    assignment, reply = mail.outbox
    # Then the text reads as written, not as HTML
    assert assignment.subject == "Assigned to you: O'Brien & Sons' renewal (Northwind Legal)"
    assert "&#x27;" not in assignment.body and "&amp;" not in reply.body
    assert "It's booked: <QF25> & seat 31C." in reply.body
    assert reply.subject.endswith("replied: O'Brien & Sons' renewal")
    # And the due time is in the assignee's zone with the client's beside it
    assert "Due: Mon 1 Jul 2030 16:00 UTC (Mon 1 Jul 09:00 PDT, America/Los_Angeles)" in (
        assignment.body
    )


def test_it_puts_the_breach_and_recurring_sweeps_on_the_beat_schedule():
    from secretary.celery import app
    from tasks.tasks import mark_sla_breaches

    schedule = app.conf.beat_schedule
    jobs = {entry["task"] for entry in schedule.values()}
    assert {mark_sla_breaches.name, create_recurring_tasks.name} <= jobs
    assert {mark_sla_breaches.name, create_recurring_tasks.name} <= set(app.tasks.keys())
