"""The timer in the top bar: one running timer per person, started and stopped from any staff
page, and stopping asks what was done."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks.models import Status, TimeEntry
from tests.tasks.factories import ClientFactory, TaskFactory

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def running(world, membership, task, minutes_ago=65):
    return TimeEntry.objects.create(
        practice=world.practice,
        task=task,
        client=task.client,
        membership=membership,
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        description="Searched fares",
    )


def entries(world):
    return TimeEntry.objects.for_practice(world.practice)


def test_it_checks_ownership(world, desk, secretary_client, contact_client, outsider_client):
    task = TaskFactory(practice=world.practice, client=desk.client, assignee=world.secretary)
    # The outsider and the client contact never learn the route exists
    assert outsider_client.get(url(world, "timer")).status_code == 404
    assert outsider_client.post(url(world, "timer"), {"task": task.pk}).status_code == 404
    assert contact_client.get(url(world, "timer")).status_code == 404
    assert contact_client.post(url(world, "timer"), {"task": task.pk}).status_code == 404
    assert not entries(world).exists()
    # A task of another practice cannot be started by a forged id
    theirs = TaskFactory(client=ClientFactory(practice=world.other_practice))
    response = secretary_client.post(url(world, "timer"), {"task": theirs.pk})
    assert response.status_code == 400
    assert not TimeEntry.objects.for_practice(world.other_practice).exists()
    assert not entries(world).exists()
    assert secretary_client.get(url(world, "timer")).status_code == 200


def test_it_offers_to_start_a_timer_from_every_staff_page(world, desk, secretary_client):
    for name in ("dashboard", "task_list", "client_list", "event_list"):
        page = secretary_client.get(url(world, name)).content.decode()
        assert 'id="topbar-timer"' in page, name
        assert "Start timer" in page, name
        assert f'hx-get="{url(world, "timer")}?next=' in page, name


def test_a_page_reads_the_timer_only_while_one_runs(world, desk, secretary_client):
    """Whether a timer runs comes with the request's memberships (one query for both): a
    member without one costs no query of time entries; once one runs, the top bar shows it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    task = TaskFactory(practice=world.practice, client=desk.client, assignee=world.secretary)

    def page():
        with CaptureQueriesContext(connection) as queries:
            body = secretary_client.get(url(world, "dashboard")).content.decode()
        # The running timer's own query (the memberships' query asks it in a subquery).
        read = [
            q["sql"]
            for q in queries.captured_queries
            if '"tasks_timeentry"."ended_at" IS NULL' in q["sql"]
            and '"secretary_membership"' not in q["sql"]
        ]
        return body, read

    idle, idle_reads = page()
    running(world, world.secretary, task)
    busy, busy_reads = page()

    assert "Start timer" in idle and idle_reads == []
    assert 'class="timer-pill running"' in busy and len(busy_reads) == 1


def test_it_offers_my_open_tasks_and_the_page_s_task_first(world, desk, secretary_client):
    mine = TaskFactory(
        practice=world.practice, client=desk.client, assignee=world.secretary, title="Mine"
    )
    TaskFactory(
        practice=world.practice,
        client=desk.client,
        assignee=world.secretary,
        title="Closed one",
        status=Status.DONE,
    )
    theirs = TaskFactory(
        practice=world.practice, client=desk.client, assignee=world.admin, title="Theirs"
    )
    # When the panel is opened in the top bar of another person's task
    response = secretary_client.get(
        url(world, "timer") + f"?task={theirs.pk}&next=/app/harbour-desk/tasks/",
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    # Then it offers that task (chosen) and the person's open tasks, not closed ones
    assert f'<option value="{theirs.pk}" selected>' in body
    assert f'<option value="{mine.pk}">' in body
    assert "Closed one" not in body
    assert 'name="next" value="/app/harbour-desk/tasks/"' in body


def test_it_starts_a_timer_from_the_top_bar_and_goes_back(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client, assignee=world.secretary)
    back = url(world, "client_list")
    response = secretary_client.post(url(world, "timer"), {"task": task.pk, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    entry = entries(world).get()
    assert entry.is_running and entry.task == task and entry.membership == world.secretary
    # And every page then shows it ticking in the top bar, with the task's name
    page = secretary_client.get(back).content.decode()
    assert "data-clock-since=" in page and task.title in page
    assert "What did you do?" in page


def test_it_goes_back_only_to_a_page_of_this_site(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client, assignee=world.secretary)
    response = secretary_client.post(
        url(world, "timer"), {"task": task.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == url(world, "task_detail", task_id=task.pk)


def test_it_runs_one_timer_per_person(world, desk, secretary_client):
    first = TaskFactory(practice=world.practice, client=desk.client, title="First")
    second = TaskFactory(practice=world.practice, client=desk.client, assignee=world.secretary)
    running(world, world.secretary, first)
    response = secretary_client.post(url(world, "timer"), {"task": second.pk}, follow=True)
    assert "already running on “First”" in response.content.decode()
    assert entries(world).count() == 1


def test_it_asks_what_was_done_when_stopping(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    entry = running(world, world.secretary, task, minutes_ago=65)
    back = url(world, "dashboard")
    # The stop form offers what the timer was started with
    page = secretary_client.get(back).content.decode()
    assert "Searched fares</textarea>" in page
    # When the person says what they did and that it is not billable
    response = secretary_client.post(
        url(world, "timer_stop", entry_id=entry.pk),
        {"description": "Booked QF25 after comparing fares", "next": back},
        follow=True,
    )
    # Then the entry holds it, and the message gives the duration the one way
    entry.refresh_from_db()
    assert not entry.is_running and entry.minutes == 65
    assert entry.description == "Booked QF25 after comparing fares"
    assert not entry.billable
    assert response.redirect_chain[-1][0] == back
    assert "Timer stopped: 1 h 5 min logged." in response.content.decode()
    assert "Start timer" in response.content.decode()


def test_it_keeps_the_description_when_stopped_without_one(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    entry = running(world, world.secretary, task)
    secretary_client.post(url(world, "timer_stop", entry_id=entry.pk), {"billable": "on"})
    entry.refresh_from_db()
    assert entry.description == "Searched fares" and entry.billable


def test_it_stops_only_my_own_timer(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    entry = running(world, world.admin, task)
    response = secretary_client.post(url(world, "timer_stop", entry_id=entry.pk), follow=True)
    assert "only stop your own timer" in response.content.decode()
    entry.refresh_from_db()
    assert entry.is_running


def test_it_shows_durations_one_way_on_the_task_page(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    secretary_client.post(
        url(world, "time_add", task_id=task.pk),
        {"day": timezone.localdate().isoformat(), "minutes": "135", "billable": "on"},
    )
    page = secretary_client.get(url(world, "task_detail", task_id=task.pk)).content.decode()
    assert "2 h 15 min</strong> logged" in page
    assert "logged time: 2 h 15 min" in page
    assert "135 min" not in page and "Minutes" not in page


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("90", 90), ("1:30", 90), ("1 h 30 min", 90), ("1.5h", 90), ("45 min", 45)],
)
def test_it_logs_a_duration_typed_the_way_people_write_it(
    world, desk, secretary_client, typed, minutes
):
    task = TaskFactory(practice=world.practice, client=desk.client)
    response = secretary_client.post(
        url(world, "time_add", task_id=task.pk),
        {"day": timezone.localdate().isoformat(), "minutes": typed, "billable": "on"},
    )
    assert response.status_code == 302
    assert entries(world).get().minutes == minutes


def test_it_refuses_a_duration_it_cannot_read(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    response = secretary_client.post(
        url(world, "time_add", task_id=task.pk),
        {"day": timezone.localdate().isoformat(), "minutes": "a while"},
    )
    assert response.status_code == 400
    assert "Write a duration such as 1 h 30 min" in response.content.decode()
    assert not entries(world).exists()


def test_it_shows_an_entry_s_duration_the_one_way_when_editing(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    entry = TimeEntry.objects.create(
        practice=world.practice,
        task=task,
        client=task.client,
        membership=world.secretary,
        started_at=timezone.now() - timedelta(minutes=135),
        ended_at=timezone.now(),
        minutes=135,
        manual=True,
    )
    page = secretary_client.get(url(world, "time_edit", entry_id=entry.pk)).content.decode()
    assert 'value="2 h 15 min"' in page
