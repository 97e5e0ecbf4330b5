"""End to end in a real browser: a client's request becomes a task, is worked, answered and
completed, and the client sees the outcome."""

import pytest
from django.core import mail

from clients.models import CoverageWindow
from secretary.models import Role
from tasks.models import Status, Task, TimeEntry
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory, UserFactory
from tests.tasks.factories import ClientFactory, ContactFactory, EngagementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office():
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    secretary = MembershipFactory(
        practice=practice,
        role=Role.SECRETARY,
        user=UserFactory(
            email="sam@harbour.test", full_name="Sam Secretary", time_zone="Australia/Sydney"
        ),
    )
    contact_member = MembershipFactory(
        practice=practice,
        role=Role.CLIENT,
        user=UserFactory(
            email="nora@northwind.test", full_name="Nora North", time_zone="America/Los_Angeles"
        ),
    )
    client = ClientFactory(
        practice=practice,
        name="Northwind Legal",
        time_zone="America/Los_Angeles",
        primary_secretary=secretary,
    )
    ContactFactory(
        practice=practice,
        client=client,
        membership=contact_member,
        email="nora@northwind.test",
        name="Nora North",
    )
    engagement = EngagementFactory(practice=practice, client=client, windows=[])
    for weekday in range(7):  # round-the-clock cover keeps the flow independent of the hour
        CoverageWindow.objects.create(
            practice=practice, engagement=engagement, weekday=weekday, start="00:00", end="00:00"
        )
    return {"practice": practice, "secretary": secretary, "client": client}


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def client_emails(background) -> list[tuple[list[str], str]]:
    """(recipients, body) of the emails sent so far, by the worker or in-process."""
    if background is None:
        return [(m.to, m.body) for m in mail.outbox]
    return [
        ([m["To"]], m.get_body(preferencelist=("plain",)).get_content())
        for m in background.messages()
    ]


def test_it_takes_a_portal_request_through_to_done(
    live_server, browser, office, tmp_path, screenshot_dir, background
):
    base = live_server.url
    attachment = tmp_path / "itinerary.pdf"
    attachment.write_bytes(b"%PDF-1.4\n% itinerary\n")

    # The client contact signs in through the real form and sends a request with a file
    contact = browser.new_context(viewport={"width": 1280, "height": 900})
    portal = contact.new_page()
    sign_in(portal, base, "nora@northwind.test")
    assert "/portal/harbour-desk/" in portal.url
    portal.click("text=New request")
    portal.fill("input[name=subject]", "Book flights to Tokyo")
    portal.fill("textarea[name=details]", "Economy, aisle seat, 12-16 May.")
    portal.select_option("select[name=category]", label="Travel arrangements")
    portal.set_input_files("input[name=attachments]", str(attachment))
    portal.click("button:has-text('Send request')")
    portal.wait_for_selector("text=Thank you, your request was sent.")
    task = Task.objects.for_practice(office["practice"]).get()
    assert task.attachments.get().original_name == "itinerary.pdf"

    # The secretary sees it on the dashboard and converts it to a task
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = staff.new_page()
    sign_in(desk, base, "sam@harbour.test")
    assert desk.url.rstrip("/").endswith("/app/harbour-desk")
    new_requests = desk.locator("#new-requests")
    assert "Book flights to Tokyo" in new_requests.inner_text()
    desk.screenshot(path=str(screenshot_dir / "dashboard.png"), full_page=True)
    new_requests.get_by_role("link", name="Book flights to Tokyo").click()
    # The travel service's template offers its checklist; converting applies it
    assert "Ground transport" in desk.inner_text("#template-preview")
    desk.fill("#convert input[name=title]", "Book Tokyo flights (12-16 May)")
    desk.click("#convert button[type=submit]")
    desk.wait_for_selector("text=The request is now a task.")
    checklist = desk.locator("#checklist")
    assert "Itinerary sent" in checklist.inner_text()
    checklist.locator("li", has_text="Flights").get_by_role("button").click()
    desk.wait_for_selector("#checklist li.done:has-text('Flights')")

    # ...times the work and logs more by hand, replies to the client, notes something for the
    # team only, and completes it
    desk.click("#time button:has-text('Start timer')")
    desk.wait_for_selector("text=Timer started on")
    desk.fill("#time textarea[name=description]", "Searched fares")
    desk.click("#time button:has-text('Stop and log')")
    desk.wait_for_selector("text=Timer stopped: 1 min logged.")
    desk.fill("#time input[name=minutes]", "45")
    desk.fill("#time input[name=description]", "Compared fares")
    desk.click("#time button:has-text('Log time')")
    desk.wait_for_selector("text=Time logged.")
    desk.fill("#conversation textarea[name=body]", "Your flights are booked: QF25, seat 31C.")
    desk.click("#conversation button:has-text('Send')")
    desk.wait_for_selector("text=Reply sent to the client.")
    desk.fill("#conversation textarea[name=body]", "Client is a frequent flyer: use the QF number.")
    desk.check("#conversation input[name=internal]")
    desk.click("#conversation button:has-text('Send')")
    desk.wait_for_selector("text=Note added.")
    desk.click("button[name=status][value=done]")
    desk.wait_for_selector("text=Status changed.")
    desk.screenshot(path=str(screenshot_dir / "task.png"), full_page=True)
    task.refresh_from_db()
    assert task.status == Status.DONE
    minutes = TimeEntry.objects.for_practice(office["practice"]).values_list("minutes", flat=True)
    assert sorted(minutes) == [1, 45]

    # The client was emailed the reply by a Celery task
    def reply_mailed():
        return [
            body
            for to, body in client_emails(background)
            if "nora@northwind.test" in to[0] and "QF25" in body
        ]

    if background is not None:
        assert background.wait_for(reply_mailed, what="the reply email to the client")
    else:
        assert reply_mailed()
    # ...and never the internal note
    assert not [body for _to, body in client_emails(background) if "frequent flyer" in body]

    # The client sees the reply and the status
    portal.goto(f"{base}/portal/harbour-desk/requests/{task.pk}/")
    body = portal.inner_text("main")
    assert "Your flights are booked: QF25, seat 31C." in body
    assert "frequent flyer" not in portal.content()
    assert "Done" in portal.inner_text("[data-status=done]")
    portal.screenshot(path=str(screenshot_dir / "portal-request.png"), full_page=True)
    desk.goto(f"{base}/app/harbour-desk/tasks/?status=done")
    desk.check("input[data-select-all]")  # selects the page's tasks for a bulk change
    assert desk.locator("input[name=tasks]:checked").count() == 1
    desk.screenshot(path=str(screenshot_dir / "task-list.png"), full_page=True)
    portal.goto(f"{base}/portal/harbour-desk/")
    portal.screenshot(path=str(screenshot_dir / "portal.png"), full_page=True)
    contact.close()
    staff.close()
