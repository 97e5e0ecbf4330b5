"""In a real browser: a client contact's portal wears the practice's brand kit (logo and
colours) on every page, her account pages included; her menu holds only what she may use and
what applies now; signing out leads to a sign-in page that offers no sign-up."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from clients.models import Client, ClientStatus
from secretary.models import Role
from tests.clients.factories import BrandKitFactory, ClientFactory, ContactFactory
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory, UserFactory
from tests.tasks.factories import TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WINE = "rgb(91, 26, 51)"  # #5b1a33, the kit's primary colour


def sign_in(page, base_url, email, next_path=""):
    page.goto(f"{base_url}/accounts/login/{next_path}")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def logo_png() -> bytes:
    image = Image.new("RGB", (160, 48), "#5b1a33")
    image.paste(Image.new("RGB", (48, 48), "#f2c14e"), (0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def branded():
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    kit = BrandKitFactory(
        practice=practice, client=None, primary_color="#5b1a33", accent_color="#f2c14e"
    )
    kit.logo.save("harbour.png", ContentFile(logo_png()))
    member = MembershipFactory(
        practice=practice,
        role=Role.CLIENT,
        user=UserFactory(email="nora@northwind.test", full_name="Nora North"),
    )
    client = ClientFactory(practice=practice, name="Northwind Legal", status=ClientStatus.ACTIVE)
    ContactFactory(
        practice=practice,
        client=client,
        membership=member,
        portal_requests=True,
        portal_documents=False,
        portal_billing=False,
    )
    return practice


def bar_colour(page) -> str:
    return page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")


def test_the_portal_wears_the_practices_brand(live_server, browser, branded, screenshot_dir):
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, "nora@northwind.test")

    # The portal: the kit's colour on the bar, its logo, and a menu of what applies to her
    assert bar_colour(page) == WINE
    assert page.evaluate("document.querySelector('.topbar img.brand-logo').naturalWidth") == 160
    menu = page.inner_text(".topbar nav")
    assert "Requests" in menu and "Your plan" in menu
    assert "Documents" not in menu  # she may not see documents
    assert "Invoices" not in menu  # nor invoices
    assert "Onboarding" not in menu  # her client is active
    # Buttons use the accent, darkened to stay readable with white text
    button = page.locator("a.btn", has_text="New request")
    assert button.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(242, 193, 78)"
    page.screenshot(path=str(screenshot_dir / "portal-brand-home.png"), full_page=True)

    # Her account pages are her portal's too
    page.click(".topbar .user-link")
    page.click("text=Password")
    page.wait_for_selector("text=Back to your portal")
    assert bar_colour(page) == WINE
    assert "Your practices" not in page.inner_text("body")
    page.screenshot(path=str(screenshot_dir / "portal-brand-account.png"), full_page=True)

    # Signing out leads to the portal's sign-in, which offers no sign-up
    page.click(".topbar button:has-text('Sign out')")
    page.wait_for_selector("input[name=login]")
    assert "next=/portal/harbour-desk/" in page.url
    assert "sign up" not in page.inner_text("body").lower()
    page.screenshot(path=str(screenshot_dir / "portal-sign-in.png"), full_page=True)
    # ...and signing in again goes straight back to the portal
    page.fill("input[name=login]", "nora@northwind.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/portal/harbour-desk/")


def test_branded_portal_pages_fit_a_phone(live_server, browser, branded, screenshot_dir):
    client = Client.objects.for_practice(branded).get()
    task = TaskFactory(practice=branded, client=client, title="A rather long request title")
    base = live_server.url
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, base, "nora@northwind.test")
    for path in (
        "/portal/harbour-desk/",
        "/portal/harbour-desk/requests/",
        f"/portal/harbour-desk/requests/{task.pk}/",
        "/portal/harbour-desk/profile/",
        "/portal/harbour-desk/plan/",
        "/accounts/password/change/",
    ):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    page.goto(base + "/portal/harbour-desk/")
    page.screenshot(path=str(screenshot_dir / "portal-brand-home-phone.png"), full_page=True)
