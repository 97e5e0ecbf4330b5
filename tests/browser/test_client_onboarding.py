"""End to end in a real browser: a secretary takes on a client, invites its contact to the
portal and sends the intake questionnaire; the contact signs up from the invitation, answers
(saving once and coming back), reviews the plan built from the catalog, downloads the service
agreement rendered by the worker, and accepts it."""

import io
import re
from datetime import time
from decimal import Decimal

import pytest
from django.core import mail
from pypdf import PdfReader

from clients.coverage import Window
from clients.models import Client, Contact, Engagement, EngagementStatus
from clients.services import plan_create
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTACT_EMAIL = "paula@pacific.test"


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def emails(background) -> list[tuple[str, str]]:
    """(recipient, plain body) of the emails sent so far, by the worker or in-process."""
    if background is None:
        return [(", ".join(m.to), m.body) for m in mail.outbox]
    return [
        (m["To"], m.get_body(preferencelist=("plain",)).get_content())
        for m in background.messages()
    ]


def invitation_path(background) -> str | None:
    """The path of the invitation link emailed to the contact (the host is the site's)."""
    for to, body in emails(background):
        if CONTACT_EMAIL in to and "/invitations/" in body:
            return re.search(r"/invitations/\S+/", body).group(0)
    return None


def grid_row(page, zone: str, day: str) -> str:
    """The accessible text of one weekday of the coverage grid shown in ``zone``."""
    figure = page.locator("figure.coverage-grid", has_text=zone)
    return figure.get_by_role("img", name=re.compile(rf"^{day}:")).get_attribute("aria-label")


def test_it_onboards_a_client_from_invitation_to_accepted_agreement(
    world, live_server, browser, background, screenshot_dir
):
    base = live_server.url
    app = f"{base}/app/{world.practice.slug}"
    portal = f"{base}/portal/{world.practice.slug}"
    # The catalog has a US-priced plan of Australian business hours
    plan = plan_create(
        practice=world.practice,
        actor=world.owner,
        data={
            "name": "Sydney hours for US clients",
            "currency": "USD",
            "monthly_fee": Decimal("1800.00"),
            "included_hours": Decimal("30"),
            "coverage_time_zone": "Australia/Sydney",
        },
        windows=[Window(day, time(9), time(17)) for day in range(5)],
    )

    # The secretary adds the client and its contact, and invites the contact to the portal
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = staff_context.new_page()
    sign_in(staff, base, world.secretary.user.email)
    staff.goto(f"{app}/clients/new/")
    staff.fill("#id_name", "Pacific Legal")
    staff.select_option("#id_specialty", "legal")
    staff.select_option("#id_time_zone", "America/Los_Angeles")
    staff.select_option("#id_currency", "USD")
    staff.fill("#id_address", "1 Harbor Way\nSanta Monica, CA 90401")
    staff.click("#main form button[type=submit]")
    staff.wait_for_selector("text=Pacific Legal was added.")
    client = Client.objects.for_practice(world.practice).get(name="Pacific Legal")
    staff.click("text=Add contact")
    staff.fill("#id_name", "Paula Pacific")
    staff.fill("#id_email", CONTACT_EMAIL)
    staff.click("#main form button[type=submit]")
    staff.click("button:has-text('Invite to portal')")
    staff.wait_for_selector("text=Paula Pacific was invited to the portal.")

    # The contact follows the emailed link, creates an account and accepts
    if background is not None:
        link = background.wait_for(lambda: invitation_path(background), what="the invitation")
    else:
        link = invitation_path(background)
    contact_context = browser.new_context(viewport={"width": 1280, "height": 900})
    contact = contact_context.new_page()
    contact.goto(base + link)
    contact.click("text=Create an account")
    contact.fill("input[name=full_name]", "Paula Pacific")
    contact.fill("input[name=password1]", PASSWORD)
    contact.fill("input[name=password2]", PASSWORD)
    contact.click("main form button[type=submit]")
    contact.click("button:has-text('Accept invitation')")
    contact.wait_for_url(f"{portal}/")
    paula = Contact.objects.for_practice(world.practice).get(client=client)
    assert paula.membership is not None and paula.membership.user.email == CONTACT_EMAIL

    # The secretary starts onboarding: the questionnaire goes to the contact
    staff.goto(f"{app}/clients/{client.pk}/onboarding/")
    staff.click("form[action$='/onboarding/send/'] button[type=submit]")
    staff.wait_for_selector("text=The questionnaire was sent to Paula Pacific.")

    # The contact answers in the portal, saves, comes back later and submits
    contact.goto(f"{portal}/onboarding/")
    contact.fill("#id_tools", "Clio, Outlook")
    contact.click("button[value=save]")
    contact.wait_for_selector("text=you can continue later")
    contact.goto(f"{portal}/onboarding/")
    assert contact.input_value("#id_tools") == "Clio, Outlook"
    contact.check("text=Legal secretarial work")
    contact.fill("#id_expected_hours_per_month", "25")
    contact.select_option("#id_coverage_time_zone", "Australia/Sydney")
    contact.check("input[name=preferred_channels][value=email]")
    contact.click("button[value=submit]")
    contact.wait_for_selector("text=the answers were submitted")
    assert "Email" in contact.inner_text("main")

    # The secretary builds the engagement from the catalog plan, changes the fee, proposes it
    staff.goto(f"{app}/clients/{client.pk}/")
    assert "Answers in: build the plan" in staff.inner_text("main")
    staff.click("text=Build the plan")
    staff.select_option("#id_plan", str(plan.pk))
    staff.click("#main form button[type=submit]")
    staff.wait_for_selector("text=Draft created")
    staff.fill("#id_monthly_fee", "2400.00")
    staff.click("#main form button[type=submit]")
    staff.wait_for_selector("text=Saved.")
    # The coverage reads on both sides: Sydney's Monday morning is Sunday in Los Angeles
    assert "09:00–17:00" in grid_row(staff, "Australia/Sydney", "Mon")
    assert "not covered" in grid_row(staff, "America/Los_Angeles", "Fri")
    assert "not covered" not in grid_row(staff, "America/Los_Angeles", "Sun")
    staff.click("button:has-text('Propose to the client')")
    staff.wait_for_selector("text=Proposed: the client can review it")
    # The worker renders the agreement; the page polls until the download appears
    staff.wait_for_selector("text=Download PDF", timeout=60_000)
    staff.screenshot(path=str(screenshot_dir / "engagement.png"), full_page=True)
    with staff.expect_download() as download:
        staff.click("text=Download PDF")
    pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Pacific Legal" in text
    assert "USD 2,400.00" in text
    assert "Mon–Fri 09:00–17:00 Australia/Sydney" in text

    # The contact reviews the plan (its coverage in Los Angeles time too), sees the agreement
    # and accepts
    contact.goto(f"{portal}/plan/")
    contact.click("text=Review it")
    assert "not covered" not in grid_row(contact, "America/Los_Angeles", "Sun")
    contact.wait_for_selector("text=Download PDF")
    contact.screenshot(path=str(screenshot_dir / "portal-engagement.png"), full_page=True)
    # Accepting asks for the confirmation of reading and the typed full name first
    contact.click("button:has-text('Accept this plan')")
    contact.wait_for_selector("text=Confirm that you have read the agreement.")
    contact.check("#id_read_confirmed")
    contact.fill("#id_name", "Paula Pacific")
    contact.click("button:has-text('Accept this plan')")
    contact.wait_for_selector("text=the plan is accepted")
    engagement = Engagement.objects.for_practice(world.practice).get(client=client)
    assert engagement.status == EngagementStatus.ACTIVE
    assert engagement.accepted_by == paula.membership.user

    # The client page shows the plan in force, onboarding done and what happened
    staff.goto(f"{app}/clients/{client.pk}/")
    page = staff.inner_text("main")
    assert "Active plan (version 1)" in page
    assert "Paula Pacific accepted an engagement" in page
    assert "0 min of 30 h" in page
    staff.screenshot(path=str(screenshot_dir / "client.png"), full_page=True)
    staff_context.close()
    contact_context.close()
