"""Dates are held to the years 1900..2200 on the way in (API, pages, services, filters), and
lists, feeds and pages never fail on a row stored outside them before that rule existed."""

import importlib
from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from secretary.errors import ApplicationError
from tasks import timekeeping
from tasks.models import CalendarEvent, Task, TimeEntry
from tests.tasks.factories import (
    CalendarEventFactory,
    RecurringTaskFactory,
    TaskFactory,
    TimeEntryFactory,
)

pytestmark = pytest.mark.django_db


def api(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def _event_body(desk, starts_at, ends_at):
    return {
        "client": desk.client.pk,
        "title": "Board call",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "time_zone": "Australia/Sydney",
    }


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        ("0001-01-01T00:00:00Z", "0001-01-01T01:00:00Z"),
        ("9999-12-31T22:00:00Z", "9999-12-31T23:00:00Z"),
        ("1899-12-31T10:00:00Z", "2030-01-01T10:00:00Z"),
    ],
)
def test_it_refuses_an_event_outside_the_years_and_saves_nothing(
    world, desk, secretary_client, starts_at, ends_at
):
    # When an event far outside any calendar we keep is sent
    response = secretary_client.post(
        api(world, "api_event_list"),
        _event_body(desk, starts_at, ends_at),
        content_type="application/json",
    )
    # Then it is a field error, and nothing is saved
    assert response.status_code == 400, response.content
    assert "starts_at" in response.json()["errors"]
    assert not CalendarEvent.objects.for_practice(world.practice).exists()
    # ...and the list still answers
    assert secretary_client.get(api(world, "api_event_list")).status_code == 200


def test_it_lists_events_when_stored_rows_lie_outside_the_years(
    world, desk, secretary_client, contact_client
):
    # Given a viewer west of UTC, an event stored in year 1 and one at the end of year 9999
    # (written before the rule, straight to the database), and a real event
    world.secretary.user.time_zone = "America/Los_Angeles"
    world.secretary.user.save()
    CalendarEventFactory(
        client=desk.client,
        secretary=world.secretary,
        title="Year one",
        starts_at=datetime(1, 1, 1, tzinfo=UTC),
        ends_at=datetime(1, 1, 1, 1, tzinfo=UTC),
    )
    CalendarEventFactory(
        client=desk.client,
        secretary=world.secretary,
        title="Year 9999",
        starts_at=datetime(9999, 12, 31, 22, tzinfo=UTC),
        ends_at=datetime(9999, 12, 31, 23, tzinfo=UTC),
    )
    CalendarEventFactory(client=desk.client, secretary=world.secretary, title="Real call")
    # When the events are listed through the API, the ICS feed and the pages
    listed = secretary_client.get(api(world, "api_event_list"))
    contact_listed = contact_client.get(api(world, "api_event_list"))
    ics = secretary_client.get(api(world, "api_calendar_ics"))
    page = secretary_client.get(api(world, "event_list"), {"scope": "all"})
    portal = contact_client.get(api(world, "portal_calendar"))
    # Then every one answers, with the real event
    assert listed.status_code == 200, listed.content
    assert [row["title"] for row in listed.json()["results"]] == ["Real call"]
    assert contact_listed.status_code == 200
    assert ics.status_code == 200 and b"Real call" in ics.content
    assert page.status_code == 200 and "Real call" in page.content.decode()
    assert portal.status_code == 200


def test_it_opens_the_edit_page_of_a_stored_year_one_event(world, desk, secretary_client):
    # Given an event stored in year 1 (before the rule), planned in Los Angeles
    event = CalendarEventFactory(
        client=desk.client,
        starts_at=datetime(1, 1, 1, tzinfo=UTC),
        ends_at=datetime(1, 1, 1, 1, tzinfo=UTC),
        time_zone="America/Los_Angeles",
    )
    # When its edit page is opened
    response = secretary_client.get(api(world, "event_edit", event_id=event.pk))
    # Then it shows (so the event can be corrected or deleted)
    assert response.status_code == 200


@pytest.mark.parametrize("starts_at", ["0001-01-01T00:00", "9999-12-31T23:00"])
def test_it_shows_a_field_error_for_an_event_dated_outside_the_years(
    world, desk, secretary_client, starts_at
):
    # When the event form is sent with a start far outside the calendar
    response = secretary_client.post(
        api(world, "event_new"),
        {
            "client": desk.client.pk,
            "kind": "call",
            "title": "Board call",
            "starts_at": starts_at,
            "ends_at": "2030-03-18T10:00",
            "time_zone": "America/Los_Angeles",
        },
    )
    # Then the form comes back with the error on the start, and nothing is saved
    assert response.status_code == 200
    assert "starts_at" in response.context["form"].errors
    assert not CalendarEvent.objects.for_practice(world.practice).exists()


@pytest.mark.parametrize("due_at", ["9999-12-31T23:59:59Z", "2201-01-01T00:00:00Z"])
def test_it_refuses_a_task_due_outside_the_years(world, desk, secretary_client, due_at):
    # When a task is created due far in the future
    response = secretary_client.post(
        api(world, "api_task_list"),
        {"client": desk.client.pk, "title": "Someday", "due_at": due_at},
        content_type="application/json",
    )
    # Then it is a field error and no task is saved
    assert response.status_code == 400, response.content
    assert "due_at" in response.json()["errors"]
    assert not Task.objects.for_practice(world.practice).exists()


@pytest.mark.parametrize(
    ("name", "parameter"),
    [
        ("api_task_list", "due_after"),
        ("api_event_list", "starts_before"),
        ("api_time_entry_list", "started_after"),
    ],
)
def test_it_refuses_a_date_filter_outside_the_years(world, secretary_client, name, parameter):
    # When a list is filtered from year 1
    response = secretary_client.get(api(world, name), {parameter: "0001-01-01T00:00:00Z"})
    # Then it is a field error in the API's shape
    assert response.status_code == 400
    assert parameter in response.json()["errors"]


def test_it_refuses_a_date_filter_outside_the_years_on_the_task_page(world, secretary_client):
    # When the task page is filtered from year 1
    response = secretary_client.get(api(world, "task_list"), {"due_after": "0001-01-01"})
    # Then the page answers with the error on the filter
    assert response.status_code == 200
    assert "due_after" in response.context["filter"].form.errors


# --- Time entries: one rule for the day, on create and on edit ---------------------------------


def _entry(world, desk, **kwargs):
    task = TaskFactory(client=desk.client)
    return timekeeping.time_entry_add(
        practice=world.practice,
        membership=world.secretary,
        task=task,
        day=kwargs.get("day", timezone.localdate()),
        minutes=kwargs.get("minutes", 60),
    )


@pytest.mark.parametrize("day", ["9999-12-31", "2201-01-01"])
def test_it_refuses_to_move_a_whole_day_entry_outside_the_years(world, desk, secretary_client, day):
    # Given a 24-hour entry of today
    entry = _entry(world, desk, minutes=24 * 60)
    # When it is moved to the last day of year 9999 (or the first of 2201)
    response = secretary_client.patch(
        api(world, "api_time_entry_detail", entry_id=entry.pk),
        {"day": day},
        content_type="application/json",
    )
    # Then it is a field error and the entry is unchanged
    assert response.status_code == 400, response.content
    assert "day" in response.json()["errors"] or "date" in response.json()["errors"]
    before = entry.started_at
    entry.refresh_from_db()
    assert entry.started_at == before


def test_it_refuses_to_move_an_entry_into_the_future_as_it_refuses_to_log_one(
    world, desk, secretary_client
):
    # Given an entry of today
    entry = _entry(world, desk)
    next_week = (timezone.localdate() + timedelta(days=7)).isoformat()
    # When one is logged next week, and the other moved there
    created = secretary_client.post(
        api(world, "api_time_entry_list"),
        {"task": entry.task_id, "minutes": 30, "day": next_week},
        content_type="application/json",
    )
    moved = secretary_client.patch(
        api(world, "api_time_entry_detail", entry_id=entry.pk),
        {"day": next_week},
        content_type="application/json",
    )
    # Then both are refused with the same error on the date
    assert created.status_code == 400 and moved.status_code == 400, moved.content
    assert created.json()["errors"]["date"] == moved.json()["errors"]["date"]
    assert TimeEntry.objects.for_practice(world.practice).count() == 1


def test_it_refuses_a_future_day_in_the_service_itself(world, desk):
    # Given an entry of today
    entry = _entry(world, desk)
    # When the service is asked to move it to year 9999
    with pytest.raises(ApplicationError) as error:
        timekeeping.time_entry_update(
            practice=world.practice, actor=world.secretary, entry=entry, day=date(9999, 12, 31)
        )
    # Then the error names the date
    assert "date" in error.value.errors


def test_it_still_moves_an_entry_within_the_current_period(world, desk, secretary_client):
    # Given an entry of today
    entry = _entry(world, desk)
    today = timezone.localdate()
    # When it is moved to today again (a day within the period)
    response = secretary_client.patch(
        api(world, "api_time_entry_detail", entry_id=entry.pk),
        {"day": today.isoformat(), "minutes": 45},
        content_type="application/json",
    )
    # Then it is saved
    assert response.status_code == 200, response.content
    assert response.json()["minutes"] == 45


# --- Rows stored outside the years before the rule ----------------------------------------------

FAR = datetime(9999, 12, 31, 22, tzinfo=UTC)


def test_it_lists_tasks_and_time_stored_outside_the_years_in_the_api(world, desk, secretary_client):
    # Given a viewer east of UTC, where the end of year 9999 is already year 10000, and a task
    # due then with time logged then (stored before the rule)
    world.secretary.user.time_zone = "Australia/Sydney"
    world.secretary.user.save()
    task = TaskFactory(client=desk.client, title="Far", due_at=FAR)
    TimeEntryFactory(
        task=task, membership=world.secretary, started_at=FAR, ended_at=FAR + timedelta(hours=1)
    )
    # When the tasks and the time entries are listed
    tasks = secretary_client.get(api(world, "api_task_list"))
    entries = secretary_client.get(api(world, "api_time_entry_list"))
    # Then both lists answer, showing the moment in UTC
    assert tasks.status_code == 200, tasks.content
    assert tasks.json()["results"][0]["due_at"].startswith("9999-12-31T22:00:00")
    assert entries.status_code == 200, entries.content
    assert entries.json()["count"] == 1


def test_it_shows_a_task_whose_time_and_events_lie_outside_the_years(world, desk, secretary_client):
    # Given a viewer east of UTC and a task with time and an event stored at the end of 9999
    world.secretary.user.time_zone = "Australia/Sydney"
    world.secretary.user.save()
    task = TaskFactory(client=desk.client, title="Far")
    TimeEntryFactory(
        task=task, membership=world.secretary, started_at=FAR, ended_at=FAR + timedelta(hours=1)
    )
    CalendarEventFactory(
        client=desk.client, task=task, starts_at=FAR, ends_at=FAR + timedelta(hours=1)
    )
    # When the task's page is opened
    response = secretary_client.get(api(world, "task_detail", task_id=task.pk))
    # Then it shows
    assert response.status_code == 200


def test_it_clears_optional_task_dates_stored_outside_the_years():
    migration = importlib.import_module("tasks.migrations.0003_repair_out_of_range_dates")
    # Given a task due in 9999 and wanted by year 1, one due next week, and a rule from 9999
    far = TaskFactory(due_at=FAR, wanted_by=date(1, 1, 1))
    near_due = timezone.now() + timedelta(days=7)
    near = TaskFactory(client=far.client, due_at=near_due)
    rule = RecurringTaskFactory(client=far.client, start_date=date(9999, 1, 1))
    # When the repair runs
    migration.repair(apps, None)
    # Then the far dates are cleared and the rule paused; the near task is untouched
    far.refresh_from_db()
    near.refresh_from_db()
    rule.refresh_from_db()
    assert far.due_at is None and far.wanted_by is None
    assert near.due_at == near_due
    assert rule.active is False


def test_it_answers_the_template_preview_with_non_ascii_digits(world, secretary_client):
    # When the checklist preview is asked for template "²" (a digit to str.isdigit, not to int)
    for value in ["²", "٣", "99999999999999999999"]:
        response = secretary_client.get(api(world, "task_template_preview"), {"template": value})
        # Then it answers with no template instead of failing
        assert response.status_code == 200


def test_it_shows_the_task_pages_when_a_due_date_lies_outside_the_years(
    world, desk, secretary_client
):
    # Given a viewer east of UTC and a task due at the end of 9999, stored straight to the
    # database after the repair ran
    world.secretary.user.time_zone = "Australia/Sydney"
    world.secretary.user.save()
    task = TaskFactory(client=desk.client, title="Far", due_at=FAR, assignee=world.secretary)
    # When the task list, the dashboard and the task's page are opened
    pages = [
        secretary_client.get(api(world, "task_list")),
        secretary_client.get(api(world, "dashboard")),
        secretary_client.get(api(world, "task_detail", task_id=task.pk)),
    ]
    # Then each shows, with the task
    assert [page.status_code for page in pages] == [200, 200, 200]
    assert "Far" in pages[0].content.decode()
