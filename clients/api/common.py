"""Shared pieces of the clients API: list backends, contact scoping, responses."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, status
from rest_framework.response import Response

from clients import selectors, services
from clients.models import (
    Client,
    CoverageWindow,
)
from secretary.api_base import PracticeScopedMixin

LIST_BACKENDS = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]


def windows_prefetch(practice) -> Prefetch:
    return Prefetch("windows", queryset=CoverageWindow.objects.for_practice(practice))


class ContactScopedMixin(PracticeScopedMixin):
    """Client contacts come in, limited to their own client (404 when not linked)."""

    allow_clients = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        request.contact = None
        if request.membership.is_client:
            request.contact = selectors.contact_for_membership(membership=request.membership)
            if request.contact is None:
                raise Http404

    def client_scope(self, queryset, field: str = "client"):
        contact = getattr(self.request, "contact", None)
        if contact is not None:
            return queryset.filter(**{field: contact.client_id})
        return queryset

    # The attribute naming the client of a row ("client_id", or "pk" for clients): staff reads
    # of a regulated client's rows are written to the audit log, as its pages are. None: the
    # view shows no client records (e.g. the list of clients itself).
    audit_client_of: str | None = None

    def audit_reads(self, rows) -> None:
        request = self.request
        if self.audit_client_of is None or request.method not in ("GET", "HEAD"):
            return
        if request.membership.is_client or not rows:
            return
        ids = {getattr(row, self.audit_client_of) for row in rows}
        for client in Client.objects.for_practice(request.practice).filter(
            pk__in=ids, is_regulated=True
        ):
            services.regulated_view_record(request=request, client=client)

    def get_object(self):
        row = super().get_object()
        self.audit_reads([row])
        return row

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.audit_reads(page if page is not None else list(queryset))
        return page


def created_response(serializer_class, instance, request) -> Response:
    return Response(
        serializer_class(instance, context={"request": request}).data,
        status=status.HTTP_201_CREATED,
    )


def ok_response(serializer_class, instance, request) -> Response:
    return Response(serializer_class(instance, context={"request": request}).data)
