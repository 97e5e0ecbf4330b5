"""The core journey in a real browser (headless Chromium): sign up, verify the address, create a
practice, invite a secretary, who signs up from the emailed link in another browser and joins;
the owner sees it on the Activity page and signs out. No page asks for anything outside the
site (the design system and scripts are vendored)."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from secretary.models import Membership, Role, User

PASSWORD = "a-long-unusual-passphrase-42"


def link_in_last_email(pattern: str) -> str:
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return urlsplit(match.group(0)).path


@pytest.mark.browser
def test_it_takes_an_owner_and_an_invited_secretary_through_the_app(
    live_server, browser, screenshot_dir
):
    from playwright.sync_api import expect

    base = live_server.url
    elsewhere: list[str] = []
    failures: list[str] = []

    def on_request(request) -> None:
        if not request.url.startswith((base, "data:")):
            elsewhere.append(request.url)

    def on_response(response) -> None:
        if response.status >= 400:
            failures.append(f"{response.status} {response.url}")

    def watch(context):
        """A page of ``context`` whose outside requests and error answers are recorded."""
        context.on("request", on_request)
        context.on("response", on_response)
        return context.new_page()

    def shot(page, name: str) -> None:
        page.screenshot(path=str(screenshot_dir / f"onboarding-{name}.png"), full_page=True)

    # Given a newcomer whose browser is in Berlin
    owner = watch(browser.new_context(timezone_id="Europe/Berlin"))

    # When they sign up, they are asked to verify their address
    owner.goto(f"{base}/accounts/signup/")
    owner.get_by_label("Full name").fill("Nora Field")
    owner.get_by_label("Email").fill("nora@example.com")
    owner.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    owner.get_by_label("Password (again)").fill(PASSWORD)
    owner.get_by_role("button", name="Sign Up").click()
    expect(owner.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    # And the emailed link signs them in and asks for their practice, in their time zone
    owner.goto(base + link_in_last_email(r"https?://\S+/accounts/confirm-email/\S+"))
    owner.get_by_role("button", name="Confirm").click()
    expect(owner.get_by_role("heading", name="Set up your practice")).to_be_visible()
    expect(owner.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    # (Sent without a name, the form comes back with the keyboard on the field to fix)
    owner.get_by_role("button", name="Create practice").click()
    expect(owner.get_by_label("Practice name")).to_be_focused()
    expect(owner.get_by_text("This field is required.")).to_be_visible()
    owner.get_by_label("Practice name").fill("Field Office")
    owner.get_by_label("Currency").select_option("EUR")
    owner.get_by_role("button", name="Create practice").click()
    expect(owner.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(owner.get_by_text("Your practice is ready. Invite your team next.")).to_be_visible()
    shot(owner, "1-dashboard")

    # When they invite a secretary from the members page
    main_nav = owner.get_by_role("navigation", name="Main")
    main_nav.get_by_text("Settings", exact=True).click()
    main_nav.get_by_role("link", name="Members").click()
    owner.get_by_label("Email address").fill("sam@example.com")
    owner.get_by_label("Role").select_option("secretary")
    owner.get_by_role("button", name="Send invitation").click()
    expect(owner.get_by_text("Invitation sent to sam@example.com.")).to_be_visible()
    expect(
        owner.locator("#members-panel").get_by_text("sam@example.com", exact=True)
    ).to_be_visible()
    shot(owner, "2-invited")
    invitation = link_in_last_email(r"https?://\S+/invitations/[\w-]+/")

    # Then the invitee, in another browser, signs up from the link and joins at once
    secretary = watch(browser.new_context(timezone_id="America/Chicago"))
    secretary.goto(base + invitation)
    expect(
        secretary.get_by_role("heading", name=re.compile("invited to join Field Office"))
    ).to_be_visible()
    secretary.get_by_role("link", name="Create an account").click()
    expect(secretary.get_by_label("Email")).to_have_value("sam@example.com")
    secretary.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    secretary.get_by_label("Password (again)").fill(PASSWORD)
    secretary.get_by_role("button", name="Sign Up").click()
    secretary.get_by_role("button", name="Accept invitation").click()
    expect(secretary.get_by_text("Welcome to Field Office.")).to_be_visible()
    expect(secretary.get_by_role("heading", name="Dashboard")).to_be_visible()
    shot(secretary, "3-secretary")
    # A secretary has no Activity page, and the invitation link is spent
    expect(secretary.get_by_role("link", name="Activity")).to_have_count(0)
    secretary.goto(base + invitation)
    expect(secretary.get_by_text("This invitation has already been used.")).to_be_visible()

    # And the owner sees both events on the Activity page
    owner.get_by_role("navigation", name="Main").get_by_text("Settings", exact=True).click()
    owner.get_by_role("link", name="Activity").click()
    expect(owner.get_by_role("cell", name="joined the practice")).to_be_visible()
    expect(owner.get_by_role("cell", name=re.compile("invited a member"))).to_be_visible()
    shot(owner, "4-activity")

    # And signing out ends the session: the practice is behind the sign-in page again
    dashboard = owner.url
    owner.get_by_role("button", name="Sign out").click()
    expect(owner.get_by_text("You have signed out.")).to_be_visible()
    owner.goto(dashboard)
    expect(owner.get_by_role("heading", name="Sign In")).to_be_visible()

    assert elsewhere == [], f"Pages asked for outside URLs: {elsewhere}"
    # Every page and asset loaded; the one error is the spent invitation (410 Gone)
    assert failures == [f"410 {base}{invitation}"]
    nora = User.objects.get(email="nora@example.com")
    assert nora.time_zone == "Europe/Berlin"
    practice = Membership.objects.unscoped().get(user=nora).practice
    assert (practice.name, practice.currency, practice.time_zone) == (
        "Field Office",
        "EUR",
        "Europe/Berlin",
    )
    roles = dict(Membership.objects.for_practice(practice).values_list("user__email", "role"))
    assert roles == {"nora@example.com": Role.OWNER, "sam@example.com": Role.SECRETARY}
