"""Brand kits: a client's (secretaries) and the practice's own (owners and admins)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clients import selectors, services
from clients.forms import BrandKitForm
from clients.models import BrandKit
from clients.views._common import client_for, render_form
from secretary.access import admin_view, portal_view, staff_view
from secretary.errors import ApplicationError
from secretary.files import stored_file_response


def _brand_page(request, *, client, done_url: str):
    kit = selectors.brand_for(practice=request.practice, client=client)
    if kit is not None and kit.client_id != (client.pk if client else None):
        kit = None  # the practice kit shows through, but the client gets its own on save
    instance = kit or BrandKit(practice=request.practice, client=client)
    form = BrandKitForm(
        request.POST or None, request.FILES or None, instance=instance, practice=request.practice
    )
    if request.method == "POST" and request.POST.get("preview"):
        # Live preview of unsaved values (HTMX); nothing is stored.
        form.is_valid()
        return render(
            request,
            "clients/partials/brand_preview.html",
            {"style": form.style(), "kit": kit, "client": client},
        )
    if request.method == "POST" and form.is_valid():
        logo = form.cleaned_data.get("logo")
        try:
            services.brand_kit_save(
                practice=request.practice,
                actor=request.membership,
                client=client,
                data=form.cleaned_data,
                logo=logo or None,
                clear_logo=logo is False,
                request=request,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Brand kit saved."))
            return redirect(done_url)
    context = {"form": form, "kit": kit, "client": client, "style": form.style()}
    return render_form(request, "clients/brand_form.html", context, failed=request.method == "POST")


@staff_view
@require_http_methods(["GET", "POST"])
def client_brand(request, client_id: int):
    client = client_for(request, client_id)
    return _brand_page(request, client=client, done_url=request.path)


@admin_view
@require_http_methods(["GET", "POST"])
def practice_brand(request):
    return _brand_page(request, client=None, done_url=request.path)


@staff_view
def brand_logo(request, kit_id: int):
    """A brand kit's logo, served through the practice (media is never public)."""
    kit = BrandKit.objects.for_practice(request.practice).filter(pk=kit_id).first()
    if kit is None or not kit.logo:
        raise Http404
    return stored_file_response(kit.logo, filename=kit.logo.name, inline=True)


@portal_view
def portal_brand_logo(request):
    """The practice's logo for its portal's top bar (any client contact of the practice)."""
    kit = selectors.brand_for(practice=request.practice, client=None)
    if kit is None or not kit.logo:
        raise Http404
    # The URL carries the kit's version: a browser may keep the file for a day.
    return stored_file_response(kit.logo, filename=kit.logo.name, inline=True, max_age=86400)
