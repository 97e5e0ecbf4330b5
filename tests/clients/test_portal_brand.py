"""The portal wears the practice's brand: logo and colours on every portal page, the account
pages of a contact included; contacts are never offered a practice or an account of their
own; the menu lists what the contact may use and what applies to their client now."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from clients.models import ClientStatus, Contact
from clients.portal_brand import READABLE, WHITE, contrast, readable_on_white, text_on, theme
from secretary.models import Role
from tests.clients.factories import BrandKitFactory
from tests.clients.isolation import TINY_GIF
from tests.conftest import client_for
from tests.factories import InvitationFactory, MembershipFactory, PracticeFactory

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def kit(world):
    """Harbour Desk's brand: a deep wine bar, a sunny (too light to read) accent, a logo."""
    kit = BrandKitFactory(
        practice=world.practice, client=None, primary_color="#5b1a33", accent_color="#f2c14e"
    )
    kit.logo.save("harbour.gif", ContentFile(TINY_GIF))
    return kit


def contact_of(world) -> Contact:
    return Contact.objects.for_practice(world.practice).get(membership=world.client_contact)


def test_it_checks_ownership(world, kit, outsider_client, secretary_client, contact_client):
    logo = url(world, "portal_brand_logo")
    assert outsider_client.get(logo).status_code == 404
    assert secretary_client.get(logo).status_code == 404  # staff have no portal
    other = reverse("portal_brand_logo", kwargs={"practice_slug": world.other_practice.slug})
    assert outsider_client.get(other).status_code == 404
    # A contact of the practice gets it, as an image shown in place
    response = contact_client.get(logo)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert "attachment" not in response.get("Content-Disposition", "")


def test_no_logo_answers_404(world, northwind, contact_client):
    assert contact_client.get(url(world, "portal_brand_logo")).status_code == 404


def test_portal_pages_wear_the_brand(world, northwind, kit, contact_client):
    page = contact_client.get(url(world, "portal_request_list")).content.decode()
    accent = readable_on_white("#f2c14e")
    assert f"--portal-bar:#5b1a33;--portal-bar-text:{WHITE};--primary:{accent};" in page
    assert '<img class="brand-logo" src="/portal/harbour-desk/brand/logo/?v=' in page


def test_without_a_brand_kit_the_portal_keeps_its_own_look(world, northwind, contact_client):
    page = contact_client.get(url(world, "portal_home")).content.decode()
    assert "--portal-bar" not in page and "brand-logo" not in page
    assert "Harbour Desk" in page


def test_colours_stay_readable_whatever_the_kit():
    # A light bar gets dark text; a dark one white text
    assert text_on("#f7e8a4") != WHITE and text_on("#14213d") == WHITE
    # An accent too light for text on white is darkened until it reads; a dark one is kept
    assert contrast(readable_on_white("#f2c14e"), WHITE) >= READABLE
    assert readable_on_white("#1e46ad") == "#1e46ad"
    kit = BrandKitFactory.build(primary_color="#ffffff", accent_color="#ffffff")
    colours = theme(kit)
    assert contrast(colours["--portal-bar"], colours["--portal-bar-text"]) >= READABLE
    assert contrast(colours["--primary"], WHITE) >= READABLE


def test_a_contacts_account_pages_wear_their_portals_brand(world, northwind, kit, contact_client):
    for name in ("account_email", "account_change_password", "usersessions_list"):
        page = contact_client.get(reverse(name)).content.decode()
        assert "--portal-bar:#5b1a33" in page, name
        assert "Back to your portal" in page and "/portal/harbour-desk/profile/" in page
        assert "Your practices" not in page and "New practice" not in page


def test_staff_account_pages_stay_the_apps(world, kit, secretary_client):
    page = secretary_client.get(reverse("account_email")).content.decode()
    assert "--portal-bar" not in page and "Back to your portal" not in page
    assert "Your practices" in page


def test_a_contact_is_never_offered_a_practice_of_their_own(world, northwind, contact_client):
    MembershipFactory(practice=PracticeFactory(), user=world.client_contact.user, role=Role.CLIENT)
    page = contact_client.get(reverse("practice_list")).content.decode()
    assert "Harbour Desk" in page and "New practice" not in page


def test_staff_may_start_a_practice(world, secretary_client):
    assert "New practice" in secretary_client.get(reverse("practice_list")).content.decode()


def test_signing_out_of_the_portal_leads_to_its_sign_in_without_sign_up(
    world, northwind, contact_client, client
):
    # The portal's sign-out form asks to come back to the portal's sign-in
    portal = contact_client.get(url(world, "portal_home")).content.decode()
    assert 'name="next" value="/accounts/login/?next=/portal/harbour-desk/"' in portal
    response = contact_client.post(
        reverse("account_logout"),
        {"next": reverse("account_login") + "?next=/portal/harbour-desk/"},
    )
    assert response["Location"] == "/accounts/login/?next=/portal/harbour-desk/"
    page = client.get(response["Location"]).content.decode()
    assert "Sign up" not in page and "sign up" not in page


def test_the_plain_sign_in_page_still_offers_sign_up(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "Sign up" in page


def test_a_contact_invited_to_the_portal_creates_their_account_without_sign_up(world, client):
    token = "a-raw-token-for-a-client-contact"
    InvitationFactory(
        practice=world.practice,
        email="new@client.test",
        role=Role.CLIENT,
        token=token,
        invited_by=world.owner.user,
    )
    client.get(reverse("invitation_accept", kwargs={"token": token}))
    page = client.get(reverse("account_signup")).content.decode()
    assert "Create your account" in page
    assert "Sign up" not in page and "Sign Up" not in page


def test_the_menu_lists_the_parts_a_contact_may_use(world, northwind, contact_client):
    contact = contact_of(world)
    contact.portal_documents = False
    contact.portal_billing = False
    contact.save()
    links = [
        link["label"] for link in contact_client.get(url(world, "portal_home")).context["links"]
    ]
    assert "Requests" in links and "Calendar" in links and "Your plan" in links
    assert "Documents" not in links and "Invoices" not in links and "Books" not in links
    contact.portal_documents = True
    contact.portal_billing = True
    contact.portal_requests = False
    contact.save()
    links = [
        link["label"] for link in contact_client.get(url(world, "portal_home")).context["links"]
    ]
    assert "Documents" in links and "Invoices" in links and "Books" in links
    assert "Requests" not in links


def test_onboarding_leaves_the_menu_once_the_client_is_active(world, northwind, contact_client):
    northwind.status = ClientStatus.ONBOARDING
    northwind.save()
    links = [
        str(link["label"])
        for link in contact_client.get(url(world, "portal_plan")).context["links"]
    ]
    assert "Onboarding" in links
    northwind.status = ClientStatus.ACTIVE
    northwind.save()
    links = [
        str(link["label"])
        for link in contact_client.get(url(world, "portal_plan")).context["links"]
    ]
    assert "Onboarding" not in links


def test_a_login_not_linked_to_a_client_has_no_menu(world):
    page = client_for(world.client_contact.user).get(url(world, "portal_home"))
    assert page.status_code == 200
    assert page.context["links"] == []
