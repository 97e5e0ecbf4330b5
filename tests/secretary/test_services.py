"""Rules the core's services enforce for every caller (web pages and API alike)."""

import pytest

from secretary import services
from secretary.errors import ApplicationError
from secretary.models import ActivityEvent, Invitation, Membership, Role


def test_it_refuses_an_invitation_to_a_malformed_address(world):
    with pytest.raises(ApplicationError) as error:
        services.invitation_create(
            practice=world.practice, invited_by=world.owner, email="no-at-sign", role=Role.SECRETARY
        )

    assert error.value.errors == {"email": ["Enter a valid email address."]}
    assert not Invitation.objects.for_practice(world.practice).exists()


def test_it_replaces_a_pending_invitation_to_the_same_address(world):
    first, _ = services.invitation_create(
        practice=world.practice,
        invited_by=world.owner,
        email="twice@example.com",
        role=Role.SECRETARY,
    )
    second, _ = services.invitation_create(
        practice=world.practice, invited_by=world.owner, email="Twice@Example.com", role=Role.ADMIN
    )

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_pending and second.role == Role.ADMIN


def test_it_lets_only_owners_grant_the_owner_role(world):
    with pytest.raises(ApplicationError):
        services.invitation_create(
            practice=world.practice,
            invited_by=world.admin,
            email="boss@example.com",
            role=Role.OWNER,
        )
    with pytest.raises(ApplicationError):
        services.membership_change_role(
            practice=world.practice, actor=world.admin, membership=world.secretary, role=Role.OWNER
        )

    assert (
        Membership.objects.for_practice(world.practice).get(pk=world.secretary.pk).role
        == Role.SECRETARY
    )


def test_it_lets_secretaries_invite_client_contacts_only(world):
    # When a secretary invites a client contact; then the invitation exists
    invitation, _ = services.invitation_create(
        practice=world.practice,
        invited_by=world.secretary,
        email="front@client.test",
        role=Role.CLIENT,
    )
    assert invitation.role == Role.CLIENT
    # When they try to invite staff; then nothing is created
    for role in (Role.SECRETARY, Role.ADMIN, Role.OWNER):
        with pytest.raises(ApplicationError):
            services.invitation_create(
                practice=world.practice,
                invited_by=world.secretary,
                email=f"{role}@x.test",
                role=role,
            )
    assert Invitation.objects.for_practice(world.practice).count() == 1
    # And a client contact can invite nobody
    with pytest.raises(ApplicationError):
        services.invitation_create(
            practice=world.practice,
            invited_by=world.client_contact,
            email="friend@x.test",
            role=Role.CLIENT,
        )


def test_it_never_leaves_a_practice_without_an_owner(world):
    with pytest.raises(ApplicationError) as error:
        services.membership_change_role(
            practice=world.practice, actor=world.owner, membership=world.owner, role=Role.SECRETARY
        )

    assert error.value.errors == {"role": ["The last owner cannot be demoted."]}
    with pytest.raises(ApplicationError):
        services.membership_remove(
            practice=world.practice, actor=world.owner, membership=world.owner
        )
    assert Membership.objects.for_practice(world.practice).get(pk=world.owner.pk).role == Role.OWNER


def test_it_decides_with_the_actors_role_as_it_is_now(world):
    # Given an admin whose request loaded their membership, then was demoted meanwhile
    acting_as = Membership.objects.for_practice(world.practice).get(pk=world.admin.pk)
    services.membership_change_role(
        practice=world.practice, actor=world.owner, membership=world.admin, role=Role.SECRETARY
    )

    # When that request goes on to change a role or remove someone, it is refused
    with pytest.raises(ApplicationError, match="Only owners and admins"):
        services.membership_change_role(
            practice=world.practice, actor=acting_as, membership=world.secretary, role=Role.ADMIN
        )
    with pytest.raises(ApplicationError, match="Only owners and admins"):
        services.membership_remove(
            practice=world.practice, actor=acting_as, membership=world.secretary
        )

    # And a member removed meanwhile can do nothing at all
    services.membership_remove(practice=world.practice, actor=world.owner, membership=world.admin)
    with pytest.raises(ApplicationError, match="no longer a member"):
        services.membership_remove(practice=world.practice, actor=acting_as, membership=acting_as)

    assert Membership.objects.for_practice(world.practice).get(pk=world.secretary.pk).role == (
        Role.SECRETARY
    )


def test_it_logs_an_invitation_by_address_and_role_in_words(world):
    services.invitation_create(
        practice=world.practice, invited_by=world.owner, email="sam@example.com", role=Role.ADMIN
    )

    event = ActivityEvent.objects.for_practice(world.practice).get(verb="member.invited")
    assert event.target_repr == "sam@example.com (Admin)"


def test_it_never_turns_a_client_contact_into_staff_or_back(world):
    # What a client contact sees comes from their client: a role change cannot make that link
    for member, role in ((world.client_contact, Role.ADMIN), (world.secretary, Role.CLIENT)):
        with pytest.raises(ApplicationError) as error:
            services.membership_change_role(
                practice=world.practice, actor=world.owner, membership=member, role=role
            )
        assert "role" in error.value.errors

    roles = dict(Membership.objects.for_practice(world.practice).values_list("pk", "role"))
    assert roles[world.client_contact.pk] == Role.CLIENT
    assert roles[world.secretary.pk] == Role.SECRETARY
