"""Demo roster: the Sydney-hours client covered by two people with Thursday left open, the
24/7 client on a two-person weekly rotation, and one secretary on leave next week (their
shifts that week handed to the other). Idempotent: a practice with shifts is left as it is."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from clients.coverage import Window
from clients.models import Engagement, EngagementStatus
from secretary.models import Membership, Practice
from tasks.roster import services
from tasks.roster.models import Shift

SYDNEY_HOURS_CLIENT = "Northwind Legal"
ON_CALL_CLIENT = "Nightjar Ventures"
THURSDAY = 3


def _active(practice: Practice, name: str) -> Engagement | None:
    return (
        Engagement.objects.for_practice(practice)
        .filter(status=EngagementStatus.ACTIVE, client__name=name)
        .select_related("client")
        .first()
    )


def seed_practice(
    practice: Practice, secretary: Membership, other: Membership, *, now: datetime | None = None
) -> bool:
    """Seed one practice's roster; False when it already had one (or lacks the clients)."""
    if Shift.objects.for_practice(practice).exists():
        return False
    office = _active(practice, SYDNEY_HOURS_CLIENT)
    on_call = _active(practice, ON_CALL_CLIENT)
    if office is None:
        return False
    now = now or timezone.now()
    for member in (secretary, other):
        services.availability_save(
            practice=practice,
            membership=member,
            time_zone=member.user.time_zone,
            max_weekly_hours=Decimal("38"),
            windows=[Window(day, time(8), time(18)) for day in range(5)],
        )
    # Office hours: the secretary Monday to Wednesday, the other person Friday; Thursday open.
    coverage = office.coverage()
    shifts = {}
    for window in coverage.windows:
        if window.weekday == THURSDAY:
            continue
        member = other if window.weekday == 4 else secretary
        shifts[window.weekday] = services.shift_add(
            practice=practice,
            actor=other,
            engagement=office,
            membership=member,
            weekday=window.weekday,
            start=window.start,
            end=window.end,
        )
    zone = ZoneInfo(office.coverage_time_zone)
    this_monday = now.astimezone(zone).date() - timedelta(days=now.astimezone(zone).weekday())
    next_monday = this_monday + timedelta(days=7)
    # The secretary is away next week; the other person takes their office shifts.
    services.time_off_add(
        practice=practice,
        membership=secretary,
        start_date=next_monday,
        end_date=next_monday + timedelta(days=4),
        note="Annual leave",
    )
    for weekday, shift in shifts.items():
        if shift.membership_id == secretary.pk:
            services.shift_exception_set(
                practice=practice,
                actor=other,
                shift=shift,
                date=next_monday + timedelta(days=weekday),
                replacement=other,
            )
    if on_call is not None and on_call.on_call:
        # Weekly turns handed over on Monday at 09:00: the secretary this week, then the other.
        services.rotation_save(
            practice=practice,
            actor=other,
            engagement=on_call,
            members=[secretary, other],
            handover_weekday=0,
            handover_time=time(9),
            length_days=7,
            starts_on=this_monday,
        )
    return True


def seed(demo) -> None:
    seed_practice(demo.practice, demo.secretary, demo.owner)
