"""Forms that edit terms, in a real browser: coverage on a weekly grid that previews as it is
typed, the terms of the chosen billing model only, and a logo shown before it is sent."""

import pytest
from django.urls import reverse

from clients.models import EngagementStatus
from secretary.models import Role
from tests.browser.session import signed_in
from tests.clients.factories import ClientFactory, EngagementFactory
from tests.factories import MembershipFactory, PracticeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk", currency="AUD")
    owner = MembershipFactory(
        practice=practice, role=Role.OWNER, user=UserFactory(email="olive@harbour.test")
    )
    client = ClientFactory(practice=practice, name="Northwind Legal", currency="AUD")
    draft = EngagementFactory(client=client, status=EngagementStatus.DRAFT, weekdays=range(5))
    return {"practice": practice, "owner": owner, "client": client, "draft": draft}


def test_terms_follow_the_billing_model_and_coverage_is_a_weekly_grid(
    live_server, browser, desk, screenshot_dir
):
    practice, draft = desk["practice"], desk["draft"]
    page = signed_in(browser, live_server, desk["owner"].user).new_page()
    page.goto(live_server.url + reverse("engagement_edit", args=[practice.slug, draft.pk]))

    # A retainer shows its fee and rollover; an hourly plan hides them, keeping the hourly rate
    fee, rollover = page.get_by_label("Monthly fee"), page.get_by_label("Rollover up to (hours)")
    assert fee.is_visible() and rollover.is_visible()
    page.get_by_label("Billing model").select_option("hourly")
    assert not fee.is_visible() and not rollover.is_visible()
    assert page.get_by_label("Hourly rate").is_visible()
    page.get_by_label("Billing model").select_option("block")
    assert fee.is_visible() and not rollover.is_visible()

    # Saturday morning typed on the grid shows in the preview before saving
    page.get_by_label("Sat From", exact=True).fill("10:00")
    page.get_by_label("Sat To", exact=True).fill("14:00")
    preview = page.locator("#coverage-preview")
    preview.get_by_text("10:00").first.wait_for()
    page.screenshot(path=str(screenshot_dir / "staff-engagement-terms.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/engagements/*/")
    draft.refresh_from_db()
    assert draft.billing_model == "block"
    assert [window.weekday for window in draft.coverage().windows] == [0, 1, 2, 3, 4, 5]


def test_a_logo_is_shown_before_it_is_sent(live_server, browser, desk, screenshot_dir, tmp_path):
    from PIL import Image

    logo = tmp_path / "northwind.png"
    Image.new("RGB", (240, 80), "#2a5bd7").save(logo)
    practice, client = desk["practice"], desk["client"]
    page = signed_in(browser, live_server, desk["owner"].user).new_page()
    page.goto(live_server.url + reverse("client_brand", args=[practice.slug, client.pk]))
    preview = page.locator("[data-logo-preview]")
    assert preview.is_hidden()
    page.get_by_label("Logo").set_input_files(str(logo))
    preview.wait_for()
    assert preview.get_attribute("src").startswith("data:image/png;base64,")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    page.goto(live_server.url + reverse("client_brand", args=[practice.slug, client.pk]))
    assert page.get_by_alt_text("The current logo").is_visible()
    page.get_by_label("Remove the logo").check()
    assert "removed" in (preview.get_attribute("class") or "")
    page.screenshot(path=str(screenshot_dir / "staff-brand-logo.png"), full_page=True)
