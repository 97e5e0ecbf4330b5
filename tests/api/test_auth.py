"""Signing in to the API: sessions (with CSRF) and personal access tokens, and their limits."""

import logging

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from secretary.api_auth import TokenRateThrottle
from secretary.models import ApiToken, Role
from tests.api.conftest import token_client, url
from tests.factories import MembershipFactory


def test_it_checks_ownership(world, make_token):
    # Given a token of practice A's secretary and one of practice B's owner
    _token, secret_a = make_token(world.secretary)
    _token, secret_b = make_token(world.outsider)

    # Then each opens its own practice only, and a staff-only list stays closed to a contact
    assert token_client(secret_a).get(url("api_member_list", world.practice)).status_code == 200
    assert token_client(secret_b).get(url("api_member_list", world.practice)).status_code == 404
    _token, contact_secret = make_token(world.client_contact)
    assert (
        token_client(contact_secret).get(url("api_member_list", world.practice)).status_code == 404
    )
    assert token_client(secret_a).get(url("api_activity_list", world.practice)).status_code == 403


def test_it_authenticates_with_a_personal_access_token(world, make_token):
    # Given a token of the owner
    token, secret = make_token(world.owner)
    assert token.last_used_at is None

    # When it calls the API without any session
    response = token_client(secret).get(reverse("api_me"))

    # Then it acts as the owner, and the token records its use
    assert response.status_code == 200
    assert response.json()["email"] == world.owner.user.email
    token = ApiToken.objects.for_practice(world.practice).get(pk=token.pk)
    assert token.last_used_at is not None


def test_it_rejects_a_revoked_token_with_401(world, make_token, owner_client):
    # Given a token that was revoked
    token, secret = make_token(world.owner)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])

    # When it is used
    response = token_client(secret).get(url("api_member_list", world.practice))

    # Then the answer is 401 with a JSON message and a Bearer challenge
    assert response.status_code == 401
    assert response.json() == {"message": "Invalid or revoked token.", "errors": {}}
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer sec_forged-secret-that-was-never-issued",
        "Bearer not-even-our-prefix",
        "Bearer",
        "Bearer two parts",
    ],
)
def test_it_rejects_forged_and_malformed_tokens(world, header):
    response = Client(headers={"authorization": header}).get(reverse("api_me"))

    assert response.status_code == 401
    assert response.json()["message"]


def test_it_rejects_the_token_of_a_deactivated_user(world, make_token):
    _token, secret = make_token(world.secretary)
    world.secretary.user.is_active = False
    world.secretary.user.save(update_fields=["is_active"])

    assert token_client(secret).get(reverse("api_me")).status_code == 401


def test_it_keeps_a_token_to_its_own_practice_even_where_its_user_is_a_member(world, make_token):
    # Given the outsider, owner of practice B, is also a secretary of practice A
    MembershipFactory(practice=world.practice, user=world.outsider.user, role=Role.SECRETARY)
    _token, secret = make_token(world.outsider)  # a token of the practice-B membership
    client = token_client(secret)

    # When the token names practice A
    response = client.get(url("api_member_list", world.practice))

    # Then practice A does not exist for it, though practice B does
    assert response.status_code == 404
    assert world.practice.name not in response.content.decode()
    assert client.get(url("api_member_list", world.other_practice)).status_code == 200
    practices = client.get(reverse("api_practice_list")).json()["results"]
    assert [p["slug"] for p in practices] == [world.other_practice.slug]


def test_it_never_logs_a_token_secret(world, make_token, caplog):
    token, secret = make_token(world.owner)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])

    with caplog.at_level(logging.INFO, logger="secretary.security"):
        token_client(secret).get(reverse("api_me"))

    assert "api.token_rejected" in caplog.text
    assert secret not in caplog.text
    assert token.hint not in caplog.text


def test_it_answers_401_in_json_without_credentials(world):
    response = Client().get(url("api_member_list", world.practice))

    assert response.status_code == 401
    assert response.json()["message"]
    assert world.practice.name not in response.content.decode()


def test_it_enforces_csrf_on_session_writes(world):
    # Given a signed-in browser session that enforces CSRF like a real browser
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner.user)

    # When it writes without the CSRF token
    response = client.patch(
        reverse("api_me"), {"full_name": "Mallory"}, content_type="application/json"
    )

    # Then it is refused and nothing changes
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    world.owner.user.refresh_from_db()
    assert world.owner.user.full_name != "Mallory"

    # And with the token from the cookie it goes through
    client.get(reverse("profile"))  # any page rendering a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.patch(
        reverse("api_me"),
        {"full_name": "Ada Owner"},
        content_type="application/json",
        headers={"x-csrftoken": csrf},
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "Ada Owner"


def test_it_does_not_need_csrf_with_a_token(world, make_token):
    _token, secret = make_token(world.owner)
    client = Client(enforce_csrf_checks=True, headers={"authorization": f"Bearer {secret}"})

    response = client.patch(
        reverse("api_me"), {"full_name": "Script Runner"}, content_type="application/json"
    )

    assert response.status_code == 200


class TestThrottling:
    @pytest.fixture(autouse=True)
    def low_rate(self, settings, monkeypatch):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"token": "3/min"},
        }
        monkeypatch.setattr(TokenRateThrottle, "cache", LocMemCache("throttle-test", {}))

    def test_it_limits_calls_with_tokens_per_user(self, world, make_token):
        # Given two tokens of the same user
        _token, first = make_token(world.owner, name="one")
        _token, second = make_token(world.owner, name="two")

        # When they make more calls together than the rate allows
        answers = [
            token_client(secret).get(reverse("api_me")).status_code
            for secret in (first, second, first)
        ]
        throttled = token_client(second).get(reverse("api_me"))

        # Then the calls past the budget get 429 with a JSON message and a retry delay
        assert answers == [200, 200, 200]
        assert throttled.status_code == 429
        assert throttled.json()["message"]
        assert int(throttled["Retry-After"]) > 0

    def test_it_keeps_separate_budgets_per_user(self, world, make_token):
        _token, owner_secret = make_token(world.owner)
        _token, admin_secret = make_token(world.admin)
        for _ in range(3):
            token_client(owner_secret).get(reverse("api_me"))

        assert token_client(owner_secret).get(reverse("api_me")).status_code == 429
        assert token_client(admin_secret).get(reverse("api_me")).status_code == 200

    def test_it_does_not_limit_browser_sessions(self, world, owner_client):
        answers = {owner_client.get(reverse("api_me")).status_code for _ in range(5)}

        assert answers == {200}


def test_it_answers_405_in_json_for_a_method_a_route_never_accepts(world, owner_client):
    response = owner_client.post(reverse("api_me"), {}, content_type="application/json")

    assert response.status_code == 405
    assert response.json()["message"]
