"""Changing an active client's plan: from its current terms or from a catalog plan, with the
changes shown before proposing; the catalogue counts the clients on each plan."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clients.models import CoverageWindow, Engagement, EngagementStatus
from clients.services.catalog import set_categories
from secretary.models import ActivityEvent
from tests.clients.factories import (
    EngagementFactory,
    ServiceCategoryFactory,
    ServicePlanFactory,
)
from tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db


def url(name, world, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def versions(world, client):
    return Engagement.objects.for_practice(world.practice).filter(client=client)


@pytest.fixture
def on_call_plan(world):
    """A catalog plan unlike the active engagement: on call, dearer, another service."""
    plan = ServicePlanFactory(
        practice=world.practice,
        name="Executive on call",
        currency="AUD",
        on_call=True,
        monthly_fee=Decimal("4200.00"),
        included_hours=Decimal("40.00"),
        coverage_time_zone="America/New_York",
    )
    CoverageWindow.objects.create(
        practice=world.practice, plan=plan, weekday=5, start="10:00", end="14:00"
    )
    set_categories(
        practice=world.practice,
        owner=plan,
        categories=[ServiceCategoryFactory(practice=world.practice, name="Travel")],
    )
    return plan


def test_a_new_version_starts_from_a_catalog_plan_and_records_it(
    world, northwind, active, on_call_plan, secretary_client
):
    detail = secretary_client.get(url("engagement_detail", world, engagement_id=active.pk))
    # The active version offers its current terms or the plans in the client's currency
    assert [p.name for p in detail.context["revision_plans"]] == ["Executive on call"]
    response = secretary_client.post(
        url("engagement_revise", world, engagement_id=active.pk), {"start_from": on_call_plan.pk}
    )
    revision = versions(world, northwind).exclude(pk=active.pk).get()
    assert response.status_code == 302
    assert (revision.plan, revision.title, revision.replaces) == (
        on_call_plan,
        "Executive on call",
        active,
    )
    assert (revision.monthly_fee, revision.on_call, revision.coverage_time_zone) == (
        Decimal("4200.00"),
        True,
        "America/New_York",
    )
    assert [w.weekday for w in revision.coverage().windows] == [5]
    assert [c.name for c in revision.categories.all()] == ["Travel"]
    event = ActivityEvent.objects.for_practice(world.practice).get(verb="engagement.revised")
    assert event.data == {"replaces": active.version, "plan": "Executive on call"}

    # Its page compares it with the version in force, term by term, before anything is proposed
    page = secretary_client.get(url("engagement_detail", world, engagement_id=revision.pk))
    body = page.content.decode()
    assert page.context["previous"] == active and page.context["changes"]
    assert "differ from the plan in force (version 1)" in body
    assert "<del>" in body and "<ins>" in body
    assert "Started from the plan “Executive on call”." in body
    # The active version stays in force
    active.refresh_from_db()
    assert active.status == EngagementStatus.ACTIVE and active.monthly_fee == Decimal("1500.00")


def test_a_new_version_from_the_current_terms_keeps_them(
    world, northwind, active, secretary_client
):
    secretary_client.post(
        url("engagement_revise", world, engagement_id=active.pk), {"start_from": "current"}
    )
    revision = versions(world, northwind).exclude(pk=active.pk).get()
    assert (revision.monthly_fee, revision.plan) == (active.monthly_fee, active.plan)
    page = secretary_client.get(url("engagement_detail", world, engagement_id=revision.pk))
    # Only the start date moves (a new version starts today at the earliest)
    assert [change.label for change in page.context["changes"]] == ["Starts"]


@pytest.mark.parametrize("problem", ["archived", "currency", "other practice", "not a number"])
def test_a_plan_the_client_cannot_take_is_refused_and_nothing_is_drafted(
    world, northwind, active, secretary_client, problem
):
    if problem == "archived":
        plan_id = ServicePlanFactory(practice=world.practice, currency="AUD", archived=True).pk
        expected = "is archived"
    elif problem == "currency":
        plan_id = ServicePlanFactory(practice=world.practice, currency="USD").pk
        expected = "priced in USD but the client pays in AUD"
    elif problem == "other practice":
        plan_id = ServicePlanFactory(practice=PracticeFactory(), currency="AUD").pk
        expected = "Choose the current terms or a plan of the catalog."
    else:
        plan_id, expected = "cheapest", "Choose the current terms or a plan of the catalog."
    response = secretary_client.post(
        url("engagement_revise", world, engagement_id=active.pk),
        {"start_from": plan_id},
        follow=True,
    )
    assert expected in response.content.decode()
    assert versions(world, northwind).count() == 1


def test_the_api_drafts_a_new_version_from_a_plan(
    world, northwind, active, on_call_plan, secretary_client
):
    address = url("api_engagement_revise", world, engagement_id=active.pk)
    foreign = ServicePlanFactory(practice=PracticeFactory(), currency="AUD")
    refused = secretary_client.post(address, {"plan": foreign.pk}, content_type="application/json")
    assert refused.status_code == 400 and "plan" in str(refused.json())
    answer = secretary_client.post(
        address, {"plan": on_call_plan.pk}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["plan"] == on_call_plan.pk
    assert answer.json()["monthly_fee"] == "4200.00"


def test_the_catalogue_counts_the_clients_on_each_plan(world, northwind, secretary_client):
    plan = ServicePlanFactory(practice=world.practice, currency="AUD", name="Sydney hours")
    # One client: an ended version, the active one and a draft of the next, all from the plan
    for version, status in (
        (1, EngagementStatus.ENDED),
        (2, EngagementStatus.ACTIVE),
        (3, EngagementStatus.DRAFT),
    ):
        EngagementFactory(client=northwind, plan=plan, version=version, status=status)
    listed = {
        p.name: p.engagement_count
        for p in secretary_client.get(url("plan_list", world)).context["plans"]
    }
    assert listed["Sydney hours"] == 1
    detail = secretary_client.get(url("plan_detail", world, plan_id=plan.pk))
    assert detail.context["engagement_count"] == 1
    assert "1 client now" in detail.content.decode()


def test_build_the_plan_never_offers_a_draft_it_would_refuse(
    world, northwind, active, secretary_client
):
    page = secretary_client.get(url("engagement_create", world, client_id=northwind.pk))
    body = page.content.decode()
    assert "Create draft" not in body and "Change its terms" in body
    address = url("engagement_detail", world, engagement_id=active.pk)
    assert f'href="{address}#start-from"' in body
