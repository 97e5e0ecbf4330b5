"""Roster API, mounted with the tasks app's routes under /api/v1/practices/<practice_slug>/.

Staff read the roster and keep their own availability and time off; owners and admins change
shifts and rotations and read capacity. Writes go through ``tasks.roster.services``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django import forms
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.coverage import Window
from clients.models import Engagement, EngagementStatus
from clients.serializers import StaffMemberField, TimeZoneField
from secretary.api_base import PracticeScopedMixin
from secretary.api_filters import INSTANT_YEARS, FilterSet, IdFilter, InstantField
from secretary.errors import ApplicationError
from secretary.idempotency import IdempotentCreateMixin
from secretary.limits import validate_date_in_range
from secretary.models import Role
from tasks.roster import selectors, services
from tasks.roster.models import Rotation, Shift, ShiftException, TimeOff
from tasks.roster.services import window_errors
from tasks.serializers import scoped

MAX_WINDOWS = 21  # three a day
MAX_RANGE = timedelta(days=31)
MAX_ROTATION = 12


# --- Serializers ---------------------------------------------------------------------------

WALL_TIME = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": WALL_TIME,
        "description": "A wall-clock time, HH:MM, e.g. 09:00 (no zone: the zone is the row's own).",
    }
)
class WallTimeField(serializers.TimeField):
    """A time on a wall clock: "09:00" (or "09:00:00"), never with an offset."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if not isinstance(value, str) or not re.match(WALL_TIME, value):
            self.fail("invalid", format="hh:mm")
        return super().to_internal_value(value)


class WallWindowSerializer(serializers.Serializer):
    """A weekly window: weekday 0 = Monday … 6 = Sunday; end "00:00" = midnight."""

    weekday = serializers.IntegerField(min_value=0, max_value=6)
    start = WallTimeField()
    end = WallTimeField()

    def to_representation(self, instance):
        return {
            "weekday": instance.weekday,
            "start": f"{instance.start:%H:%M}",
            "end": f"{instance.end:%H:%M}",
        }


class AvailabilityWindowsField(serializers.ListField):
    child = WallWindowSerializer()

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_WINDOWS)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        rows = super().to_internal_value(data)
        windows = [Window(r["weekday"], r["start"], r["end"]) for r in rows]
        problems = window_errors(windows)
        if problems:
            raise serializers.ValidationError(problems, code="window_rule")
        return windows

    def to_representation(self, value):
        return [WallWindowSerializer().to_representation(w) for w in value]


class AvailabilitySerializer(serializers.Serializer):
    time_zone = TimeZoneField()
    max_weekly_hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=168, allow_null=True, required=False
    )
    windows = AvailabilityWindowsField(
        help_text=gettext_lazy("Weekly windows on the member's clock; end 00:00 = midnight.")
    )


class TimeOffSerializer(serializers.ModelSerializer):
    start_time = WallTimeField(required=False, allow_null=True)
    end_time = WallTimeField(required=False, allow_null=True)

    class Meta:
        model = TimeOff
        fields = ["id", "membership", "start_date", "end_date", "start_time", "end_time", "note"]
        read_only_fields = ["id", "membership"]


class ExceptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShiftException
        fields = ["id", "date", "replacement"]
        read_only_fields = fields


class ShiftSerializer(serializers.ModelSerializer):
    engagement = scoped(Engagement, extra_filter={"status": EngagementStatus.ACTIVE})
    membership = StaffMemberField()
    weekday = serializers.IntegerField(min_value=0, max_value=6)
    start = WallTimeField()
    end = WallTimeField(help_text=gettext_lazy("00:00 = midnight."))
    exceptions = ExceptionSerializer(many=True, read_only=True)
    time_zone = serializers.CharField(source="engagement.coverage_time_zone", read_only=True)

    class Meta:
        model = Shift
        fields = [
            "id",
            "engagement",
            "membership",
            "weekday",
            "start",
            "end",
            "time_zone",
            "exceptions",
        ]
        read_only_fields = ["id"]


class ShiftExceptionInputSerializer(serializers.Serializer):
    date = serializers.DateField(validators=[validate_date_in_range])
    replacement = StaffMemberField(required=False, allow_null=True)


class RotationSerializer(serializers.ModelSerializer):
    engagement = scoped(Engagement, extra_filter={"status": EngagementStatus.ACTIVE})
    members = serializers.ListField(
        child=StaffMemberField(),
        max_length=MAX_ROTATION,
        help_text=gettext_lazy("Staff memberships in turn order; the next one is the backup."),
    )
    handover_weekday = serializers.IntegerField(min_value=0, max_value=6)
    handover_time = WallTimeField()
    length_days = serializers.IntegerField(min_value=1, max_value=56)
    starts_on = serializers.DateField(validators=[validate_date_in_range])

    class Meta:
        model = Rotation
        fields = [
            "id",
            "engagement",
            "members",
            "handover_weekday",
            "handover_time",
            "length_days",
            "starts_on",
        ]
        read_only_fields = ["id"]


class RotationOutSerializer(RotationSerializer):
    """A rotation as read: its members' ids in turn order."""

    members = serializers.SerializerMethodField()

    def get_members(self, rotation) -> list[int]:
        return [m.membership_id for m in rotation.members.all()]


class GapSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    client_name = serializers.CharField(read_only=True)
    engagement = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    reason = serializers.ChoiceField(choices=["uncovered", "unavailable"])


class MemberCapacitySerializer(serializers.Serializer):
    membership = serializers.IntegerField()
    name = serializers.CharField(read_only=True)
    rostered_hours = serializers.DecimalField(max_digits=9, decimal_places=2)
    available_hours = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    max_weekly_hours = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class CapacitySerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    sold_hours = serializers.DecimalField(max_digits=12, decimal_places=2)
    staffable_hours = serializers.DecimalField(max_digits=12, decimal_places=2)
    gap_hours = serializers.DecimalField(max_digits=12, decimal_places=2)
    members = MemberCapacitySerializer(many=True)


# --- Ranges --------------------------------------------------------------------------------

INSTANT = {
    "type": "string",
    "format": "date-time",
    "pattern": INSTANT_YEARS,
    "description": "An ISO 8601 date and time between the years 1901 and 2199.",
}
RANGE_PARAMETERS = [
    OpenApiParameter(
        "start", INSTANT, description="From (default: now). At most 31 days before the end."
    ),
    OpenApiParameter("end", INSTANT, description="Until (default: 14 days after the start)."),
]


def _range(request) -> tuple[datetime, datetime]:
    errors: dict[str, list[str]] = {}
    found: dict[str, datetime | None] = {}
    for name in ("start", "end"):
        try:
            found[name] = InstantField(required=False).clean(request.query_params.get(name))
        except forms.ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise serializers.ValidationError(errors)
    start = found["start"] or timezone.now()
    end = found["end"] or start + timedelta(days=14)
    # Rules of the product, not of the parameters' shape (each is a valid instant alone).
    if end <= start:
        message = _("The end must come after the start.")
        raise ApplicationError(message, errors={"end": [message]})
    if end - start > MAX_RANGE:
        message = _("Ask for 31 days at most.")
        raise ApplicationError(message, errors={"end": [message]})
    return start, end


# --- Views ---------------------------------------------------------------------------------


@extend_schema(tags=["roster"])
class AvailabilityView(PracticeScopedMixin, APIView):
    """The signed-in member's weekly availability: windows on their own clock, the zone and
    the most hours a week. PUT replaces all of it."""

    def _current(self, request) -> dict:
        profile = selectors.availability_profile(
            practice=request.practice, membership=request.membership
        )
        return {
            "time_zone": profile.time_zone if profile else request.user.time_zone,
            "max_weekly_hours": profile.max_weekly_hours if profile else None,
            "windows": sorted(
                selectors.availability_windows(
                    practice=request.practice, membership=request.membership
                )
            ),
        }

    @extend_schema(responses=AvailabilitySerializer)
    def get(self, request, practice_slug):
        return Response(AvailabilitySerializer(self._current(request)).data)

    @extend_schema(request=AvailabilitySerializer, responses=AvailabilitySerializer)
    def put(self, request, practice_slug):
        data = AvailabilitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.availability_save(
            practice=request.practice,
            membership=request.membership,
            time_zone=data.validated_data["time_zone"],
            max_weekly_hours=data.validated_data.get("max_weekly_hours"),
            windows=data.validated_data["windows"],
            request=request,
        )
        return Response(AvailabilitySerializer(self._current(request)).data)


@extend_schema(tags=["roster"])
class TimeOffList(IdempotentCreateMixin, PracticeScopedMixin, generics.ListCreateAPIView):
    """The signed-in member's time off, from yesterday on. Dates (and optional times of the
    first and last day) are on the member's availability clock."""

    serializer_class = TimeOffSerializer
    filterset_class = None
    search_fields: list = []
    ordering_fields = ["start_date"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TimeOff.objects.none()
        return selectors.time_off_of(
            practice=self.request.practice, membership=self.request.membership
        ).order_by("start_date", "pk")

    def perform_create(self, serializer):
        serializer.instance = services.time_off_add(
            practice=self.request.practice,
            membership=self.request.membership,
            request=self.request,
            **serializer.validated_data,
        )


@extend_schema(tags=["roster"])
class TimeOffDetail(PracticeScopedMixin, generics.RetrieveDestroyAPIView):
    """One of the signed-in member's time off."""

    serializer_class = TimeOffSerializer

    def get_object(self):
        time_off = (
            TimeOff.objects.for_practice(self.request.practice)
            .filter(pk=self.kwargs["time_off_id"], membership=self.request.membership)
            .first()
        )
        if time_off is None:
            raise Http404
        return time_off

    def perform_destroy(self, instance):
        services.time_off_remove(
            practice=self.request.practice,
            actor=self.request.membership,
            time_off=instance,
            request=self.request,
        )


class ShiftFilterSet(FilterSet):
    engagement = IdFilter(field_name="engagement_id")
    membership = IdFilter(field_name="membership_id")

    class Meta:
        model = Shift
        fields = ["engagement", "membership"]


def _shifts(practice):
    return (
        Shift.objects.for_practice(practice)
        .select_related("engagement")
        .prefetch_related("exceptions")
        .order_by("engagement_id", "weekday", "start", "pk")
    )


@extend_schema(tags=["roster"])
class ShiftList(IdempotentCreateMixin, PracticeScopedMixin, generics.ListCreateAPIView):
    """Weekly shifts on active engagements, on the coverage zone's clock (``time_zone``).
    Owners and admins add them."""

    write_role = Role.ADMIN
    serializer_class = ShiftSerializer
    filterset_class = ShiftFilterSet
    search_fields: list = []
    ordering_fields = ["weekday", "start"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Shift.objects.none()
        return _shifts(self.request.practice)

    def perform_create(self, serializer):
        data = serializer.validated_data
        shift = services.shift_add(
            practice=self.request.practice,
            actor=self.request.membership,
            request=self.request,
            **data,
        )
        serializer.instance = _shifts(self.request.practice).get(pk=shift.pk)


@extend_schema(tags=["roster"])
class ShiftDetail(PracticeScopedMixin, generics.RetrieveDestroyAPIView):
    """One shift; owners and admins remove it."""

    write_role = Role.ADMIN
    serializer_class = ShiftSerializer

    def get_object(self):
        shift = _shifts(self.request.practice).filter(pk=self.kwargs["shift_id"]).first()
        if shift is None:
            raise Http404
        return shift

    def perform_destroy(self, instance):
        services.shift_remove(
            practice=self.request.practice,
            actor=self.request.membership,
            shift=instance,
            request=self.request,
        )


@extend_schema(
    tags=["roster"],
    request=ShiftExceptionInputSerializer,
    responses={200: ShiftSerializer},
)
class ShiftExceptionSet(PracticeScopedMixin, APIView):
    """One date (coverage zone) the shift is off, or covered by ``replacement``."""

    min_role = Role.ADMIN

    def post(self, request, practice_slug, shift_id):
        shift = selectors.shift_get(practice=request.practice, shift_id=shift_id)
        data = ShiftExceptionInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.shift_exception_set(
            practice=request.practice,
            actor=request.membership,
            shift=shift,
            date=data.validated_data["date"],
            replacement=data.validated_data.get("replacement"),
            request=request,
        )
        return Response(ShiftSerializer(_shifts(request.practice).get(pk=shift.pk)).data)


def _rotations(practice):
    return (
        Rotation.objects.for_practice(practice)
        .prefetch_related("members")
        .order_by("engagement_id", "pk")
    )


@extend_schema(tags=["roster"])
class RotationList(IdempotentCreateMixin, PracticeScopedMixin, generics.ListCreateAPIView):
    """On-call rotations of 24/7 engagements. POST sets an engagement's rotation (replacing
    the one it had)."""

    write_role = Role.ADMIN
    filterset_class = None
    search_fields: list = []
    ordering_fields: list = []

    def get_serializer_class(self):
        return RotationSerializer if self.request.method == "POST" else RotationOutSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Rotation.objects.none()
        return _rotations(self.request.practice)

    @extend_schema(request=RotationSerializer, responses={201: RotationOutSerializer})
    def post(self, request, *args, **kwargs):
        data = RotationSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        rotation = services.rotation_save(
            practice=request.practice,
            actor=request.membership,
            request=request,
            **data.validated_data,
        )
        body = RotationOutSerializer(_rotations(request.practice).get(pk=rotation.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["roster"])
class RotationDetail(PracticeScopedMixin, generics.RetrieveDestroyAPIView):
    """One rotation; owners and admins remove it."""

    write_role = Role.ADMIN
    serializer_class = RotationOutSerializer

    def get_object(self):
        rotation = _rotations(self.request.practice).filter(pk=self.kwargs["rotation_id"]).first()
        if rotation is None:
            raise Http404
        return rotation

    def perform_destroy(self, instance):
        services.rotation_remove(
            practice=self.request.practice,
            actor=self.request.membership,
            rotation=instance,
            request=self.request,
        )


@extend_schema(
    tags=["roster"],
    parameters=RANGE_PARAMETERS,
    responses={200: GapSerializer(many=True)},
)
class GapList(PracticeScopedMixin, APIView):
    """Sold coverage nobody available is on duty for, per active engagement, over a range of
    at most 31 days (default: the next 14)."""

    def get(self, request, practice_slug):
        start, end = _range(request)
        found = selectors.gap_rows(practice=request.practice, start=start, end=end)
        return Response(gaps_data(found))


def gaps_data(found) -> list[dict]:
    """What ``GapSerializer(many=True)`` makes of the gaps (the same JSON: the tests compare
    them), written directly: the serializer's fields cost about half a millisecond per gap,
    and a practice has hundreds. Each instant is formatted once, by DRF's own field."""
    field = serializers.DateTimeField()
    instants: dict[datetime, str] = {}

    def instant(value: datetime) -> str:
        text = instants.get(value)
        if text is None:
            text = instants[value] = field.to_representation(value)
        return text

    return [
        {
            "client": gap.client_id,
            "client_name": gap.client_name,
            "engagement": gap.engagement_id,
            "start": instant(gap.start),
            "end": instant(gap.end),
            "reason": gap.reason,
        }
        for gap in found
    ]


@extend_schema(
    tags=["roster"],
    parameters=RANGE_PARAMETERS,
    responses={200: CapacitySerializer, 403: OpenApiResponse(description="Owners and admins")},
)
class CapacityView(PracticeScopedMixin, APIView):
    """Hours rostered, available and the weekly maximum of each member; the practice's hours
    sold and staffable, over a range of at most 31 days."""

    min_role = Role.ADMIN

    def get(self, request, practice_slug):
        start, end = _range(request)
        capacity = selectors.capacity(practice=request.practice, start=start, end=end)
        body = {
            "start": start,
            "end": end,
            "sold_hours": capacity.sold_hours,
            "staffable_hours": capacity.staffable_hours,
            "gap_hours": capacity.gap_hours,
            "members": [
                {
                    "membership": row.member.pk,
                    "name": str(row.member.user),
                    "rostered_hours": row.rostered_hours,
                    "available_hours": row.available_hours,
                    "max_weekly_hours": row.max_hours,
                }
                for row in capacity.members
            ],
        }
        return Response(CapacitySerializer(body).data)


api_patterns: list = [
    path("roster/availability/", AvailabilityView.as_view(), name="api_roster_availability"),
    path("roster/time-off/", TimeOffList.as_view(), name="api_roster_time_off_list"),
    path(
        "roster/time-off/<int:time_off_id>/",
        TimeOffDetail.as_view(),
        name="api_roster_time_off_detail",
    ),
    path("roster/shifts/", ShiftList.as_view(), name="api_roster_shift_list"),
    path("roster/shifts/<int:shift_id>/", ShiftDetail.as_view(), name="api_roster_shift_detail"),
    path(
        "roster/shifts/<int:shift_id>/exceptions/",
        ShiftExceptionSet.as_view(),
        name="api_roster_shift_exception",
    ),
    path("roster/rotations/", RotationList.as_view(), name="api_roster_rotation_list"),
    path(
        "roster/rotations/<int:rotation_id>/",
        RotationDetail.as_view(),
        name="api_roster_rotation_detail",
    ),
    path("roster/gaps/", GapList.as_view(), name="api_roster_gaps"),
    path("roster/capacity/", CapacityView.as_view(), name="api_roster_capacity"),
]
