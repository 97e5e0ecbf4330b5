"""The client's review of a proposal in the portal: what changes against the plan in force,
and the terms in the service agreement's words (never the staff's shorthand)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clients.agreement_wording import agreement_wording, terms_changes
from clients.models import EngagementCategory, EngagementStatus
from tests.clients.factories import EngagementFactory, ServiceCategoryFactory

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def revision(world, northwind, active):
    """Version 2 of Northwind's plan, proposed to replace version 1 (in force): a higher fee,
    more hours, work outside coverage at 1.25 times the rate, and bookkeeping added."""
    proposal = EngagementFactory(
        client=northwind,
        status=EngagementStatus.PROPOSED,
        version=2,
        replaces=active,
        monthly_fee=Decimal("2400.00"),
        included_hours=Decimal("30.00"),
        after_hours_multiplier=Decimal("1.25"),
        coverage_time_zone="Australia/Sydney",
        weekdays=range(5),
    )
    EngagementCategory.objects.create(
        practice=world.practice,
        engagement=proposal,
        category=ServiceCategoryFactory(practice=world.practice, name="Bookkeeping"),
    )
    return proposal


def changes_of(response) -> dict[str, tuple[str, str]]:
    return {change.label: (change.before, change.after) for change in response.context["changes"]}


def test_it_checks_ownership(world, revision, outsider_client, secretary_client):
    page = url(world, "portal_engagement", engagement_id=revision.pk)
    assert outsider_client.get(page).status_code == 404
    assert secretary_client.get(page).status_code == 404
    forged = reverse(
        "portal_engagement",
        kwargs={"practice_slug": world.other_practice.slug, "engagement_id": revision.pk},
    )
    assert outsider_client.get(forged).status_code == 404


def test_it_lists_what_changes_against_the_plan_in_force(world, revision, contact_client):
    response = contact_client.get(url(world, "portal_engagement", engagement_id=revision.pk))
    assert response.status_code == 200
    changes = changes_of(response)
    # In the agreement's words and money format, version 1 against version 2
    assert changes["Monthly fee"] == ("AUD\xa01,500.00", "AUD\xa02,400.00")
    assert changes["Included hours per month"] == ("20 hours", "30 hours")
    assert changes["Services included"] == ("\u2014", "Bookkeeping")
    assert changes["Outside coverage hours"] == (
        "No surcharge.",
        "Work done outside the coverage hours is billed at 1.25 times the rate.",
    )
    # Terms that read the same are not listed
    assert "Hourly rate" not in changes and "Hours covered" not in changes
    page = response.content.decode()
    assert "terms differ from your plan in force (version 1)" in page
    assert "Now (version 1)" in page and "Proposed (version 2)" in page


def test_it_words_the_terms_as_the_agreement_does(world, revision, contact_client):
    page = contact_client.get(
        url(world, "portal_engagement", engagement_id=revision.pk)
    ).content.decode()
    assert "Work done outside the coverage hours is billed at 1.25 times the rate." in page
    assert "Within 4 hours of coverage time" in page
    # The staff's shorthand stays on the staff's pages
    assert "× 1.25" not in page
    assert "4.00 coverage hours" not in page


def test_a_first_proposal_says_every_term_is_new(world, proposed, contact_client):
    response = contact_client.get(url(world, "portal_engagement", engagement_id=proposed.pk))
    assert response.context["previous"] is None
    assert "This is your first plan with Harbour Desk" in response.content.decode()


def test_identical_terms_say_so(world, northwind, active, contact_client):
    same = EngagementFactory(
        client=northwind,
        status=EngagementStatus.PROPOSED,
        version=2,
        replaces=active,
        start_date=active.start_date,
        weekdays=range(5),
    )
    response = contact_client.get(url(world, "portal_engagement", engagement_id=same.pk))
    assert response.context["changes"] == []
    assert "The terms read the same as version 1." in response.content.decode()


def test_an_accepted_version_shows_what_changed_from_the_one_it_replaced(
    world, revision, active, contact_client
):
    active.status = EngagementStatus.SUPERSEDED
    active.save()
    revision.status = EngagementStatus.ACTIVE
    revision.save()
    response = contact_client.get(url(world, "portal_engagement", engagement_id=revision.pk))
    assert response.context["previous"] == active
    assert "What changed from version 1" in response.content.decode()
    assert changes_of(response)["Monthly fee"] == ("AUD\xa01,500.00", "AUD\xa02,400.00")


def test_the_plan_page_words_the_plan_in_force_as_its_agreement(world, active, contact_client):
    page = contact_client.get(url(world, "portal_plan")).content.decode()
    assert "Unused hours do not carry over." in page


def test_a_failed_acceptance_keeps_the_review_on_the_page(world, revision, contact_client):
    response = contact_client.post(
        url(world, "portal_engagement_accept", engagement_id=revision.pk), {"name": "Nora"}
    )
    assert response.status_code == 400
    assert "Confirm that you have read the agreement." in response.content.decode()
    assert changes_of(response)["Monthly fee"] == ("AUD\xa01,500.00", "AUD\xa02,400.00")
    revision.refresh_from_db()
    assert revision.status == EngagementStatus.PROPOSED


def test_changes_name_a_term_only_one_side_has(world, northwind, active):
    current = agreement_wording(active)
    proposed = agreement_wording(active)
    proposed["scope_notes"] = "Includes the annual report."
    proposed["billing_terms"] = [
        *proposed["billing_terms"],
        {"label": "Late payment", "text": "Invoices are due within 14 days."},
    ]
    changes = {c.label: (c.before, c.after) for c in terms_changes(current, proposed)}
    assert changes == {
        "Late payment": ("\u2014", "Invoices are due within 14 days."),
        "Scope notes": ("\u2014", "Includes the annual report."),
    }
