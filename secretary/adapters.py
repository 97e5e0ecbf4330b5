"""How allauth fits the product: where people land after signing in or up, and invitations."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.urls import reverse

from secretary import services

# The raw token of the invitation a visitor opened, kept while they sign in or sign up.
INVITATION_SESSION_KEY = "invitation_token"


def pending_invitation(request):
    """The still-acceptable invitation this browser came through, if any."""
    session = getattr(request, "session", None)
    token = session.get(INVITATION_SESSION_KEY) if session is not None else None
    if not token:
        return None
    invitation = services.invitation_by_token(token)
    if services.invitation_problem(invitation):
        return None
    return invitation


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        # ``home`` sends people on: to the invitation they came through, their only practice,
        # the practice picker, or "create your practice" when they have none.
        return reverse("home")

    def get_signup_redirect_url(self, request):
        return reverse("home")

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """What the ``key`` of the ``login_failed`` rate limit counts: an address from one IP.

        allauth counts failed sign-ins per address; then five wrong passwords from anywhere
        would lock anyone out of their account. Counted per (address, IP) pair, and per IP by
        the other rate, a stranger only locks themselves out. (allauth reads this key when it
        counts a failure and when a password reset clears the count.)
        """
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}@{get_ip(request)}"

    def is_email_verified(self, request, email: str) -> bool:
        """An address is proven when the person signs up through an invitation link sent to it.

        Only the exact invited address counts: signing up with any other address still needs
        the usual verification email.
        """
        invitation = pending_invitation(request)
        if invitation is not None and invitation.email.lower() == (email or "").lower():
            return True
        return super().is_email_verified(request, email)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = getattr(form, "cleaned_data", {})
        user.full_name = (data.get("full_name") or "").strip()
        user.time_zone = data.get("time_zone") or user.time_zone or "UTC"
        if commit:
            user.save()
        return user
