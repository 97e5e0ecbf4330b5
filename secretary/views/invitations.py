"""Accepting an invitation: existing users sign in and accept, new people sign up and accept."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from secretary import services
from secretary.adapters import INVITATION_SESSION_KEY
from secretary.audit import security_event
from secretary.errors import ApplicationError
from secretary.models import Membership
from secretary.tenancy import practice_scope
from secretary.views.practices import membership_home_url


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    invitation = services.invitation_by_token(token)
    problem = services.invitation_problem(invitation)
    if problem:
        # Forged: 404. Withdrawn, used or expired: 410 Gone. Nothing is changed either way.
        security_event(
            "invitation.unusable", request=request, practice=getattr(invitation, "practice", None)
        )
        return render(
            request,
            "secretary/invitation_invalid.html",
            {"problem": problem},
            status=404 if invitation is None else 410,
        )

    if not request.user.is_authenticated:
        # Remembered while they sign in or up: signing up with the invited address then counts
        # as verified (see AccountAdapter.is_email_verified), and they come back here.
        request.session[INVITATION_SESSION_KEY] = token
        return render(
            request,
            "secretary/invitation_welcome.html",
            {
                "invitation": invitation,
                "signup_query": urlencode({"next": request.path, "email": invitation.email}),
                "login_query": urlencode({"next": request.path}),
            },
        )

    if request.method == "POST":
        try:
            membership = services.invitation_accept(token=token, user=request.user, request=request)
        except ApplicationError as error:
            return render(
                request, "secretary/invitation_invalid.html", {"problem": error.message}, status=400
            )
        request.session.pop(INVITATION_SESSION_KEY, None)
        messages.success(request, _("Welcome to %(name)s.") % {"name": membership.practice.name})
        return redirect(membership_home_url(membership))

    with practice_scope(invitation.practice):
        existing = (
            Membership.objects.for_practice(invitation.practice)
            .filter(user=request.user)
            .select_related("practice")
            .first()
        )
    return render(
        request,
        "secretary/invitation_accept.html",
        {
            "invitation": invitation,
            "email_matches": request.user.email.lower() == invitation.email.lower(),
            "existing": existing,
            "existing_url": membership_home_url(existing) if existing else None,
        },
    )
