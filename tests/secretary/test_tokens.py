"""Personal API tokens: created on a settings page, shown once, stored hashed, revocable."""

import re

from django.urls import reverse
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from secretary.api_auth import ApiTokenAuthentication
from secretary.models import ActivityEvent, ApiToken, hash_secret
from tests.factories import ApiTokenFactory
from tests.secretary.conftest import reauthenticate

SLUG = "harbour-desk"


def url(name, **kwargs):
    return reverse(name, kwargs={"practice_slug": SLUG, **kwargs})


def secret_in(page: str) -> str:
    found = re.search(r'id="new-token-secret">(sec_[^<]+)<', page)
    assert found, "no secret on the page"
    return found.group(1)


def test_it_shows_a_new_tokens_secret_exactly_once(world, secretary_client):
    reauthenticate(secretary_client)

    # When a secretary creates a token
    response = secretary_client.post(url("api_token_create"), {"name": "Bookkeeping sync"})

    # Then the secret is on that response only, never cached
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    secret = secret_in(response.content.decode())
    token = ApiToken.objects.for_practice(world.practice).get()
    assert (token.membership, token.name) == (world.secretary, "Bookkeeping sync")
    assert token.token_hash == hash_secret(secret)
    assert secret not in token.token_hash and token.hint == secret[:10]
    # And the list never shows it again
    again = secretary_client.get(url("api_tokens")).content.decode()
    assert "Bookkeeping sync" in again
    assert secret not in again
    assert token.hint in again


def test_it_makes_a_token_that_works_on_the_api(world, secretary_client):
    reauthenticate(secretary_client)
    secret = secret_in(
        secretary_client.post(url("api_token_create"), {"name": "cli"}).content.decode()
    )

    request = Request(APIRequestFactory().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}"))
    user, token = ApiTokenAuthentication().authenticate(request)
    assert user == world.secretary.user
    assert token.membership == world.secretary


def test_it_lists_only_my_own_tokens_for_this_practice(world, secretary_client):
    ApiTokenFactory(membership=world.secretary, name="mine")
    ApiTokenFactory(membership=world.admin, name="the admin's")
    ApiTokenFactory(membership=world.outsider, name="another practice's")

    page = secretary_client.get(url("api_tokens")).content.decode()

    assert "mine" in page
    assert "the admin&#x27;s" not in page and "the admin's" not in page
    assert "another practice" not in page


def test_it_revokes_a_token(world, secretary_client):
    token = ApiTokenFactory(membership=world.secretary, name="old")
    reauthenticate(secretary_client)

    response = secretary_client.post(url("api_token_revoke", token_id=token.pk), follow=True)

    assert response.status_code == 200
    assert "The token “old” was revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in response.content.decode()
    assert ActivityEvent.objects.for_practice(world.practice).filter(verb="token.revoked").exists()


def test_it_asks_for_the_password_before_creating_or_revoking(world, secretary_client):
    token = ApiTokenFactory(membership=world.secretary)

    create = secretary_client.post(url("api_token_create"), {"name": "x"})
    revoke = secretary_client.post(url("api_token_revoke", token_id=token.pk))

    for response in (create, revoke):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ApiToken.objects.for_practice(world.practice).count() == 1


def test_it_creates_the_token_once_the_password_is_confirmed(world, secretary_client):
    asked = secretary_client.post(url("api_token_create"), {"name": "after confirming"})

    response = secretary_client.post(
        asked["Location"], {"password": "correct-horse-battery-staple"}
    )

    assert response.status_code == 201
    secret = secret_in(response.content.decode())
    token = ApiToken.objects.for_practice(world.practice).get(name="after confirming")
    assert token.token_hash == hash_secret(secret)


def test_it_requires_a_name(world, secretary_client):
    reauthenticate(secretary_client)

    response = secretary_client.post(url("api_token_create"), {"name": "  "})

    assert response.status_code == 200
    assert 'id="id_name_errors"' in response.content.decode()
    assert not ApiToken.objects.for_practice(world.practice).exists()


def test_it_checks_ownership(world, outsider_client, contact_client, admin_client_):
    # The secretary's token: nobody else may revoke it, not even an admin of the practice.
    token = ApiTokenFactory(membership=world.secretary)
    reauthenticate(admin_client_)
    for client in (outsider_client, contact_client):
        assert client.get(url("api_tokens")).status_code == 404
        assert client.post(url("api_token_create"), {"name": "x"}).status_code == 404
        assert client.post(url("api_token_revoke", token_id=token.pk)).status_code == 404
    assert admin_client_.post(url("api_token_revoke", token_id=token.pk)).status_code == 404
    outsider_own = reverse(
        "api_token_revoke", kwargs={"practice_slug": "other-practice", "token_id": token.pk}
    )
    assert outsider_client.post(outsider_own).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ApiToken.objects.for_practice(world.practice).count() == 1


def test_it_sends_a_plain_visit_of_an_action_back_to_the_page(world, secretary_client):
    token = ApiTokenFactory(membership=world.secretary)

    for address in (url("api_token_create"), url("api_token_revoke", token_id=token.pk)):
        response = secretary_client.get(address)
        assert response.status_code == 302 and response["Location"] == url("api_tokens")
    assert secretary_client.delete(url("api_token_create")).status_code == 405
