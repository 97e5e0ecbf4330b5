"""GET/PATCH /api/v1/me/: the signed-in user."""

from django.test import Client
from django.urls import reverse

from tests.api.conftest import token_client


def test_it_checks_ownership(world, outsider_client):
    # Each user sees only themselves; nobody signed in sees nobody.
    response = outsider_client.get(reverse("api_me"))
    assert response.json()["email"] == world.outsider.user.email
    assert Client().get(reverse("api_me")).status_code == 401


def test_it_shows_the_current_user(world, owner_client):
    user = world.owner.user

    response = owner_client.get(reverse("api_me"))

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "time_zone": "UTC",
    }


def test_it_changes_name_and_time_zone(world, owner_client):
    response = owner_client.patch(
        reverse("api_me"),
        {"full_name": "Ada Lovelace", "time_zone": "Europe/London"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["time_zone"] == "Europe/London"
    world.owner.user.refresh_from_db()
    assert (world.owner.user.full_name, world.owner.user.time_zone) == (
        "Ada Lovelace",
        "Europe/London",
    )


def test_it_rejects_an_unknown_time_zone_with_a_field_error(world, owner_client):
    response = owner_client.patch(
        reverse("api_me"),
        {"full_name": "Changed", "time_zone": "Mars/Olympus_Mons"},
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["message"]
    assert "not a known time zone" in body["errors"]["time_zone"][0]
    world.owner.user.refresh_from_db()
    assert world.owner.user.full_name != "Changed"
    assert world.owner.user.time_zone == "UTC"


def test_it_rejects_a_name_that_is_too_long(world, owner_client):
    response = owner_client.patch(
        reverse("api_me"), {"full_name": "x" * 151}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "full_name" in response.json()["errors"]


def test_it_does_not_change_the_email(world, owner_client):
    response = owner_client.patch(
        reverse("api_me"), {"email": "mallory@evil.test"}, content_type="application/json"
    )

    assert response.status_code == 200
    world.owner.user.refresh_from_db()
    assert world.owner.user.email == "owner@harbour.test"


def test_it_rejects_a_body_that_is_not_json(world, owner_client):
    response = owner_client.patch(
        reverse("api_me"), "full_name=x", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert response.json()["message"]


def test_it_answers_a_malformed_json_body_with_400(world, owner_client):
    response = owner_client.patch(reverse("api_me"), "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["message"]


def test_it_works_with_a_token(world, make_token):
    _token, secret = make_token(world.secretary)

    response = token_client(secret).get(reverse("api_me"))

    assert response.json()["email"] == world.secretary.user.email
