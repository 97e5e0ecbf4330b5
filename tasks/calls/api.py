"""API of the call log, under /api/v1/practices/<practice_slug>/calls/ (staff)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from clients.models import Contact
from clients.playbook.selectors import clients_visible_to
from secretary import limits
from secretary.api_base import PracticeScopedMixin
from secretary.api_filters import FilterSet, IdFilter, InstantFilter
from secretary.errors import ApplicationError
from secretary.idempotency import IdempotentCreateMixin
from tasks.calls import selectors, services
from tasks.calls.models import Call, Urgency


class CallSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)
    message_for_contact = serializers.IntegerField(
        source="message_for_contact_id", read_only=True, allow_null=True
    )
    task = serializers.IntegerField(source="task_id", read_only=True, allow_null=True)
    time_entry = serializers.IntegerField(source="time_entry_id", read_only=True, allow_null=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "client",
            "received_at",
            "caller_name",
            "caller_number",
            "caller_company",
            "reason",
            "inquiry",
            "answer_given",
            "message",
            "message_for_contact",
            "message_for_name",
            "message_to_client",
            "message_emailed_at",
            "urgency",
            "follow_up",
            "task",
            "duration_minutes",
            "billable",
            "time_entry",
            "taken_by_name",
            "created_at",
        ]
        read_only_fields = fields


class CallInputSerializer(serializers.Serializer):
    client = serializers.IntegerField(min_value=1, max_value=limits.MAX_ID)
    received_at = serializers.DateTimeField(
        required=False, validators=[limits.validate_date_in_range]
    )
    caller_name = serializers.CharField(max_length=160)
    caller_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    caller_company = serializers.CharField(max_length=160, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=limits.TEXT_SHORT, required=False, allow_blank=True)
    inquiry = serializers.CharField(max_length=300, required=False, allow_blank=True)
    answer_given = serializers.CharField(
        max_length=limits.TEXT_SHORT, required=False, allow_blank=True
    )
    message = serializers.CharField(max_length=limits.TEXT_SHORT, required=False, allow_blank=True)
    message_for_contact = serializers.IntegerField(
        min_value=1, max_value=limits.MAX_ID, required=False, allow_null=True
    )
    message_for_name = serializers.CharField(
        max_length=160,
        required=False,
        allow_blank=True,
        help_text="A key person of the client's playbook, by name.",
    )
    message_to_client = serializers.BooleanField(required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    follow_up = serializers.BooleanField(required=False)
    duration_minutes = serializers.IntegerField(
        min_value=1, max_value=services.MAX_CALL_MINUTES, required=False, allow_null=True
    )
    billable = serializers.BooleanField(required=False)


class CallFilterSet(FilterSet):
    client = IdFilter(field_name="client_id")
    received_after = InstantFilter(field_name="received_at", lookup_expr="gte")
    received_before = InstantFilter(field_name="received_at", lookup_expr="lt")

    class Meta:
        model = Call
        fields = ["client", "received_after", "received_before", "follow_up"]


@extend_schema_view(
    get=extend_schema(tags=["calls"], summary=_("Calls logged (of the clients you may see)")),
    post=extend_schema(
        tags=["calls"],
        summary=_("Log a call"),
        description=_(
            "follow_up makes a task (source phone) linked to the call; billable with a "
            "duration logs time under the engagement's minimum per call; message_to_client "
            "emails the message to the contact(s) and shows it in the portal."
        ),
        request=CallInputSerializer,
        responses={201: CallSerializer},
    ),
)
class CallList(IdempotentCreateMixin, PracticeScopedMixin, generics.ListCreateAPIView):
    serializer_class = CallSerializer
    filterset_class = CallFilterSet
    ordering_fields = ["received_at"]
    search_fields = ["caller_name", "caller_company"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Call.objects.none()
        return selectors.calls_for(
            practice=self.request.practice, membership=self.request.membership
        )

    def get_serializer_class(self):
        if self.request.method == "POST":
            return CallInputSerializer
        return CallSerializer

    def create(self, request, *args, **kwargs):
        from clients.api.common import created_response

        serializer = CallInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        client = (
            clients_visible_to(membership=request.membership).filter(pk=data.pop("client")).first()
        )
        if client is None:
            message = _("Choose a client of this practice.")
            raise ApplicationError(message, errors={"client": message})
        contact_id = data.pop("message_for_contact", None)
        if contact_id is not None:
            contact = Contact.objects.for_practice(request.practice).filter(pk=contact_id).first()
            if contact is None or contact.client_id != client.pk:
                message = _("The message must be for a contact or key person of this client.")
                raise ApplicationError(message, errors={"message_for_contact": message})
            data["message_for_contact"] = contact
        call = services.call_log(
            practice=request.practice,
            actor=request.membership,
            client=client,
            data=data,
            request=request,
        )
        return created_response(CallSerializer, call, request)


@extend_schema_view(get=extend_schema(tags=["calls"], summary=_("A call")))
class CallDetail(PracticeScopedMixin, generics.RetrieveAPIView):
    serializer_class = CallSerializer
    queryset = Call.objects.none()

    def get_object(self):
        return selectors.call_get(
            practice=self.request.practice,
            call_id=self.kwargs["call_id"],
            membership=self.request.membership,
        )


api_patterns: list = [
    path("calls/", CallList.as_view(), name="api_call_list"),
    path("calls/<int:call_id>/", CallDetail.as_view(), name="api_call_detail"),
]
