"""In a real browser: a newsletter's email page shows the email in its sandboxed frame, with its
pictures and its styles, under the page's Content-Security-Policy without a violation; and the
test it sends arrives (through the worker when there is one)."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import compose
from documents.models import DocumentKind
from tests.browser.test_csp import watch
from tests.browser.test_request_flow import sign_in
from tests.clients.factories import ClientFactory
from tests.documents.factories import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sent_subjects(background) -> list[str]:
    if background is None:
        return [message.subject for message in mail.outbox]
    return [str(message["Subject"]) for message in background.messages()]


def test_it_shows_the_email_in_its_frame_and_sends_a_test(
    world, live_server, browser, screenshot_dir, background
):
    client = ClientFactory(practice=world.practice, name="Northwind Legal", time_zone="UTC")
    asset = compose.asset_upload(
        practice=world.practice,
        client=client,
        upload=SimpleUploadedFile("team.png", png_bytes((120, 60)), content_type="image/png"),
    )
    newsletter = compose.composition_create(
        practice=world.practice,
        client=client,
        kind=DocumentKind.NEWSLETTER,
        title="December issue",
        user=world.secretary.user,
        content={
            "blocks": [
                {"type": "heading", "text": "Winter hours", "level": 1},
                {"type": "image", "asset": asset.pk, "alt": "Our team"},
                {"type": "cta", "text": "Book a call", "url": "https://northwind.test/book"},
            ],
            "fields": {"masthead_title": "The Northwind Brief", "issue_number": "Issue 15"},
        },
    )
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, color_scheme="dark")
    page = context.new_page()
    problems = watch(page)
    sign_in(page, live_server.url, world.secretary.user.email)

    # When the secretary opens the newsletter's email from its editor
    page.goto(f"{live_server.url}/app/{world.practice.slug}/documents/compose/{newsletter.pk}/")
    page.get_by_role("link", name="Email version").click()
    page.wait_for_load_state("networkidle")

    # Then the frame shows the email, its picture loaded from the page itself
    frame = page.frame_locator("iframe.email-frame")
    frame.get_by_role("heading", name="Winter hours").wait_for()
    picture = frame.get_by_role("img", name="Our team")
    assert picture.evaluate("image => image.complete && image.naturalWidth") == 120
    # and its <style> applies (the reader's dark mode), allowed by the page's nonce
    background_colour = frame.locator("body").evaluate(
        "body => getComputedStyle(body).backgroundColor"
    )
    assert background_colour == "rgb(17, 20, 24)"
    page.screenshot(path=str(screenshot_dir / "newsletter-email.png"), full_page=True)

    # When they send themselves a test
    page.get_by_role("button", name="Send me a test").click()
    page.wait_for_load_state("networkidle")

    # Then the page says it is on its way, and it arrives
    assert page.get_by_text("A test of the email is on its way").is_visible()
    expected = "[Test] The Northwind Brief — Issue 15"
    if background is not None:
        background.wait_for(lambda: expected in sent_subjects(background), what="the test email")
    assert expected in sent_subjects(background)
    # And the browser reported no violation of the policy
    assert problems == []
    context.close()
