"""Keyboard shortcuts in a real browser: "?" lists them, "/" searches (the page, or the
practice from the top bar), "g d" and "g t" go to
the dashboard and the tasks, "n" starts a new task; none fires while typing in a field."""

import pytest
from django.urls import reverse

from secretary.models import Role
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
    client = ClientFactory(practice=practice, primary_secretary=secretary)
    task = TaskFactory(practice=practice, client=client, title="Book flights", assignee=secretary)
    return {"practice": practice, "secretary": secretary, "task": task}


def test_it_moves_around_with_the_keyboard(live_server, browser, desk, screenshot_dir):
    slug = desk["practice"].slug
    context = signed_in(browser, live_server, desk["secretary"].user)
    page = context.new_page()
    page.goto(live_server.url + reverse("task_detail", args=[slug, desk["task"].pk]))

    # "?" lists the shortcuts; Escape closes the list
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    assert dialog.is_visible()
    assert "Go to the tasks" in dialog.inner_text()
    page.screenshot(path=str(screenshot_dir / "staff-shortcuts.png"))
    page.keyboard.press("Escape")
    assert not dialog.is_visible()

    # Keys typed in a field stay in the field
    page.locator("#conversation textarea[name=body]").fill("")
    page.locator("#conversation textarea[name=body]").press_sequentially("g t n")
    assert page.url.endswith(reverse("task_detail", args=[slug, desk["task"].pk]))
    page.locator("#conversation textarea[name=body]").press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})

    # "g t" opens the tasks; "/" puts the keyboard in their search
    page.keyboard.press("g")
    page.keyboard.press("t")
    page.wait_for_url("**" + reverse("task_list", args=[slug]))
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"

    # "g d" opens the dashboard, where "/" (no search of its own) puts the keyboard in the
    # top bar's search of the whole practice; Enter shows what it finds
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("g")
    page.keyboard.press("d")
    page.wait_for_url("**" + reverse("dashboard", args=[slug]))
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.type("flights")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + reverse("search", args=[slug]) + "?q=flights")
    assert page.locator(".search-hits mark").first.inner_text() == "flights"
    page.screenshot(path=str(screenshot_dir / "staff-search.png"), full_page=True)

    # "n" starts a new task
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("n")
    page.wait_for_url("**" + reverse("task_new", args=[slug]))
    context.close()
