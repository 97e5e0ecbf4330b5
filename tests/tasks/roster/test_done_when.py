"""The roster end to end on the demo data: the Thursday gap, a removed shift showing up in the
roster and in the engagement builder, and a portal request routed to whoever is on duty."""

from datetime import datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Engagement, EngagementStatus
from clients.services import engagement_revise
from secretary.demo import seed_demo
from secretary.tenancy import practice_scope
from tasks.roster import selectors, services
from tasks.roster.demo import ON_CALL_CLIENT, SYDNEY_HOURS_CLIENT
from tasks.roster.gaps import UNCOVERED
from tasks.roster.models import RosterSettings, Shift
from tasks.roster.routing import suggested_member
from tasks.services import task_request_submit
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SYDNEY = ZoneInfo("Australia/Sydney")


def this_week() -> tuple[datetime, datetime]:
    today = timezone.now().astimezone(SYDNEY).date()
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, time(0), tzinfo=SYDNEY)
    return start, start + timedelta(days=7)


def gaps_of(practice, name, start, end):
    entries = selectors.rosters(practice=practice, start=start, end=end)
    (entry,) = [e for e in entries if e.client.name == name]
    return entry.gaps


@pytest.fixture
def demo():
    return seed_demo()


def test_the_demo_roster_has_exactly_the_thursday_gap(demo):
    start, end = this_week()
    gaps = gaps_of(demo.practice, SYDNEY_HOURS_CLIENT, start, end)
    thursday = start.date() + timedelta(days=3)
    assert [(g.start, g.end, g.reason) for g in gaps] == [
        (
            datetime.combine(thursday, time(9), tzinfo=SYDNEY),
            datetime.combine(thursday, time(17), tzinfo=SYDNEY),
            UNCOVERED,
        )
    ]
    # The 24/7 client is covered around the clock by its rotation.
    assert gaps_of(demo.practice, ON_CALL_CLIENT, start, end) == []
    # Next week the secretary is on leave: their shifts go to the other person, so the
    # Thursday is still the only gap.
    next_gaps = gaps_of(demo.practice, SYDNEY_HOURS_CLIENT, end, end + timedelta(days=7))
    assert [g.start.astimezone(SYDNEY).weekday() for g in next_gaps] == [3]


def test_a_removed_shift_makes_a_gap_the_engagement_builder_reports(demo):
    practice = demo.practice
    start, end = this_week()
    office = Engagement.objects.for_practice(practice).get(
        client__name=SYDNEY_HOURS_CLIENT, status=EngagementStatus.ACTIVE
    )
    # When the Friday shift is removed
    friday = Shift.objects.for_practice(practice).get(engagement=office, weekday=4)
    with practice_scope(practice):
        services.shift_remove(practice=practice, actor=demo.owner, shift=friday)
    # Then the roster shows a second gap, on Friday
    gaps = gaps_of(practice, SYDNEY_HOURS_CLIENT, start, end)
    assert [g.start.astimezone(SYDNEY).weekday() for g in gaps] == [3, 4]
    # And a new version of the engagement, opened in the builder, lists Friday as open
    with practice_scope(practice):
        draft = engagement_revise(practice=practice, actor=demo.owner, engagement=office)
    page = client_for(demo.owner.user).get(
        reverse("engagement_edit", args=[practice.slug, draft.pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    unrostered = html.split('id="staffing-unrostered"')[1].split("</ul>")[0]
    assert "Thu" in unrostered and "Fri" in unrostered
    assert "Mon" not in unrostered and "Tue" not in unrostered


@pytest.mark.parametrize("auto_assign", [False, True])
def test_a_request_during_a_shift_goes_to_the_member_on_duty(demo, auto_assign):
    practice = demo.practice
    client = Client.objects.for_practice(practice).get(name=SYDNEY_HOURS_CLIENT)
    # The owner (on the Friday shift) is not the client's primary secretary.
    assert client.primary_secretary_id == demo.secretary.pk
    RosterSettings.objects.create(practice=practice, auto_assign_requests=auto_assign)
    start, _end = this_week()
    friday_noon = datetime.combine(start.date() + timedelta(days=4), time(12), tzinfo=SYDNEY)
    with practice_scope(practice):
        duty = selectors.on_duty_for(practice=practice, client=client, at=friday_noon)
    assert duty.is_now and duty.member == demo.owner
    # A request filed at that moment (the clock set to it) is suggested to the member on duty,
    # or assigned to them when the practice routes by the roster.
    contact = client.contacts.filter(membership=demo.client_contact).get()
    with mock.patch("django.utils.timezone.now", return_value=friday_noon):
        with practice_scope(practice):
            task = task_request_submit(
                practice=practice,
                contact=contact,
                membership=demo.client_contact,
                subject="Call the court registry",
            )
            suggested = suggested_member(practice=practice, client=client, at=friday_noon)
    assert suggested == demo.owner
    assert task.assignee == (demo.owner if auto_assign else demo.secretary)
