"""Accepting an invitation: existing users sign in, new people sign up; bad links change nothing."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from secretary.models import ActivityEvent, Invitation, Membership, Role, User
from tests.conftest import client_for
from tests.factories import PASSWORD, InvitationFactory, UserFactory

TOKEN = "a-raw-invitation-token-for-tests"


@pytest.fixture
def invitation(world):
    return InvitationFactory(
        practice=world.practice,
        email="joiner@example.com",
        role=Role.ADMIN,
        token=TOKEN,
        invited_by=world.owner.user,
    )


def link(token=TOKEN) -> str:
    return reverse("invitation_accept", kwargs={"token": token})


def signup(client, email, **extra):
    return client.post(
        reverse("account_signup") + extra.pop("query", ""),
        {
            "email": email,
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
            "full_name": "Jo Iner",
            "time_zone": "Europe/Paris",
            **extra,
        },
    )


def members_of(practice, email):
    return Membership.objects.for_practice(practice).filter(user__email=email)


def test_it_lets_an_existing_user_sign_in_and_accept(world, client, invitation):
    UserFactory(email="joiner@example.com")

    # When they open the link signed out, they are welcomed and offered to sign in
    welcome = client.get(link())
    assert welcome.status_code == 200
    assert "invited to join Harbour Desk" in welcome.content.decode()

    # And signing in brings them back to the invitation
    signed_in = client.post(
        reverse("account_login") + f"?next={link()}",
        {"login": "joiner@example.com", "password": PASSWORD},
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == link()
    page = client.get(link()).content.decode()
    assert "Accept invitation" in page

    # When they accept, they are a member with the invited role
    accepted = client.post(link())
    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("dashboard", args=["harbour-desk"])
    assert members_of(world.practice, "joiner@example.com").get().role == Role.ADMIN
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert ActivityEvent.objects.for_practice(world.practice).filter(verb="member.joined").exists()


def test_it_lets_a_new_person_sign_up_and_join_without_verifying_again(
    world, client, invitation, settings
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    welcome = client.get(link()).content.decode()
    assert "email=joiner%40example.com" in welcome

    # The signup form starts with the invited address
    form = client.get(reverse("account_signup") + "?email=joiner%40example.com")
    assert 'value="joiner@example.com"' in form.content.decode()

    # When they sign up with the invited address, they are signed in at once (the link proved
    # the address) and land back on the invitation
    response = signup(client, "joiner@example.com", query=f"?next={link()}")
    assert response.status_code == 302 and response["Location"] == link()
    user = User.objects.get(email="joiner@example.com")
    assert (user.full_name, user.time_zone) == ("Jo Iner", "Europe/Paris")
    assert EmailAddress.objects.get(user=user).verified
    assert mail.outbox == []  # no verification email needed

    # And accepting makes them a member
    client.post(link())
    assert members_of(world.practice, "joiner@example.com").get().role == Role.ADMIN


def test_it_brings_a_new_person_back_to_the_invitation_even_without_next(
    world, client, invitation, settings
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client.get(link())

    response = signup(client, "joiner@example.com")

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == link()
    # Only once: declining the invitation does not trap them there.
    assert client.get(reverse("home"))["Location"] == reverse("practice_new")


def test_it_still_verifies_an_address_other_than_the_invited_one(
    world, client, invitation, settings
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client.get(link())

    response = signup(client, "someone.else@example.com", query=f"?next={link()}")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="someone.else@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["someone.else@example.com"]
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("state", "status", "message"),
    [
        ("forged", 404, "This invitation link is not valid."),
        ("expired", 410, "This invitation has expired. Ask for a new one."),
        ("used", 410, "This invitation has already been used."),
        ("revoked", 410, "This invitation was withdrawn. Ask for a new one."),
    ],
)
def test_it_refuses_a_bad_link_and_changes_nothing(world, invitation, state, status, message):
    token = TOKEN
    if state == "forged":
        token = "not-a-token-we-ever-made"
    elif state == "expired":
        invitation.expires_at = timezone.now() - timedelta(minutes=1)
    elif state == "used":
        invitation.accepted_at = timezone.now()
    elif state == "revoked":
        invitation.revoked_at = timezone.now()
    invitation.save()
    user = UserFactory(email="joiner@example.com")
    client = client_for(user)

    for response in (client.get(link(token)), client.post(link(token))):
        assert response.status_code == status
        assert message in response.content.decode()
        assert "Nothing was changed." in response.content.decode()
    assert not members_of(world.practice, "joiner@example.com").exists()
    assert Invitation.objects.for_practice(world.practice).get().accepted_by is None


def test_it_refuses_an_invitation_for_another_address(world, invitation):
    client = client_for(UserFactory(email="wrong@example.com"))

    page = client.get(link())
    accept = client.post(link())

    assert page.status_code == 200
    assert "This invitation was sent to joiner@example.com" in page.content.decode()
    assert "Sign out and use another account" in page.content.decode()
    assert accept.status_code == 400
    assert "Sign in with that address to accept it." in accept.content.decode()
    assert not members_of(world.practice, "wrong@example.com").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_it_tells_an_existing_member_they_are_already_in(world):
    InvitationFactory(practice=world.practice, email=world.secretary.user.email, token=TOKEN)
    client = client_for(world.secretary.user)

    page = client.get(link()).content.decode()
    accept = client.post(link())

    assert "You are already a member of this practice, as Secretary." in page
    assert accept.status_code == 400
    assert members_of(world.practice, world.secretary.user.email).get().role == Role.SECRETARY


def test_it_checks_ownership(world, invitation):
    # The link is the credential: only the invited address can use it, and a used link is dead.
    outsider = client_for(world.outsider.user)
    assert outsider.post(link()).status_code == 400
    assert not members_of(world.practice, world.outsider.user.email).exists()
    joiner = client_for(UserFactory(email="joiner@example.com"))
    assert joiner.post(link()).status_code == 302
    assert client_for(UserFactory(email="late@example.com")).get(link()).status_code == 410


def test_it_withdraws_the_invitations_of_an_admin_who_is_removed(world):
    # Given the admin invited a second address of theirs as an admin
    from secretary import services

    sent, token = services.invitation_create(
        practice=world.practice, invited_by=world.admin, email="me-again@example.com", role="admin"
    )
    # When the owner removes the admin
    services.membership_remove(practice=world.practice, actor=world.owner, membership=world.admin)
    # Then the invitation is withdrawn (and says so), and accepting it lets nobody back in
    sent.refresh_from_db()
    assert sent.revoked_at is not None
    client = client_for(UserFactory(email="me-again@example.com"))
    response = client.post(link(token))
    assert response.status_code == 410
    assert not members_of(world.practice, "me-again@example.com").exists()
    event = ActivityEvent.objects.for_practice(world.practice).get(verb="invitation.revoked")
    assert event.data == {"reason": "member_removed"}


def test_it_withdraws_what_a_demoted_admin_can_no_longer_grant(world):
    # Given the admin invited a secretary and a client contact
    from secretary import services

    staff, _token = services.invitation_create(
        practice=world.practice, invited_by=world.admin, email="staff@example.com", role="secretary"
    )
    contact, _token = services.invitation_create(
        practice=world.practice, invited_by=world.admin, email="client@example.com", role="client"
    )
    # When the owner makes the admin a secretary
    services.membership_change_role(
        practice=world.practice, actor=world.owner, membership=world.admin, role="secretary"
    )
    # Then the staff invitation is withdrawn; the contact's (secretaries may send those) stays
    staff.refresh_from_db()
    contact.refresh_from_db()
    assert staff.revoked_at is not None and contact.revoked_at is None


def test_it_refuses_an_invitation_whose_sender_left_by_any_path(world, invitation):
    # Given the owner's invitation, and the owner's membership gone without the service
    # (nothing withdrew the invitation)
    world.admin.role = Role.OWNER
    world.admin.save(update_fields=["role"])
    Membership.objects.for_practice(world.practice).filter(pk=world.owner.pk).delete()
    client = client_for(UserFactory(email="joiner@example.com"))
    # When the invitee accepts; then it is refused and nobody joins
    response = client.post(link())
    assert response.status_code == 410
    assert "can no longer do so" in response.content.decode()
    assert not members_of(world.practice, "joiner@example.com").exists()
