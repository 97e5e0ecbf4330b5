"""Security logging of sign-ins (user, IP; never credentials)."""

from allauth.account.signals import user_logged_in, user_logged_out
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
    security_event("auth.login_failed", request=request, user=None,
                   attempted=str(credentials.get("email") or credentials.get("username") or "-"))
