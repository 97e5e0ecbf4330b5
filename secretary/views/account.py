"""The signed-in person's own profile (email, password and 2FA pages come from allauth)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from secretary import selectors
from secretary.forms import ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    memberships = selectors.user_memberships(user=request.user)
    if memberships and not any(membership.is_staff for membership in memberships):
        # A client contact keeps their details in their portal (its name "portal_profile"),
        # where the time zone is the one the portal shows them.
        return redirect("portal_profile", practice_slug=memberships[0].practice.slug)
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    return render(request, "secretary/profile.html", {"form": form})
