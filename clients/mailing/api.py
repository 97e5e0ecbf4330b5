"""API of the mailing lists, under /api/v1/practices/<practice_slug>/audiences/.

Staff read and write; deleting a whole audience takes an owner or admin. Client contacts have
no access here (their portal page lists their own audiences).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from clients import selectors as client_selectors
from clients.api.common import LIST_BACKENDS, created_response, ok_response
from clients.mailing import selectors, services
from clients.mailing.models import Audience, ImportJob, Segment, Subscriber, SubscriberStatus
from clients.mailing.serializers import (
    AudienceInputSerializer,
    AudienceSerializer,
    AudienceUpdateSerializer,
    BulkInputSerializer,
    BulkResultSerializer,
    ImportJobSerializer,
    SegmentInputSerializer,
    SegmentSerializer,
    SegmentUpdateSerializer,
    SubscriberInputSerializer,
    SubscriberSerializer,
    SubscriberUpdateSerializer,
)
from clients.services import regulated_view_record
from secretary.api_base import PracticeScopedMixin
from secretary.api_filters import FilterSet, IdFilter
from secretary.errors import ApplicationError
from secretary.idempotency import IdempotentCreateMixin
from secretary.models import Role

TAG = "mailing lists"


class AudienceFilter(FilterSet):
    client = IdFilter(field_name="client_id")

    class Meta:
        model = Audience
        fields = ["client"]


class AudienceMixin(PracticeScopedMixin):
    """Views under one audience: ``self.audience`` is the practice's audience of the URL."""

    _audience = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.audience  # noqa: B018  (another practice's id answers 404 before the body is read)

    @property
    def audience(self) -> Audience:
        if self._audience is None:
            self._audience = selectors.audience_get(
                practice=self.request.practice, audience_id=self.kwargs["audience_id"]
            )
            if self.request.method in ("GET", "HEAD"):
                regulated_view_record(request=self.request, client=self._audience.client)
        return self._audience


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary=_("Audiences (clients' mailing lists)")),
    post=extend_schema(
        tags=[TAG],
        summary=_("Add an audience to a client"),
        request=AudienceInputSerializer,
        responses={201: AudienceSerializer},
    ),
)
class AudienceListView(IdempotentCreateMixin, PracticeScopedMixin, generics.ListCreateAPIView):
    serializer_class = AudienceSerializer
    queryset = Audience.objects.none()
    filter_backends = LIST_BACKENDS
    filterset_class = AudienceFilter
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return selectors.audiences_with_counts(practice=self.request.practice)

    def create(self, request, *args, **kwargs):
        serializer = AudienceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            client = client_selectors.client_get(
                practice=request.practice, client_id=data.pop("client")
            )
        except Http404:
            raise ApplicationError(
                _("Choose a client of this practice."),
                errors={"client": _("Choose a client of this practice.")},
            ) from None
        audience = services.audience_create(
            practice=request.practice,
            client=client,
            actor=request.membership,
            data=data,
            request=request,
        )
        return created_response(AudienceSerializer, _with_counts(request, audience), request)


def _with_counts(request, audience: Audience) -> Audience:
    return selectors.audiences_with_counts(practice=request.practice).get(pk=audience.pk)


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary=_("An audience")),
    patch=extend_schema(
        tags=[TAG],
        summary=_("Change an audience (name, sender, custom fields)"),
        request=AudienceUpdateSerializer,
        responses=AudienceSerializer,
    ),
    delete=extend_schema(
        tags=[TAG], summary=_("Delete an audience with its people (owners and admins)")
    ),
)
class AudienceDetailView(AudienceMixin, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = AudienceSerializer
    queryset = Audience.objects.none()
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def check_role(self, request, membership):
        super().check_role(request, membership)
        if request.method == "DELETE" and not membership.has_role_at_least(Role.ADMIN):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied()

    def get_object(self):
        return _with_counts(self.request, self.audience)

    def update(self, request, *args, **kwargs):
        serializer = AudienceUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        audience = services.audience_update(
            practice=request.practice,
            audience=self.audience,
            actor=request.membership,
            data={"name": self.audience.name, **serializer.validated_data},
            request=request,
        )
        return ok_response(AudienceSerializer, _with_counts(request, audience), request)

    def destroy(self, request, *args, **kwargs):
        services.audience_delete(
            practice=request.practice,
            audience=self.audience,
            actor=request.membership,
            request=request,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubscriberFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=SubscriberStatus.choices)
    tag = django_filters.CharFilter(method="filter_tag", max_length=50)

    class Meta:
        model = Subscriber
        fields = ["status"]

    def filter_tag(self, queryset, name, value):
        from clients.mailing.selectors import has_tag

        return queryset.filter(has_tag(value)) if value.strip() else queryset


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary=_("People of an audience")),
    post=extend_schema(
        tags=[TAG],
        summary=_("Add a person (with their consent)"),
        request=SubscriberInputSerializer,
        responses={201: SubscriberSerializer},
    ),
)
class SubscriberListView(IdempotentCreateMixin, AudienceMixin, generics.ListCreateAPIView):
    serializer_class = SubscriberSerializer
    queryset = Subscriber.objects.none()
    filter_backends = LIST_BACKENDS
    filterset_class = SubscriberFilter
    search_fields = ["email_key", "name", "company"]
    ordering_fields = ["email_key", "created_at", "updated_at"]

    def get_queryset(self):
        return (
            Subscriber.objects.for_practice(self.request.practice)
            .filter(audience=self.audience)
            .order_by("email_key")
        )

    def create(self, request, *args, **kwargs):
        serializer = SubscriberInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.subscriber_add(
            practice=request.practice,
            audience=self.audience,
            actor=request.membership,
            data={**serializer.validated_data},
            request=request,
        )
        return created_response(SubscriberSerializer, person, request)


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary=_("A person of an audience")),
    patch=extend_schema(
        tags=[TAG],
        summary=_("Change a person's details or status"),
        description=_(
            "Subscribing an unsubscribed, bounced or complained person again needs new consent "
            "(consent_source and consent_at, given after they left)."
        ),
        request=SubscriberUpdateSerializer,
        responses=SubscriberSerializer,
    ),
)
class SubscriberDetailView(AudienceMixin, generics.RetrieveUpdateAPIView):
    serializer_class = SubscriberSerializer
    queryset = Subscriber.objects.none()
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return selectors.subscriber_get(
            practice=self.request.practice,
            audience=self.audience,
            subscriber_id=self.kwargs["subscriber_id"],
        )

    def update(self, request, *args, **kwargs):
        person = self.get_object()
        serializer = SubscriberUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        new_status = data.pop("status", None)
        reason = data.pop("status_reason", "")
        source, at = data.pop("consent_source", None), data.pop("consent_at", None)
        if data:
            person = services.subscriber_update(
                practice=request.practice,
                subscriber=person,
                actor=request.membership,
                data=data,
                request=request,
            )
        if new_status is not None:
            consent = None
            if source or at:
                consent = services.Consent(source or "", at)
            person = services.subscriber_status_change(
                practice=request.practice,
                subscriber=person,
                status=new_status,
                reason=reason,
                consent=consent,
                actor=request.membership,
                request=request,
            )
        return ok_response(SubscriberSerializer, person, request)


@extend_schema_view(
    post=extend_schema(
        tags=[TAG],
        summary=_("Add or update up to 1,000 people at once"),
        description=_(
            "Addresses match ignoring case; a later row with the same address wins. People "
            "already on the list keep their status: an unsubscribed, bounced or complained "
            "person is never subscribed again here. Each row needs consent, its own or the "
            "call's. Any bad row refuses the whole call: 400 with the errors by row index "
            "under errors.subscribers."
        ),
        request=BulkInputSerializer,
        responses={200: BulkResultSerializer},
    ),
)
class SubscriberBulkView(AudienceMixin, generics.GenericAPIView):
    serializer_class = BulkInputSerializer
    queryset = Subscriber.objects.none()

    def post(self, request, *args, **kwargs):
        serializer = BulkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        consent = None
        if data.get("consent_source") or data.get("consent_at"):
            try:
                consent = services.consent_checked(
                    data.get("consent_source") or "", data.get("consent_at")
                )
            except Exception as error:  # ValidationError with the consent's field messages
                raise ApplicationError(
                    _("Please correct the errors below."),
                    errors=getattr(error, "message_dict", {}),
                ) from error
        try:
            result = services.upsert_subscribers(
                self.audience,
                [dict(row) for row in data["subscribers"]],
                consent=consent,
                actor=request.membership,
                request=request,
            )
        except ApplicationError as error:
            rows = error.errors.get("rows")
            if rows is None:
                raise
            raise ApplicationError(
                error.message,
                errors={
                    "subscribers": {
                        str(row["row"]): {key: [msg] for key, msg in row["errors"].items()}
                        for row in rows
                    }
                },
            ) from error
        return Response(
            BulkResultSerializer(
                {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "merged": result.merged,
                }
            ).data
        )


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary=_("Segments of an audience, with their counts")),
    post=extend_schema(
        tags=[TAG],
        summary=_("Add a segment (tags any/all and field rules)"),
        request=SegmentInputSerializer,
        responses={201: SegmentSerializer},
    ),
)
class SegmentListView(IdempotentCreateMixin, AudienceMixin, generics.ListCreateAPIView):
    serializer_class = SegmentSerializer
    queryset = Segment.objects.none()

    def get_queryset(self):
        return (
            Segment.objects.for_practice(self.request.practice)
            .filter(audience=self.audience)
            .order_by("name", "pk")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "counts": getattr(self, "_counts", {})}

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        self._counts = selectors.segment_counts(self.audience, rows)
        return page

    def create(self, request, *args, **kwargs):
        serializer = SegmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        segment = services.segment_create(
            practice=request.practice,
            audience=self.audience,
            actor=request.membership,
            data=_segment_data(serializer.validated_data),
            request=request,
        )
        return created_response(SegmentSerializer, segment, request)


def _segment_data(data: dict, current: Segment | None = None) -> dict:
    data = dict(data)
    if "rules" in data:
        rules = dict(data["rules"])
        rules["fields"] = [dict(rule) for rule in rules.get("fields", [])]
        data["rules"] = rules
    elif current is not None:
        data["rules"] = current.rules
    if current is not None:
        data.setdefault("name", current.name)
    return data


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary=_("A segment and its count")),
    patch=extend_schema(
        tags=[TAG],
        summary=_("Change a segment"),
        request=SegmentUpdateSerializer,
        responses=SegmentSerializer,
    ),
    delete=extend_schema(tags=[TAG], summary=_("Delete a segment (nobody leaves the list)")),
)
class SegmentDetailView(AudienceMixin, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = SegmentSerializer
    queryset = Segment.objects.none()
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        return selectors.segment_get(
            practice=self.request.practice,
            audience=self.audience,
            segment_id=self.kwargs["segment_id"],
        )

    def update(self, request, *args, **kwargs):
        segment = self.get_object()
        serializer = SegmentUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        segment = services.segment_update(
            practice=request.practice,
            segment=segment,
            actor=request.membership,
            data=_segment_data(serializer.validated_data, segment),
            request=request,
        )
        return ok_response(SegmentSerializer, segment, request)

    def destroy(self, request, *args, **kwargs):
        services.segment_delete(
            practice=request.practice,
            segment=self.get_object(),
            actor=request.membership,
            request=request,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(get=extend_schema(tags=[TAG], summary=_("Imports into an audience")))
class ImportJobListView(AudienceMixin, generics.ListAPIView):
    serializer_class = ImportJobSerializer
    queryset = ImportJob.objects.none()

    def get_queryset(self):
        return ImportJob.objects.for_practice(self.request.practice).filter(audience=self.audience)


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary=_("An import: its progress, counts and problems"))
)
class ImportJobDetailView(AudienceMixin, generics.RetrieveAPIView):
    serializer_class = ImportJobSerializer
    queryset = ImportJob.objects.none()

    def get_object(self):
        job = (
            ImportJob.objects.for_practice(self.request.practice)
            .filter(audience=self.audience, pk=self.kwargs["job_id"])
            .first()
        )
        if job is None:
            raise Http404
        return job


_AUDIENCE = "audiences/<int:audience_id>/"

api_patterns: list = [
    path("audiences/", AudienceListView.as_view(), name="api_audience_list"),
    path(_AUDIENCE, AudienceDetailView.as_view(), name="api_audience_detail"),
    path(f"{_AUDIENCE}subscribers/", SubscriberListView.as_view(), name="api_subscriber_list"),
    path(f"{_AUDIENCE}subscribers/bulk/", SubscriberBulkView.as_view(), name="api_subscriber_bulk"),
    path(
        f"{_AUDIENCE}subscribers/<int:subscriber_id>/",
        SubscriberDetailView.as_view(),
        name="api_subscriber_detail",
    ),
    path(f"{_AUDIENCE}segments/", SegmentListView.as_view(), name="api_segment_list"),
    path(
        f"{_AUDIENCE}segments/<int:segment_id>/",
        SegmentDetailView.as_view(),
        name="api_segment_detail",
    ),
    path(f"{_AUDIENCE}imports/", ImportJobListView.as_view(), name="api_import_list"),
    path(
        f"{_AUDIENCE}imports/<int:job_id>/",
        ImportJobDetailView.as_view(),
        name="api_import_detail",
    ),
]
