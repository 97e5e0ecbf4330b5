"""Access for client contacts in the portal: a contact sees only its own client."""

from __future__ import annotations

import functools
import zoneinfo
from contextlib import contextmanager

from django.http import Http404, HttpRequest
from django.utils import timezone

from clients.selectors import contact_for_membership
from secretary.access import portal_view

PARTS = ("requests", "documents", "billing")


def contact_view(part: str | None = None):
    """Decorate a portal view for the contact of a client (``/portal/<practice_slug>/…``).

    Builds on ``secretary.access.portal_view`` (client-contact memberships only), then sets
    ``request.contact`` and ``request.client`` and shows times on the contact's clock. Answers
    404 when the membership is not linked to a contact, or when ``part`` ("requests",
    "documents", "billing") is not allowed to it.
    """
    if part is not None and part not in PARTS:
        raise ValueError(f"Unknown portal part {part!r}; use one of {PARTS}.")

    def decorator(view):
        @portal_view
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            contact = contact_for_membership(membership=request.membership)
            if contact is None or not contact.may_use(part):
                raise Http404
            with as_contact(request, contact):
                return view(request, *args, **kwargs)

        return wrapper

    return decorator


@contextmanager
def as_contact(request: HttpRequest, contact):
    """Serve ``request`` as ``contact``: ``request.contact`` and ``request.client`` set, times
    shown in the contact's zone (the client's unless the contact chose another)."""
    request.contact = contact
    request.client = contact.client
    try:
        zone = zoneinfo.ZoneInfo(contact.shown_time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_current_timezone()
    with timezone.override(zone):
        yield


class ContactPartMixin:
    """For API views (with ``PracticeScopedMixin`` and ``allow_clients``): staff pass; a client
    contact must be linked to a contact allowed ``portal_part`` ("documents", "billing"…), set
    on ``request.contact`` — 404 otherwise, like ``contact_view`` for pages."""

    portal_part: str | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        request.contact = None
        if request.membership.is_client:
            contact = contact_for_membership(membership=request.membership)
            if contact is None or not contact.may_use(self.portal_part):
                raise Http404
            request.contact = contact

    @property
    def contact(self):
        return getattr(self.request, "contact", None)
