"""The roster's routes for the isolation harness (listed from ``tests/tasks/isolation.py``)."""

from datetime import date, time

from tasks.roster.models import Handover, Rotation, RotationMember, Shift, ShiftException, TimeOff
from tests.tasks.factories import ClientFactory, EngagementFactory


def roster_routes(world) -> dict[str, dict]:
    practice = world.practice
    client = ClientFactory(practice=practice, name="Rostered client", status="active")
    engagement = EngagementFactory(practice=practice, client=client, on_call=True)
    shift = Shift.objects.create(
        practice=practice,
        engagement=engagement,
        membership=world.secretary,
        weekday=0,
        start=time(9),
        end=time(17),
    )
    exception = ShiftException.objects.create(
        practice=practice, shift=shift, date=date(2026, 1, 5), replacement=None
    )
    rotation = Rotation.objects.create(
        practice=practice,
        engagement=engagement,
        handover_weekday=0,
        handover_time=time(9),
        length_days=7,
        starts_on=date(2026, 1, 5),
    )
    RotationMember.objects.create(
        practice=practice, rotation=rotation, membership=world.secretary, position=0
    )
    time_off = TimeOff.objects.create(
        practice=practice,
        membership=world.secretary,
        start_date=date(2026, 12, 24),
        end_date=date(2026, 12, 26),
    )
    handover = Handover.objects.create(
        practice=practice, client=client, author=world.admin, note="Call back the bank."
    )
    return {
        "roster_week": {},
        "roster_my_hours": {},
        "roster_time_off_add": {},
        "roster_time_off_remove": {"time_off_id": time_off.pk},
        "roster_capacity": {},
        "roster_edit": {"engagement_id": engagement.pk},
        "roster_shift_remove": {"shift_id": shift.pk},
        "roster_exception_remove": {"exception_id": exception.pk},
        "roster_rotation_remove": {"rotation_id": rotation.pk},
        "roster_handover_leave": {},
        "roster_handover_read": {"handover_id": handover.pk},
        "api_roster_availability": {},
        "api_roster_time_off_list": {},
        "api_roster_time_off_detail": {"time_off_id": time_off.pk},
        "api_roster_shift_list": {},
        "api_roster_shift_detail": {"shift_id": shift.pk},
        "api_roster_shift_exception": {"shift_id": shift.pk},
        "api_roster_rotation_list": {},
        "api_roster_rotation_detail": {"rotation_id": rotation.pk},
        "api_roster_gaps": {},
        "api_roster_capacity": {},
    }
