"""Security logging: sign-ins, failures, invitations, role changes and cross-practice denials
are logged with user, practice and IP, and never with a password or token."""

import logging
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from secretary.models import ActivityEvent, Role
from tests.factories import PASSWORD, InvitationFactory
from tests.secretary.conftest import reauthenticate

IP = "203.0.113.9"
SLUG = "harbour-desk"


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="secretary.security")

    def lines(event: str) -> list[str]:
        return [
            r.getMessage()
            for r in caplog.records
            if r.name == "secretary.security" and r.getMessage().startswith(event + " ")
        ]

    return lines


def test_it_logs_a_sign_in_without_the_password(world, caplog, security_log):
    Client(REMOTE_ADDR=IP).post(
        reverse("account_login"), {"login": world.owner.user.email, "password": PASSWORD}
    )

    [line] = security_log("auth.login")
    assert f"user={world.owner.user.email}" in line
    assert f"ip={IP}" in line
    assert PASSWORD not in caplog.text


def test_it_logs_a_failed_sign_in_without_the_password(world, caplog, security_log):
    Client(REMOTE_ADDR=IP).post(
        reverse("account_login"),
        {"login": world.owner.user.email, "password": "Tr0ub4dor&3-secret"},
    )

    [line] = security_log("auth.login_failed")
    assert f"attempted={world.owner.user.email}" in line
    assert f"ip={IP}" in line
    assert "Tr0ub4dor&3-secret" not in caplog.text


def test_it_logs_an_invitation_without_its_token(
    world, caplog, security_log, django_capture_on_commit_callbacks
):
    client = Client(REMOTE_ADDR=IP)
    client.force_login(world.owner.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("member_invite", args=[SLUG]),
            {"email": "new@example.com", "role": Role.SECRETARY},
        )

    [line] = security_log("invitation.created")
    assert f"user={world.owner.user.email}" in line
    assert f"practice={SLUG}" in line
    assert f"ip={IP}" in line
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert token not in caplog.text


def test_it_logs_an_accepted_invitation_without_its_token(
    world, caplog, security_log, django_capture_on_commit_callbacks
):
    owner = Client()
    owner.force_login(world.owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(
            reverse("member_invite", args=[SLUG]),
            {"email": world.outsider.user.email, "role": Role.ADMIN},
        )
    link = re.search(r"https?://[^/]+(/invitations/\S+/)", mail.outbox[0].body).group(1)
    joiner = Client(REMOTE_ADDR=IP)
    joiner.force_login(world.outsider.user)

    joiner.post(link)

    [line] = security_log("invitation.accepted")
    assert f"user={world.outsider.user.email}" in line and f"practice={SLUG}" in line
    assert f"ip={IP}" in line
    assert link.split("/")[2] not in caplog.text


def test_it_logs_a_role_change(world, security_log):
    client = Client(REMOTE_ADDR=IP)
    client.force_login(world.owner.user)
    reauthenticate(client)

    client.post(reverse("member_role", args=[SLUG, world.secretary.pk]), {"role": Role.ADMIN})

    [line] = security_log("member.role_changed")
    assert f"user={world.owner.user.email}" in line
    assert f"practice={SLUG}" in line
    assert f"ip={IP}" in line
    assert f"member={world.secretary.user.email}" in line
    assert "role_from=secretary role_to=admin" in line


def test_it_logs_a_cross_practice_denial(world, security_log):
    client = Client(REMOTE_ADDR=IP)
    client.force_login(world.outsider.user)

    assert client.get(reverse("members", args=[SLUG])).status_code == 404

    [line] = security_log("practice.denied")
    assert f"user={world.outsider.user.email}" in line
    assert f"practice={SLUG}" in line
    assert f"ip={IP}" in line


def test_it_never_logs_an_api_token(world, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client(REMOTE_ADDR=IP)
    client.force_login(world.secretary.user)
    reauthenticate(client)

    page = client.post(reverse("api_token_create", args=[SLUG]), {"name": "ci"}).content.decode()

    secret = re.search(r'id="new-token-secret">(sec_[^<]+)<', page).group(1)
    assert secret not in caplog.text


def test_it_keeps_invitation_tokens_out_of_request_logs(world, caplog):
    caplog.set_level(logging.INFO)
    token = "live-invitation-token-for-someone-else"
    InvitationFactory(practice=world.practice, email="joiner@example.com", token=token)
    client = Client()
    client.force_login(world.outsider.user)

    # A signed-in person with another address tries a live link: 400, logged by Django
    assert client.post(reverse("invitation_accept", args=[token])).status_code == 400
    assert client.get(reverse("invitation_accept", args=["forged-token"])).status_code == 404

    assert "/invitations/***" in caplog.text
    assert token not in caplog.text
    assert "forged-token" not in caplog.text


def invite_from(client) -> None:
    client.post(
        reverse("member_invite", args=[SLUG]), {"email": "new@example.com", "role": Role.SECRETARY}
    )


def test_it_ignores_a_forged_forwarded_address_when_no_proxy_is_trusted(world, security_log):
    # Given no proxy of ours in front of the app (the default)
    client = Client(REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR="192.0.2.66")
    client.force_login(world.owner.user)

    # When a client claims another address in X-Forwarded-For
    invite_from(client)

    # Then the audit and security logs keep the address the request really came from
    event = ActivityEvent.objects.for_practice(world.practice).get(verb="member.invited")
    assert event.ip_address == IP
    [line] = security_log("invitation.created")
    assert f"ip={IP}" in line and "192.0.2.66" not in line


def test_it_takes_the_address_our_proxy_saw_behind_a_trusted_proxy(world, settings, security_log):
    # Given one trusted proxy, which appends the address it saw to what the client sent
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.66, {IP}")
    client.force_login(world.owner.user)

    # When that client invites someone
    invite_from(client)

    # Then the logs hold the address the proxy saw, not the one the client made up
    event = ActivityEvent.objects.for_practice(world.practice).get(verb="member.invited")
    assert event.ip_address == IP
    [line] = security_log("invitation.created")
    assert f"ip={IP}" in line


@pytest.mark.parametrize("forwarded", ["not-an-address", "", "999.1.1.1", "; DROP TABLE"])
def test_it_records_only_valid_addresses(world, settings, forwarded):
    # Given a trusted proxy that passes on a header it did not check
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    client.force_login(world.owner.user)

    # When the request writes to the audit log, it succeeds with a valid address
    invite_from(client)

    event = ActivityEvent.objects.for_practice(world.practice).get(verb="member.invited")
    assert event.ip_address in {"10.0.0.2", None}
