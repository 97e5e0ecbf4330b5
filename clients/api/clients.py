"""API of clients and their contacts."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response

from clients import services
from clients.api.common import LIST_BACKENDS, ContactScopedMixin, created_response, ok_response
from clients.models import (
    Client,
    ClientStatus,
    ClientTeamMember,
    Contact,
    Specialty,
)
from clients.serializers import (
    ClientInputSerializer,
    ClientPortalSerializer,
    ClientSerializer,
    ContactInputSerializer,
    ContactSerializer,
)
from secretary.api.schema import FieldErrorsField
from secretary.api_filters import BooleanFilter, FilterSet, IdFilter
from secretary.idempotency import IdempotentCreateMixin

# --- Clients and contacts -----------------------------------------------------------------


class ClientFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=ClientStatus.choices)
    specialty = django_filters.ChoiceFilter(choices=Specialty.choices)
    secretary = IdFilter(
        method="filter_secretary", label=_("Membership id of a secretary serving it")
    )
    mine = BooleanFilter(method="filter_mine", label=_("Only clients you serve"))

    class Meta:
        model = Client
        fields = ["status", "specialty", "is_regulated"]

    def _served_by(self, queryset, membership_id):
        team = (
            ClientTeamMember.objects.for_practice(self.request.practice)
            .filter(membership_id=membership_id)
            .values("client_id")
        )
        return queryset.filter(pk__in=team) | queryset.filter(primary_secretary_id=membership_id)

    def filter_secretary(self, queryset, name, value):
        return self._served_by(queryset, value) if value is not None else queryset

    def filter_mine(self, queryset, name, value):
        return self._served_by(queryset, self.request.membership.pk) if value else queryset


@extend_schema_view(
    get=extend_schema(
        tags=["clients"],
        summary=_("Clients of the practice"),
        description=_("A client contact sees only its own client."),
    ),
    post=extend_schema(
        tags=["clients"],
        summary=_("Add a client"),
        description=_(
            "Any member of staff may add a client as regulated (`is_regulated`: that only "
            "narrows who may work on it); changing the flag afterwards is for owners and admins."
        ),
        request=ClientInputSerializer,
        responses={201: ClientSerializer},
    ),
)
class ClientListView(IdempotentCreateMixin, ContactScopedMixin, generics.ListCreateAPIView):
    serializer_class = ClientSerializer
    queryset = Client.objects.none()
    filter_backends = LIST_BACKENDS
    filterset_class = ClientFilter
    search_fields = ["name", "billing_email"]
    ordering_fields = ["name", "status", "created_at"]

    def get_queryset(self):
        practice = self.request.practice
        qs = (
            Client.objects.for_practice(practice)
            .prefetch_related(
                Prefetch("team_links", queryset=ClientTeamMember.objects.for_practice(practice))
            )
            .order_by("name", "pk")
        )
        return self.client_scope(qs, "pk")

    def list(self, request, *args, **kwargs):
        if request.contact is not None:
            return _contact_clients(self, request)
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = ClientInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("team", None)
        client = services.client_create(
            practice=request.practice, actor=request.membership, data=data, request=request
        )
        return created_response(ClientSerializer, client, request)


def _contact_clients(view, request) -> Response:
    page = view.paginate_queryset(view.filter_queryset(view.get_queryset()))
    return view.get_paginated_response(ClientPortalSerializer(page, many=True).data)


@extend_schema_view(
    get=extend_schema(
        tags=["clients"],
        summary=_("A client"),
        description=_("Staff views of a regulated client are audited."),
    ),
    patch=extend_schema(
        tags=["clients"],
        summary=_("Change a client, its primary secretary or team"),
        description=_(
            "Only owners and admins change `is_regulated`, or the `specialty` of a regulated "
            "client: a secretary's request that would change either is refused with 400 and "
            "a field error on that field (sending the current value is accepted). Every change "
            "of either is written to the audit log (`client.regulation_changed`). A regulated "
            "client needs a signed agreement from everyone on its team: when someone has none "
            "(for example when `is_regulated` is turned on), the 400 lists them in "
            "`unsigned_members`, each with the page to record their agreement and the page "
            "action taking them off the team (or send `team` without them)."
        ),
        request=ClientInputSerializer,
        responses={
            200: ClientSerializer,
            400: OpenApiResponse(
                response=inline_serializer(
                    "ClientUpdateError",
                    {
                        "message": serializers.CharField(),
                        # The shape of every error's fields (a list field nests by position).
                        "errors": FieldErrorsField(),
                        "unsigned_members": inline_serializer(
                            "UnsignedMember",
                            {
                                "id": serializers.IntegerField(),
                                "name": serializers.CharField(),
                                "record_agreement_url": serializers.URLField(),
                                "remove_from_team_url": serializers.URLField(),
                            },
                            many=True,
                            required=False,
                        ),
                    },
                ),
                description=_("A rule was broken; nothing was saved."),
            ),
        },
    ),
)
class ClientDetailView(ContactScopedMixin, generics.RetrieveUpdateAPIView):
    serializer_class = ClientSerializer
    audit_client_of = "pk"
    queryset = Client.objects.none()
    lookup_url_kwarg = "client_id"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return self.client_scope(Client.objects.for_practice(self.request.practice), "pk")

    def retrieve(self, request, *args, **kwargs):
        client = self.get_object()
        if request.contact is not None:
            return ok_response(ClientPortalSerializer, client, request)
        return ok_response(ClientSerializer, client, request)

    def update(self, request, *args, **kwargs):
        client = self.get_object()
        serializer = ClientInputSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        try:
            client = services.client_update(
                practice=request.practice,
                actor=request.membership,
                client=client,
                data=dict(serializer.validated_data),
                request=request,
            )
        except services.UnsignedMembers as error:
            return _unsigned_response(request, client, error)
        return ok_response(ClientSerializer, client, request)


def _unsigned_response(request, client, error) -> Response:
    """The 400 of a regulated team with unsigned members: who, and where to fix each."""
    slug = request.practice.slug

    def link(name, *args):
        return request.build_absolute_uri(reverse(name, args=[slug, client.pk, *args]))

    return Response(
        {
            "message": str(error.message),
            "errors": error.errors,
            "unsigned_members": [
                {
                    "id": member.pk,
                    "name": str(member.user),
                    "record_agreement_url": link("agreement_create") + f"?membership={member.pk}",
                    "remove_from_team_url": link("client_team_remove", member.pk),
                }
                for member in error.members
            ],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class ContactFilter(FilterSet):
    client = IdFilter(field_name="client_id")

    class Meta:
        model = Contact
        fields = ["client", "is_primary"]


@extend_schema_view(
    get=extend_schema(
        tags=["clients"],
        summary=_("Contacts of the practice's clients"),
        description=_("A client contact sees its own client's contacts."),
    ),
    post=extend_schema(
        tags=["clients"],
        summary=_("Add a contact to a client"),
        request=ContactInputSerializer,
        responses={201: ContactSerializer},
    ),
)
class ContactListView(IdempotentCreateMixin, ContactScopedMixin, generics.ListCreateAPIView):
    serializer_class = ContactSerializer
    audit_client_of = "client_id"
    queryset = Contact.objects.none()
    filter_backends = LIST_BACKENDS
    filterset_class = ContactFilter
    search_fields = ["name", "email"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return self.client_scope(
            Contact.objects.for_practice(self.request.practice).order_by(
                "client_id", "-is_primary", "name", "pk"
            )
        )

    def create(self, request, *args, **kwargs):
        serializer = ContactInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        client = data.pop("client", None)
        if client is None:
            raise exceptions.ValidationError({"client": [_("This field is required.")]})
        contact = services.contact_create(
            practice=request.practice,
            actor=request.membership,
            client=client,
            data=data,
            request=request,
        )
        return created_response(ContactSerializer, contact, request)


@extend_schema_view(
    get=extend_schema(tags=["clients"], summary=_("A contact")),
    patch=extend_schema(
        tags=["clients"],
        summary=_("Change a contact"),
        request=ContactInputSerializer,
        responses=ContactSerializer,
    ),
)
class ContactDetailView(ContactScopedMixin, generics.RetrieveUpdateAPIView):
    serializer_class = ContactSerializer
    audit_client_of = "client_id"
    queryset = Contact.objects.none()
    lookup_url_kwarg = "contact_id"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return self.client_scope(Contact.objects.for_practice(self.request.practice))

    def update(self, request, *args, **kwargs):
        contact = self.get_object()
        serializer = ContactInputSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.pop("client", contact.client) != contact.client:
            raise exceptions.ValidationError({"client": [_("A contact cannot change client.")]})
        contact = services.contact_update(
            practice=request.practice,
            actor=request.membership,
            contact=contact,
            data=data,
            request=request,
        )
        return ok_response(ContactSerializer, contact, request)
