"""In a real browser, the brand kit's preview loads and shows the bundled fonts."""

import pytest
from django.urls import reverse

from secretary.models import Role
from tests.browser.test_csp import watch
from tests.browser.test_request_flow import sign_in
from tests.factories import MembershipFactory, PracticeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOADED_FACES = """async (family) => {
  await document.fonts.ready;
  const faces = await document.fonts.load(`16px "${family}"`);
  return faces.filter((face) => face.status === "loaded").map((face) => face.family);
}"""


def test_the_brand_preview_shows_a_bundled_font(live_server, browser, screenshot_dir):
    # Given an owner on the practice's brand kit page
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    MembershipFactory(
        practice=practice, role=Role.OWNER, user=UserFactory(email="olive@harbour.test")
    )
    page = browser.new_page()
    problems = watch(page)
    sign_in(page, live_server.url, "olive@harbour.test")
    page.goto(live_server.url + reverse("practice_brand", args=[practice.slug]))

    # When they choose a bundled font
    page.select_option("select[name=font]", "Zilla Slab")
    page.wait_for_selector("#brand-preview[style*='Zilla Slab']")

    # Then the preview is set in it, loaded from our own static files, with no policy violation
    assert page.evaluate(LOADED_FACES, "Zilla Slab") == ["Zilla Slab"]
    assert page.evaluate(
        "getComputedStyle(document.getElementById('brand-preview')).fontFamily"
    ).startswith('"Zilla Slab"')
    assert problems == []
    page.locator("#brand-preview").screenshot(path=str(screenshot_dir / "brand-preview-font.png"))
