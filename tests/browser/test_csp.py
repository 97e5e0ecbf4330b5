"""In a real browser, the Content-Security-Policy blocks nothing the product itself uses: pages,
htmx swaps and the API docs run without a single violation."""

import pytest
from django.urls import reverse

from clients.models import ClientTeamMember
from secretary.models import Role
from tests.browser.test_request_flow import sign_in
from tests.clients.factories import BrandKitFactory, ClientFactory
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.tasks.factories import TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch(page) -> list[str]:
    """Collect CSP violations (reported by the page itself) and script errors."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return problems


def test_it_runs_the_staff_pages_and_the_api_docs_without_a_violation(live_server, browser):
    # Given an owner of a practice with a client, a brand kit and a task
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    owner = MembershipFactory(
        practice=practice, role=Role.OWNER, user=UserFactory(email="olive@harbour.test")
    )
    client = ClientFactory(practice=practice, name="Northwind Legal", primary_secretary=owner)
    ClientTeamMember.objects.create(practice=practice, client=client, membership=owner)
    BrandKitFactory(practice=practice, client=client)
    TaskFactory(practice=practice, client=client, assignee=owner)
    page = browser.new_page()
    problems = watch(page)
    sign_in(page, live_server.url, "olive@harbour.test")

    # When they go through the main pages, including an htmx swap (the brand kit's live preview)
    slug = practice.slug
    for path in [
        reverse("dashboard", args=[slug]),
        reverse("task_list", args=[slug]),
        reverse("client_list", args=[slug]),
        reverse("client_detail", args=[slug, client.pk]),
        reverse("api_docs"),
    ]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(live_server.url + reverse("client_brand", args=[slug, client.pk]))
    page.fill("input[name=tagline]", "Legal, on time")
    page.locator("input[name=tagline]").dispatch_event("change")
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + reverse("api_docs"))
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)

    # Then the browser reports no violation of the policy and no script error
    assert problems == []
