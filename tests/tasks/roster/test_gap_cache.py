"""The gaps of every engagement, kept per week in the cache (``selectors.gap_rows``): the same
gaps as ``selectors.rosters`` over any range, and a new version after each write they read."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from clients.coverage import Window
from clients.models import Client, CoverageWindow
from secretary.tenancy import practice_scope
from tasks.roster import cache as roster_cache
from tasks.roster import selectors, services
from tasks.roster.gaps import UNAVAILABLE, UNCOVERED
from tasks.roster.models import (
    AvailabilityWindow,
    Rotation,
    RotationMember,
    Shift,
    ShiftException,
    StaffAvailability,
    TimeOff,
)
from tests.tasks.factories import ClientFactory, EngagementFactory

pytestmark = pytest.mark.django_db

# A Wednesday, so the two weeks ahead touch three UTC weeks.
START = datetime(2026, 7, 15, 10, 30, tzinfo=UTC)
END = START + timedelta(days=14)


def shift(world, engagement, weekday, member=None, start=time(9), end=time(17)):
    return Shift.objects.create(
        practice=world.practice,
        engagement=engagement,
        membership=member or world.secretary,
        weekday=weekday,
        start=start,
        end=end,
    )


def rostered(world, name, zone="Australia/Sydney", weekdays=range(5), **extra):
    client = ClientFactory(practice=world.practice, name=name, status="active")
    engagement = EngagementFactory(
        practice=world.practice, client=client, coverage_time_zone=zone, **extra
    )
    for day in weekdays:
        shift(world, engagement, day)
    return engagement


def cached(world, start=START, end=END):
    with practice_scope(world.practice):
        return [
            (r.start, r.end, r.reason, r.client_name, r.engagement_id)
            for r in selectors.gap_rows(practice=world.practice, start=start, end=end)
        ]


def from_rosters(world, start=START, end=END):
    with practice_scope(world.practice):
        entries = selectors.rosters(practice=world.practice, start=start, end=end)
    found = [
        (gap.start, gap.end, gap.reason, entry.client.name, entry.engagement.pk)
        for entry in entries
        for gap in entry.gaps
    ]
    clients = {entry.engagement.pk: entry.client.pk for entry in entries}
    return sorted(found, key=lambda row: (row[0], clients[row[4]], row[4]))


def committed(django_capture_on_commit_callbacks):
    """Run the writes' after-commit work, as their transaction's commit would."""
    return django_capture_on_commit_callbacks(execute=True)


def settle():
    """What the commit of the data set up so far would do for the roster (the test's own
    transaction never commits): the practice's new version, nothing pending."""
    for callback in list(getattr(connection, roster_cache._PENDING, {}).values()):
        callback()


@pytest.fixture
def varied(world):
    """Engagements in three zones, a Thursday nobody covers, a member keeping office hours,
    time off, an exception and an on-call rotation."""
    sydney = rostered(world, "Sydney office", weekdays=[0, 1, 2, 4])
    york = rostered(world, "New York desk", zone="America/New_York")
    london = rostered(world, "London chambers", zone="Europe/London", weekdays=[0, 1, 3, 4])
    # The admin works 10:00-16:00 London time on weekdays, and covers London's Wednesday.
    StaffAvailability.objects.create(
        practice=world.practice, membership=world.admin, time_zone="Europe/London"
    )
    for day in range(5):
        AvailabilityWindow.objects.create(
            practice=world.practice,
            membership=world.admin,
            weekday=day,
            start=time(10),
            end=time(16),
        )
    shift(world, london, 2, member=world.admin)
    TimeOff.objects.create(
        practice=world.practice,
        membership=world.secretary,
        start_date=date(2026, 7, 21),
        end_date=date(2026, 7, 21),
        start_time=time(13),
    )
    tuesday = Shift.objects.for_practice(world.practice).get(engagement=york, weekday=1)
    ShiftException.objects.create(
        practice=world.practice, shift=tuesday, date=date(2026, 7, 21), replacement=None
    )
    on_call = EngagementFactory(
        practice=world.practice,
        client=ClientFactory(practice=world.practice, name="Night desk", status="active"),
        on_call=True,
        coverage_time_zone="America/Los_Angeles",
        windows=[],
    )
    rotation = Rotation.objects.create(
        practice=world.practice,
        engagement=on_call,
        handover_weekday=0,
        handover_time=time(9),
        length_days=7,
        starts_on=date(2026, 7, 6),
    )
    RotationMember.objects.create(
        practice=world.practice, rotation=rotation, membership=world.secretary, position=0
    )
    settle()
    return {"sydney": sydney, "york": york, "london": london, "on_call": on_call}


# --- The same gaps ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (START, END),
        (datetime(2026, 7, 13, tzinfo=UTC), datetime(2026, 7, 20, tzinfo=UTC)),  # one UTC week
        (datetime(2026, 7, 19, 23, 59, tzinfo=UTC), datetime(2026, 7, 20, 0, 1, tzinfo=UTC)),
        # Sydney springs forward on 4 October, New York and Los Angeles fall back on 1 November.
        (datetime(2026, 9, 28, 5, tzinfo=UTC), datetime(2026, 10, 28, 5, tzinfo=UTC)),
        (datetime(2026, 10, 20, tzinfo=UTC), datetime(2026, 11, 10, 12, tzinfo=UTC)),
    ],
)
def test_the_cached_gaps_are_those_of_the_rosters(world, varied, start, end):
    expected = from_rosters(world, start, end)
    # Computed (and stored) once, then read from the cache: the same gaps both times.
    assert cached(world, start, end) == expected
    assert cached(world, start, end) == expected


def test_the_test_data_has_gaps_of_every_kind(world, varied):
    found = cached(world)
    reasons = {(row[3], row[2]) for row in found}
    assert ("Sydney office", UNCOVERED) in reasons  # Thursdays
    assert ("Sydney office", UNAVAILABLE) in reasons  # the afternoon off
    assert ("New York desk", UNCOVERED) in reasons  # the Tuesday taken off the roster
    assert ("London chambers", UNAVAILABLE) in reasons  # before 10:00 and after 16:00
    # On call around the clock, but for the afternoon the only member of the rotation is off.
    assert {row[2] for row in found if row[3] == "Night desk"} == {UNAVAILABLE}
    assert found == sorted(found, key=lambda row: row[0])


def test_a_gap_across_the_end_of_a_utc_week_stays_one_gap(world):
    # Sunday 20:00 to Monday 04:00 in London (UTC+1 in July): 19:00 to 03:00 UTC, over
    # the end of the UTC week.
    engagement = EngagementFactory(
        practice=world.practice,
        client=ClientFactory(practice=world.practice, name="Night shift", status="active"),
        coverage_time_zone="Europe/London",
        windows=[(6, time(20), time(0)), (0, time(0), time(4))],
    )
    assert engagement.pk
    settle()
    start = datetime(2026, 7, 18, tzinfo=UTC)
    found = cached(world, start, start + timedelta(days=3))
    assert [(row[0], row[1]) for row in found] == [
        (datetime(2026, 7, 19, 19, tzinfo=UTC), datetime(2026, 7, 20, 3, tzinfo=UTC))
    ]
    assert found == from_rosters(world, start, start + timedelta(days=3))


def test_a_second_read_asks_nothing_of_the_database(world, varied):
    first = cached(world)
    inside = (START + timedelta(days=1), END - timedelta(days=1))
    with CaptureQueriesContext(connection) as queries:
        assert cached(world) == first
        assert cached(world, *inside) == [
            (max(a, inside[0]), min(b, inside[1]), *rest)
            for a, b, *rest in first
            if b > inside[0] and a < inside[1]
        ]
    assert queries.captured_queries == []


# --- A new version after each write ----------------------------------------------------------


def test_rows_written_around_the_models_stay_cached_until_the_version_changes(world, varied):
    # Proof that reads come from the cache: a queryset update sends no signal...
    before = cached(world)
    Shift.objects.for_practice(world.practice).filter(engagement=varied["sydney"]).update(weekday=5)
    assert cached(world) == before
    # ...and a new version makes the next read compute afresh.
    roster_cache.bump(world.practice.pk)
    settle()
    assert not roster_cache.pending(world.practice.pk)
    assert cached(world) == from_rosters(world) != before


def write_shift_removal(world, varied):
    friday = Shift.objects.for_practice(world.practice).get(engagement=varied["sydney"], weekday=4)
    services.shift_remove(practice=world.practice, actor=world.owner, shift=friday)


def write_shift_added(world, varied):
    services.shift_add(
        practice=world.practice,
        actor=world.owner,
        engagement=varied["sydney"],
        membership=world.owner,
        weekday=3,
        start=time(9),
        end=time(17),
    )


def write_exception(world, varied):
    monday = Shift.objects.for_practice(world.practice).get(engagement=varied["york"], weekday=0)
    services.shift_exception_set(
        practice=world.practice, actor=world.owner, shift=monday, date=date(2026, 7, 20)
    )


def write_time_off(world, varied):
    services.time_off_add(
        practice=world.practice,
        membership=world.secretary,
        start_date=date(2026, 7, 16),
        end_date=date(2026, 7, 17),
        actor=world.secretary,
    )


def write_availability(world, varied):
    services.availability_save(
        practice=world.practice,
        membership=world.secretary,
        time_zone="Australia/Sydney",
        max_weekly_hours=Decimal(30),
        windows=[Window(day, time(9), time(12)) for day in range(5)],
    )


def write_rotation_removed(world, varied):
    rotation = Rotation.objects.for_practice(world.practice).get(engagement=varied["on_call"])
    services.rotation_remove(practice=world.practice, actor=world.owner, rotation=rotation)


def write_rotation_members(world, varied):
    services.rotation_save(
        practice=world.practice,
        actor=world.owner,
        engagement=varied["on_call"],
        members=[world.secretary, world.admin],
        handover_weekday=2,
        handover_time=time(18),
        length_days=1,
        starts_on=date(2026, 7, 1),
    )


def write_coverage(world, varied):
    CoverageWindow.objects.for_practice(world.practice).filter(
        engagement=varied["york"], weekday=0
    ).get().delete()
    CoverageWindow.objects.create(
        practice=world.practice,
        engagement=varied["york"],
        weekday=5,
        start=time(8),
        end=time(12),
    )


def write_engagement_ended(world, varied):
    engagement = varied["sydney"]
    engagement.status = "ended"
    engagement.save()


def write_client_renamed(world, varied):
    client = Client.objects.for_practice(world.practice).get(pk=varied["sydney"].client_id)
    client.name = "Sydney office (Pitt St)"
    client.save()


def write_zone_of_a_member(world, varied):
    # The secretary declared no availability: their time off is on their own clock.
    user = world.secretary.user
    user.time_zone = "America/Los_Angeles"
    user.save(update_fields=["time_zone"])


WRITES = [
    write_shift_removal,
    write_shift_added,
    write_exception,
    write_time_off,
    write_availability,
    write_rotation_removed,
    write_rotation_members,
    write_coverage,
    write_engagement_ended,
    write_client_renamed,
    write_zone_of_a_member,
]


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__[6:] for w in WRITES])
def test_each_write_the_gaps_read_renews_the_version(
    world, varied, write, django_capture_on_commit_callbacks
):
    before = cached(world)
    token = roster_cache.version(world.practice.pk)
    with practice_scope(world.practice):
        with committed(django_capture_on_commit_callbacks) as callbacks:
            write(world, varied)
            # Until the commit, the writer reads its own writes around the cache.
            assert roster_cache.pending(world.practice.pk)
            assert cached(world) == from_rosters(world)
            assert roster_cache.version(world.practice.pk) == token
    assert callbacks  # the commit renews the version
    assert not roster_cache.pending(world.practice.pk)
    assert roster_cache.version(world.practice.pk) != token
    after = cached(world)
    assert after == from_rosters(world)
    assert after != before  # every write above changes the gaps


def test_a_rolled_back_write_leaves_the_cache_as_it_was(world, varied):
    before = cached(world)
    token = roster_cache.version(world.practice.pk)
    with practice_scope(world.practice):
        with pytest.raises(RuntimeError), transaction.atomic():
            write_shift_removal(world, varied)
            assert cached(world) != before  # its own write, read around the cache
            raise RuntimeError
    assert not roster_cache.pending(world.practice.pk)
    assert roster_cache.version(world.practice.pk) == token
    assert cached(world) == before == from_rosters(world)


def test_a_write_after_a_rolled_back_one_still_renews_the_version(
    world, varied, django_capture_on_commit_callbacks
):
    """The rolled-back write's renewal went with it: the next write must ask for its own
    (it used to find the old one still listed and commit without renewing)."""
    token = roster_cache.version(world.practice.pk)
    with practice_scope(world.practice):
        with pytest.raises(RuntimeError), transaction.atomic():
            write_shift_removal(world, varied)
            raise RuntimeError
        with committed(django_capture_on_commit_callbacks) as callbacks:
            write_client_renamed(world, varied)
    assert callbacks
    assert roster_cache.version(world.practice.pk) != token
    assert cached(world) == from_rosters(world)


@pytest.mark.parametrize("zone", ["UTC", "Australia/Sydney"])
def test_the_api_writes_the_gaps_as_their_serializer_would(world, varied, zone):
    from django.utils import timezone
    from rest_framework.renderers import JSONRenderer

    from tasks.roster.api import GapSerializer, gaps_data

    with practice_scope(world.practice):
        found = selectors.gap_rows(practice=world.practice, start=START, end=END)
    rows = [
        {
            "client": gap.client_id,
            "client_name": gap.client_name,
            "engagement": gap.engagement_id,
            "start": gap.start,
            "end": gap.end,
            "reason": gap.reason,
        }
        for gap in found
    ]
    assert len(rows) > 5
    with timezone.override(zone):
        expected = JSONRenderer().render(GapSerializer(rows, many=True).data)
        assert JSONRenderer().render(gaps_data(found)) == expected


def test_while_redis_does_not_answer_the_gaps_are_computed_afresh(world, varied, settings):
    # A Redis nobody listens on: the cache falls back to this process's memory, which other
    # processes' writes would not renew.
    settings.CACHES = {
        "default": {
            "BACKEND": "secretary.cache.FallbackRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "KEY_PREFIX": f"roster-down-{world.practice.pk}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    before = cached(world)
    assert not roster_cache.usable()
    Shift.objects.for_practice(world.practice).filter(engagement=varied["sydney"]).update(weekday=5)
    assert cached(world) == from_rosters(world) != before
