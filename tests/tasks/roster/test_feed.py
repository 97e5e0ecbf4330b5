"""A member's private calendar feed carries their shifts and on-call turns."""

from datetime import date, time

import pytest

from secretary.tenancy import practice_scope
from tasks.events import feed_body
from tasks.roster.models import Rotation, RotationMember, Shift
from tests.tasks.factories import ClientFactory, EngagementFactory

pytestmark = pytest.mark.django_db


def test_the_members_feed_lists_their_shifts_in_the_coverage_zone(world):
    office = EngagementFactory(
        practice=world.practice, client=ClientFactory(practice=world.practice, name="Northwind")
    )
    Shift.objects.create(
        practice=world.practice,
        engagement=office,
        membership=world.secretary,
        weekday=3,
        start=time(9),
        end=time(17),
    )
    night = EngagementFactory(
        practice=world.practice,
        client=ClientFactory(practice=world.practice, name="Nightjar"),
        on_call=True,
    )
    rotation = Rotation.objects.create(
        practice=world.practice,
        engagement=night,
        handover_weekday=0,
        handover_time=time(9),
        length_days=7,
        starts_on=date(2026, 1, 5),
    )
    for position, member in enumerate((world.admin, world.secretary)):
        RotationMember.objects.create(
            practice=world.practice, rotation=rotation, membership=member, position=position
        )
    with practice_scope(world.practice):
        secretary_feed = feed_body(practice=world.practice, membership=world.secretary).decode()
        owner_feed = feed_body(practice=world.practice, membership=world.owner).decode()
    unfolded = secretary_feed.replace("\r\n ", "")
    assert unfolded.count("SUMMARY:Shift: Northwind") >= 8  # a Thursday a week, 8 weeks
    assert "DTSTART;TZID=Australia/Sydney:" in unfolded
    assert "T090000" in unfolded
    assert "SUMMARY:On call: Nightjar" in unfolded
    assert "SUMMARY:Backup on call: Nightjar" in unfolded
    assert "Northwind" not in owner_feed and "Nightjar" not in owner_feed
