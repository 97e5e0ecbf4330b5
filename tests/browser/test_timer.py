"""The timer in a real browser: started from the top bar of any page, ticking on every page,
stopped from the top bar with a word on what was done; discarding asks first."""

import pytest
from django.urls import reverse

from secretary.models import Role
from tasks.models import TimeEntry
from tests.browser.session import signed_in
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.tasks.factories import ClientFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    secretary = MembershipFactory(
        practice=practice, role=Role.SECRETARY, user=UserFactory(email="sam@harbour.test")
    )
    client = ClientFactory(practice=practice, name="Northwind Legal", primary_secretary=secretary)
    task = TaskFactory(
        practice=practice, client=client, title="Book Tokyo flights", assignee=secretary
    )
    return {"practice": practice, "secretary": secretary, "task": task}


def test_it_times_work_from_the_top_bar_of_any_page(live_server, browser, desk, screenshot_dir):
    practice, task = desk["practice"], desk["task"]
    context = signed_in(browser, live_server, desk["secretary"].user)
    page = context.new_page()
    page.goto(live_server.url + reverse("client_list", args=[practice.slug]))

    # When the secretary opens "Start timer" in the top bar and picks a task
    timer = page.locator("#topbar-timer")
    timer.get_by_text("Start timer").click()
    timer.get_by_label("Task").select_option(label="Book Tokyo flights · Northwind Legal")
    timer.get_by_role("button", name="Start").click()

    # Then they are back on the page they were on, and the top bar shows the timer ticking
    page.wait_for_selector("text=Timer started on “Book Tokyo flights”.")
    assert page.url.endswith(reverse("client_list", args=[practice.slug]))
    clock = page.locator("#topbar-timer .timer-clock")
    first = clock.inner_text()
    page.wait_for_function(
        "shown => document.querySelector('#topbar-timer .timer-clock').textContent !== shown",
        arg=first,
    )
    assert "Book Tokyo flights" in page.locator("#topbar-timer summary").inner_text()

    # And on every other page too
    page.goto(live_server.url + reverse("dashboard", args=[practice.slug]))
    assert page.locator("#topbar-timer .timer-clock").is_visible()

    # When they stop it from the top bar, saying what they did
    page.locator("#topbar-timer summary").click()
    page.locator("#topbar-timer").get_by_label("What did you do?").fill("Compared fares")
    page.screenshot(path=str(screenshot_dir / "staff-timer-running.png"))
    page.locator("#topbar-timer").get_by_role("button", name="Stop and log").click()

    # Then the time is logged with it, and the duration reads one way
    page.wait_for_selector("text=Timer stopped: 1 min logged.")
    entry = TimeEntry.objects.for_practice(practice).get()
    assert (entry.task, entry.minutes, entry.description) == (task, 1, "Compared fares")
    assert page.locator("#topbar-timer").get_by_text("Start timer").is_visible()
    context.close()


def test_it_asks_before_discarding_a_running_timer(live_server, browser, desk):
    practice, task = desk["practice"], desk["task"]
    context = signed_in(browser, live_server, desk["secretary"].user)
    page = context.new_page()
    page.goto(live_server.url + reverse("task_detail", args=[practice.slug, task.pk]))
    page.locator("#time").get_by_role("button", name="Start timer").click()
    page.wait_for_selector("text=Timer started on")
    discard = page.locator("#topbar-timer").get_by_role("button", name="Discard the timer")

    # When they answer no, nothing happens
    page.locator("#topbar-timer summary").click()
    page.once("dialog", lambda dialog: dialog.dismiss())
    discard.click()
    assert TimeEntry.objects.for_practice(practice).get().is_running

    # When they answer yes, the timer is gone and nothing is logged
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    discard.click()
    page.wait_for_selector("text=Timer discarded: nothing was logged.")
    assert "Its time is not logged" in questions[0]
    assert not TimeEntry.objects.for_practice(practice).exists()
    context.close()
