"""Getting into a practice: the landing page, the practice picker, creating a practice, and the
first page of each interface (staff dashboard, client portal)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from secretary import selectors, services
from secretary.access import admin_view
from secretary.adapters import INVITATION_SESSION_KEY, pending_invitation
from secretary.errors import ApplicationError, form_submit
from secretary.forms import PracticeForm, PracticeSettingsForm
from secretary.models import Membership


def membership_home_url(membership: Membership) -> str:
    if membership.is_client:
        return reverse("portal_home", args=[membership.practice.slug])
    return reverse("dashboard", args=[membership.practice.slug])


def home(request):
    """Where everyone starts: the invitation they came through, their practice, or a picker."""
    if not request.user.is_authenticated:
        return render(request, "secretary/landing.html")
    if INVITATION_SESSION_KEY in request.session:
        invitation = pending_invitation(request)
        # Back to the invitation only once: not accepting it must not trap the person there.
        token = request.session.pop(INVITATION_SESSION_KEY)
        if invitation is not None:
            return redirect("invitation_accept", token=token)
    memberships = selectors.user_memberships(user=request.user)
    if not memberships:
        return redirect("practice_new")
    if len(memberships) == 1:
        return redirect(membership_home_url(memberships[0]))
    return redirect("practice_list")


@login_required
def practice_list(request):
    memberships = selectors.user_memberships(user=request.user)
    items = [(m, membership_home_url(m)) for m in memberships]
    # A client contact came to follow their work, not to start a practice of their own.
    may_create = not memberships or any(m.is_staff for m in memberships)
    return render(
        request, "secretary/practice_list.html", {"items": items, "may_create": may_create}
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_new(request):
    form = PracticeForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.practice_create(
                name=form.cleaned_data["name"],
                owner=request.user,
                time_zone=form.cleaned_data["time_zone"],
                currency=form.cleaned_data["currency"],
                request=request,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Your practice is ready. Invite your team next."))
            return redirect("dashboard", practice_slug=practice.slug)
    first = not selectors.user_memberships(user=request.user)
    return render(request, "secretary/practice_new.html", {"form": form, "first": first})


@admin_view
@require_http_methods(["GET", "POST"])
def practice_settings(request):
    """The practice's name, time zone, default currency and how its dates are typed."""
    practice = request.practice
    # The form checks a copy: ``practice_update`` compares with the practice as it is.
    form = PracticeSettingsForm(request.POST or None, instance=copy.copy(practice))
    done, _result = form_submit(
        request,
        form,
        lambda data: services.practice_update(
            practice=practice, actor=request.membership, data=data, request=request
        ),
        success=_("Saved."),
    )
    if done:
        return redirect("practice_settings", practice_slug=practice.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "secretary/practice_settings.html", {"form": form}, status=status)
