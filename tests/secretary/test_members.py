"""The members page: list, invite, withdraw, change role, remove."""

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from secretary.models import ActivityEvent, Invitation, Membership, Role
from tests.conftest import client_for
from tests.factories import InvitationFactory, MembershipFactory
from tests.secretary.conftest import reauthenticate

SLUG = "harbour-desk"
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, **kwargs):
    return reverse(name, kwargs={"practice_slug": SLUG, **kwargs})


def role_of(membership) -> str:
    return Membership.objects.for_practice(membership.practice).get(pk=membership.pk).role


def test_it_lists_members_with_role_and_join_date(world, owner_client):
    # Given a pending invitation
    InvitationFactory(practice=world.practice, email="new@harbour.test", role=Role.ADMIN)

    # When the owner opens the members page
    response = owner_client.get(url("members"))

    # Then every member is listed with their role, and the invitation can be withdrawn
    assert response.status_code == 200
    page = response.content.decode()
    for member in (world.owner, world.admin, world.secretary, world.client_contact):
        assert member.user.email in page
    assert "Client contact" in page and "Secretary" in page
    assert world.owner.created_at.strftime("%Y") in page
    assert "new@harbour.test" in page
    assert "Send invitation" in page
    assert world.outsider.user.email not in page


def test_it_shows_secretaries_a_read_only_list(world, secretary_client):
    response = secretary_client.get(url("members"))

    assert response.status_code == 200
    page = response.content.decode()
    assert world.owner.user.email in page
    assert "Send invitation" not in page
    assert "Change role" not in page
    assert "Pending invitations" not in page


def test_it_checks_ownership(world, outsider_client, contact_client, secretary_client):
    invitation = InvitationFactory(practice=world.practice)
    target = {"membership_id": world.secretary.pk}
    writes = [
        url("member_invite"),
        url("member_role", **target),
        url("member_remove", **target),
        url("invitation_revoke", invitation_id=invitation.pk),
    ]
    # A member of another practice: 404 everywhere, even with its own practice's slug.
    assert outsider_client.get(url("members")).status_code == 404
    for address in writes:
        assert (
            outsider_client.post(address, {"role": Role.ADMIN, "email": "x@y.test"}).status_code
            == 404
        )
    other = reverse("member_role", kwargs={"practice_slug": "other-practice", **target})
    assert outsider_client.post(other, {"role": Role.ADMIN}).status_code == 404
    # A client contact: staff pages do not exist.
    assert contact_client.get(url("members")).status_code == 404
    for address in writes:
        assert contact_client.post(address, {"role": Role.ADMIN}).status_code == 404
    # A secretary: may look, may not manage.
    for address in writes:
        assert (
            secretary_client.post(address, {"role": Role.ADMIN, "email": "x@y.test"}).status_code
            == 403
        )
    # Nothing changed.
    assert role_of(world.secretary) == Role.SECRETARY
    assert Invitation.objects.for_practice(world.practice).count() == 1
    assert Invitation.objects.for_practice(world.practice).get().revoked_at is None


def test_it_invites_by_email_and_the_email_arrives(
    world, owner_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            url("member_invite"), {"email": "New.Person@Example.com", "role": Role.ADMIN}
        )

    assert response.status_code == 302
    assert response["Location"] == url("members")
    invitation = Invitation.objects.for_practice(world.practice).get()
    assert (invitation.email, invitation.role) == ("new.person@example.com", Role.ADMIN)
    assert invitation.invited_by == world.owner.user
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.com"]
    assert "/invitations/" in mail.outbox[0].body
    assert "Harbour Desk" in mail.outbox[0].subject
    follow = owner_client.get(url("members"))
    assert "Invitation sent to new.person@example.com" in follow.content.decode()
    assert (
        ActivityEvent.objects.for_practice(world.practice).filter(verb="member.invited").count()
        == 1
    )


def test_it_answers_htmx_with_the_refreshed_panel(
    world, owner_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            url("member_invite"), {"email": "panel@example.com", "role": Role.SECRETARY}, **HTMX
        )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('<div id="members-panel"')
    assert "<html" not in page
    assert "Invitation sent to panel@example.com" in page
    assert "panel@example.com" in page
    assert len(mail.outbox) == 1


def test_it_shows_invite_errors_next_to_the_fields(world, admin_client_):
    # A bad address, a role the admin may not give, and an existing member
    bad = admin_client_.post(url("member_invite"), {"email": "not-an-address", "role": Role.OWNER})
    taken = admin_client_.post(
        url("member_invite"), {"email": world.secretary.user.email, "role": Role.ADMIN}
    )

    assert bad.status_code == 200
    page = bad.content.decode()
    assert 'id="id_email_errors"' in page and "valid email address" in page
    assert 'id="id_role_errors"' in page
    assert 'value="not-an-address"' in page
    assert "This person is already a member." in taken.content.decode()
    assert not Invitation.objects.for_practice(world.practice).exists()
    assert mail.outbox == []


def test_it_offers_the_owner_role_only_to_owners(world, owner_client, admin_client_):
    owner_page = owner_client.get(url("members")).content.decode()
    admin_page = admin_client_.get(url("members")).content.decode()

    assert '<option value="owner"' in owner_page
    assert '<option value="owner"' not in admin_page
    assert '<option value="client"' not in owner_page


def test_it_withdraws_a_pending_invitation(world, admin_client_):
    invitation = InvitationFactory(practice=world.practice, email="later@example.com")

    response = admin_client_.post(url("invitation_revoke", invitation_id=invitation.pk), **HTMX)

    assert response.status_code == 200
    assert "The invitation to later@example.com was withdrawn." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="invitation.revoked")
        .exists()
    )


def test_it_asks_for_the_password_before_changing_a_role(world, owner_client):
    # When the owner changes a role without having confirmed their password recently
    address = url("member_role", membership_id=world.secretary.pk)
    response = owner_client.post(address, {"role": Role.ADMIN})

    # Then they are asked for it, and nothing changes yet
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert role_of(world.secretary) == Role.SECRETARY

    # When they confirm it, the change they asked for is carried out
    confirmed = owner_client.post(
        response["Location"], {"password": "correct-horse-battery-staple"}
    )
    assert confirmed.status_code == 302
    assert confirmed["Location"] == url("members")
    assert role_of(world.secretary) == Role.ADMIN


def test_it_sends_htmx_requests_to_confirm_the_password(world, owner_client):
    response = owner_client.post(
        url("member_remove", membership_id=world.secretary.pk),
        **HTMX,
        HTTP_HX_CURRENT_URL=f"http://testserver{url('members')}",
    )

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("account_reauthenticate"))
    assert "next=%2Fapp%2Fharbour-desk%2Fmembers%2F" in response["HX-Redirect"]
    assert Membership.objects.for_practice(world.practice).filter(pk=world.secretary.pk).exists()


def test_it_changes_a_role_and_shows_it_on_the_activity_page(world, owner_client):
    reauthenticate(owner_client)

    response = owner_client.post(
        url("member_role", membership_id=world.secretary.pk), {"role": Role.ADMIN}, follow=True
    )

    assert role_of(world.secretary) == Role.ADMIN
    assert "is now Admin" in response.content.decode()
    event = ActivityEvent.objects.for_practice(world.practice).get(verb="member.role_changed")
    assert (event.actor, event.data) == (world.owner.user, {"from": "secretary", "to": "admin"})
    assert event.ip_address == "127.0.0.1"
    activity = owner_client.get(url("activity")).content.decode()
    assert "changed a member&#x27;s role" in activity
    assert "Secretary → Admin" in activity


def test_it_removes_a_member_and_shows_it_on_the_activity_page(world, admin_client_):
    reauthenticate(admin_client_)

    response = admin_client_.post(
        url("member_remove", membership_id=world.secretary.pk), follow=True
    )

    assert response.status_code == 200
    assert "was removed from the practice" in response.content.decode()
    assert (
        not Membership.objects.for_practice(world.practice).filter(pk=world.secretary.pk).exists()
    )
    event = ActivityEvent.objects.for_practice(world.practice).get(verb="member.removed")
    assert event.data["email"] == world.secretary.user.email
    assert "removed a member" in admin_client_.get(url("activity")).content.decode()
    # The removed person no longer gets in.
    assert client_for(world.secretary.user).get(url("members")).status_code == 404


def test_it_never_demotes_or_removes_the_last_owner(world, owner_client):
    reauthenticate(owner_client)

    demote = owner_client.post(
        url("member_role", membership_id=world.owner.pk), {"role": Role.ADMIN}, follow=True
    )
    remove = owner_client.post(url("member_remove", membership_id=world.owner.pk), follow=True)

    message = "A practice needs at least one owner. Make someone else an owner first."
    assert message in demote.content.decode()
    assert message in remove.content.decode()
    assert role_of(world.owner) == Role.OWNER
    assert (
        not ActivityEvent.objects.for_practice(world.practice)
        .filter(verb__in=["member.role_changed", "member.removed"])
        .exists()
    )


def test_it_offers_no_role_change_or_removal_for_the_last_owner(world, owner_client):
    # Given a practice with one owner
    # When the owner opens the members page
    page = owner_client.get(url("members")).content.decode()

    # Then their own row says why, and offers neither control; the others' rows do
    assert "Last owner: cannot be removed or demoted" in page
    assert url("member_role", membership_id=world.owner.pk) not in page
    assert url("member_remove", membership_id=world.owner.pk) not in page
    assert url("member_role", membership_id=world.admin.pk) in page
    assert url("member_remove", membership_id=world.admin.pk) in page

    # And once there is a second owner, both owners can be changed again
    MembershipFactory(practice=world.practice, role=Role.OWNER)
    page = owner_client.get(url("members")).content.decode()
    assert "Last owner" not in page
    assert url("member_role", membership_id=world.owner.pk) in page
    assert url("member_remove", membership_id=world.owner.pk) in page


def test_it_lets_an_owner_step_down_once_there_is_another_owner(world, owner_client):
    reauthenticate(owner_client)
    owner_client.post(url("member_role", membership_id=world.admin.pk), {"role": Role.OWNER})

    owner_client.post(url("member_role", membership_id=world.owner.pk), {"role": Role.ADMIN})

    assert role_of(world.admin) == Role.OWNER
    assert role_of(world.owner) == Role.ADMIN


def test_it_keeps_admins_away_from_owners(world, admin_client_):
    reauthenticate(admin_client_)

    response = admin_client_.post(url("member_remove", membership_id=world.owner.pk), follow=True)
    promote = admin_client_.post(
        url("member_role", membership_id=world.secretary.pk), {"role": Role.OWNER}, follow=True
    )

    assert "Only an owner can remove another owner." in response.content.decode()
    assert "Choose one of the roles offered." in promote.content.decode()
    assert role_of(world.owner) == Role.OWNER
    assert role_of(world.secretary) == Role.SECRETARY


def test_it_answers_404_for_a_member_of_another_practice(world, owner_client):
    reauthenticate(owner_client)

    response = owner_client.post(
        url("member_role", membership_id=world.outsider.pk), {"role": Role.SECRETARY}
    )

    assert response.status_code == 404
    assert role_of(world.outsider) == Role.OWNER


def _queries_for_members_page(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("members")).status_code == 200
    return len(queries)


def test_it_lists_members_with_a_constant_number_of_queries(world, owner_client):
    # Given 5 members (the world's 4 and one more)
    MembershipFactory(practice=world.practice)
    InvitationFactory(practice=world.practice, invited_by=world.admin.user)
    few = _queries_for_members_page(owner_client)

    # And then 50
    for _ in range(45):
        MembershipFactory(practice=world.practice)
        InvitationFactory(practice=world.practice, invited_by=world.admin.user)
    many = _queries_for_members_page(owner_client)

    assert Membership.objects.for_practice(world.practice).count() == 50
    assert few == many


def test_it_sends_a_plain_visit_of_an_action_back_to_the_members_page(world, owner_client):
    for name in ("member_role", "member_remove"):
        response = owner_client.get(url(name, membership_id=world.secretary.pk))
        assert response.status_code == 302 and response["Location"] == url("members")
    assert owner_client.get(url("member_role", membership_id=world.outsider.pk)).status_code == 404
    assert role_of(world.secretary) == Role.SECRETARY
