"""Invitations: list pending, invite by email with a role, revoke (owners and admins)."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from secretary.models import Invitation, Role
from tests.api.conftest import token_client, url
from tests.factories import InvitationFactory


def invite(client, world, email="new.person@example.com", role=Role.SECRETARY):
    return client.post(
        url("api_invitation_list", world.practice),
        {"email": email, "role": role},
        content_type="application/json",
    )


def invitations(world):
    return Invitation.objects.for_practice(world.practice)


def test_it_checks_ownership(world, outsider_client, contact_client, secretary_client):
    invitation = InvitationFactory(practice=world.practice)
    listing = url("api_invitation_list", world.practice)
    detail = url("api_invitation_detail", world.practice, invitation_id=invitation.pk)
    assert outsider_client.get(listing).status_code == 404
    assert invite(outsider_client, world).status_code == 404
    assert outsider_client.delete(detail).status_code == 404
    assert (
        outsider_client.delete(
            url("api_invitation_detail", world.other_practice, invitation_id=invitation.pk)
        ).status_code
        == 404
    )
    assert contact_client.get(listing).status_code == 404
    assert secretary_client.get(listing).status_code == 403
    assert invite(secretary_client, world).status_code == 403
    assert secretary_client.delete(detail).status_code == 403
    assert invitations(world).count() == 1
    assert invitations(world).get().revoked_at is None


def test_it_lists_pending_invitations_only(world, admin_client_):
    # Given one pending invitation, and one each expired, revoked and accepted
    pending = InvitationFactory(
        practice=world.practice,
        email="pending@example.com",
        invited_by=world.owner.user,
        role=Role.ADMIN,
    )
    InvitationFactory(practice=world.practice, expires_at=timezone.now() - timedelta(days=1))
    InvitationFactory(practice=world.practice, revoked_at=timezone.now())
    InvitationFactory(practice=world.practice, accepted_at=timezone.now())
    InvitationFactory(practice=world.other_practice, email="elsewhere@example.com")

    response = admin_client_.get(url("api_invitation_list", world.practice))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == pending.pk
    assert (item["email"], item["role"], item["sent_at"]) == ("pending@example.com", "admin", None)
    assert item["invited_by"]["email"] == "owner@harbour.test"
    assert "token" not in str(item.keys())


def test_it_lists_invitations_in_constant_queries(world, owner_client, django_assert_num_queries):
    listing = url("api_invitation_list", world.practice)
    InvitationFactory(practice=world.practice, invited_by=world.admin.user)
    with django_assert_num_queries(5):  # session, user, membership, count, page (inviters joined)
        owner_client.get(listing)
    InvitationFactory.create_batch(5, practice=world.practice, invited_by=world.owner.user)
    with django_assert_num_queries(5):
        assert owner_client.get(listing).json()["count"] == 6


def test_it_invites_by_email_and_sends_it_after_commit(
    world, admin_client_, django_capture_on_commit_callbacks, eager_tasks
):
    # When an admin invites someone
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = invite(admin_client_, world, email="New.Person@Example.com")

    # Then the invitation exists, the email went out once the transaction committed, and the
    # answer shows the invitation but never its token
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"]) == ("new.person@example.com", "secretary")
    assert set(body) == {"id", "email", "role", "invited_by", "created_at", "expires_at", "sent_at"}
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.com"]
    invitation = invitations(world).get(pk=body["id"])
    assert invitation.sent_at is not None
    link_token = mail.outbox[0].body.split("/invitations/")[1].split("/")[0]
    assert link_token not in response.content.decode()
    assert invitation.token_hash not in response.content.decode()


def test_it_invites_with_a_token(
    world, make_token, django_capture_on_commit_callbacks, eager_tasks
):
    _token, secret = make_token(world.owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(token_client(secret), world, role=Role.CLIENT)

    assert response.status_code == 201
    assert len(mail.outbox) == 1


def test_it_rejects_bad_invitations_with_field_errors(world, owner_client):
    bad_email = invite(owner_client, world, email="not-an-email")
    bad_role = invite(owner_client, world, role="emperor")
    missing = owner_client.post(
        url("api_invitation_list", world.practice), {}, content_type="application/json"
    )

    assert bad_email.status_code == bad_role.status_code == missing.status_code == 400
    assert "email" in bad_email.json()["errors"]
    assert "role" in bad_role.json()["errors"]
    assert set(missing.json()["errors"]) == {"email", "role"}
    assert not invitations(world).exists()
    assert mail.outbox == []


def test_it_refuses_to_invite_an_existing_member(
    world, owner_client, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(owner_client, world, email="secretary@harbour.test")

    assert response.status_code == 400
    assert response.json()["errors"]["email"]
    assert not invitations(world).exists()
    assert mail.outbox == []


def test_it_does_not_let_an_admin_invite_an_owner(world, admin_client_):
    response = invite(admin_client_, world, role=Role.OWNER)

    assert response.status_code == 400
    assert response.json()["errors"]["role"]
    assert not invitations(world).exists()


def test_it_revokes_a_pending_invitation(world, owner_client):
    invitation = InvitationFactory(practice=world.practice)
    detail = url("api_invitation_detail", world.practice, invitation_id=invitation.pk)

    response = owner_client.delete(detail)

    assert response.status_code == 204
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    # It is no longer pending: a second revocation finds nothing.
    assert owner_client.delete(detail).status_code == 404


def test_it_shows_a_pending_invitation(world, owner_client):
    invitation = InvitationFactory(practice=world.practice, email="someone@example.com")

    response = owner_client.get(
        url("api_invitation_detail", world.practice, invitation_id=invitation.pk)
    )

    assert response.status_code == 200
    assert response.json()["email"] == "someone@example.com"


def test_it_does_not_revoke_an_accepted_invitation(world, owner_client):
    invitation = InvitationFactory(practice=world.practice, accepted_at=timezone.now())

    response = owner_client.delete(
        url("api_invitation_detail", world.practice, invitation_id=invitation.pk)
    )

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
