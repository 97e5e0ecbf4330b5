"""In a real browser: a client contact opens the version sent for approval, pins a comment on
page 1; a new version is sent and they approve it with the read confirmation and their name."""

import pytest

from documents import compose
from documents.models import Approval, CompositionStatus, DocumentKind, ProofComment
from tests.clients.factories import ClientFactory, ContactFactory
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKS = [
    {"type": "heading", "text": "Your new office hours"},
    {"type": "text", "markdown": "From **Monday** we answer your phones from 8 am."},
]


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_a_contact_comments_then_approves_the_next_version(
    world, live_server, browser, background, screenshot_dir
):
    practice = world.practice
    client = ClientFactory(practice=practice, name="Northwind Legal", time_zone="Europe/London")
    ContactFactory(
        practice=practice, client=client, membership=world.client_contact, portal_documents=True
    )
    composition = compose.composition_create(
        practice=practice,
        client=client,
        kind=DocumentKind.LETTER,
        title="Office hours letter",
        user=world.secretary.user,
        content={"blocks": BLOCKS, "fields": {}},
    )
    compose.composition_send_for_approval(
        practice=practice, composition=composition, user=world.secretary.user
    )
    portal = f"{live_server.url}/portal/{practice.slug}"
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    sign_in(page, live_server.url, world.client_contact.user.email)

    # The list leads to the document; its first page is shown as an image
    page.goto(f"{portal}/documents/compositions/")
    page.get_by_role("link", name="Office hours letter").click()
    sheet = page.locator("[data-page='1'] .proof-sheet")
    sheet.locator("img").wait_for()
    page.wait_for_function("document.querySelector('.proof-sheet img').naturalWidth > 0")

    # A click on the page pins the comment there
    box = sheet.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.2)
    page.fill("[data-pin-body]", "Please use our new logo here.")
    page.get_by_role("button", name="Add the comment").click()
    page.wait_for_load_state("networkidle")
    comment = ProofComment.objects.for_practice(practice).get()
    assert comment.page == 1 and 20 <= comment.x <= 30 and 15 <= comment.y <= 25
    assert page.locator(".proof-pin").count() == 1

    # A new version is sent; the contact approves it
    compose.composition_save(
        practice=practice,
        composition=composition,
        content={"blocks": [*BLOCKS, {"type": "text", "markdown": "With our new logo."}]},
        user=world.secretary.user,
    )
    version = compose.composition_send_for_approval(
        practice=practice, composition=composition, user=world.secretary.user
    )
    page.reload()
    assert "Version 2" in page.inner_text("h1 + p")
    page.get_by_role("button", name="Approve this version").click()  # nothing confirmed yet
    assert page.get_by_text("Confirm that you have read this version.").is_visible()
    assert not Approval.objects.for_practice(practice).exists()
    page.check("input[name=read_confirmed]")
    page.fill("input[name=name]", "Nora North")
    page.get_by_role("button", name="Approve this version").click()
    page.wait_for_load_state("networkidle")

    record = page.locator("#approval-record").inner_text()
    assert "Approved by Nora North on" in record
    assert f"version 2, hash {version.content_hash[:12]}" in record
    composition.refresh_from_db()
    assert composition.status == CompositionStatus.APPROVED
    page.screenshot(path=str(screenshot_dir / "portal-proofing.png"), full_page=True)
    context.close()
