"""The client page's tabs in a real browser: swapped by HTMX with the address following, and
kept within their own strip on a phone."""

import pytest
from django.urls import reverse

from secretary.models import Role
from tests.browser.session import signed_in
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.tasks.factories import ClientFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDEWAYS = "() => document.scrollingElement.scrollWidth > window.innerWidth"


def test_the_client_page_opens_its_tabs_in_place(live_server, browser, screenshot_dir):
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    owner = MembershipFactory(
        practice=practice, role=Role.OWNER, user=UserFactory(email="olive@harbour.test")
    )
    client = ClientFactory(practice=practice, name="Northwind Legal")
    for title in ("Book Tokyo flights", "Renew the lease"):
        TaskFactory(practice=practice, client=client, title=title)
    address = live_server.url + reverse("client_detail", args=[practice.slug, client.pk])

    page = signed_in(browser, live_server, owner.user).new_page()
    page.goto(address)
    tabs = page.get_by_role("navigation", name="Client sections")
    assert tabs.get_by_role("link", name="Tasks 2").is_visible()
    tabs.get_by_role("link", name="Tasks 2").click()
    page.wait_for_url("**?tab=tasks")
    assert page.get_by_role("link", name="Book Tokyo flights").is_visible()
    assert tabs.get_by_role("link", name="Tasks 2").get_attribute("aria-current") == "page"
    page.screenshot(path=str(screenshot_dir / "staff-client-tabs.png"), full_page=True)
    # Back returns to the overview the address named
    page.go_back()
    page.wait_for_function("() => !location.search.includes('tab=')")
    assert page.get_by_role("heading", name="Current plan").is_visible()

    phone = signed_in(browser, live_server, owner.user, width=390, height=844).new_page()
    phone.goto(address + "?tab=time")
    assert not phone.evaluate(SIDEWAYS)
    assert phone.get_by_text("No time logged this month.").is_visible()
