"""End to end in a real browser: a secretary onboards a client, the contact answers the
questionnaire and accepts the plan in the portal."""


import pytest

from clients.models import Client, Contact, Engagement
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, email):
    page = browser.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_a_client_is_onboarded_end_to_end(world, live_server, browser):
    app = f"{live_server.url}/app/{world.practice.slug}"
    portal = f"{live_server.url}/portal/{world.practice.slug}"
    staff = signed_in(browser, live_server, world.secretary.user.email)

    # The secretary adds the client and its contact
    staff.goto(f"{app}/clients/new/")
    staff.fill("#id_name", "Pacific Legal")
    staff.select_option("#id_time_zone", "America/Los_Angeles")
    staff.select_option("#id_currency", "AUD")
    staff.click("#main form button[type=submit]")
    client = Client.objects.for_practice(world.practice).get(name="Pacific Legal")
    staff.click("text=Add contact")
    staff.fill("#id_name", "Paula Pacific")
    staff.fill("#id_email", world.client_contact.user.email)
    staff.click("#main form button[type=submit]")
    # (the contact's portal login, as an accepted invitation would link it)
    Contact.objects.for_practice(world.practice).filter(client=client).update(
        membership=world.client_contact
    )

    # and sends the intake questionnaire
    staff.goto(f"{app}/clients/{client.pk}/onboarding/")
    staff.click("form[action$='/onboarding/send/'] button[type=submit]")
    assert "was sent to Paula Pacific" in staff.content()

    # The contact answers in the portal, saves, comes back and submits
    contact = signed_in(browser, live_server, world.client_contact.user.email)
    contact.goto(f"{portal}/onboarding/")
    contact.fill("#id_tools", "Clio")
    contact.click("button[value=save]")
    assert "continue later" in contact.content()
    contact.check("text=Correspondence and client communication")
    contact.fill("#id_expected_hours_per_month", "25")
    contact.select_option("#id_coverage_time_zone", "Australia/Sydney")
    contact.click("button[value=submit]")
    assert "submitted" in contact.content()

    # The secretary builds the plan from the answers and proposes it
    staff.goto(f"{app}/clients/{client.pk}/engagements/new/")
    staff.click("#main form button[type=submit]")
    staff.fill("#id_monthly_fee", "2400.00")
    staff.fill("#id_windows", "Mon-Fri 09:00-17:00")
    staff.click("#main form button[type=submit]")
    staff.click("text=Propose to the client")
    engagement = Engagement.objects.for_practice(world.practice).get(client=client)
    assert engagement.status == "proposed"
    assert engagement.coverage_time_zone == "Australia/Sydney"

    # The contact reviews it (coverage shown in Los Angeles time too) and accepts
    contact.goto(f"{portal}/plan/")
    contact.click("text=Review it")
    assert "America/Los_Angeles" in contact.content()
    contact.click("text=Accept this plan")
    engagement.refresh_from_db()
    assert engagement.status == "active"
    assert engagement.accepted_by == world.client_contact.user
