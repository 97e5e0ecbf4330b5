"""The front desk in a real browser: "k" opens the quick switcher from any staff page, typing
part of a client's name and Enter land on the client's playbook; the switcher's "Log a call"
opens the call form (as the playbook's button does), where a playbook answer is used and Enter saves the call."""

import pytest
from django.urls import reverse

from clients.playbook.services import playbook_save
from secretary.models import Role
from tasks.calls.models import Call
from tasks.models import Source
from tests.browser.session import signed_in
from tests.browser.test_csp import watch
from tests.clients.playbook.helpers import sample_content
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.tasks.factories import ClientFactory, ContactFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    secretary = MembershipFactory(
        practice=practice, role=Role.SECRETARY, user=UserFactory(email="sam@harbour.test")
    )
    client = ClientFactory(practice=practice, name="Northwind Dental", primary_secretary=secretary)
    ClientFactory(practice=practice, name="Acme Plumbing", primary_secretary=secretary)
    ContactFactory(practice=practice, client=client, name="Nora North", email="nora@nw.test")
    playbook_save(practice=practice, client=client, actor=secretary, content=sample_content())
    task = TaskFactory(practice=practice, client=client, title="Book flights", assignee=secretary)
    return {"practice": practice, "secretary": secretary, "client": client, "task": task}


def test_it_switches_to_a_playbook_and_logs_a_call(live_server, browser, desk, screenshot_dir):
    slug = desk["practice"].slug
    context = signed_in(browser, live_server, desk["secretary"].user)
    page = context.new_page()
    problems = watch(page)
    page.goto(live_server.url + reverse("task_detail", args=[slug, desk["task"].pk]))

    # "k" opens the switcher; typing part of the name lists the client
    page.keyboard.press("k")
    switcher = page.get_by_role("dialog", name="Find a client")
    assert switcher.is_visible()
    page.keyboard.type("northw")
    page.wait_for_selector(
        "#switcher-results [role=option][aria-selected=true] >> text=Northwind Dental"
    )
    assert "Acme" not in page.locator("#switcher-results").inner_text()
    page.screenshot(path=str(screenshot_dir / "quick-switcher.png"))

    # Enter lands on the playbook
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{reverse('playbook_detail', args=[slug, desk['client'].pk])}")
    assert page.get_by_role("heading", name="Playbook · Northwind Dental").is_visible()
    assert page.get_by_text("Do you take new patients?").is_visible()
    page.screenshot(path=str(screenshot_dir / "playbook.png"), full_page=True)

    # Ctrl+K opens the switcher again; the arrow pressed before the results arrive applies
    # to them: its second option, "Log a call for Northwind Dental", opens the call form
    page.keyboard.press("Control+k")
    assert switcher.is_visible()
    page.keyboard.type("north")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/calls/new/?client={desk['client'].pk}")

    # The caller's name has the keyboard; a playbook answer fills the form; Enter saves
    assert page.evaluate("document.activeElement.name") == "caller_name"
    page.keyboard.type("Jo Smith")
    answers = page.locator("[data-use-answer]")
    assert answers.count() == 2, (page.url, page.locator("main").inner_text()[:600])
    answers.nth(1).click()
    assert page.locator("[name=answer_given]").input_value() == "Behind the building."
    page.get_by_label("Follow-up needed (makes a task)").check()
    page.screenshot(path=str(screenshot_dir / "call-form.png"), full_page=True)
    page.locator("[name=caller_name]").press("Enter")
    page.wait_for_url("**/calls/*/")
    call = Call.objects.unscoped().get()
    assert (call.caller_name, call.inquiry) == ("Jo Smith", "Where do I park?")
    assert call.task.source == Source.PHONE
    assert problems == []

    # The call form on a phone
    phone = signed_in(browser, live_server, desk["secretary"].user, width=390, height=844)
    small = phone.new_page()
    small.goto(live_server.url + reverse("call_new", args=[slug]) + f"?client={desk['client'].pk}")
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    small.screenshot(path=str(screenshot_dir / "call-form-390.png"), full_page=True)


def test_an_arrow_pressed_while_an_older_list_arrives_waits_for_the_text_typed(
    live_server, browser, desk
):
    """The list the switcher asks for on opening (the empty text) may arrive after the name was
    typed and an arrow pressed, while the typed text still waits to be asked: that arrow
    belongs to the typed text's results, so the second option ("Log a call for …") is the one
    Enter opens, not the first."""
    slug = desk["practice"].slug
    context = signed_in(browser, live_server, desk["secretary"].user)
    page = context.new_page()
    held = []

    def hold_the_opening_list(route):
        if route.request.url.endswith("?q="):
            held.append(route)  # answered below, once the arrow was pressed
        else:
            route.continue_()

    page.route("**/*?q=*", hold_the_opening_list)
    page.goto(live_server.url + reverse("task_detail", args=[slug, desk["task"].pk]))
    page.keyboard.press("Control+k")
    page.wait_for_function("() => document.getElementById('switcher').open")
    page.keyboard.type("north")
    page.keyboard.press("ArrowDown")
    # The opening list arrives now, while the typed text waits its 120 ms to be asked.
    (opening,) = held
    opening.fulfill(status=200, content_type="application/json", body='{"results": []}')
    page.wait_for_function("() => !document.getElementById('switcher').dataset.pending")
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/calls/new/?client={desk['client'].pk}")
