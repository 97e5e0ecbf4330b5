"""Roster writes: each rule refuses bad input with a clear error and saves nothing."""

from datetime import date, time
from decimal import Decimal

import pytest

from clients.coverage import Window
from clients.models import EngagementStatus, Specialty
from secretary.errors import ApplicationError
from secretary.tenancy import practice_scope
from tasks.roster import services
from tasks.roster.models import (
    AvailabilityWindow,
    Rotation,
    Shift,
    ShiftException,
    StaffAvailability,
    TimeOff,
)
from tests.clients.factories import AgreementFactory
from tests.tasks.factories import ClientFactory, EngagementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(world):
    client = ClientFactory(practice=world.practice, name="Harbour Dental")
    return EngagementFactory(practice=world.practice, client=client)


def save_hours(world, windows, zone="Australia/Sydney", max_hours=Decimal("30")):
    with practice_scope(world.practice):
        return services.availability_save(
            practice=world.practice,
            membership=world.secretary,
            time_zone=zone,
            max_weekly_hours=max_hours,
            windows=windows,
        )


def add_shift(world, engagement, member=None, weekday=0, start=time(9), end=time(17)):
    with practice_scope(world.practice):
        return services.shift_add(
            practice=world.practice,
            actor=world.admin,
            engagement=engagement,
            membership=member or world.secretary,
            weekday=weekday,
            start=start,
            end=end,
        )


def count(model, world) -> int:
    return model.objects.for_practice(world.practice).count()


# --- Availability --------------------------------------------------------------------------


def test_it_saves_several_windows_a_day_and_replaces_them_on_the_next_save(world):
    save_hours(world, [Window(0, time(8), time(12)), Window(0, time(13), time(17))])
    save_hours(world, [Window(1, time(9), time(0))])
    windows = AvailabilityWindow.objects.for_practice(world.practice)
    assert [(w.weekday, w.start, w.end) for w in windows] == [(1, time(9), time(0))]
    assert StaffAvailability.objects.for_practice(world.practice).get().max_weekly_hours == 30


def test_it_refuses_a_window_that_ends_before_it_starts(world):
    save_hours(world, [Window(0, time(8), time(12))])
    with pytest.raises(ApplicationError) as error:
        save_hours(world, [Window(2, time(17), time(9))])
    assert "ends before it starts" in error.value.errors["windows"][0]
    # Nothing changed: the earlier hours stand.
    assert [w.weekday for w in AvailabilityWindow.objects.for_practice(world.practice)] == [0]


def test_it_refuses_overlapping_windows_on_one_day(world):
    with pytest.raises(ApplicationError) as error:
        save_hours(world, [Window(0, time(8), time(12)), Window(0, time(11), time(15))])
    assert "overlap" in error.value.errors["windows"][0]
    assert count(AvailabilityWindow, world) == 0
    assert count(StaffAvailability, world) == 0


def test_it_refuses_an_unknown_time_zone(world):
    with pytest.raises(ApplicationError) as error:
        save_hours(world, [Window(0, time(8), time(12))], zone="Mars/Olympus_Mons")
    assert "not a known time zone" in error.value.errors["time_zone"][0]
    assert count(AvailabilityWindow, world) == 0


def test_it_refuses_more_hours_than_a_week_has(world):
    with pytest.raises(ApplicationError) as error:
        save_hours(world, [], max_hours=Decimal("200"))
    assert "max_weekly_hours" in error.value.errors


def test_it_refuses_time_off_that_ends_before_it_starts(world):
    with practice_scope(world.practice), pytest.raises(ApplicationError) as error:
        services.time_off_add(
            practice=world.practice,
            membership=world.secretary,
            start_date=date(2026, 5, 4),
            end_date=date(2026, 5, 1),
        )
    assert "end_date" in error.value.errors
    with practice_scope(world.practice), pytest.raises(ApplicationError) as error:
        services.time_off_add(
            practice=world.practice,
            membership=world.secretary,
            start_date=date(2026, 5, 4),
            end_date=date(2026, 5, 4),
            start_time=time(14),
            end_time=time(10),
        )
    assert "end_time" in error.value.errors
    assert count(TimeOff, world) == 0


def test_it_refuses_time_off_in_an_impossible_year(world):
    with practice_scope(world.practice), pytest.raises(ApplicationError) as error:
        services.time_off_add(
            practice=world.practice,
            membership=world.secretary,
            start_date=date(1, 1, 1),
            end_date=date(2026, 5, 1),
        )
    assert "start_date" in error.value.errors


def test_client_contacts_have_no_availability(world):
    with pytest.raises(ApplicationError):
        with practice_scope(world.practice):
            services.availability_save(
                practice=world.practice,
                membership=world.client_contact,
                time_zone="UTC",
                max_weekly_hours=None,
                windows=[],
            )


# --- Shifts --------------------------------------------------------------------------------


def test_it_puts_a_member_on_a_shift(world, engagement):
    shift = add_shift(world, engagement)
    assert (shift.weekday, shift.start, shift.end) == (0, time(9), time(17))


def test_it_refuses_overlapping_shifts_of_one_member_across_zones(world, engagement):
    # Given Monday 09-17 Sydney; a Los Angeles client's Sunday 15:00-19:00 is Monday 09:00-13:00
    # in Sydney while both zones keep their summer or winter time, and overlaps it.
    add_shift(world, engagement)
    other = EngagementFactory(
        practice=world.practice,
        client=ClientFactory(practice=world.practice, name="West Coast"),
        coverage_time_zone="America/Los_Angeles",
    )
    with pytest.raises(ApplicationError) as error:
        add_shift(world, other, weekday=6, start=time(15), end=time(19))
    assert "already works" in error.value.message
    assert count(Shift, world) == 1


def test_it_refuses_a_shift_that_ends_before_it_starts(world, engagement):
    with pytest.raises(ApplicationError) as error:
        add_shift(world, engagement, start=time(17), end=time(9))
    assert "ends before it starts" in error.value.errors["end"][0]
    assert count(Shift, world) == 0


def test_it_refuses_a_shift_on_an_engagement_that_is_not_active(world):
    draft = EngagementFactory(
        practice=world.practice,
        client=ClientFactory(practice=world.practice),
        status=EngagementStatus.DRAFT,
    )
    with pytest.raises(ApplicationError) as error:
        add_shift(world, draft)
    assert "engagement" in error.value.errors


def test_it_refuses_a_member_without_the_regulated_clients_agreement(world):
    client = ClientFactory(
        practice=world.practice, is_regulated=True, specialty=Specialty.MEDICAL, name="Clinic"
    )
    engagement = EngagementFactory(practice=world.practice, client=client)
    with pytest.raises(ApplicationError) as error:
        add_shift(world, engagement)
    assert "must sign this client's Business associate agreement" in error.value.message
    assert count(Shift, world) == 0
    # Once signed, the shift is accepted.
    AgreementFactory(practice=world.practice, client=client, membership=world.secretary)
    assert add_shift(world, engagement).pk


def test_it_refuses_a_replacement_who_is_the_member_or_on_the_wrong_day(world, engagement):
    shift = add_shift(world, engagement)
    with practice_scope(world.practice), pytest.raises(ApplicationError) as error:
        services.shift_exception_set(
            practice=world.practice,
            actor=world.admin,
            shift=shift,
            date=date(2026, 6, 1),
            replacement=world.secretary,
        )
    assert "replacement" in error.value.errors
    with practice_scope(world.practice), pytest.raises(ApplicationError) as error:
        services.shift_exception_set(
            practice=world.practice, actor=world.admin, shift=shift, date=date(2026, 6, 2)
        )
    assert "runs on Monday only" in error.value.errors["date"][0]
    assert count(ShiftException, world) == 0


# --- Rotations -----------------------------------------------------------------------------


def on_call(world):
    client = ClientFactory(practice=world.practice, name="Executive")
    return EngagementFactory(practice=world.practice, client=client, on_call=True, windows=[])


def save_rotation(world, engagement, members):
    with practice_scope(world.practice):
        return services.rotation_save(
            practice=world.practice,
            actor=world.admin,
            engagement=engagement,
            members=members,
            handover_weekday=0,
            handover_time=time(9),
            length_days=7,
            starts_on=date(2026, 1, 5),
        )


def test_it_saves_a_rotation_in_order(world):
    rotation = save_rotation(world, on_call(world), [world.secretary, world.admin])
    assert [m.membership_id for m in rotation.members.all()] == [
        world.secretary.pk,
        world.admin.pk,
    ]


def test_it_refuses_a_rotation_with_nobody(world):
    with pytest.raises(ApplicationError) as error:
        save_rotation(world, on_call(world), [])
    assert "at least one person" in error.value.errors["members"][0]
    assert count(Rotation, world) == 0


def test_it_refuses_a_rotation_with_someone_twice_or_on_an_office_hours_client(world, engagement):
    with pytest.raises(ApplicationError) as error:
        save_rotation(world, on_call(world), [world.secretary, world.secretary])
    assert "once" in error.value.errors["members"][0]
    with pytest.raises(ApplicationError) as error:
        save_rotation(world, engagement, [world.secretary])
    assert "24/7" in error.value.errors["engagement"][0]
    assert count(Rotation, world) == 0


def test_it_refuses_a_rotation_member_without_the_agreement(world):
    engagement = on_call(world)
    engagement.client.is_regulated = True
    engagement.client.save()
    with pytest.raises(ApplicationError) as error:
        save_rotation(world, engagement, [world.secretary])
    assert "must sign" in error.value.errors["members"][0]
    assert count(Rotation, world) == 0
