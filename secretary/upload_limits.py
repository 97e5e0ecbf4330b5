"""Refusing an upload that is too large before any of it is read.

Django reads a request's body when a form or the CSRF check first asks for ``request.POST``,
streaming files over ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file; a form can only
refuse a file once it is all on disk. A view marked with ``upload_limit`` (its largest file,
in bytes, read when a request comes) is answered ``413`` by ``UploadLimitMiddleware`` when the
request announces a body larger than that, before the CSRF check reads it: a page saying so
with the limit, or JSON for the API. The form's own check of each file stays (a body within
the bound may still hold a file over the limit).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# What a form carries besides its file: its other fields and the multipart headers.
FORM_ALLOWANCE = 1024 * 1024
MB = 1024 * 1024


def upload_limit(max_bytes: Callable[[], int]):
    """Mark a view (a function, or a class-based view's class) as taking one file of at most
    ``max_bytes()`` bytes."""

    def mark(view):
        view.upload_limit = max_bytes
        return view

    return mark


def limit_of(view_func) -> Callable[[], int] | None:
    limit = getattr(view_func, "upload_limit", None)
    if limit is None:  # a class-based view (Django's or REST framework's as_view())
        limit = getattr(getattr(view_func, "view_class", None), "upload_limit", None)
    return limit


def too_large_message(max_bytes: int) -> str:
    return _("The file is larger than the %(size)s MB limit: nothing was uploaded.") % {
        "size": max_bytes // MB
    }


class UploadLimitMiddleware:
    """Answers 413 to a request whose body is larger than its view's ``upload_limit`` allows
    (listed before ``CsrfViewMiddleware``, which would read the body)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = limit_of(view_func)
        if limit is None or request.method not in ("POST", "PUT", "PATCH"):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        max_bytes = limit()
        if length <= max_bytes + FORM_ALLOWANCE:
            return None
        message = too_large_message(max_bytes)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=413)
        return render(request, "413.html", {"message": message}, status=413)
