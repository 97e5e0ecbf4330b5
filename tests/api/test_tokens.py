"""Personal access tokens through the API: each member's own, from a browser session."""

from django.utils import timezone

from secretary.models import ActivityEvent, ApiToken, hash_secret
from tests.api.conftest import token_client, url


def create(client, world, name="Deploy script"):
    return client.post(
        url("api_token_list", world.practice), {"name": name}, content_type="application/json"
    )


def tokens_of(membership):
    return ApiToken.objects.for_practice(membership.practice_id).filter(membership=membership)


def test_it_checks_ownership(world, outsider_client, secretary_client, make_token):
    owner_token, _secret = make_token(world.owner)
    detail = url("api_token_detail", world.practice, token_id=owner_token.pk)
    # Another practice's member: 404 on practice A and on A's token id in their own practice.
    assert outsider_client.get(url("api_token_list", world.practice)).status_code == 404
    assert outsider_client.delete(detail).status_code == 404
    assert (
        outsider_client.delete(
            url("api_token_detail", world.other_practice, token_id=owner_token.pk)
        ).status_code
        == 404
    )
    # Another member of the same practice: someone else's token does not exist for them.
    assert secretary_client.get(detail).status_code == 404
    assert secretary_client.delete(detail).status_code == 404
    assert tokens_of(world.owner).get().revoked_at is None


def test_it_creates_a_token_and_shows_its_secret_once(world, owner_client, reauthenticate):
    # Given the owner confirmed their password
    reauthenticate(owner_client)

    # When they create a token
    response = create(owner_client, world)

    # Then the answer carries the secret, which works, and only its hash is stored
    assert response.status_code == 201
    body = response.json()
    secret = body["token"]
    assert secret.startswith("sec_")
    assert body["hint"] == secret[:10]
    token = tokens_of(world.owner).get()
    assert token.token_hash == hash_secret(secret)
    assert secret not in {token.name, token.hint, token.token_hash}
    assert token_client(secret).get(url("api_practice_detail", world.practice)).status_code == 200
    assert ActivityEvent.objects.for_practice(world.practice).filter(verb="token.created").exists()

    # And it never appears again
    listing = owner_client.get(url("api_token_list", world.practice))
    detail = owner_client.get(url("api_token_detail", world.practice, token_id=token.pk))
    for answer in (listing, detail):
        assert answer.status_code == 200
        assert secret not in answer.content.decode()
        assert "token" not in answer.json().get("results", [answer.json()])[0]


def test_it_asks_a_session_to_confirm_the_password_before_creating(world, owner_client):
    response = create(owner_client, world)

    assert response.status_code == 403
    assert "/accounts/reauthenticate/" in response.json()["message"]
    assert not tokens_of(world.owner).exists()


def test_it_never_lets_a_token_manage_tokens(world, make_token):
    token, secret = make_token(world.owner)
    client = token_client(secret)

    minted = create(client, world)
    listed = client.get(url("api_token_list", world.practice))
    revoked = client.delete(url("api_token_detail", world.practice, token_id=token.pk))

    assert minted.status_code == listed.status_code == revoked.status_code == 403
    assert "Sign in" in minted.json()["message"]
    assert tokens_of(world.owner).count() == 1
    assert tokens_of(world.owner).get().revoked_at is None


def test_it_lists_only_own_tokens_without_secrets(
    world, secretary_client, make_token, django_assert_num_queries
):
    # Given tokens of the secretary (one revoked) and of the owner
    _active, active_secret = make_token(world.secretary, name="Laptop")
    revoked, _secret = make_token(world.secretary, name="Old laptop")
    revoked.revoked_at = timezone.now()
    revoked.save(update_fields=["revoked_at"])
    make_token(world.owner, name="Owner's script")

    # When the secretary lists their tokens
    with django_assert_num_queries(5):  # session, user, membership, count, page
        response = secretary_client.get(url("api_token_list", world.practice))

    # Then they see their own, newest first, by name and hint only
    body = response.json()
    assert [(t["name"], t["is_active"]) for t in body["results"]] == [
        ("Old laptop", False),
        ("Laptop", True),
    ]
    assert set(body["results"][0]) == {
        "id",
        "name",
        "hint",
        "created_at",
        "last_used_at",
        "revoked_at",
        "is_active",
    }
    assert active_secret not in response.content.decode()
    assert "Owner's script" not in response.content.decode()


def test_it_revokes_a_token(world, owner_client, make_token, reauthenticate):
    token, secret = make_token(world.owner)
    reauthenticate(owner_client)

    response = owner_client.delete(url("api_token_detail", world.practice, token_id=token.pk))

    assert response.status_code == 204
    assert tokens_of(world.owner).get().revoked_at is not None
    answer = token_client(secret).get(url("api_practice_detail", world.practice))
    assert answer.status_code == 401
    assert answer.json()["message"] == "Invalid or revoked token."


def test_it_asks_a_session_to_confirm_the_password_before_revoking(world, owner_client, make_token):
    token, secret = make_token(world.owner)

    response = owner_client.delete(url("api_token_detail", world.practice, token_id=token.pk))

    assert response.status_code == 403
    assert "/accounts/reauthenticate/" in response.json()["message"]
    assert tokens_of(world.owner).get().revoked_at is None
    assert token_client(secret).get(url("api_practice_detail", world.practice)).status_code == 200


def test_it_rejects_a_token_without_a_name(world, owner_client, reauthenticate):
    reauthenticate(owner_client)

    blank = create(owner_client, world, name="  ")
    too_long = create(owner_client, world, name="x" * 81)

    assert blank.status_code == too_long.status_code == 400
    assert blank.json()["errors"]["name"]
    assert too_long.json()["errors"]["name"]
    assert not tokens_of(world.owner).exists()


def test_it_lets_a_client_contact_keep_their_own_tokens(world, contact_client, reauthenticate):
    reauthenticate(contact_client)

    response = create(contact_client, world, name="Portal sync")

    assert response.status_code == 201
    assert tokens_of(world.client_contact).count() == 1
    # The token opens what a client contact may see, and no staff data.
    client = token_client(response.json()["token"])
    assert client.get(url("api_practice_detail", world.practice)).json()["role"] == "client"
    assert client.get(url("api_member_list", world.practice)).status_code == 404
