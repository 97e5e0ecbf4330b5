"""The roster API: availability, time off, shifts, rotations, gaps and capacity; bad input is
a 400 with field errors and saves nothing."""

from datetime import time

import pytest
from django.urls import reverse

from tasks.roster.models import AvailabilityWindow, Rotation, Shift, TimeOff
from tests.conftest import client_for
from tests.tasks.factories import ClientFactory, EngagementFactory

pytestmark = pytest.mark.django_db


def api(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def admin_api(world):
    return client_for(world.admin.user)


@pytest.fixture
def office(world):
    client = ClientFactory(practice=world.practice, name="Northwind", status="active")
    return EngagementFactory(practice=world.practice, client=client)  # Mon-Fri 9-17 Sydney


def test_it_checks_ownership(world, secretary_client, contact_client, outsider_client):
    for name in ("api_roster_shift_list", "api_roster_gaps", "api_roster_availability"):
        assert outsider_client.get(api(world, name)).status_code == 404
        assert contact_client.get(api(world, name)).status_code == 404
        assert secretary_client.get(api(world, name)).status_code == 200
    assert secretary_client.get(api(world, "api_roster_capacity")).status_code == 403


def test_a_member_replaces_their_availability(world, secretary_client):
    body = {
        "time_zone": "Europe/London",
        "max_weekly_hours": "20.00",
        "windows": [
            {"weekday": 0, "start": "08:00", "end": "12:00"},
            {"weekday": 0, "start": "13:00", "end": "17:00"},
        ],
    }
    response = secretary_client.put(
        api(world, "api_roster_availability"), body, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json() == body
    assert secretary_client.get(api(world, "api_roster_availability")).json() == body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"time_zone": "UTC", "windows": [{"weekday": 1, "start": "17:00", "end": "09:00"}]},
            "windows",
        ),
        (
            {
                "time_zone": "UTC",
                "windows": [
                    {"weekday": 1, "start": "08:00", "end": "12:00"},
                    {"weekday": 1, "start": "11:00", "end": "13:00"},
                ],
            },
            "windows",
        ),
        ({"time_zone": "Nowhere/City", "windows": []}, "time_zone"),
        ({"time_zone": "UTC", "windows": [], "max_weekly_hours": "200.00"}, "max_weekly_hours"),
    ],
)
def test_bad_availability_is_refused(world, secretary_client, body, field):
    response = secretary_client.put(
        api(world, "api_roster_availability"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not AvailabilityWindow.objects.for_practice(world.practice).exists()


def test_time_off_is_added_listed_and_removed(world, secretary_client):
    created = secretary_client.post(
        api(world, "api_roster_time_off_list"),
        {"start_date": "2099-12-24", "end_date": "2099-12-26", "note": "Away"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    listed = secretary_client.get(api(world, "api_roster_time_off_list")).json()
    assert [row["note"] for row in listed["results"]] == ["Away"]
    refused = secretary_client.post(
        api(world, "api_roster_time_off_list"),
        {"start_date": "2099-12-24", "end_date": "2099-12-20"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    detail = api(world, "api_roster_time_off_detail", time_off_id=created.json()["id"])
    assert secretary_client.delete(detail).status_code == 204
    assert not TimeOff.objects.for_practice(world.practice).exists()


def test_admins_add_shifts_and_secretaries_read_them(world, admin_api, secretary_client, office):
    body = {
        "engagement": office.pk,
        "membership": world.secretary.pk,
        "weekday": 3,
        "start": "09:00",
        "end": "17:00",
    }
    url = api(world, "api_roster_shift_list")
    assert secretary_client.post(url, body, content_type="application/json").status_code == 403
    created = admin_api.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["time_zone"] == "Australia/Sydney"
    overlapping = admin_api.post(
        url, {**body, "start": "16:00", "end": "18:00"}, content_type="application/json"
    )
    assert overlapping.status_code == 400
    assert Shift.objects.for_practice(world.practice).count() == 1
    listed = secretary_client.get(url, {"engagement": office.pk}).json()
    assert [row["weekday"] for row in listed["results"]] == [3]
    # A one-day change: the shift is off on Thursday 2099-01-01
    exception = admin_api.post(
        api(world, "api_roster_shift_exception", shift_id=created.json()["id"]),
        {"date": "2099-01-01"},
        content_type="application/json",
    )
    assert exception.status_code == 200, exception.json()
    assert exception.json()["exceptions"][0]["date"] == "2099-01-01"


def test_a_rotation_with_nobody_is_refused(world, admin_api):
    night = EngagementFactory(
        practice=world.practice,
        client=ClientFactory(practice=world.practice, name="Nightjar"),
        on_call=True,
    )
    body = {
        "engagement": night.pk,
        "members": [],
        "handover_weekday": 0,
        "handover_time": "09:00",
        "length_days": 7,
        "starts_on": "2026-01-05",
    }
    url = api(world, "api_roster_rotation_list")
    refused = admin_api.post(url, body, content_type="application/json")
    assert refused.status_code == 400
    assert "members" in refused.json()["errors"]
    assert not Rotation.objects.for_practice(world.practice).exists()
    members = [world.secretary.pk, world.admin.pk]
    created = admin_api.post(url, {**body, "members": members}, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["members"] == members


def test_gaps_and_capacity_over_a_range(world, admin_api, office):
    Shift.objects.create(
        practice=world.practice,
        engagement=office,
        membership=world.secretary,
        weekday=0,
        start=time(9),
        end=time(17),
    )
    week = {"start": "2026-07-13T00:00:00+10:00", "end": "2026-07-20T00:00:00+10:00"}
    gaps = admin_api.get(api(world, "api_roster_gaps"), week).json()
    assert [(g["client_name"], g["reason"]) for g in gaps] == [("Northwind", "uncovered")] * 4
    capacity = admin_api.get(api(world, "api_roster_capacity"), week).json()
    assert capacity["sold_hours"] == "40.00"
    assert capacity["gap_hours"] == "32.00"
    too_long = admin_api.get(
        api(world, "api_roster_gaps"),
        {"start": "2026-01-01T00:00:00Z", "end": "2026-03-01T00:00:00Z"},
    )
    assert too_long.status_code == 400
    assert admin_api.get(api(world, "api_roster_gaps"), {"start": "junk"}).status_code == 400
