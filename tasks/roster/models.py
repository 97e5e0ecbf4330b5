"""Roster rows: staff availability and time off, shifts on engagements' coverage, on-call
rotations, handover notes. Imported at the end of ``tasks/models.py`` (migrations of the
``tasks`` app)."""

from __future__ import annotations

from datetime import time

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from secretary import limits
from secretary.limits import text_field, validate_date_in_range
from secretary.models import validate_time_zone
from secretary.tenancy import TenantModel

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
_NOT_INVERTED = Q(end=time(0, 0)) | Q(end__gt=models.F("start"))


class StaffAvailability(TenantModel):
    """A staff member's weekly frame: the zone their windows are written in and the most
    hours a week they may be rostered (empty: no limit)."""

    membership = models.ForeignKey(
        "secretary.Membership", on_delete=models.CASCADE, related_name="+"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    max_weekly_hours = models.DecimalField(
        _("most hours a week"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "membership"], name="staffavailability_unique_member"
            )
        ]


class AvailabilityWindow(TenantModel):
    """One weekday span a member can work, in their availability's zone (end 00:00 = midnight)."""

    membership = models.ForeignKey(
        "secretary.Membership", on_delete=models.CASCADE, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=WEEKDAY_CHOICES, validators=[MaxValueValidator(6)]
    )
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=_NOT_INVERTED, name="availabilitywindow_not_inverted")
        ]
        indexes = [models.Index(fields=["practice", "membership"], name="availability_member_idx")]


class TimeOff(TenantModel):
    """Leave: whole days from ``start_date`` to ``end_date``, or part of them when times are
    given (from ``start_time`` on the first day to ``end_time`` on the last), in the member's
    availability zone."""

    membership = models.ForeignKey(
        "secretary.Membership", on_delete=models.CASCADE, related_name="+"
    )
    start_date = models.DateField(_("from"), validators=[validate_date_in_range])
    end_date = models.DateField(_("until"), validators=[validate_date_in_range])
    start_time = models.TimeField(_("from time"), null=True, blank=True)
    end_time = models.TimeField(_("until time"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=limits.TEXT_SHORT, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="timeoff_not_inverted"
            )
        ]
        indexes = [
            models.Index(fields=["practice", "membership", "end_date"], name="timeoff_member_idx")
        ]


class Shift(TenantModel):
    """A weekly shift of one member on an engagement, on the wall clock of the engagement's
    coverage zone (so it follows that zone across daylight-saving changes)."""

    engagement = models.ForeignKey(
        "clients.Engagement", on_delete=models.CASCADE, related_name="shifts"
    )
    membership = models.ForeignKey(
        "secretary.Membership", on_delete=models.CASCADE, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=WEEKDAY_CHOICES, validators=[MaxValueValidator(6)]
    )
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"), help_text=_("00:00 means midnight at the end of the day."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [models.CheckConstraint(condition=_NOT_INVERTED, name="shift_not_inverted")]
        indexes = [
            models.Index(fields=["practice", "engagement"], name="shift_engagement_idx"),
            models.Index(fields=["practice", "membership"], name="shift_member_idx"),
        ]


class ShiftException(TenantModel):
    """One date (in the coverage zone) a shift does not run as usual: off, or covered by
    ``replacement``."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"), validators=[validate_date_in_range])
    replacement = models.ForeignKey(
        "secretary.Membership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("covered by"),
    )

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "shift", "date"], name="shiftexception_unique_date"
            )
        ]


class Rotation(TenantModel):
    """The on-call rotation of a 24/7 engagement: members take turns of ``length_days``,
    handing over on ``handover_weekday`` at ``handover_time`` (coverage zone); the next one
    in the order is the backup."""

    engagement = models.ForeignKey(
        "clients.Engagement", on_delete=models.CASCADE, related_name="rotations"
    )
    handover_weekday = models.PositiveSmallIntegerField(
        _("handover day"), choices=WEEKDAY_CHOICES, validators=[MaxValueValidator(6)]
    )
    handover_time = models.TimeField(_("handover time"))
    length_days = models.PositiveSmallIntegerField(
        _("turn length (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(56)]
    )
    starts_on = models.DateField(_("first turn from"), validators=[validate_date_in_range])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "engagement"], name="rotation_unique_engagement"
            )
        ]


class RotationMember(TenantModel):
    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="members")
    membership = models.ForeignKey(
        "secretary.Membership", on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "rotation", "position"], name="rotationmember_unique_position"
            )
        ]


class RosterSettings(TenantModel):
    """The practice's roster choices."""

    auto_assign_requests = models.BooleanField(
        _("assign new portal requests to whoever is on duty"),
        default=False,
        help_text=_("Otherwise they are only suggested on the request."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="rostersettings_one_per_practice")
        ]


class Handover(TenantModel):
    """A note left for a client at the end of a shift, for whoever is on duty next."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        "secretary.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = text_field(_("handover note"), max_length=limits.TEXT_NOTES)
    created_at = models.DateTimeField(auto_now_add=True)
    read_by = models.ForeignKey(
        "secretary.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["practice", "client", "created_at"], name="handover_idx")]
