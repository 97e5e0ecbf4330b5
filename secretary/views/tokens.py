"""Personal API tokens: each staff member manages their own tokens for this practice.

A new token's secret appears once, in the response to its creation, and is never stored (the
database keeps its hash) nor put in the session or a flash message. Creating and revoking ask
for the password again.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from secretary import selectors, services
from secretary.access import staff_view
from secretary.errors import ApplicationError
from secretary.forms import ApiTokenForm
from secretary.views.reauth import back_to_page, post_action, require_reauthentication


def _render_tokens(request, *, form=None, created=None, secret=None, notice=None, status=200):
    template = "secretary/partials/tokens_panel.html" if request.htmx else "secretary/tokens.html"
    return render(
        request,
        template,
        {
            "tokens": list(selectors.membership_tokens(membership=request.membership)),
            "form": form or ApiTokenForm(),
            "created": created,
            "secret": secret,
            "notice": notice,
        },
        status=status,
    )


@staff_view
@require_GET
def api_token_list(request):
    return _render_tokens(request)


@staff_view
@post_action("api_tokens")
@never_cache
def api_token_create(request):
    if (response := require_reauthentication(request)) is not None:
        return response
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.token_create(
                membership=request.membership, name=form.cleaned_data["name"], request=request
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            # Shown in this response only; a reload of the page will not show it again.
            return _render_tokens(request, created=token, secret=secret, status=201)
    return _render_tokens(request, form=form)


@staff_view
@require_http_methods(["GET", "POST"])
def api_token_revoke(request, token_id: int):
    token = selectors.membership_token_get(membership=request.membership, token_id=token_id)
    if request.method == "GET":
        return back_to_page(request, "api_tokens")
    if (response := require_reauthentication(request)) is not None:
        return response
    services.token_revoke(membership=request.membership, token=token, request=request)
    notice = _("The token “%(name)s” was revoked.") % {"name": token.name}
    if request.htmx:
        return _render_tokens(request, notice=notice)
    messages.success(request, notice)
    return redirect("api_tokens", practice_slug=request.practice.slug)
