"""Ask for the password again before sensitive changes (roles, members, API tokens)."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from allauth.account.decorators import reauthentication_required as allauth_reauthentication
from allauth.core.exceptions import ReauthenticationRequired
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_htmx.http import HttpResponseClientRedirect


def _htmx_return_path(request) -> str:
    current = request.htmx.current_url or ""
    if current and url_has_allowed_host_and_scheme(current, allowed_hosts={request.get_host()}):
        parts = urlsplit(current)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path


# allauth's public decorator around a no-op: raises ReauthenticationRequired unless the person
# confirmed their password within ACCOUNT_REAUTHENTICATION_TIMEOUT.
_check_recent = allauth_reauthentication(lambda request: None)


def require_reauthentication(request):
    """Call after the objects are looked up (so a stranger still gets 404), before changing
    anything. Returns None when the person recently confirmed their password.

    Otherwise a plain form post is suspended by raising allauth's ``ReauthenticationRequired``:
    the person confirms their password and allauth's middleware replays the post. An HTMX request
    cannot be replayed into the page it came from, so the browser is sent to confirm and then
    back to that page to repeat the action.
    """
    try:
        _check_recent(request)
    except ReauthenticationRequired:
        if not request.htmx:
            raise
        methods = get_adapter().get_reauthentication_methods(request.user)
        if not methods:
            raise PermissionDenied from None
        query = urlencode({REDIRECT_FIELD_NAME: _htmx_return_path(request)})
        return HttpResponseClientRedirect(f"{methods[0]['url']}?{query}")
    return None


def post_action(page: str):
    """An action that may ask for the password first accepts POST; a GET (someone landing back
    on it after confirming their password, with no post left to replay) goes to ``page``, the
    practice page the action belongs to, instead of an error.

    Actions on an object by id look the object up first (a forged id must still answer 404) and
    call ``back_to_page`` for a GET themselves.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "GET":
                return redirect(page, practice_slug=request.practice.slug)
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def back_to_page(request, page: str):
    return redirect(page, practice_slug=request.practice.slug)
