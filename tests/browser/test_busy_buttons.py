"""Slow actions in a real browser: the button that started one is disabled, with a spinner,
until the answer comes; back navigation finds it enabled again."""

import pytest
from django.urls import reverse

from secretary.models import Role
from tests.browser.session import signed_in
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.tasks.factories import ChecklistItemFactory, ClientFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def task():
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    secretary = MembershipFactory(
        practice=practice, role=Role.SECRETARY, user=UserFactory(email="sam@harbour.test")
    )
    client = ClientFactory(practice=practice, primary_secretary=secretary)
    task = TaskFactory(practice=practice, client=client, title="Book flights", assignee=secretary)
    ChecklistItemFactory(practice=practice, task=task, text="Flights")
    return task


def held(page, pattern: str) -> list:
    """Requests to ``pattern`` are held (not answered) until the test lets them go."""
    waiting: list = []
    page.route(pattern, lambda route: waiting.append(route))
    return waiting


def busy(locator) -> bool:
    return locator.evaluate("b => b.disabled && b.classList.contains('is-busy')")


def test_it_disables_the_button_of_a_slow_action_until_it_answers(live_server, browser, task):
    context = signed_in(browser, live_server, task.assignee.user)
    page = context.new_page()
    page.goto(live_server.url + reverse("task_detail", args=[task.practice.slug, task.pk]))

    # A full-page post (the reply form), kept from leaving the page so its state can be read
    page.evaluate("window.addEventListener('submit', (event) => event.preventDefault())")
    page.fill("#conversation textarea[name=body]", "On it.")
    send = page.locator("#conversation button[type=submit]")
    send.click()
    page.wait_for_function("() => document.querySelector('#conversation button.is-busy')")
    assert busy(send)
    page.reload()

    # An htmx post: ticking a checklist item
    waiting = held(page, "**/toggle/")
    tick = page.locator("#checklist li", has_text="Flights").get_by_role("button")
    tick.click()
    page.wait_for_function("() => document.querySelector('#checklist button.is-busy')")
    assert busy(tick)
    waiting[0].continue_()
    page.wait_for_selector("#checklist li.done:has-text('Flights')")
    assert not busy(page.locator("#checklist li", has_text="Flights").get_by_role("button"))

    # Back navigation to a page left while busy finds its buttons enabled
    page.fill("#conversation textarea[name=body]", "Booked.")
    page.locator("#conversation button[type=submit]").click()
    page.wait_for_selector("text=Reply sent to the client.")
    page.go_back()
    assert not busy(page.locator("#conversation button[type=submit]"))
    context.close()
