"""In a real browser: a San Francisco contact of a Sydney client reads portal times on the
client's clock, labelled, until she picks her own zone in her profile; then every time is
hers, and an appointment also shows its own city's clock."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import dateformat, timezone

from secretary.models import Role
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory, UserFactory
from tests.tasks.factories import (
    CalendarEventFactory,
    ClientFactory,
    ContactFactory,
    TaskFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENT = datetime(2025, 12, 3, 17, 0, tzinfo=UTC)


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def on_clock(moment, zone: str, fmt: str) -> str:
    return dateformat.format(moment.astimezone(ZoneInfo(zone)), fmt)


def test_a_contact_reads_portal_times_on_her_own_clock(live_server, browser, screenshot_dir):
    practice = PracticeFactory(
        name="Harbour Desk", slug="harbour-desk", time_zone="Australia/Sydney"
    )
    member = MembershipFactory(
        practice=practice,
        role=Role.CLIENT,
        user=UserFactory(email="nora@harbour-realty.test", full_name="Nora North"),
    )
    client = ClientFactory(practice=practice, name="Harbour Realty", time_zone="Australia/Sydney")
    ContactFactory(practice=practice, client=client, membership=member, name="Nora North")
    TaskFactory(practice=practice, client=client, title="Lease renewal letters", created_at=SENT)
    starts = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    CalendarEventFactory(
        practice=practice,
        client=client,
        title="Call with the Tokyo office",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        time_zone="Asia/Tokyo",
    )
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, "nora@harbour-realty.test")

    # At first: the client's clock (Sydney), labelled, and said so at the foot of every page
    page.goto(f"{base}/portal/harbour-desk/requests/")
    row = page.locator("tr", has_text="Lease renewal letters").inner_text()
    assert "Thu 4 Dec 2025, 04:00 AEDT" in row
    assert "Times are shown in Australia/Sydney" in page.inner_text("footer")

    # She opens her details from her name in the top bar and picks her own zone
    page.click(".topbar .user-link")
    assert "Same as Harbour Realty (Australia/Sydney)" in page.inner_text("select[name=time_zone]")
    page.select_option("select[name=time_zone]", "America/Los_Angeles")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Your details were saved.")
    assert "On your clock it is now" in page.inner_text("#clock-now")
    page.screenshot(path=str(screenshot_dir / "portal-profile.png"), full_page=True)

    # Every time is now hers, with its abbreviation
    page.goto(f"{base}/portal/harbour-desk/requests/")
    row = page.locator("tr", has_text="Lease renewal letters").inner_text()
    assert "Wed 3 Dec 2025, 09:00 PST" in row
    assert "AEDT" not in row
    page.screenshot(path=str(screenshot_dir / "portal-requests.png"), full_page=True)

    # ...and an appointment in Tokyo also shows Tokyo's clock
    page.goto(f"{base}/portal/harbour-desk/calendar/")
    event = page.locator("tr", has_text="Call with the Tokyo office").inner_text()
    assert on_clock(starts, "America/Los_Angeles", "D j M, H:i T") in event
    assert on_clock(starts, "Asia/Tokyo", "D j M, H:i T") in event
    page.screenshot(path=str(screenshot_dir / "portal-calendar.png"), full_page=True)
