"""The calendar's week and month views: a server-rendered grid in the viewer's time zone,
moved by HTMX."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.calendar_grid import month_grid, parse_anchor, week_grid
from tests.tasks.factories import CalendarEventFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def url(world):
    return reverse("event_list", kwargs={"practice_slug": world.practice.slug})


@pytest.fixture
def viewer(world, secretary_client):
    world.secretary.user.time_zone = "Europe/Paris"
    world.secretary.user.save()
    return secretary_client


def event(desk, title, start, end, **extra):
    return CalendarEventFactory(
        practice=desk.client.practice,
        client=desk.client,
        title=title,
        starts_at=start,
        ends_at=end,
        time_zone="Europe/Paris",
        **extra,
    )


def at(day, hour, minute=0):
    return datetime(2030, 3, day, hour, minute, tzinfo=PARIS)


def test_the_week_puts_each_event_on_the_days_it_touches(world, desk, viewer):
    event(desk, "Board call", at(20, 10), at(20, 11))
    event(desk, "Overnight launch", at(21, 23), at(22, 1))
    event(desk, "Until midnight", at(19, 22), at(20, 0))
    event(desk, "The week after", at(25, 9), at(25, 10))
    page = viewer.get(url(world), {"view": "week", "start": "2030-03-20", "scope": "all"})
    grid = page.context["grid"]
    assert (grid.first, grid.last) == (date(2030, 3, 18), date(2030, 3, 24))
    titles = {day.day.day: [e.title for e in day.events] for day in grid.days}
    assert titles[19] == ["Until midnight"]  # ends at midnight: not on the 20th
    assert titles[20] == ["Board call"]
    assert titles[21] == ["Overnight launch"] and titles[22] == ["Overnight launch"]
    body = page.content.decode()
    assert "The week after" not in body
    # Times read on the viewer's clock, and a continued event says so
    assert ">10:00</time> Board call" in body and "cont." in body
    assert "Week of 18 Mar – 24 Mar 2030" in body
    # Moving on is a link to the next week, swapped in by HTMX
    assert 'hx-get="?view=week&amp;scope=all&amp;start=2030-03-25"' in body


def test_the_month_shows_whole_weeks_and_folds_a_busy_day(world, desk, viewer):
    for hour in range(9, 14):
        event(desk, f"Call {hour}", at(12, hour), at(12, hour, 30))
    page = viewer.get(url(world), {"view": "month", "start": "2030-03-12", "scope": "all"})
    grid = page.context["grid"]
    assert (grid.first, grid.last) == (date(2030, 2, 25), date(2030, 3, 31))
    assert len(grid.weeks) == 5 and all(len(week) == 7 for week in grid.weeks)
    assert [d.in_month for d in grid.weeks[0][:4]] == [False, False, False, False]
    body = page.content.decode()
    assert "March 2030" in body
    assert "Call 9" in body and "Call 11" in body and "Call 12" not in body
    assert "+ 2 more" in body and "view=week&amp;scope=all&amp;start=2030-03-12" in body
    week = viewer.get(url(world), {"view": "week", "start": "2030-03-12", "scope": "all"})
    assert "Call 12" in week.content.decode() and "Call 13" in week.content.decode()


def test_htmx_gets_the_view_alone(world, desk, viewer):
    part = viewer.get(url(world), {"view": "month"}, HTTP_HX_REQUEST="true")
    body = part.content.decode()
    assert part.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<div id="calendar-view"')


def test_a_bad_start_or_view_falls_back(world, desk, viewer):
    today = viewer.get(url(world), {"view": "week", "start": "2030-02-31"}).context["grid"]
    assert today.first <= today.anchor <= today.last and today.anchor != date(2030, 2, 28)
    assert viewer.get(url(world), {"view": "year"}).context["view"] == "list"
    assert parse_anchor("0001-01-01", date(2030, 1, 1)) == date(2030, 1, 1)
    assert parse_anchor("2030-03-12", date(2030, 1, 1)) == date(2030, 3, 12)


def test_the_grid_runs_the_same_queries_with_more_events(world, desk, viewer):
    params = {"view": "month", "start": "2030-03-01", "scope": "all"}
    event(desk, "First", at(3, 9), at(3, 10))
    viewer.get(url(world), params)
    with CaptureQueriesContext(connection) as few:
        viewer.get(url(world), params)
    for day in range(4, 30):
        event(desk, f"Day {day}", at(day, 9), at(day, 10))
    with CaptureQueriesContext(connection) as many:
        assert "Day 29" in viewer.get(url(world), params).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_secretary_sees_her_clients_events_unless_she_asks_for_all(world, desk, viewer):
    from tests.tasks.factories import ClientFactory

    other = ClientFactory(practice=world.practice, name="Acme")
    event(desk, "Hers", at(12, 9), at(12, 10))
    CalendarEventFactory(
        practice=world.practice,
        client=other,
        title="Not hers",
        starts_at=at(12, 9),
        ends_at=at(12, 10),
    )
    mine = viewer.get(url(world), {"view": "week", "start": "2030-03-12"}).content.decode()
    assert "Hers" in mine and "Not hers" not in mine
    every = viewer.get(url(world), {"view": "week", "start": "2030-03-12", "scope": "all"})
    assert "Not hers" in every.content.decode()


def test_grids_of_the_calendar_module():
    week = week_grid(date(2030, 3, 17), today=date(2030, 3, 17), zone=PARIS)
    assert week.first == date(2030, 3, 11) and week.days[-1].is_today
    assert week.since == datetime(2030, 3, 11, tzinfo=PARIS)
    assert week.until == datetime(2030, 3, 18, tzinfo=PARIS)
    february = month_grid(date(2027, 2, 10), today=date(2030, 1, 1), zone=PARIS)
    # February 2027 starts on a Monday and ends on a Sunday: exactly four weeks
    assert (february.first, february.last) == (date(2027, 2, 1), date(2027, 2, 28))
    assert (february.previous, february.next) == (date(2027, 1, 1), date(2027, 3, 1))
