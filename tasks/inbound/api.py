"""Inbound email API, mounted with the tasks app's routes under /api/v1/practices/<slug>/:
a client's private address (read, rotate) and the quarantine (list, accept, discard). Staff
only; writes go through ``tasks.inbound.services``."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.selectors import client_get
from secretary.api_base import PracticeScopedMixin
from tasks.inbound import selectors, services
from tasks.inbound.models import InboundAddress, InboundMessage


class InboundAddressSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="Mail sent here is the client's.")

    class Meta:
        model = InboundAddress
        fields = ["client", "email", "created_at", "rotated_at"]
        read_only_fields = fields


class HeldMessageSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    preview = serializers.CharField(read_only=True)

    class Meta:
        model = InboundMessage
        fields = [
            "id",
            "client",
            "client_name",
            "sender_email",
            "sender_name",
            "subject",
            "preview",
            "sent_at",
            "received_at",
            "reason",
        ]
        read_only_fields = fields


class AcceptSerializer(serializers.Serializer):
    add_contact = serializers.BooleanField(
        default=False, help_text="Add the sender as a contact of the message's client."
    )


class AcceptedSerializer(serializers.Serializer):
    task = serializers.IntegerField(
        read_only=True, help_text="The request (or the thread's task) it became."
    )
    status = serializers.CharField(read_only=True, help_text="request or comment")


@extend_schema(tags=["inbound email"], responses=InboundAddressSerializer)
class InboundAddressView(PracticeScopedMixin, APIView):
    """The client's private address for requests by email."""

    def get(self, request, practice_slug, client_id):
        client = client_get(practice=request.practice, client_id=client_id)
        address = services.inbound_address_for(practice=request.practice, client=client)
        return Response(InboundAddressSerializer(address).data)


@extend_schema(tags=["inbound email"], request=None, responses=InboundAddressSerializer)
class InboundAddressRotate(PracticeScopedMixin, APIView):
    """Give the client a new address; mail to the old one is no longer taken."""

    def post(self, request, practice_slug, client_id):
        client = client_get(practice=request.practice, client_id=client_id)
        address = services.inbound_address_rotate(
            practice=request.practice, client=client, actor=request.membership, request=request
        )
        return Response(InboundAddressSerializer(address).data)


@extend_schema(tags=["inbound email"])
class HeldMessageList(PracticeScopedMixin, generics.ListAPIView):
    """Messages held because their sender is not a contact of the client, newest first."""

    serializer_class = HeldMessageSerializer
    filterset_class = None
    search_fields: list = []
    ordering_fields: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InboundMessage.objects.none()
        return selectors.held_messages(
            practice=self.request.practice, membership=self.request.membership
        )


@extend_schema(tags=["inbound email"], request=AcceptSerializer, responses=AcceptedSerializer)
class HeldMessageAccept(PracticeScopedMixin, APIView):
    """Make a held message a request of its client (or a reply on its thread)."""

    def post(self, request, practice_slug, inbound_id):
        inbound = selectors.held_message_get(
            practice=request.practice, membership=request.membership, inbound_id=inbound_id
        )
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.quarantine_accept(
            practice=request.practice,
            inbound=inbound,
            actor=request.membership,
            add_contact=data.validated_data["add_contact"],
            request=request,
        )
        inbound.refresh_from_db(fields=["status"])
        return Response(AcceptedSerializer({"task": task.pk, "status": inbound.status}).data)


@extend_schema(tags=["inbound email"], request=None, responses=HeldMessageSerializer)
class HeldMessageDiscard(PracticeScopedMixin, APIView):
    """Discard a held message (its copy is deleted)."""

    def post(self, request, practice_slug, inbound_id):
        inbound = selectors.held_message_get(
            practice=request.practice, membership=request.membership, inbound_id=inbound_id
        )
        inbound = services.quarantine_discard(
            practice=request.practice, inbound=inbound, actor=request.membership, request=request
        )
        return Response(HeldMessageSerializer(inbound).data)


api_patterns: list = [
    path(
        "clients/<int:client_id>/inbound-address/",
        InboundAddressView.as_view(),
        name="api_inbound_address",
    ),
    path(
        "clients/<int:client_id>/inbound-address/rotate/",
        InboundAddressRotate.as_view(),
        name="api_inbound_address_rotate",
    ),
    path("inbound/held/", HeldMessageList.as_view(), name="api_inbound_held_list"),
    path(
        "inbound/held/<int:inbound_id>/accept/",
        HeldMessageAccept.as_view(),
        name="api_inbound_held_accept",
    ),
    path(
        "inbound/held/<int:inbound_id>/discard/",
        HeldMessageDiscard.as_view(),
        name="api_inbound_held_discard",
    ),
]
