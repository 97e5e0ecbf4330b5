"""The roster week in a real browser: shifts as coloured blocks, the gap in red, weeks moved by
HTMX, and a list of days on a phone with no sideways scrolling."""

from datetime import time

import pytest
from django.urls import reverse

from secretary.models import Role
from tasks.roster.models import Shift
from tests.browser.session import signed_in
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.tasks.factories import ClientFactory, EngagementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDEWAYS = "() => document.scrollingElement.scrollWidth > window.innerWidth"


@pytest.fixture
def desk():
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    owner = MembershipFactory(
        practice=practice,
        role=Role.OWNER,
        user=UserFactory(
            email="harper@harbour.test", full_name="Harper Lane", time_zone="Australia/Sydney"
        ),
    )
    secretary = MembershipFactory(
        practice=practice,
        role=Role.SECRETARY,
        user=UserFactory(
            email="riley@harbour.test", full_name="Riley Chen", time_zone="Australia/Sydney"
        ),
    )
    client = ClientFactory(practice=practice, name="Northwind Legal", status="active")
    engagement = EngagementFactory(practice=practice, client=client)  # Mon-Fri 9-17 Sydney
    for weekday, member in ((0, secretary), (1, secretary), (2, secretary), (4, owner)):
        Shift.objects.create(
            practice=practice,
            engagement=engagement,
            membership=member,
            weekday=weekday,
            start=time(9),
            end=time(17),
        )
    return {"practice": practice, "owner": owner}


def test_the_roster_week_shows_the_thursday_gap_and_reads_as_days_on_a_phone(
    live_server, browser, desk, screenshot_dir
):
    url = live_server.url + reverse("roster_week", args=[desk["practice"].slug])
    page = signed_in(browser, live_server, desk["owner"].user).new_page()
    page.goto(url)
    row = page.locator("table.roster tbody tr").filter(has_text="Northwind Legal")
    assert row.locator("li.roster-gap").count() == 1
    assert row.locator("li.roster-gap").inner_text().startswith("09:00–17:00")
    assert row.locator("td.has-gap").count() == 1
    assert row.get_by_text("Riley").count() == 3
    page.screenshot(path=str(screenshot_dir / "roster-week.png"), full_page=True)

    # "Next week" swaps the grid in place and the address follows
    title = page.locator(".roster-week h2").inner_text()
    page.get_by_role("link", name="Next week").click()
    page.wait_for_url("**week=**")
    page.wait_for_function(
        "(before) => document.querySelector('.roster-week h2').innerText !== before", arg=title
    )
    assert page.locator("table.roster li.roster-gap").count() == 1

    # On a phone: no sideways scrolling, days listed under the client
    phone = signed_in(browser, live_server, desk["owner"].user, width=390, height=844).new_page()
    phone.goto(url)
    assert not phone.evaluate(SIDEWAYS)
    assert phone.locator(".roster-date").first.is_visible()
    phone.screenshot(path=str(screenshot_dir / "roster-week-phone.png"), full_page=True)
