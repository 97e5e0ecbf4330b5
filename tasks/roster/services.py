"""Writes of the roster: availability and time off, shifts and their exceptions, on-call
rotations, the practice's roster settings and handover notes. Each is one transaction that
checks everything before saving anything."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.coverage import Window
from clients.models import Client, Engagement, EngagementStatus
from clients.selectors import members_cleared_for
from secretary.audit import activity_record, register_verbs
from secretary.errors import ApplicationError
from secretary.limits import dates_out_of_range
from secretary.models import Membership, validate_time_zone
from tasks.roster import cache as roster_cache
from tasks.roster import gaps
from tasks.roster.models import (
    AvailabilityWindow,
    Handover,
    RosterSettings,
    Rotation,
    RotationMember,
    Shift,
    ShiftException,
    StaffAvailability,
    TimeOff,
)
from tasks.roster.schedule import DAY_NAMES, hhmm

register_verbs(
    {
        "roster.availability_saved": gettext_lazy("set their working hours"),
        "roster.time_off_added": gettext_lazy("added time off"),
        "roster.time_off_removed": gettext_lazy("removed time off"),
        "roster.shift_added": gettext_lazy("added a shift"),
        "roster.shift_removed": gettext_lazy("removed a shift"),
        "roster.exception_saved": gettext_lazy("changed a shift for one day"),
        "roster.exception_removed": gettext_lazy("restored a shift for one day"),
        "roster.rotation_saved": gettext_lazy("set the on-call rotation"),
        "roster.rotation_removed": gettext_lazy("removed the on-call rotation"),
        "roster.settings_saved": gettext_lazy("changed the roster settings"),
        "roster.handover_left": gettext_lazy("left a handover note"),
    }
)


def invalid(errors: dict, message=None) -> ApplicationError:
    return ApplicationError(message or _("Please correct the errors below."), errors=errors)


# Overlaps between two weekly patterns in different zones change with daylight saving: look a
# year ahead so every change of both zones is seen.
OVERLAP_HORIZON = timedelta(days=371)


def _span_text(window: Window) -> str:
    return f"{DAY_NAMES[window.weekday]} {hhmm(window.start)}–{hhmm(window.end, end=True)}"


def window_errors(windows: list[Window]) -> list[str]:
    """Why weekly windows cannot be saved: an end before its start, or two that overlap."""
    problems: list[str] = []
    for window in windows:
        if not 0 <= window.weekday <= 6:
            problems.append(_("A window has an invalid weekday."))
        elif window.end != time(0) and window.end <= window.start:
            problems.append(_("%(window)s ends before it starts.") % {"window": _span_text(window)})
    valid = sorted(
        w for w in windows if 0 <= w.weekday <= 6 and (w.end == time(0) or w.end > w.start)
    )
    for previous, current in pairwise(valid):
        previous_end = time.max if previous.end == time(0) else previous.end
        if previous.weekday == current.weekday and previous_end > current.start:
            problems.append(
                _("%(first)s and %(second)s overlap.")
                % {"first": _span_text(previous), "second": _span_text(current)}
            )
    return problems


def _check_zone(zone: str, field: str = "time_zone") -> None:
    try:
        validate_time_zone(zone)
    except Exception:
        raise invalid(
            {field: [_("“%(zone)s” is not a known time zone.") % {"zone": zone}]}
        ) from None


def _staff(practice, membership: Membership | None, field: str) -> Membership:
    if membership is None or membership.practice_id != practice.pk or not membership.is_staff:
        raise invalid({field: [_("Choose a staff member of this practice.")]})
    return membership


# --- Availability --------------------------------------------------------------------------


@transaction.atomic
def availability_save(
    *,
    practice,
    membership: Membership,
    time_zone: str,
    max_weekly_hours: Decimal | None,
    windows: list[Window],
    request=None,
) -> StaffAvailability:
    """Replace a member's weekly windows, zone and weekly maximum (all or nothing)."""
    _staff(practice, membership, "membership")
    _check_zone(time_zone)
    errors: dict[str, list[str]] = {}
    problems = window_errors(list(windows))
    if problems:
        errors["windows"] = problems
    if max_weekly_hours is not None:
        try:
            hours = Decimal(max_weekly_hours)
        except (InvalidOperation, TypeError, ValueError):
            hours = Decimal(-1)
        if not Decimal(0) <= hours <= Decimal(168):
            errors["max_weekly_hours"] = [_("Give a number of hours between 0 and 168.")]
    if errors:
        raise invalid(errors, next(iter(errors.values()))[0])
    availability, _created = StaffAvailability.objects.for_practice(practice).update_or_create(
        practice=practice,
        membership=membership,
        defaults={"time_zone": time_zone, "max_weekly_hours": max_weekly_hours},
    )
    AvailabilityWindow.objects.for_practice(practice).filter(membership=membership).delete()
    roster_cache.bump(practice.pk)  # bulk writes send no signal
    AvailabilityWindow.objects.bulk_create(
        [
            AvailabilityWindow(
                practice=practice,
                membership=membership,
                weekday=w.weekday,
                start=w.start,
                end=w.end,
            )
            for w in sorted(windows)
        ]
    )
    activity_record(
        practice=practice,
        actor=membership.user,
        verb="roster.availability_saved",
        target=membership,
        request=request,
    )
    return availability


@transaction.atomic
def time_off_add(
    *,
    practice,
    membership: Membership,
    start_date: date,
    end_date: date,
    start_time: time | None = None,
    end_time: time | None = None,
    note: str = "",
    actor: Membership | None = None,
    request=None,
) -> TimeOff:
    """Record leave: whole days, or from a time on the first day to a time on the last."""
    _staff(practice, membership, "membership")
    errors = dates_out_of_range(start_date=start_date, end_date=end_date)
    if errors:
        raise invalid(errors)
    if end_date < start_date:
        raise invalid({"end_date": [_("The time off ends before it starts.")]})
    if (
        start_date == end_date
        and start_time is not None
        and end_time not in (None, time(0))
        and end_time <= start_time
    ):
        raise invalid({"end_time": [_("The time off ends before it starts.")]})
    time_off = TimeOff.objects.create(
        practice=practice,
        membership=membership,
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
        note=note,
    )
    activity_record(
        practice=practice,
        actor=(actor or membership).user,
        verb="roster.time_off_added",
        target=membership,
        request=request,
    )
    return time_off


@transaction.atomic
def time_off_remove(*, practice, actor: Membership, time_off: TimeOff, request=None) -> None:
    if time_off.membership_id != actor.pk and not actor.is_admin:
        raise ApplicationError(_("Only owners and admins can change other people's time off."))
    time_off.delete()
    activity_record(
        practice=practice, actor=actor.user, verb="roster.time_off_removed", request=request
    )


# --- Shifts --------------------------------------------------------------------------------


def _active(engagement: Engagement) -> None:
    if engagement.status != EngagementStatus.ACTIVE:
        raise invalid({"engagement": [_("Only an active engagement can be rostered.")]})


def _check_cleared(client: Client, members: list[Membership], field: str) -> None:
    """A regulated client's work goes only to members who signed its agreement."""
    if not client.is_regulated:
        return
    cleared = members_cleared_for(client=client)
    missing = [m for m in members if m.pk not in cleared]
    if missing:
        names = ", ".join(str(m.user) for m in missing)
        message = _(
            "%(names)s must sign this client's %(kind)s before covering it: record their "
            "agreement first."
        ) % {"names": names, "kind": client.required_agreement_label}
        raise invalid({field: [message]}, message)


def _pattern(shift: Shift, zone: str) -> gaps.ShiftPattern:
    return gaps.ShiftPattern(shift.membership_id, shift.weekday, shift.start, shift.end, zone)


def _check_no_overlap(practice, membership: Membership, new: gaps.ShiftPattern, exclude=None):
    """A member is never on two shifts at once, whatever the zones of the two engagements."""
    start = datetime.combine(timezone.now().date(), time(0), tzinfo=UTC) - timedelta(days=1)
    end = start + OVERLAP_HORIZON
    new_spans = [d.span for d in gaps.shift_duties(new, start, end)]
    others = (
        Shift.objects.for_practice(practice)
        .filter(membership=membership)
        .select_related("engagement__client")
    )
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    for other in others:
        pattern = _pattern(other, other.engagement.coverage_time_zone)
        spans = [d.span for d in gaps.shift_duties(pattern, start, end)]
        if gaps.intersect(new_spans, spans):
            message = _(
                "%(member)s already works %(shift)s (%(zone)s) for %(client)s at that time."
            ) % {
                "member": membership.user,
                "shift": _span_text(pattern.window),
                "zone": other.engagement.coverage_time_zone,
                "client": other.engagement.client,
            }
            raise invalid({"start": [message]}, message)


@transaction.atomic
def shift_add(
    *,
    practice,
    actor: Membership,
    engagement: Engagement,
    membership: Membership | None,
    weekday: int,
    start: time,
    end: time,
    request=None,
) -> Shift:
    """Put a member on a weekly shift of an active engagement (coverage zone wall clock)."""
    _active(engagement)
    membership = _staff(practice, membership, "membership")
    problems = window_errors([Window(weekday, start, end)])
    if problems:
        raise invalid({"end": problems}, problems[0])
    _check_cleared(engagement.client, [membership], "membership")
    Membership.objects.for_practice(practice).select_for_update().filter(pk=membership.pk).first()
    pattern = gaps.ShiftPattern(membership.pk, weekday, start, end, engagement.coverage_time_zone)
    _check_no_overlap(practice, membership, pattern)
    shift = Shift.objects.create(
        practice=practice,
        engagement=engagement,
        membership=membership,
        weekday=weekday,
        start=start,
        end=end,
    )
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="roster.shift_added",
        target=engagement,
        data={"member": str(membership.user), "shift": _span_text(pattern.window)},
        request=request,
    )
    return shift


@transaction.atomic
def shift_remove(*, practice, actor: Membership, shift: Shift, request=None) -> None:
    engagement = shift.engagement
    text = _span_text(Window(shift.weekday, shift.start, shift.end))
    shift.delete()
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="roster.shift_removed",
        target=engagement,
        data={"shift": text},
        request=request,
    )


@transaction.atomic
def shift_exception_set(
    *,
    practice,
    actor: Membership,
    shift: Shift,
    date: date,
    replacement: Membership | None = None,
    request=None,
) -> ShiftException:
    """The shift is off on ``date`` (coverage zone), or covered that day by ``replacement``."""
    errors = dates_out_of_range(date=date)
    if errors:
        raise invalid(errors)
    if date.weekday() != shift.weekday:
        raise invalid(
            {"date": [_("This shift runs on %(day)s only.") % {"day": DAY_NAMES[shift.weekday]}]}
        )
    if replacement is not None:
        replacement = _staff(practice, replacement, "replacement")
        if replacement.pk == shift.membership_id:
            raise invalid({"replacement": [_("Choose someone else to cover this shift.")]})
        _check_cleared(shift.engagement.client, [replacement], "replacement")
    exception, _created = ShiftException.objects.for_practice(practice).update_or_create(
        practice=practice, shift=shift, date=date, defaults={"replacement": replacement}
    )
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="roster.exception_saved",
        target=shift.engagement,
        data={"date": date.isoformat()},
        request=request,
    )
    return exception


@transaction.atomic
def shift_exception_remove(
    *, practice, actor: Membership, exception: ShiftException, request=None
) -> None:
    engagement = exception.shift.engagement
    exception.delete()
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="roster.exception_removed",
        target=engagement,
        request=request,
    )


# --- Rotations -----------------------------------------------------------------------------


@transaction.atomic
def rotation_save(
    *,
    practice,
    actor: Membership,
    engagement: Engagement,
    members: list[Membership],
    handover_weekday: int,
    handover_time: time,
    length_days: int,
    starts_on: date,
    request=None,
) -> Rotation:
    """Set the on-call rotation of a 24/7 engagement: members in order, handover, turn length."""
    _active(engagement)
    if not engagement.on_call:
        raise invalid({"engagement": [_("Only a 24/7 on-call engagement has a rotation.")]})
    members = [m for m in members if m is not None]
    if not members:
        raise invalid({"members": [_("Put at least one person on the rotation.")]})
    for member in members:
        _staff(practice, member, "members")
    if len({m.pk for m in members}) != len(members):
        raise invalid({"members": [_("Each person can be on the rotation once.")]})
    errors = dates_out_of_range(starts_on=starts_on)
    if errors:
        raise invalid(errors)
    if not 0 <= handover_weekday <= 6:
        raise invalid({"handover_weekday": [_("Choose a day of the week.")]})
    if not 1 <= int(length_days) <= 56:
        raise invalid({"length_days": [_("A turn lasts from 1 to 56 days.")]})
    _check_cleared(engagement.client, members, "members")
    rotation, _created = Rotation.objects.for_practice(practice).update_or_create(
        practice=practice,
        engagement=engagement,
        defaults={
            "handover_weekday": handover_weekday,
            "handover_time": handover_time,
            "length_days": length_days,
            "starts_on": starts_on,
        },
    )
    RotationMember.objects.for_practice(practice).filter(rotation=rotation).delete()
    roster_cache.bump(practice.pk)  # bulk writes send no signal
    RotationMember.objects.bulk_create(
        [
            RotationMember(practice=practice, rotation=rotation, membership=m, position=n)
            for n, m in enumerate(members)
        ]
    )
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="roster.rotation_saved",
        target=engagement,
        data={"members": [str(m.user) for m in members]},
        request=request,
    )
    return rotation


@transaction.atomic
def rotation_remove(*, practice, actor: Membership, rotation: Rotation, request=None) -> None:
    engagement = rotation.engagement
    rotation.delete()
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="roster.rotation_removed",
        target=engagement,
        request=request,
    )


# --- Settings and handovers ----------------------------------------------------------------


@transaction.atomic
def roster_settings_save(
    *, practice, actor: Membership, auto_assign_requests: bool, request=None
) -> RosterSettings:
    settings, _created = RosterSettings.objects.for_practice(practice).update_or_create(
        practice=practice, defaults={"auto_assign_requests": bool(auto_assign_requests)}
    )
    activity_record(
        practice=practice, actor=actor.user, verb="roster.settings_saved", request=request
    )
    return settings


@transaction.atomic
def handover_leave(
    *, practice, author: Membership, client: Client, note: str, request=None
) -> Handover:
    """A note for whoever covers ``client`` next."""
    note = (note or "").strip()
    if not note:
        raise invalid({"note": [_("Write what the next person should know.")]})
    if client.practice_id != practice.pk:
        raise invalid({"client": [_("Choose a client of this practice.")]})
    handover = Handover.objects.create(practice=practice, client=client, author=author, note=note)
    activity_record(
        practice=practice,
        actor=author.user,
        verb="roster.handover_left",
        target=client,
        request=request,
    )
    return handover


@transaction.atomic
def handover_mark_read(*, practice, reader: Membership, handover: Handover) -> Handover:
    if handover.read_at is None:
        handover.read_by = reader
        handover.read_at = timezone.now()
        handover.save(update_fields=["read_by", "read_at"])
    return handover
