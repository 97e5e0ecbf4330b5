"""In a real browser: a client contact follows her requests in the portal. The home page marks
the request with a new reply and lists what was recently done; the request page leads back
to the list, signs each reply, and shows a new reply from the practice without a reload."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from secretary.models import Role
from tasks.models import Status
from tasks.services import comment_add
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory, UserFactory
from tests.tasks.factories import ClientFactory, CommentFactory, ContactFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def office():
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    secretary = MembershipFactory(
        practice=practice,
        role=Role.SECRETARY,
        user=UserFactory(email="sam@harbour.test", full_name="Sam Secretary"),
    )
    member = MembershipFactory(
        practice=practice,
        role=Role.CLIENT,
        user=UserFactory(email="nora@northwind.test", full_name="Nora North"),
    )
    client = ClientFactory(practice=practice, name="Northwind Legal", primary_secretary=secretary)
    ContactFactory(practice=practice, client=client, membership=member, name="Nora North")
    task = TaskFactory(
        practice=practice,
        client=client,
        title="Book flights to Tokyo",
        description="",
        requested_by=member,
        assignee=secretary,
    )
    CommentFactory(
        practice=practice,
        task=task,
        body="Which dates suit you?",
        author=secretary.user,
        author_membership=secretary,
    )
    TaskFactory(
        practice=practice,
        client=client,
        title="Renew the office lease",
        status=Status.DONE,
        completed_at=timezone.now() - timedelta(days=3),
    )
    return {"practice": practice, "secretary": secretary, "task": task}


def test_a_contact_follows_a_request_and_sees_new_replies_arrive(
    live_server, browser, office, screenshot_dir, monkeypatch
):
    monkeypatch.setattr("tasks.views.portal.REPLY_POLL_SECONDS", 1)
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, "nora@northwind.test")

    # The home page marks the request with a reply she has not read, and what was done
    flights = page.locator("#open-requests li", has_text="Book flights to Tokyo")
    assert "New reply" in flights.inner_text()
    assert "Renew the office lease" in page.inner_text("#recently-done")
    page.screenshot(path=str(screenshot_dir / "portal-home.png"), full_page=True)

    # The request: no empty card, each reply signed, and she answers
    flights.get_by_role("link", name="Book flights to Tokyo").click()
    assert page.locator("#request-details").count() == 0
    assert "Sam Secretary · Harbour Desk" in page.inner_text("#conversation")
    page.fill("#conversation textarea[name=body]", "12 to 16 May, please.")
    page.click("#conversation button:has-text('Send reply')")
    page.wait_for_selector("text=Your reply was sent.")
    assert "You ·" in page.locator("#conversation li.reply").last.inner_text()

    # The secretary answers while the page is open (and Nora is typing): it appears without
    # a reload
    page.evaluate("window.sameDocument = true")
    page.fill("#conversation textarea[name=body]", "Half-written thought")
    with transaction.atomic():
        comment_add(
            practice=office["practice"],
            author=office["secretary"],
            task=office["task"],
            body="Booked: QF25 on 12 May, seat 31C.",
        )
    page.wait_for_selector("#conversation li.reply:has-text('QF25')", timeout=15_000)
    assert page.evaluate("window.sameDocument === true")
    assert page.input_value("#conversation textarea[name=body]") == "Half-written thought"
    page.screenshot(path=str(screenshot_dir / "portal-request-thread.png"), full_page=True)

    # Back to the list: read, so nothing is marked any more
    page.click("text=← Your requests")
    row = page.locator("tr", has_text="Book flights to Tokyo")
    assert "New reply" not in row.inner_text()
