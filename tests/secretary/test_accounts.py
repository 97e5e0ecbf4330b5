"""Accounts: sign up into a practice, sign in and out, rate limits, reauthentication, 2FA."""

import base64
import hashlib
import hmac
import os
import re
import runpy
import struct
import time
from pathlib import Path

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings as django_settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from secretary.models import Membership, Role, User
from tests.factories import PASSWORD, MembershipFactory
from tests.secretary.conftest import reauthenticate, sign_in

STRONG = "a-long-unusual-passphrase-42"


def signup(client, email, password=STRONG, **extra):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": password,
            "password2": password,
            "full_name": "Nora Field",
            "time_zone": "Europe/Berlin",
            **extra,
        },
    )


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 6 digits, 30 s), computed independently of allauth."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def test_it_takes_a_new_person_from_signup_to_their_own_practice(db, client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    # When someone signs up, they are asked to verify their address
    response = signup(client, "Nora@Example.com")
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nora@example.com")
    assert (user.full_name, user.time_zone) == ("Nora Field", "Europe/Berlin")
    assert client.get(reverse("practice_new")).status_code == 302  # not signed in yet

    # When they follow the link in the email, they are signed in and asked to set up a practice
    confirm_url = re.search(
        r"https?://[^/]+(/accounts/confirm-email/\S+)", mail.outbox[0].body
    ).group(1)
    confirmed = client.post(confirm_url)
    assert confirmed.status_code == 302
    assert client.get(confirmed["Location"])["Location"] == reverse("practice_new")
    form = client.get(reverse("practice_new")).content.decode()
    assert "Set up your practice" in form
    assert '<option value="Europe/Berlin" selected>' in form

    # And creating it makes them its owner
    created = client.post(
        reverse("practice_new"),
        {"name": "Field Office", "time_zone": "Europe/Berlin", "currency": "EUR"},
    )
    membership = Membership.objects.unscoped().select_related("practice").get(user=user)
    assert membership.role == Role.OWNER
    assert (membership.practice.currency, membership.practice.time_zone) == ("EUR", "Europe/Berlin")
    assert created["Location"] == reverse("dashboard", args=[membership.practice.slug])


def test_it_shows_practice_form_errors_next_to_the_fields(world, owner_client):
    response = owner_client.post(
        reverse("practice_new"), {"name": "", "time_zone": "Mars/Olympus", "currency": "XXX"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    for field in ("name", "time_zone", "currency"):
        assert f'id="id_{field}_errors"' in page
    assert Membership.objects.unscoped().filter(user=world.owner.user).count() == 1


def test_it_does_not_reveal_a_taken_email_at_signup(world, client):
    # Given a taken address and a fresh one
    taken = signup(client, world.owner.user.email)
    fresh = signup(Client(), "fresh@example.com")

    # Then both answers look the same, no second account exists, and the owner of the taken
    # address is told by email
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert User.objects.filter(email__iexact=world.owner.user.email).count() == 1
    to_owner = [m for m in mail.outbox if m.to == [world.owner.user.email]]
    assert len(to_owner) == 1 and "already" in to_owner[0].body.lower()


class CountingHasher(MD5PasswordHasher):
    """The test suite's fast hasher, remembering what it hashed."""

    hashed: list[str] = []

    def encode(self, password, salt):
        self.hashed.append(password)
        return super().encode(password, salt)


def test_it_hashes_the_password_and_sends_one_email_for_a_taken_email_at_signup(world, settings):
    # Given a hasher that remembers its work
    settings.PASSWORD_HASHERS = ["tests.secretary.test_accounts.CountingHasher"]
    CountingHasher.hashed.clear()

    # When someone signs up with a taken address, and someone else with a fresh one
    taken = signup(Client(), world.owner.user.email)
    hashed_for_taken = list(CountingHasher.hashed)
    CountingHasher.hashed.clear()
    fresh = signup(Client(), "fresh@example.com")
    hashed_for_fresh = list(CountingHasher.hashed)

    # Then both hash the submitted password once (the slow part of a signup), both send one
    # email to the address, and both land on the same page
    assert hashed_for_taken == hashed_for_fresh == [STRONG]
    assert [m.to for m in mail.outbox] == [[world.owner.user.email], ["fresh@example.com"]]
    assert taken["Location"] == fresh["Location"] == reverse("account_email_verification_sent")


def test_it_answers_a_taken_email_at_signup_in_the_same_words_with_debug_on(world, settings):
    # Given the settings a developer runs with (DEBUG on)
    settings.DEBUG = True
    settings.ACCOUNT_EMAIL_VERIFICATION = development_settings()["ACCOUNT_EMAIL_VERIFICATION"]

    # When someone signs up with a taken address, and someone else with a fresh one
    taken_client, fresh_client = Client(), Client()
    taken = signup(taken_client, world.owner.user.email)
    fresh = signup(fresh_client, "fresh@example.com")

    # Then neither is told anything about the address: the same redirect to the same page
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    taken_page, fresh_page = (
        without_csrf_tokens(c.get(taken["Location"]).content.decode()).replace(email, "ADDRESS")
        for c, email in (
            (taken_client, world.owner.user.email),
            (fresh_client, "fresh@example.com"),
        )
    )
    assert "already" not in taken_page.lower()
    assert taken_page == fresh_page


def without_csrf_tokens(page: str) -> str:
    """The page with its per-session CSRF tokens blanked (they differ between any two visitors)."""
    page = re.sub(r'(name="csrf-token" content=")[^"]+', r"\1", page)
    page = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", page)
    return re.sub(r'("X-CSRFToken": ")[^"]+', r"\1", page)


def development_settings() -> dict:
    """settings.py as ``make run`` evaluates it (DEBUG=1, nothing else set)."""
    saved = {name: os.environ.pop(name, None) for name in ("DEBUG", "ACCOUNT_EMAIL_VERIFICATION")}
    os.environ["DEBUG"] = "1"
    try:
        return runpy.run_path(str(Path(django_settings.BASE_DIR) / "secretary" / "settings.py"))
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value


def test_it_refuses_a_weak_password_with_a_clear_message(db, client):
    response = signup(client, "weak@example.com", password="password")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_password1_errors"' in page
    assert "too common" in page
    assert not User.objects.filter(email="weak@example.com").exists()


def test_it_refuses_mismatched_passwords(db, client):
    response = signup(client, "typo@example.com", password2="something-else-entirely-9")

    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    assert not User.objects.filter(email="typo@example.com").exists()


def test_it_sends_people_with_one_practice_straight_in(world, client):
    response = sign_in(client, world.secretary.user.email)

    assert response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("dashboard", args=["harbour-desk"])


def test_it_sends_client_contacts_to_the_portal(world, client):
    sign_in(client, world.client_contact.user.email)

    assert client.get(reverse("home"))["Location"] == reverse("portal_home", args=["harbour-desk"])


def test_it_lets_people_with_several_practices_pick_one(world, client):
    MembershipFactory(practice=world.other_practice, user=world.secretary.user, role=Role.CLIENT)
    sign_in(client, world.secretary.user.email)

    assert client.get(reverse("home"))["Location"] == reverse("practice_list")
    page = client.get(reverse("practice_list")).content.decode()
    assert 'href="/app/harbour-desk/"' in page
    assert 'href="/portal/other-practice/"' in page
    # And the switcher in the layout offers both
    dashboard = client.get(reverse("dashboard", args=["harbour-desk"])).content.decode()
    assert 'id="practice-switcher"' in dashboard
    assert 'value="/portal/other-practice/"' in dashboard


def test_it_ends_the_server_session_on_logout(world, client):
    sign_in(client, world.owner.user.email)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()

    # A GET only asks to confirm
    assert client.get(reverse("account_logout")).status_code == 200
    assert Session.objects.filter(session_key=key).exists()

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("dashboard", args=["harbour-desk"])).status_code == 302


def test_it_blocks_repeated_failed_logins(world, client):
    email = world.owner.user.email
    for _ in range(5):
        failed = sign_in(client, email, password="wrong-password")
        assert failed.status_code == 200
        assert (
            "The email address and/or password you specified are not correct."
            in failed.content.decode()
        )

    # Even the right password is refused for a while
    blocked = sign_in(client, email)

    assert blocked.status_code == 200
    assert "Too many failed login attempts. Try again later." in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_does_not_let_a_stranger_lock_someone_out_with_wrong_passwords(world):
    # Given a stranger who fails to sign in as the owner until they are blocked
    email = world.owner.user.email
    stranger = Client(REMOTE_ADDR="198.51.100.66")
    for _ in range(5):
        sign_in(stranger, email, password="wrong")
    assert "Too many failed login attempts" in sign_in(stranger, email).content.decode()

    # When the owner signs in from their own address
    owner = Client(REMOTE_ADDR="203.0.113.10")
    response = sign_in(owner, email)

    # Then they get in
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(world.owner.user.pk)


def test_it_blocks_failed_logins_per_ip_across_addresses(world):
    # Given someone at one IP who tries ten wrong passwords, for five people, two each
    members = [world.owner, world.admin, world.secretary, world.client_contact, world.outsider]
    for membership in members:
        for _ in range(2):
            sign_in(Client(), membership.user.email, password="wrong", REMOTE_ADDR="198.51.100.9")

    # Then that IP is blocked, for any address, even with the right password
    blocked = sign_in(Client(), world.owner.user.email, REMOTE_ADDR="198.51.100.9")
    assert "Too many failed login attempts" in blocked.content.decode()


def test_it_counts_failed_logins_per_visitor_behind_our_proxy(world, settings):
    # Given the app behind one trusted proxy: every request comes from the proxy's address
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    def visitor(ip):
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=ip)

    # When one visitor fails to sign in ten times, with ten different addresses
    for n in range(10):
        sign_in(visitor("198.51.100.7"), f"guess{n}@example.com", password="wrong")

    # Then that visitor is blocked, even with the right password and a forged header
    blocked = sign_in(visitor("192.0.2.1, 198.51.100.7"), world.secretary.user.email)
    assert "Too many failed login attempts" in blocked.content.decode()
    # But another visitor behind the same proxy still signs in
    assert sign_in(visitor("198.51.100.8"), world.secretary.user.email).status_code == 302


def test_it_does_not_reveal_whether_an_address_has_an_account_on_password_reset(world, client):
    known = client.post(reverse("account_reset_password"), {"email": world.owner.user.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    reset = next(m for m in mail.outbox if m.to == [world.owner.user.email])
    assert "/accounts/password/reset/key/" in reset.body


def test_it_resets_a_forgotten_password(world, client):
    client.post(reverse("account_reset_password"), {"email": world.owner.user.email})
    key_url = re.search(
        r"https?://[^/]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body
    ).group(1)

    form_url = client.get(key_url)["Location"]
    done = client.post(form_url, {"password1": STRONG, "password2": STRONG})

    assert done.status_code == 302
    assert sign_in(Client(), world.owner.user.email, password=STRONG).status_code == 302


def test_it_asks_for_the_password_before_changing_the_email(world, owner_client):
    response = owner_client.post(
        reverse("account_email"), {"email": "new@example.com", "action_add": "1"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not world.owner.user.emailaddress_set.filter(email="new@example.com").exists()


def test_it_asks_for_the_current_password_to_change_it(world, owner_client):
    # The change form itself asks for the current password (allauth's own reauthentication).
    wrong = owner_client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-my-password", "password1": STRONG, "password2": STRONG},
    )
    assert wrong.status_code == 200
    assert 'id="id_oldpassword_errors"' in wrong.content.decode()
    assert User.objects.get(pk=world.owner.user.pk).check_password(PASSWORD)

    right = owner_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": STRONG, "password2": STRONG},
    )

    assert right.status_code == 302
    assert User.objects.get(pk=world.owner.user.pk).check_password(STRONG)
    assert any("password" in m.subject.lower() for m in mail.outbox)  # the person is told


def test_it_turns_on_two_factor_authentication(world, client, settings):
    # Codes of the neighbouring 30-second step count too: no flake at a step boundary.
    settings.MFA_TOTP_TOLERANCE = 1
    user = world.owner.user
    sign_in(client, user.email)

    # Turning it on asks for the password first
    activate_url = reverse("mfa_activate_totp")
    assert client.get(activate_url)["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(client)

    # When the owner scans the secret and types the code their app shows
    page = client.get(activate_url)
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert secret in page.content.decode()
    activated = client.post(activate_url, {"code": totp(secret)})

    # Then the authenticator app and recovery codes are on
    assert activated.status_code == 302
    kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    codes = client.get(activated["Location"]).context["unused_codes"]
    assert len(codes) == 10

    # And the next sign-in asks for a second factor; a recovery code works once
    other = Client()
    first_step = sign_in(other, user.email)
    assert first_step["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in other.session
    second_step = other.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert second_step.status_code == 302
    assert other.session["_auth_user_id"] == str(user.pk)


def test_it_signs_in_with_a_code_from_the_authenticator_app(world, client, settings):
    settings.MFA_TOTP_TOLERANCE = 1
    user = world.secretary.user
    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(user, secret)

    sign_in(client, user.email)
    code = totp(secret)
    wrong = client.post(
        reverse("mfa_authenticate"), {"code": "000000" if code != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    right = client.post(reverse("mfa_authenticate"), {"code": code})

    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_sends_the_admin_login_through_allauth(world, client):
    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_styles_account_pages_with_the_design_system(db, client):
    page = client.get(reverse("account_login")).content.decode()

    assert 'class="card auth-card"' in page
    assert '<label for="id_login">' in page
    assert 'href="/static/css/app.css"' in page


def test_it_checks_ownership(world, client, outsider_client):
    # Account pages are the signed-in person's own; strangers are sent to sign in.
    for name in ("profile", "practice_list", "practice_new", "account_email", "mfa_index"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    # The picker lists only the outsider's own practices.
    page = outsider_client.get(reverse("practice_list")).content.decode()
    assert "Other Practice" in page and "Harbour Desk" not in page
