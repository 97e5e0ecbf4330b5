"""In a real browser: a client contact reviews a new version of her plan in the portal. She
reads what changes against the plan in force and the terms in the agreement's words, opens
the agreement, and accepts it with the reading confirmed and her typed name, which the
acceptance records."""

from decimal import Decimal

import pytest
from django.db import transaction

from clients.models import Engagement, EngagementStatus
from clients.services import engagement_propose
from documents.models import Approval
from secretary.models import Role
from tests.clients.factories import ClientFactory, ContactFactory, EngagementFactory
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def proposal():
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk", currency="AUD")
    owner = MembershipFactory(practice=practice, role=Role.OWNER)
    member = MembershipFactory(
        practice=practice,
        role=Role.CLIENT,
        user=UserFactory(email="nora@northwind.test", full_name="Nora North"),
    )
    client = ClientFactory(practice=practice, name="Northwind Legal", status="active")
    ContactFactory(practice=practice, client=client, membership=member, name="Nora North")
    current = EngagementFactory(
        client=client, status=EngagementStatus.ACTIVE, version=1, weekdays=range(5)
    )
    draft = EngagementFactory(
        client=client,
        status=EngagementStatus.DRAFT,
        version=2,
        replaces=current,
        monthly_fee=Decimal("2400.00"),
        included_hours=Decimal("30.00"),
        after_hours_multiplier=Decimal("1.25"),
        weekdays=range(6),
    )
    with transaction.atomic():
        engagement_propose(practice=practice, actor=owner, engagement=draft)
    return draft


def test_a_contact_reviews_and_accepts_a_new_version_of_her_plan(
    live_server, browser, background, proposal, screenshot_dir
):
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, "nora@northwind.test")
    page.click("#approvals a")

    # What changes, term by term, against the plan in force
    changes = page.locator("#changes")
    # (the fee, the hours, Saturdays covered, and work outside coverage)
    assert "4 terms differ from your plan in force (version 1)" in changes.inner_text()
    fee = changes.locator(".change", has_text="Monthly fee").inner_text()
    assert "AUD\xa01,500.00" in fee and "AUD\xa02,400.00" in fee
    assert "Sat" in changes.locator(".change", has_text="Hours covered").inner_text()
    # The terms in the agreement's words
    terms = page.inner_text("#terms")
    assert "Work done outside the coverage hours is billed at 1.25 times the rate." in terms
    assert "× 1.25" not in terms
    # The agreement is there to read
    page.wait_for_selector("#agreement >> text=Download PDF", timeout=60_000)
    page.screenshot(path=str(screenshot_dir / "portal-proposal.png"), full_page=True)

    # Accepting needs the reading confirmed and the typed name
    page.fill("#id_name", "Nora North")
    page.click("button:has-text('Accept this plan')")
    page.wait_for_selector("text=Confirm that you have read the agreement.")
    assert "AUD\xa02,400.00" in page.inner_text("#changes")  # the review stays on the page
    page.check("#id_read_confirmed")
    page.fill("#id_name", "Nora  North")
    page.click("button:has-text('Accept this plan')")
    page.wait_for_selector("text=the plan is accepted")
    engagement = Engagement.objects.for_practice(proposal.practice).get(pk=proposal.pk)
    assert engagement.status == EngagementStatus.ACTIVE
    approval = Approval.objects.for_practice(proposal.practice).get(subject_id=proposal.pk)
    assert approval.name == "Nora North"
    # The accepted version now says what changed from the one it replaced
    assert "What changed from version 1" in page.inner_text("#changes")


def test_the_review_reads_on_a_phone(live_server, browser, proposal, screenshot_dir):
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, live_server.url, "nora@northwind.test")
    page.goto(f"{live_server.url}/portal/harbour-desk/plan/{proposal.pk}/")
    fee = page.locator("#changes .change", has_text="Monthly fee")
    # Stacked: each value carries its own label
    assert fee.locator(".change-tag").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(screenshot_dir / "portal-proposal-phone.png"), full_page=True)
