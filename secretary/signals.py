"""Security logging of account events: sign-ins, failures and credential changes.

Each line carries the user, the practice (none for account events) and the IP; never a
password, code or token.
"""

from allauth.account.signals import (
    email_changed,
    password_changed,
    password_reset,
    user_logged_in,
    user_logged_out,
    user_signed_up,
)
from allauth.mfa.signals import authentication_failed, authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from secretary.audit import security_event


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    security_event("auth.login", request=request, user=user)


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    security_event("auth.logout", request=request, user=user)


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    # Only the address tried, never the password.
    security_event(
        "auth.login_failed",
        request=request,
        user=None,
        attempted=str(credentials.get("email") or credentials.get("username") or "-"),
    )


@receiver(user_signed_up)
def log_signup(sender, request, user, **kwargs):
    security_event("auth.signup", request=request, user=user)


@receiver(password_changed)
def log_password_changed(sender, request, user, **kwargs):
    security_event("auth.password_changed", request=request, user=user)


@receiver(password_reset)
def log_password_reset(sender, request, user, **kwargs):
    security_event("auth.password_reset", request=request, user=user)


@receiver(email_changed)
def log_email_changed(sender, request, user, **kwargs):
    security_event("auth.email_changed", request=request, user=user)


@receiver(authenticator_added)
def log_mfa_added(sender, request, user, authenticator, **kwargs):
    security_event("auth.mfa_added", request=request, user=user, kind=authenticator.type)


@receiver(authenticator_removed)
def log_mfa_removed(sender, request, user, authenticator, **kwargs):
    security_event("auth.mfa_removed", request=request, user=user, kind=authenticator.type)


@receiver(authentication_failed)
def log_mfa_failed(sender, request, user, **kwargs):
    security_event("auth.mfa_failed", request=request, user=user)
