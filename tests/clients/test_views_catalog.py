"""The service catalog: secretaries read, owners and admins write."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clients.models import ServiceCategory, ServicePlan
from tests.clients.factories import EngagementFactory, ServiceCategoryFactory, ServicePlanFactory


def url(name, world, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


PLAN = {
    "name": "Sydney business hours",
    "billing_model": "retainer",
    "currency": "AUD",
    "monthly_fee": "1800",
    "included_hours": "20",
    "hourly_rate": "70",
    "overage_rate": "85",
    "rollover_max_hours": "5",
    "coverage_time_zone": "Australia/Sydney",
    "response_target_hours": "4",
    "windows": "Mon-Fri 09:00-17:00",
}


def plans(world):
    return ServicePlan.objects.for_practice(world.practice)


def test_it_checks_ownership(world, outsider_client, contact_client, secretary_client):
    plan = ServicePlanFactory(practice=world.practice)
    for name, kwargs in [
        ("plan_list", {}),
        ("plan_detail", {"plan_id": plan.pk}),
        ("category_list", {}),
    ]:
        assert outsider_client.get(url(name, world, **kwargs)).status_code == 404
        assert contact_client.get(url(name, world, **kwargs)).status_code == 404
        assert secretary_client.get(url(name, world, **kwargs)).status_code == 200
    # Secretaries read the catalog but may not change it
    for name, kwargs in [
        ("plan_create", {}),
        ("plan_edit", {"plan_id": plan.pk}),
        ("category_create", {}),
    ]:
        assert secretary_client.get(url(name, world, **kwargs)).status_code == 403
    assert secretary_client.post(url("plan_create", world), PLAN).status_code == 403
    assert secretary_client.post(url("plan_archive", world, plan_id=plan.pk)).status_code == 403
    assert not plans(world).filter(name=PLAN["name"]).exists()


def test_an_admin_creates_a_plan_with_windows_and_categories(world, admin_client_):
    category = ServiceCategory.objects.for_practice(world.practice).get(slug="correspondence")
    response = admin_client_.post(url("plan_create", world), {**PLAN, "categories": [category.pk]})
    plan = plans(world).get(name=PLAN["name"])
    assert response.status_code == 302
    assert plan.monthly_fee == Decimal("1800.00")
    assert plan.coverage().weekly_minutes() == 40 * 60
    assert list(plan.categories.all()) == [category]


def test_it_offers_a_24_7_on_call_plan(world, admin_client_):
    admin_client_.post(
        url("plan_create", world), {**PLAN, "name": "On call", "windows": "", "on_call": "on"}
    )
    assert plans(world).get(name="On call").coverage().always_on


@pytest.mark.parametrize(
    "field,value",
    [
        ("monthly_fee", "-10"),
        ("included_hours", "-1"),
        ("overage_rate", "-0.01"),
        ("coverage_time_zone", "Nowhere/Land"),
        ("windows", "Mon 10:00-09:00"),
        ("windows", "Tue 09:00-13:00; Tue 12:00-15:00"),
    ],
)
def test_it_rejects_bad_plans_and_saves_nothing(world, admin_client_, field, value):
    response = admin_client_.post(url("plan_create", world), {**PLAN, field: value})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not plans(world).exists()


def test_archived_plans_stay_attached_to_their_engagements(
    world, northwind, admin_client_, secretary_client
):
    plan = ServicePlanFactory(practice=world.practice)
    engagement = EngagementFactory(client=northwind, plan=plan)
    admin_client_.post(url("plan_archive", world, plan_id=plan.pk))
    plan.refresh_from_db()
    engagement.refresh_from_db()
    assert plan.archived and engagement.plan == plan
    # Archived plans leave the list and the builder's choices, not the engagement page
    assert plan.name not in secretary_client.get(url("plan_list", world)).content.decode()
    page = secretary_client.get(url("engagement_detail", world, engagement_id=engagement.pk))
    assert plan.name in page.content.decode()


def test_it_lists_the_seeded_categories_and_adds_a_specialty(world, admin_client_):
    body = admin_client_.get(url("category_list", world)).content.decode()
    assert "Desktop publishing" in body and "Bookkeeping" in body
    admin_client_.post(
        url("category_create", world),
        {"name": "Veterinary records", "is_specialty": "on", "position": "5"},
    )
    category = ServiceCategory.objects.for_practice(world.practice).get(slug="veterinary-records")
    assert category.is_specialty


def test_it_refuses_a_duplicate_short_name(world, admin_client_):
    ServiceCategoryFactory(practice=world.practice, slug="filing")
    response = admin_client_.post(
        url("category_create", world), {"name": "Filing", "slug": "filing", "position": "1"}
    )
    assert response.status_code == 400
    assert "slug" in response.context["form"].errors


def test_it_lists_plans_in_constant_queries(world, secretary_client, django_assert_max_num_queries):
    for _ in range(2):
        ServicePlanFactory(practice=world.practice)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        secretary_client.get(url("plan_list", world))
    for _ in range(10):
        ServicePlanFactory(practice=world.practice)
    with django_assert_max_num_queries(len(few)):
        secretary_client.get(url("plan_list", world))


def test_it_prices_each_plan_as_its_billing_model_sells_it(world, secretary_client):
    # Given a retainer, an hourly plan and a prepaid block
    ServicePlanFactory(practice=world.practice, name="Retainer", currency="AUD")
    ServicePlanFactory(
        practice=world.practice,
        name="Hourly",
        billing_model="hourly",
        hourly_rate=Decimal("85.00"),
        monthly_fee=Decimal("0"),
        currency="AUD",
    )
    ServicePlanFactory(
        practice=world.practice,
        name="Block",
        billing_model="block",
        monthly_fee=Decimal("600.00"),
        included_hours=Decimal("10"),
        currency="AUD",
    )
    # When the catalog is read; then each price reads as sold
    page = secretary_client.get(url("plan_list", world)).content.decode()
    assert "AUD\xa01,200.00 per month, 20 h included" in page
    assert "AUD\xa085.00 per hour" in page
    assert "AUD\xa0600.00 for a block of 10 h" in page
    assert ">AUD\xa00.00 per month" not in page
