"""The task list in a real browser: statuses are chips to tick, and the bulk bar appears and
sticks to the top of the window once a task is selected."""

import pytest
from django.urls import reverse

from secretary.models import Role
from tasks.models import Status, Task
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
    for number in range(20):
        TaskFactory(practice=practice, client=client, title=f"Invoice run {number:02d}")
    TaskFactory(practice=practice, client=client, title="Chase the bank", status=Status.WAITING)
    return {"practice": practice, "secretary": secretary}


def test_it_filters_by_status_chips_and_keeps_the_bulk_bar_in_view(
    live_server, browser, desk, screenshot_dir
):
    practice = desk["practice"]
    context = signed_in(browser, live_server, desk["secretary"].user, height=700)
    page = context.new_page()
    page.goto(live_server.url + reverse("task_list", args=[practice.slug]))
    bar = page.locator(".bulk-bar")

    # With nothing selected there is no bulk bar
    assert not bar.is_visible()

    # When two status chips are ticked (no Ctrl-click), the list shows both statuses
    page.get_by_label("Waiting on client").check()
    page.wait_for_url("**status=waiting**")
    page.get_by_label("To do").check()
    page.wait_for_url("**status=todo**")
    page.wait_for_selector("#task-table >> text=Invoice run 19")
    assert "Chase the bank" in page.inner_text("#task-table")
    page.screenshot(path=str(screenshot_dir / "staff-task-list.png"))

    # When a task far down the list is selected, the bar appears and stays at the top
    row = page.locator("tr", has_text="Invoice run 19")
    row.get_by_role("checkbox").check()
    assert bar.is_visible()
    assert bar.locator("[data-selected-count]").inner_text() == "1"
    page.mouse.wheel(0, 2000)
    page.wait_for_function(
        "() => Math.abs(document.querySelector('.bulk-bar').getBoundingClientRect().top) < 2"
    )
    page.screenshot(path=str(screenshot_dir / "staff-task-list-selected.png"))

    # And it applies to what was selected
    bar.get_by_label("Set status").select_option(label="In progress")
    bar.get_by_role("button", name="Apply to selected").click()
    page.wait_for_selector("text=1 task changed.")
    moved = Task.objects.for_practice(practice).get(title="Invoice run 19")
    assert moved.status == Status.IN_PROGRESS
    context.close()
