"""API of engagements: the customized plans, their versions and the proposal loop."""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, filters, generics
from rest_framework.views import APIView

from clients import selectors, services
from clients.api.common import ContactScopedMixin, created_response, ok_response, windows_prefetch
from clients.models import (
    Engagement,
    EngagementStatus,
)
from clients.serializers import (
    ChangeRequestSerializer,
    EndSerializer,
    EngagementCreateSerializer,
    EngagementSerializer,
    EngagementTermsSerializer,
    ReviseSerializer,
)
from secretary.api_filters import FilterSet, IdFilter
from secretary.idempotency import IdempotentCreateMixin

# --- Engagements --------------------------------------------------------------------------


class EngagementFilter(FilterSet):
    client = IdFilter(field_name="client_id")
    status = django_filters.ChoiceFilter(choices=EngagementStatus.choices)

    class Meta:
        model = Engagement
        fields = ["client", "status"]


CLIENT_VISIBLE = [
    EngagementStatus.PROPOSED,
    EngagementStatus.CHANGES_REQUESTED,
    EngagementStatus.ACTIVE,
    EngagementStatus.SUPERSEDED,
    EngagementStatus.ENDED,
]


class EngagementScopedMixin(ContactScopedMixin):
    queryset = Engagement.objects.none()
    audit_client_of = "client_id"

    def get_queryset(self):
        practice = self.request.practice
        qs = (
            Engagement.objects.for_practice(practice)
            .select_related("accepted_by")
            .prefetch_related(windows_prefetch(practice), "categories")
            .order_by("client_id", "-version", "-pk")
        )
        if getattr(self.request, "contact", None) is not None:
            qs = qs.filter(status__in=CLIENT_VISIBLE)
        return self.client_scope(qs)


def _terms(validated: dict) -> dict:
    data = dict(validated)
    return {
        "windows": data.pop("windows", None),
        "categories": data.pop("categories", None),
        "data": data,
    }


@extend_schema_view(
    get=extend_schema(
        tags=["engagements"],
        summary=_("Engagements (customized plans)"),
        description=_("A client contact sees its own, never drafts."),
    ),
    post=extend_schema(
        tags=["engagements"],
        summary=_("Draft an engagement from a catalog plan or from scratch"),
        request=EngagementCreateSerializer,
        responses={201: EngagementSerializer},
    ),
)
class EngagementListView(IdempotentCreateMixin, EngagementScopedMixin, generics.ListCreateAPIView):
    serializer_class = EngagementSerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = EngagementFilter
    ordering_fields = ["version", "created_at", "accepted_at"]

    def create(self, request, *args, **kwargs):
        serializer = EngagementCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        client, plan = data.pop("client"), data.pop("plan", None)
        engagement = services.engagement_create(
            practice=request.practice,
            actor=request.membership,
            client=client,
            plan=plan,
            request=request,
            **_terms(data),
        )
        return created_response(
            EngagementSerializer,
            selectors.engagement_get(practice=request.practice, engagement_id=engagement.pk),
            request,
        )


@extend_schema_view(
    get=extend_schema(tags=["engagements"], summary=_("An engagement")),
    patch=extend_schema(
        tags=["engagements"],
        summary=_("Change the terms of a draft (or one sent back for changes)"),
        request=EngagementTermsSerializer,
        responses=EngagementSerializer,
    ),
)
class EngagementDetailView(EngagementScopedMixin, generics.RetrieveUpdateAPIView):
    serializer_class = EngagementSerializer
    lookup_url_kwarg = "engagement_id"
    http_method_names = ["get", "patch", "head", "options"]

    def update(self, request, *args, **kwargs):
        engagement = self.get_object()
        serializer = EngagementTermsSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        services.engagement_update(
            practice=request.practice,
            actor=request.membership,
            engagement=engagement,
            request=request,
            **_terms(serializer.validated_data),
        )
        return ok_response(
            EngagementSerializer,
            selectors.engagement_get(practice=request.practice, engagement_id=engagement.pk),
            request,
        )


class EngagementActionView(EngagementScopedMixin, APIView):
    """Base of the state changes of an engagement (POST only)."""

    input_serializer = None
    for_contacts = False

    def clients_may_write(self, request) -> bool:
        return self.for_contacts

    def get_object(self) -> Engagement:
        engagement = self.get_queryset().filter(pk=self.kwargs["engagement_id"]).first()
        if engagement is None:
            raise Http404
        return engagement

    def post(self, request, *args, **kwargs):
        engagement = self.get_object()
        if self.for_contacts and not request.membership.is_client:
            raise exceptions.PermissionDenied(_("Only the client's contacts answer a proposal."))
        data = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data, context={"request": request})
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        result = self.act(request, engagement, data)
        return ok_response(
            EngagementSerializer,
            selectors.engagement_get(practice=request.practice, engagement_id=result.pk),
            request,
        )


def _action(summary, *, request=None, description=""):
    return extend_schema(
        tags=["engagements"],
        summary=summary,
        description=description,
        request=request,
        responses=EngagementSerializer,
    )


class EngagementProposeView(EngagementActionView):
    @_action(_("Propose to the client (renders the service agreement)"))
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, engagement, data):
        return services.engagement_propose(
            practice=request.practice,
            actor=request.membership,
            engagement=engagement,
            request=request,
        )


class EngagementWithdrawView(EngagementActionView):
    @_action(_("Withdraw a proposal back to draft"))
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, engagement, data):
        return services.engagement_withdraw(
            practice=request.practice,
            actor=request.membership,
            engagement=engagement,
            request=request,
        )


class EngagementReviseView(EngagementActionView):
    input_serializer = ReviseSerializer

    @_action(
        _("Change an active engagement: draft its next version"),
        description=_(
            "From the current terms, or from a catalog plan (`plan`). Answers with the new "
            "draft; the active one stays in force until the client accepts the new version."
        ),
        request=ReviseSerializer,
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, engagement, data):
        return services.engagement_revise(
            practice=request.practice,
            actor=request.membership,
            engagement=engagement,
            plan=data.get("plan"),
            request=request,
        )


class EngagementEndView(EngagementActionView):
    input_serializer = EndSerializer

    @_action(_("End the active engagement"), request=EndSerializer)
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, engagement, data):
        return services.engagement_end(
            practice=request.practice,
            actor=request.membership,
            engagement=engagement,
            end_date=data.get("end_date"),
            request=request,
        )


class EngagementAcceptView(EngagementActionView):
    for_contacts = True

    @_action(
        _("Accept a proposal (client contacts who may approve documents)"),
        description=_(
            "Records who accepted and when. A client has at most one active "
            "engagement: accepting a new version supersedes the one it "
            "replaces."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, engagement, data):
        if not request.contact.portal_documents:
            raise exceptions.PermissionDenied(_("You are not allowed to approve documents."))
        return services.engagement_accept(
            practice=request.practice,
            engagement=engagement,
            membership=request.membership,
            request=request,
        )


class EngagementRequestChangesView(EngagementActionView):
    for_contacts = True
    input_serializer = ChangeRequestSerializer

    @_action(
        _("Ask for changes to a proposal, with a comment (client contacts)"),
        request=ChangeRequestSerializer,
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, engagement, data):
        if not request.contact.portal_documents:
            raise exceptions.PermissionDenied(_("You are not allowed to approve documents."))
        return services.engagement_request_changes(
            practice=request.practice,
            engagement=engagement,
            membership=request.membership,
            comment=data["comment"],
            request=request,
        )
