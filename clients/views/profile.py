"""A contact's own details in the portal: name, phone and the time zone the portal uses."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clients import services
from clients.access import as_contact
from clients.forms import PortalProfileForm
from clients.selectors import contact_for_membership
from clients.views._common import render_form
from secretary.access import portal_view
from secretary.errors import ApplicationError


@portal_view
@require_http_methods(["GET", "POST"])
def portal_profile(request):
    """Every contact reaches their profile, even a login not linked to a client yet (their
    name only): it is where the account pages send a person who is a contact only."""
    contact = contact_for_membership(membership=request.membership)
    if contact is None:
        return _profile(request, None)
    with as_contact(request, contact):
        return _profile(request, contact)


def _profile(request, contact):
    user = request.user
    initial = {"full_name": user.full_name}
    if contact is not None:
        initial.update(phone=contact.phone, time_zone=contact.time_zone)
    form = PortalProfileForm(
        request.POST or None, initial=initial, client=contact.client if contact else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            if contact is None:
                user.full_name = form.cleaned_data["full_name"]
                user.save(update_fields=["full_name"])
            else:
                services.contact_profile_update(
                    practice=request.practice,
                    membership=request.membership,
                    contact=contact,
                    data=form.cleaned_data,
                    request=request,
                )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Your details were saved."))
            return redirect("portal_profile", practice_slug=request.practice.slug)
    return render_form(
        request,
        "clients/portal/profile.html",
        {"form": form, "contact": contact},
        failed=request.method == "POST",
    )
