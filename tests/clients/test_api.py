"""The clients API: catalog, clients, contacts, onboarding answers and engagements."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from clients.models import Client, ClientTeamMember, Engagement, EngagementStatus, ServicePlan
from secretary.models import ActivityEvent
from tests.clients.factories import (
    ClientFactory,
    ContactFactory,
    EngagementFactory,
    QuestionnaireFactory,
    ServiceCategoryFactory,
    ServicePlanFactory,
)


def api(name, world, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


WINDOWS = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]


def test_it_checks_ownership(
    world, northwind, proposed, outsider_client, secretary_client, contact_client
):
    # Outsiders get 404 everywhere
    for name, kwargs in [
        ("api_client_list", {}),
        ("api_client_detail", {"client_id": northwind.pk}),
        ("api_engagement_detail", {"engagement_id": proposed.pk}),
    ]:
        assert outsider_client.get(api(name, world, **kwargs)).status_code == 404
    # Secretaries read the catalog but may not write it
    assert secretary_client.get(api("api_plan_list", world)).status_code == 200
    response = post(secretary_client, api("api_plan_list", world), {"name": "Nope"})
    assert response.status_code == 403
    assert set(response.json()) == {"message", "errors"}
    # Contacts do not see the catalog, nor write clients
    assert contact_client.get(api("api_plan_list", world)).status_code == 404
    assert post(contact_client, api("api_client_list", world), {"name": "X"}).status_code == 403


def test_a_contact_reads_only_its_own_client(world, northwind, proposed, contact_client):
    other = ClientFactory(practice=world.practice, name="Other Client")
    EngagementFactory(client=other, status=EngagementStatus.PROPOSED)
    EngagementFactory(client=northwind, status=EngagementStatus.DRAFT, version=9)
    clients = contact_client.get(api("api_client_list", world)).json()
    assert [c["name"] for c in clients["results"]] == ["Northwind Legal"]
    assert "notes" not in clients["results"][0]
    assert (
        contact_client.get(api("api_client_detail", world, client_id=other.pk)).status_code == 404
    )
    engagements = contact_client.get(api("api_engagement_list", world)).json()["results"]
    assert [e["id"] for e in engagements] == [proposed.pk]  # no draft, no other client


def test_it_lists_filters_and_paginates_clients(
    world, northwind, secretary_client, django_assert_max_num_queries
):
    ClientFactory(practice=world.practice, name="Acme Medical", specialty="medical")
    ClientFactory(practice=world.other_practice, name="Foreign Client")
    body = secretary_client.get(api("api_client_list", world) + "?specialty=medical").json()
    assert [c["name"] for c in body["results"]] == ["Acme Medical"]
    body = secretary_client.get(api("api_client_list", world) + "?mine=true").json()
    assert [c["name"] for c in body["results"]] == ["Northwind Legal"]
    body = secretary_client.get(api("api_client_list", world) + "?page_size=1").json()
    assert body["count"] == 2 and body["next"]
    for n in range(10):
        ClientFactory(practice=world.practice, name=f"Bulk {n}")
    with django_assert_max_num_queries(9):
        secretary_client.get(api("api_client_list", world))


def test_an_admin_creates_a_plan_and_bad_windows_are_refused(world, admin_client_):
    category = ServiceCategoryFactory(practice=world.practice)
    response = post(
        admin_client_,
        api("api_plan_list", world),
        {
            "name": "Sydney hours",
            "currency": "AUD",
            "monthly_fee": "1800.00",
            "included_hours": "20",
            "coverage_time_zone": "Australia/Sydney",
            "windows": WINDOWS,
            "categories": [category.pk],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["monthly_fee"] == "1800.00"
    assert len(response.json()["windows"]) == 5


@pytest.mark.parametrize(
    "field,value",
    [
        (
            "windows",
            [
                {"weekday": 0, "start": "09:00", "end": "12:00"},
                {"weekday": 0, "start": "11:00", "end": "13:00"},
            ],
        ),
        ("windows", [{"weekday": 0, "start": "17:00", "end": "09:00"}]),
        ("coverage_time_zone", "Mars/Base"),
        ("monthly_fee", "-1.00"),
        ("included_hours", "-3"),
        ("categories", [999999]),
    ],
)
def test_it_refuses_bad_plans_with_field_errors(world, admin_client_, field, value):
    data = {"name": "Bad", "windows": WINDOWS, field: value}
    response = post(admin_client_, api("api_plan_list", world), data)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ServicePlan.objects.for_practice(world.practice).exists()


def test_it_refuses_a_category_of_another_practice(world, admin_client_):
    foreign = ServiceCategoryFactory(practice=world.other_practice)
    response = post(
        admin_client_, api("api_plan_list", world), {"name": "Bad", "categories": [foreign.pk]}
    )
    assert response.status_code == 400 and "categories" in response.json()["errors"]


def test_it_refuses_a_client_id_of_another_practice(world, secretary_client):
    foreign = ClientFactory(practice=world.other_practice)
    response = post(secretary_client, api("api_engagement_list", world), {"client": foreign.pk})
    assert response.status_code == 400 and "client" in response.json()["errors"]
    response = post(
        secretary_client, api("api_contact_list", world), {"client": foreign.pk, "name": "Spy"}
    )
    assert response.status_code == 400 and "client" in response.json()["errors"]
    assert not Engagement.objects.for_practice(world.other_practice).exists()


def test_it_refuses_a_plan_in_another_currency(world, northwind, secretary_client):
    plan = ServicePlanFactory(practice=world.practice, currency="USD")
    response = post(
        secretary_client,
        api("api_engagement_list", world),
        {"client": northwind.pk, "plan": plan.pk},
    )
    assert response.status_code == 400
    assert "plan" in response.json()["errors"]
    response = post(
        secretary_client,
        api("api_engagement_list", world),
        {"client": northwind.pk, "currency": "USD"},
    )
    assert response.status_code == 400 and "currency" in response.json()["errors"]
    assert not Engagement.objects.for_practice(world.practice).exists()


def test_it_refuses_to_start_from_an_archived_plan(world, northwind, secretary_client):
    # Given a plan that was archived; when an engagement is started from it
    plan = ServicePlanFactory(practice=world.practice, archived=True)
    response = post(
        secretary_client,
        api("api_engagement_list", world),
        {"client": northwind.pk, "plan": plan.pk},
    )
    # Then it is refused on the plan field and nothing is drafted
    assert response.status_code == 400
    assert "archived" in response.json()["errors"]["plan"][0]
    assert not Engagement.objects.for_practice(world.practice).exists()


def test_it_refuses_a_second_active_engagement(world, northwind, active, secretary_client):
    response = post(
        secretary_client,
        api("api_engagement_list", world),
        {"client": northwind.pk, "windows": WINDOWS},
    )
    assert response.status_code == 400
    assert "active engagement" in response.json()["message"]
    assert Engagement.objects.for_practice(world.practice).count() == 1


def test_the_whole_flow_through_the_api(world, northwind, secretary_client, contact_client):
    category = ServiceCategoryFactory(practice=world.practice)
    # Staff start onboarding; the contact answers, saves, then submits once
    contact = northwind.contacts.get()
    q = post(
        secretary_client,
        api("api_questionnaire_list", world),
        {"client": northwind.pk, "contact": contact.pk},
    ).json()
    detail = api("api_questionnaire_detail", world, questionnaire_id=q["id"])
    assert patch(contact_client, detail, {"tools": "Clio"}).status_code == 200
    submit = api("api_questionnaire_submit", world, questionnaire_id=q["id"])
    response = post(
        contact_client, submit, {"services": [category.pk], "expected_hours_per_month": "20"}
    )
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    again = post(contact_client, submit, {})
    assert again.status_code == 400 and "already submitted" in again.json()["message"]
    # Staff build and propose the engagement
    e = post(
        secretary_client,
        api("api_engagement_list", world),
        {
            "client": northwind.pk,
            "monthly_fee": "2400.00",
            "windows": WINDOWS,
            "coverage_time_zone": "Australia/Sydney",
            "rounding_minutes": 15,
        },
    ).json()
    assert e["included_hours"] == "20.00" and e["categories"] == [category.pk]
    bad = patch(
        secretary_client,
        api("api_engagement_detail", world, engagement_id=e["id"]),
        {"coverage_time_zone": "Nowhere/Land"},
    )
    assert bad.status_code == 400 and "coverage_time_zone" in bad.json()["errors"]
    proposed = post(
        secretary_client, api("api_engagement_propose", world, engagement_id=e["id"]), {}
    )
    assert proposed.json()["status"] == "proposed"
    # Staff cannot accept for the client; the contact can
    assert (
        post(
            secretary_client, api("api_engagement_accept", world, engagement_id=e["id"]), {}
        ).status_code
        == 403
    )
    accepted = post(contact_client, api("api_engagement_accept", world, engagement_id=e["id"]), {})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "active"
    assert accepted.json()["accepted_by"] == str(world.client_contact.user)


def test_the_contact_asks_for_changes_with_a_comment(world, proposed, contact_client):
    url = api("api_engagement_request_changes", world, engagement_id=proposed.pk)
    response = post(contact_client, url, {"comment": ""})
    assert response.status_code == 400 and "comment" in response.json()["errors"]
    response = post(contact_client, url, {"comment": "Add Saturdays"})
    assert response.json()["status"] == "changes_requested"


def test_a_contact_of_another_client_cannot_touch_a_questionnaire(world, northwind, contact_client):
    other = ClientFactory(practice=world.practice)
    questionnaire = QuestionnaireFactory(client=other)
    response = patch(
        contact_client,
        api("api_questionnaire_detail", world, questionnaire_id=questionnaire.pk),
        {"tools": "x"},
    )
    assert response.status_code == 404


def test_it_audits_api_reads_of_a_regulated_client(world, secretary_client):
    from secretary.models import ActivityEvent

    client = ClientFactory(practice=world.practice, is_regulated=True)
    secretary_client.get(api("api_client_detail", world, client_id=client.pk))
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="client.records_viewed", target_id=str(client.pk))
        .exists()
    )


def test_it_audits_every_staff_read_of_a_regulated_clients_rows(world, secretary_client):
    from secretary.models import ActivityEvent

    # Given a regulated client with a contact, an engagement and a questionnaire, and an
    # ordinary client with the same
    regulated = ClientFactory(practice=world.practice, is_regulated=True)
    ordinary = ClientFactory(practice=world.practice)
    rows = {}
    for client in (regulated, ordinary):
        rows[client.pk] = {
            "api_contact_detail": {"contact_id": ContactFactory(client=client).pk},
            "api_engagement_detail": {"engagement_id": EngagementFactory(client=client).pk},
            "api_questionnaire_detail": {
                "questionnaire_id": QuestionnaireFactory(client=client).pk
            },
        }

    def views_of(client):
        return ActivityEvent.objects.for_practice(world.practice).filter(
            verb="client.records_viewed", target_id=str(client.pk)
        )

    # When staff read each row, and each list
    for client in (regulated, ordinary):
        for name, kwargs in rows[client.pk].items():
            assert secretary_client.get(api(name, world, **kwargs)).status_code == 200
    for name in ("api_contact_list", "api_engagement_list", "api_questionnaire_list"):
        assert secretary_client.get(api(name, world)).status_code == 200
    # Then each read of the regulated client's rows is in the audit log, and nothing else
    assert views_of(regulated).count() == 6
    assert not views_of(ordinary).exists()


def test_it_updates_a_client_and_its_team(world, northwind, secretary_client):
    response = patch(
        secretary_client,
        api("api_client_detail", world, client_id=northwind.pk),
        {"team": [world.secretary.pk, world.admin.pk], "notes": "VIP"},
    )
    assert response.status_code == 200
    assert sorted(response.json()["team"]) == sorted([world.secretary.pk, world.admin.pk])
    bad = patch(
        secretary_client,
        api("api_client_detail", world, client_id=northwind.pk),
        {"team": [world.outsider.pk]},
    )
    assert bad.status_code == 400 and "team" in bad.json()["errors"]
    bad = patch(
        secretary_client,
        api("api_client_detail", world, client_id=northwind.pk),
        {"time_zone": "Atlantis/City"},
    )
    assert bad.status_code == 400
    northwind.refresh_from_db()
    assert northwind.time_zone == "America/Los_Angeles"
    assert Client.objects.for_practice(world.practice).get(pk=northwind.pk).notes == "VIP"


def test_money_is_a_decimal_string_in_the_client_currency(world, active, secretary_client):
    body = secretary_client.get(api("api_engagement_detail", world, engagement_id=active.pk)).json()
    assert body["monthly_fee"] == "1500.00" and body["currency"] == "AUD"
    assert Decimal(body["overage_rate"]) == active.overage_rate


def test_contacts_list_is_limited_to_the_own_client(world, northwind, contact_client):
    ContactFactory(client__practice=world.practice, name="Someone Else")
    names = [
        c["name"] for c in contact_client.get(api("api_contact_list", world)).json()["results"]
    ]
    assert names == ["Nora North"]


def test_it_keeps_the_regulated_flag_out_of_a_secretarys_hands(world, northwind, secretary_client):
    # Given Northwind is regulated (legal) and the secretary has signed nothing
    ClientTeamMember.objects.for_practice(world.practice).filter(client=northwind).delete()
    Client.objects.for_practice(world.practice).filter(pk=northwind.pk).update(
        is_regulated=True, specialty="legal", primary_secretary=None
    )
    detail = api("api_client_detail", world, client_id=northwind.pk)
    # When the secretary switches the rule off, or changes which agreement it needs
    off = patch(secretary_client, detail, {"is_regulated": False})
    specialty = patch(secretary_client, detail, {"specialty": "medical"})
    # Then each is a 400 with a field error, and nothing changed
    assert off.status_code == 400 and "is_regulated" in off.json()["errors"]
    assert specialty.status_code == 400 and "specialty" in specialty.json()["errors"]
    northwind.refresh_from_db()
    assert northwind.is_regulated and northwind.specialty == "legal"
    # And they still cannot join its team
    joined = patch(secretary_client, detail, {"team": [world.secretary.pk]})
    assert joined.status_code == 400
    # Sending the current value is no change, and is accepted
    same = patch(secretary_client, detail, {"is_regulated": True, "notes": "VIP"})
    assert same.status_code == 200


def test_it_lists_who_must_sign_or_leave_when_the_owner_regulates(world, northwind, owner_client):
    # Given the secretary (primary, on the team) has signed nothing for Northwind
    detail = api("api_client_detail", world, client_id=northwind.pk)
    # When the owner turns the rule on
    response = patch(owner_client, detail, {"is_regulated": True})
    # Then the 400 names the secretary, with where to record their agreement or remove them
    assert response.status_code == 400
    body = response.json()
    assert "is_regulated" in body["errors"]
    [member] = body["unsigned_members"]
    assert member["id"] == world.secretary.pk and member["name"] == str(world.secretary.user)
    assert member["record_agreement_url"].endswith(
        api("agreement_create", world, client_id=northwind.pk) + f"?membership={world.secretary.pk}"
    )
    assert member["remove_from_team_url"].endswith(
        api("client_team_remove", world, client_id=northwind.pk, membership_id=world.secretary.pk)
    )
    # When the owner sends the team without them (and no primary secretary); then it is on
    response = patch(
        owner_client, detail, {"is_regulated": True, "team": [], "primary_secretary": None}
    )
    assert response.status_code == 200 and response.json()["is_regulated"] is True
    # And switching it off again is the owner's to do, audited each time
    assert patch(owner_client, detail, {"is_regulated": False}).status_code == 200
    changes = ActivityEvent.objects.for_practice(world.practice).filter(
        verb="client.regulation_changed", actor=world.owner.user
    )
    assert sorted(e.data["is_regulated"]["to"] for e in changes) == [False, True]


def test_it_lets_only_owners_and_admins_record_agreements(world, northwind):
    # Given a regulated client; when a secretary records their own agreement
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clients import services
    from secretary.errors import ApplicationError

    def record(actor):
        return services.agreement_record(
            practice=world.practice,
            actor=actor,
            client=northwind,
            membership=world.secretary,
            kind="nda",
            signed_on=date(2025, 1, 2),
            file=SimpleUploadedFile("nda.pdf", b"%PDF-1.4 signed"),
        )

    # Then it is refused; an admin's goes through
    with pytest.raises(ApplicationError):
        record(world.secretary)
    assert record(world.admin).membership == world.secretary


@pytest.mark.parametrize("window", [{"weekday": 0}, {"weekday": 0, "start": "09:00"}])
def test_it_refuses_a_plan_patch_with_a_window_missing_its_times(world, admin_client_, window):
    # Given a plan with business-hours windows
    plan = ServicePlanFactory(practice=world.practice, name="Office hours")
    url = api("api_plan_detail", world, plan_id=plan.pk)
    assert patch(admin_client_, url, {"windows": WINDOWS}).status_code == 200

    # When a PATCH sends a window without its start or end
    response = patch(admin_client_, url, {"windows": [window]})

    # Then it is a 400 naming the window's missing field, and the windows stay as they were
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]["windows"]
    assert "end" in json.dumps(errors)
    assert len(admin_client_.get(url).json()["windows"]) == 5


def test_it_refuses_an_engagement_patch_with_a_window_missing_its_times(
    world, northwind, secretary_client
):
    # Given a draft engagement
    draft = post(
        secretary_client,
        api("api_engagement_list", world),
        {"client": northwind.pk, "windows": WINDOWS},
    )
    assert draft.status_code == 201, draft.content
    url = api("api_engagement_detail", world, engagement_id=draft.json()["id"])

    # When a PATCH sends a window with a weekday only
    response = patch(secretary_client, url, {"windows": [{"weekday": 2}]})

    # Then it is a 400 on the window's times, not a server error
    assert response.status_code == 400, response.content
    assert {"start", "end"} <= set(response.json()["errors"]["windows"]["0"])
    assert len(secretary_client.get(url).json()["windows"]) == 5


@pytest.mark.parametrize(
    "name,data,field",
    [
        ("api_category_list", {"name": "Filing", "archived": 0}, "archived"),
        ("api_category_list", {"name": 5}, "name"),
        ("api_plan_list", {"name": "Plan", "monthly_fee": 12.5}, "monthly_fee"),
        ("api_plan_list", {"name": "Plan", "on_call": "yes"}, "on_call"),
    ],
)
def test_it_refuses_json_values_of_another_type_than_documented(
    world, admin_client_, name, data, field
):
    # When a value is sent with a JSON type other than the schema's (boolean, string, decimal
    # string), even one DRF could coerce
    response = post(admin_client_, api(name, world), data)

    # Then it is refused on that field
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_it_refuses_a_boolean_filter_that_is_not_true_or_false(world, admin_client_):
    ServiceCategoryFactory(practice=world.practice, archived=True)
    url = api("api_category_list", world)
    # An unknown value is a 400, not "no filter"
    response = admin_client_.get(url, {"archived": "-58800"})
    assert response.status_code == 400 and "archived" in response.json()["errors"]
    # true, false and empty (no filter) still work
    archived = admin_client_.get(url, {"archived": "true"}).json()
    assert archived["count"] == 1
    assert admin_client_.get(url, {"archived": ""}).status_code == 200
