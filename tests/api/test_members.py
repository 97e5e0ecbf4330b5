"""Members of a practice: list (staff), change role and remove (owners and admins)."""

import pytest

from secretary.models import ActivityEvent, ApiToken, Membership, Role
from tests.api.conftest import token_client, url
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory


def patch_role(client, world, membership, role):
    return client.patch(
        url("api_member_detail", world.practice, member_id=membership.pk),
        {"role": role},
        content_type="application/json",
    )


def role_of(membership) -> str:
    return Membership.objects.for_practice(membership.practice_id).get(pk=membership.pk).role


def test_it_checks_ownership(world, outsider_client, contact_client, secretary_client):
    member_list = url("api_member_list", world.practice)
    member = url("api_member_detail", world.practice, member_id=world.secretary.pk)
    # A member of another practice: 404, for the practice and for its member ids in its own.
    assert outsider_client.get(member_list).status_code == 404
    assert outsider_client.get(member).status_code == 404
    forged = url("api_member_detail", world.other_practice, member_id=world.secretary.pk)
    assert outsider_client.get(forged).status_code == 404
    assert outsider_client.delete(forged).status_code == 404
    # A client contact: staff data does not exist for them.
    assert contact_client.get(member_list).status_code == 404
    assert (
        contact_client.patch(member, {"role": "admin"}, content_type="application/json").status_code
        == 404
    )
    # A secretary reads, but does not manage.
    assert secretary_client.get(member_list).status_code == 200
    assert secretary_client.get(member).status_code == 200
    assert patch_role(secretary_client, world, world.admin, Role.SECRETARY).status_code == 403
    assert (
        secretary_client.delete(
            url("api_member_detail", world.practice, member_id=world.admin.pk)
        ).status_code
        == 403
    )
    assert role_of(world.admin) == Role.ADMIN


def test_it_lists_the_members(world, secretary_client):
    response = secretary_client.get(url("api_member_list", world.practice))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert [m["user"]["email"] for m in body["results"]] == [
        "admin@harbour.test",
        "contact@client.test",
        "owner@harbour.test",
        "secretary@harbour.test",
    ]
    first = body["results"][0]
    assert first == {
        "id": world.admin.pk,
        "role": "admin",
        "joined_at": first["joined_at"],
        "user": {
            "id": world.admin.user.pk,
            "email": "admin@harbour.test",
            "full_name": world.admin.user.full_name,
        },
    }
    assert world.outsider.user.email not in response.content.decode()


def test_it_filters_members_by_role(world, owner_client):
    response = owner_client.get(url("api_member_list", world.practice), {"role": "secretary"})

    assert [m["id"] for m in response.json()["results"]] == [world.secretary.pk]


def test_it_rejects_an_unknown_role_filter(world, owner_client):
    response = owner_client.get(url("api_member_list", world.practice), {"role": "emperor"})

    assert response.status_code == 400
    assert "role" in response.json()["errors"]


def test_it_searches_members_by_email_and_name(world, owner_client):
    MembershipFactory(
        practice=world.practice,
        role=Role.SECRETARY,
        user=UserFactory(email="zed@harbour.test", full_name="Grace Hopper"),
    )
    members = url("api_member_list", world.practice)

    by_name = owner_client.get(members, {"search": "hopper"}).json()["results"]
    by_email = owner_client.get(members, {"search": "contact@"}).json()["results"]

    assert [m["user"]["email"] for m in by_name] == ["zed@harbour.test"]
    assert [m["id"] for m in by_email] == [world.client_contact.pk]


def test_it_orders_members_on_request(world, owner_client):
    response = owner_client.get(url("api_member_list", world.practice), {"ordering": "-email"})

    emails = [m["user"]["email"] for m in response.json()["results"]]
    assert emails == sorted(emails, reverse=True)


def test_it_paginates_members(world, owner_client):
    response = owner_client.get(url("api_member_list", world.practice), {"page_size": 3})

    body = response.json()
    assert (body["count"], len(body["results"]), body["previous"]) == (4, 3, None)
    assert "page=2" in body["next"]
    assert owner_client.get(body["next"]).json()["results"][0]["user"]["email"] == (
        "secretary@harbour.test"
    )


def test_it_answers_404_for_a_page_past_the_end(world, owner_client):
    response = owner_client.get(url("api_member_list", world.practice), {"page": 9})

    assert response.status_code == 404
    assert response.json()["message"]


def test_it_lists_members_in_constant_queries(world, owner_client, django_assert_num_queries):
    members = url("api_member_list", world.practice)
    # session, user, membership of the caller, count, page (users joined)
    with django_assert_num_queries(5):
        owner_client.get(members)
    MembershipFactory.create_batch(6, practice=world.practice)
    with django_assert_num_queries(5):
        assert len(owner_client.get(members).json()["results"]) == 10


def test_it_lists_members_in_constant_queries_with_a_token(
    world, make_token, django_assert_num_queries
):
    _token, secret = make_token(world.owner)
    client = token_client(secret)
    members = url("api_member_list", world.practice)
    client.get(members)  # the first call records the token's last use
    # token (with its membership and practice), count, page
    with django_assert_num_queries(3):
        client.get(members)
    MembershipFactory.create_batch(6, practice=world.practice)
    with django_assert_num_queries(3):
        client.get(members)


def test_it_changes_a_role(world, admin_client_, reauthenticate):
    # Given an admin who confirmed their password
    reauthenticate(admin_client_)

    # When they make the secretary an admin
    response = patch_role(admin_client_, world, world.secretary, Role.ADMIN)

    # Then the role changes and the audit log says who did it
    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    assert role_of(world.secretary) == Role.ADMIN
    event = ActivityEvent.objects.for_practice(world.practice).get(verb="member.role_changed")
    assert event.actor == world.admin.user
    assert event.data == {"from": "secretary", "to": "admin"}


def test_it_asks_a_session_to_confirm_the_password_before_a_role_change(world, owner_client):
    response = patch_role(owner_client, world, world.secretary, Role.ADMIN)

    assert response.status_code == 403
    assert "/accounts/reauthenticate/" in response.json()["message"]
    assert role_of(world.secretary) == Role.SECRETARY


def test_it_changes_a_role_with_an_admin_token(world, make_token):
    _token, secret = make_token(world.admin)

    response = patch_role(token_client(secret), world, world.secretary, Role.ADMIN)

    assert response.status_code == 200
    assert role_of(world.secretary) == Role.ADMIN


def test_it_refuses_a_role_change_with_a_secretary_token(world, make_token):
    _token, secret = make_token(world.secretary)

    response = patch_role(token_client(secret), world, world.client_contact, Role.ADMIN)

    assert response.status_code == 403
    assert role_of(world.client_contact) == Role.CLIENT


def test_it_never_demotes_the_last_owner(world, owner_client, reauthenticate):
    # Given the only owner, who confirmed their password
    reauthenticate(owner_client)

    # When they try to demote themselves
    response = patch_role(owner_client, world, world.owner, Role.ADMIN)

    # Then the answer is 400 with the reason, and nothing changed
    assert response.status_code == 400
    body = response.json()
    assert "at least one owner" in body["message"]
    assert body["errors"]["role"]
    assert role_of(world.owner) == Role.OWNER
    assert (
        not ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="member.role_changed")
        .exists()
    )


def test_it_lets_an_owner_step_down_when_another_owner_remains(world, owner_client, reauthenticate):
    MembershipFactory(practice=world.practice, role=Role.OWNER)
    reauthenticate(owner_client)

    response = patch_role(owner_client, world, world.owner, Role.ADMIN)

    assert response.status_code == 200
    assert role_of(world.owner) == Role.ADMIN


def test_it_does_not_let_an_admin_grant_the_owner_role(world, admin_client_, reauthenticate):
    reauthenticate(admin_client_)

    response = patch_role(admin_client_, world, world.secretary, Role.OWNER)

    assert response.status_code == 400
    assert response.json()["errors"]["role"]
    assert role_of(world.secretary) == Role.SECRETARY


def test_it_rejects_an_unknown_role_with_a_field_error(world, owner_client, reauthenticate):
    reauthenticate(owner_client)

    response = patch_role(owner_client, world, world.secretary, "emperor")

    assert response.status_code == 400
    assert response.json()["errors"]["role"]
    assert role_of(world.secretary) == Role.SECRETARY


def test_it_keeps_client_contacts_out_of_role_changes(world, owner_client, reauthenticate):
    reauthenticate(owner_client)

    promote = patch_role(owner_client, world, world.client_contact, Role.ADMIN)
    demote = patch_role(owner_client, world, world.secretary, Role.CLIENT)

    for response in (promote, demote):
        assert response.status_code == 400
        assert response.json()["errors"]["role"]
    assert role_of(world.client_contact) == Role.CLIENT
    assert role_of(world.secretary) == Role.SECRETARY


def test_it_answers_a_patch_without_a_role_with_the_member_unchanged(world, owner_client):
    response = owner_client.patch(
        url("api_member_detail", world.practice, member_id=world.secretary.pk),
        {},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["role"] == "secretary"


def test_it_removes_a_member_and_revokes_their_tokens(
    world, owner_client, reauthenticate, make_token
):
    # Given a secretary with a token
    _token, secret = make_token(world.secretary)
    reauthenticate(owner_client)

    # When the owner removes them
    response = owner_client.delete(
        url("api_member_detail", world.practice, member_id=world.secretary.pk)
    )

    # Then they are gone, their token no longer works, and the log says so
    assert response.status_code == 204
    assert (
        not Membership.objects.for_practice(world.practice).filter(pk=world.secretary.pk).exists()
    )
    assert (
        not ApiToken.objects.for_practice(world.practice).filter(revoked_at__isnull=True).exists()
    )
    assert token_client(secret).get(url("api_member_list", world.practice)).status_code == 401
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="member.removed", actor=world.owner.user)
        .exists()
    )


def test_it_asks_a_session_to_confirm_the_password_before_removing(world, owner_client):
    response = owner_client.delete(
        url("api_member_detail", world.practice, member_id=world.secretary.pk)
    )

    assert response.status_code == 403
    assert Membership.objects.for_practice(world.practice).filter(pk=world.secretary.pk).exists()


def test_it_never_removes_the_last_owner(world, make_token):
    _token, secret = make_token(world.owner)

    response = token_client(secret).delete(
        url("api_member_detail", world.practice, member_id=world.owner.pk)
    )

    assert response.status_code == 400
    assert "at least one owner" in response.json()["message"]
    assert role_of(world.owner) == Role.OWNER


def test_it_does_not_let_an_admin_remove_an_owner(world, make_token):
    MembershipFactory(practice=world.practice, role=Role.OWNER)
    _token, secret = make_token(world.admin)

    response = token_client(secret).delete(
        url("api_member_detail", world.practice, member_id=world.owner.pk)
    )

    assert response.status_code == 400
    assert role_of(world.owner) == Role.OWNER


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_it_answers_404_for_a_member_of_another_practice(world, method, make_token):
    # An owner of B names a membership of A in B's own URL (a forged id).
    _token, secret = make_token(world.outsider)
    client = token_client(secret)

    response = getattr(client, method)(
        url("api_member_detail", world.other_practice, member_id=world.admin.pk),
        {"role": "secretary"},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert role_of(world.admin) == Role.ADMIN


def test_it_leaves_the_member_list_to_staff_of_the_practice(world):
    # Every staff role reads; the list never shows members of another practice.
    for role in (Role.OWNER, Role.ADMIN, Role.SECRETARY):
        response = client_for(world.member(role).user).get(url("api_member_list", world.practice))
        assert response.status_code == 200
        assert "outsider@other.test" not in response.content.decode()


def test_it_answers_a_missing_member_like_a_missing_practice(world, owner_client):
    missing_member = owner_client.get(url("api_member_detail", world.practice, member_id=2**63))
    missing_practice = owner_client.get(
        url("api_member_list", world.other_practice)  # not a member there
    )

    assert missing_member.status_code == missing_practice.status_code == 404
    assert (
        missing_member.json()
        == missing_practice.json()
        == {
            "message": "Not found.",
            "errors": {},
        }
    )
