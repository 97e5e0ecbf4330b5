"""End to end in a real browser: a secretary starts a letter for a client, adds a heading and a
text block, watches the live preview appear, and saves the first version."""

import pytest
from playwright.sync_api import expect

from documents import compose
from documents.models import Composition
from tests.clients.factories import ClientFactory
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEADLINE_MS = 60_000  # a first render imports WeasyPrint and lays the page out


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_it_writes_a_letter_with_a_live_preview(world, live_server, browser, screenshot_dir):
    client = ClientFactory(
        practice=world.practice, name="Northwind Legal", time_zone="Australia/Sydney"
    )
    base = live_server.url
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    sign_in(page, base, world.secretary.user.email)

    # The secretary starts a new letter from the documents page
    page.goto(f"{base}/app/{world.practice.slug}/documents/composed/")
    page.get_by_role("link", name="New document").first.click()
    page.select_option("select[name=client]", str(client.pk))
    page.select_option("select[name=kind]", "letter")
    page.fill("input[name=title]", "Your new office hours")
    page.get_by_role("button", name="Create and edit").click()
    page.wait_for_url("**/documents/compose/*/")

    # adds a heading and a text block, and types into them
    page.get_by_role("button", name="+ Heading").click()
    page.locator("input[name=b0-text]").fill("From Monday, we answer at 8 am")
    page.get_by_role("button", name="+ Text").click()
    page.locator("textarea[name=b1-markdown]").fill(
        "Dear Ms Reyes,\n\nFrom **Monday 5 January** your calls are answered from 8 am to "
        "6 pm, Sydney time.\n\n- Urgent calls go straight to your mobile\n"
        "- Messages reach you by email within 10 minutes"
    )

    # fills in the letter's own fields by their labels
    page.get_by_label("Recipient's name and address").fill(
        "Ms Carmen Reyes\nReyes Dental\n12 Pitt Street\nSydney NSW 2000"
    )
    page.get_by_label("Salutation").fill("Dear Ms Reyes,")
    page.get_by_label("Closing").fill("Kind regards,")

    # then the live preview shows the page
    preview = page.locator("#compose-preview img.compose-page").first
    preview.wait_for(state="visible", timeout=DEADLINE_MS)
    assert preview.get_attribute("src").startswith("data:image/png;base64,")
    page.wait_for_function(
        "document.querySelector('#compose-preview img.compose-page').naturalWidth > 0",
        timeout=DEADLINE_MS,
    )

    # and saving keeps the first version with the blocks
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Version 2 saved.").is_visible()
    composition = Composition.objects.for_practice(world.practice).get()
    blocks = compose.version_latest(composition).content["blocks"]
    assert [block["type"] for block in blocks] == ["heading", "text"]
    fields = compose.version_latest(composition).content["fields"]
    assert fields["recipient_lines"][0] == "Ms Carmen Reyes"
    assert fields["salutation"] == "Dear Ms Reyes,"
    assert fields["closing"] == "Kind regards,"

    page.locator("#compose-preview img.compose-page").first.wait_for(
        state="visible", timeout=DEADLINE_MS
    )
    page.screenshot(path=str(screenshot_dir / "document-editor.png"))
    context.close()


def test_it_makes_a_card_sheet_for_two_people(world, live_server, browser, screenshot_dir):
    client = ClientFactory(
        practice=world.practice, name="Northwind Legal", time_zone="Australia/Sydney"
    )
    cards = compose.composition_create(
        practice=world.practice,
        client=client,
        kind="business_cards",
        title="Business cards",
        user=world.secretary.user,
    )
    base = live_server.url
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    sign_in(page, base, world.secretary.user.email)
    page.goto(f"{base}/app/{world.practice.slug}/documents/compose/{cards.pk}/")

    # The secretary adds two people, each with their own inputs
    page.get_by_role("button", name="+ Person 1").click()
    page.locator("input[name=f-people-0-name]").fill("Olivia Chen")
    page.locator("input[name=f-people-0-title]").fill("Principal, Estates and Succession")
    page.get_by_role("button", name="+ Person 2").click()
    page.locator("input[name=f-people-1-name]").fill("Marcus Reid")
    page.locator("input[name=f-people-1-email]").fill("marcus.reid@northwindlegal.com.au")

    # then moves Marcus first, and the preview shows a sheet of cards
    page.get_by_role("button", name="Move Person 2 up").click()
    expect(page.locator("input[name=f-people-0-name]")).to_have_value("Marcus Reid")
    page.locator("#compose-preview img.compose-page").first.wait_for(
        state="visible", timeout=DEADLINE_MS
    )

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("networkidle")
    people = compose.version_latest(cards).content["fields"]["people"]
    assert [person["name"] for person in people] == ["Marcus Reid", "Olivia Chen"]
    assert people[1]["title"] == "Principal, Estates and Succession"
    page.locator("#compose-preview img.compose-page").first.wait_for(
        state="visible", timeout=DEADLINE_MS
    )
    page.screenshot(path=str(screenshot_dir / "document-editor-cards.png"))
    context.close()
