"""The calendar's week and month views in a real browser: moved by HTMX with the address
following, and read as a list of days on a phone."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from secretary.models import Role
from tests.browser.session import signed_in
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.tasks.factories import CalendarEventFactory, ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDEWAYS = "() => document.scrollingElement.scrollWidth > window.innerWidth"


@pytest.fixture
def desk():
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    owner = MembershipFactory(
        practice=practice,
        role=Role.OWNER,
        user=UserFactory(email="olive@harbour.test", time_zone="Europe/Paris"),
    )
    client = ClientFactory(practice=practice, name="Northwind Legal")
    # Ten in the morning of today in Paris: an hour from now would cross midnight late at night
    # and show as two days.
    paris = ZoneInfo("Europe/Paris")
    morning = datetime.combine(timezone.localdate(timezone=paris), time(10), tzinfo=paris)
    for days, title in ((0, "Board call"), (1, "Supplier call"), (35, "Quarterly review")):
        CalendarEventFactory(
            practice=practice,
            client=client,
            title=title,
            starts_at=morning + timedelta(days=days),
            ends_at=morning + timedelta(days=days, hours=1),
            time_zone="Europe/Paris",
        )
    return {"practice": practice, "owner": owner}


def test_the_month_moves_by_htmx_and_reads_as_days_on_a_phone(
    live_server, browser, desk, screenshot_dir
):
    start = reverse("event_list", args=[desk["practice"].slug])
    page = signed_in(browser, live_server, desk["owner"].user).new_page()
    page.goto(live_server.url + start)

    # From the list, the owner opens the month: today's events are in its grid
    page.locator(".cal-views").get_by_role("link", name="Month").click()
    page.wait_for_url("**view=month**")
    grid = page.locator("table.cal-month")
    assert grid.is_visible() and grid.locator("td.today").count() == 1
    assert grid.get_by_text("Board call").is_visible()
    page.screenshot(path=str(screenshot_dir / "staff-calendar-month.png"), full_page=True)

    # "Next month" swaps the grid in place and the address follows
    heading = page.locator(".cal-title").inner_text()
    page.get_by_role("link", name="Next month").click()
    page.wait_for_function(
        "heading => document.querySelector('.cal-title').innerText !== heading", arg=heading
    )
    assert "start=" in page.url
    page.get_by_role("link", name="Today").click()
    page.wait_for_function(
        "heading => document.querySelector('.cal-title').innerText === heading", arg=heading
    )

    # The week view lists the day's events with their client
    page.locator(".cal-views").get_by_role("link", name="Week").click()
    page.wait_for_url("**view=week**")
    assert page.locator("table.cal-week").get_by_text("Northwind Legal").first.is_visible()
    page.screenshot(path=str(screenshot_dir / "staff-calendar-week.png"), full_page=True)

    # On a phone the month is a list of the days that have events, without sideways scrolling
    phone = signed_in(browser, live_server, desk["owner"].user, width=390, height=844).new_page()
    phone.goto(live_server.url + start + "?view=month")
    assert not phone.evaluate(SIDEWAYS)
    assert phone.locator("table.cal-month thead").is_hidden()
    assert phone.get_by_text("Board call").is_visible()
    phone.screenshot(path=str(screenshot_dir / "mobile-calendar-month.png"), full_page=True)
