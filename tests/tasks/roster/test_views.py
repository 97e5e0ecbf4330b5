"""Roster pages: the week, my hours and time off, the engagement's roster, capacity."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.roster.models import AvailabilityWindow, Shift, StaffAvailability, TimeOff
from tests.tasks.factories import ClientFactory, EngagementFactory

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def rostered_client(world, name="Harbour Dental", weekdays=range(5)):
    client = ClientFactory(practice=world.practice, name=name, status="active")
    engagement = EngagementFactory(practice=world.practice, client=client)
    for day in weekdays:
        Shift.objects.create(
            practice=world.practice,
            engagement=engagement,
            membership=world.secretary,
            weekday=day,
            start=time(9),
            end=time(17),
        )
    return engagement


def test_it_checks_ownership(world, secretary_client, contact_client, outsider_client):
    engagement = rostered_client(world)
    edit = url(world, "roster_edit", engagement_id=engagement.pk)
    assert outsider_client.get(url(world, "roster_week")).status_code == 404
    assert contact_client.get(url(world, "roster_week")).status_code == 404
    assert contact_client.get(url(world, "roster_my_hours")).status_code == 404
    # Secretaries see the roster and set their hours; owners and admins edit it.
    assert secretary_client.get(url(world, "roster_week")).status_code == 200
    assert secretary_client.get(url(world, "roster_my_hours")).status_code == 200
    assert secretary_client.get(edit).status_code == 403
    assert secretary_client.get(url(world, "roster_capacity")).status_code == 403
    other = EngagementFactory(client=ClientFactory(practice=world.other_practice))
    assert outsider_client.get(edit).status_code == 404
    from tests.conftest import client_for

    admin = client_for(world.admin.user)
    assert admin.get(url(world, "roster_edit", engagement_id=other.pk)).status_code == 404


def test_the_week_shows_shifts_and_the_thursday_gap(world, secretary_client):
    rostered_client(world, weekdays=[0, 1, 2, 4])
    world.secretary.user.time_zone = "Australia/Sydney"
    world.secretary.user.save()
    page = secretary_client.get(url(world, "roster_week"), {"week": "2026-07-13"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Harbour Dental" in html
    assert html.count('class="roster-gap"') == 2  # the block on the track and its line
    assert "Nobody on duty" in html
    # An HTMX move to the next week answers the grid alone.
    part = secretary_client.get(
        url(world, "roster_week"), {"week": "2026-07-20"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in part.content.decode()
    assert 'id="roster-week"' in part.content.decode()


def test_a_bad_week_falls_back_to_this_week(world, secretary_client):
    for week in ("not-a-date", "0001-01-01", "9999-12-31"):
        assert secretary_client.get(url(world, "roster_week"), {"week": week}).status_code == 200


def test_the_week_costs_the_same_queries_for_two_clients_or_twelve(world, secretary_client):
    for n in range(2):
        rostered_client(world, name=f"Client {n}", weekdays=[n])
    page = url(world, "roster_week")
    secretary_client.get(page)
    with CaptureQueriesContext(connection) as few:
        assert secretary_client.get(page).status_code == 200
    for n in range(2, 12):
        rostered_client(world, name=f"Client {n}", weekdays=[n % 7])
    with CaptureQueriesContext(connection) as many:
        assert secretary_client.get(page).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_my_hours_saves_the_grid(world, secretary_client):
    response = secretary_client.post(
        url(world, "roster_my_hours"),
        {
            "time_zone": "Australia/Sydney",
            "max_weekly_hours": "30",
            "d0_0_start": "08:00",
            "d0_0_end": "12:00",
            "d0_1_start": "13:00",
            "d0_1_end": "17:00",
            "d4_0_start": "18:00",
            "d4_0_end": "00:00",
        },
    )
    assert response.status_code == 302
    windows = AvailabilityWindow.objects.for_practice(world.practice)
    assert [(w.weekday, w.start, w.end) for w in windows] == [
        (0, time(8), time(12)),
        (0, time(13), time(17)),
        (4, time(18), time(0)),
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"d0_0_start": "12:00", "d0_0_end": "08:00"}, "ends before it starts"),
        (
            {
                "d0_0_start": "08:00",
                "d0_0_end": "12:00",
                "d0_1_start": "11:00",
                "d0_1_end": "13:00",
            },
            "overlap",
        ),
        ({"d0_0_start": "08:00"}, "Give both the start and the end"),
        ({"time_zone": "Mars/Base"}, "not a known time zone"),
        ({"d2_0_start": "25:00", "d2_0_end": "26:00"}, "Enter a valid time"),
    ],
)
def test_my_hours_refuses_bad_input_and_saves_nothing(world, secretary_client, fields, message):
    data = {"time_zone": "Europe/London", **fields}
    response = secretary_client.post(url(world, "roster_my_hours"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AvailabilityWindow.objects.for_practice(world.practice).exists()
    assert not StaffAvailability.objects.for_practice(world.practice).exists()


def test_time_off_is_added_and_bad_dates_are_refused(world, secretary_client):
    added = secretary_client.post(
        url(world, "roster_time_off_add"),
        {"start_date": "2026-12-24", "end_date": "2026-12-26", "note": "Christmas"},
    )
    assert added.status_code == 302
    refused = secretary_client.post(
        url(world, "roster_time_off_add"), {"start_date": "2026-12-24", "end_date": "2026-12-20"}
    )
    assert refused.status_code == 400
    assert "ends before it starts" in refused.content.decode()
    assert TimeOff.objects.for_practice(world.practice).count() == 1


def test_an_admin_adds_and_removes_a_shift(world):
    from tests.conftest import client_for

    admin = client_for(world.admin.user)
    engagement = rostered_client(world, weekdays=[])
    page = url(world, "roster_edit", engagement_id=engagement.pk)
    response = admin.post(
        page,
        {
            "action": "shift",
            "shift-membership": world.secretary.pk,
            "shift-weekday": 3,
            "shift-start": "09:00",
            "shift-end": "17:00",
        },
    )
    assert response.status_code == 302
    shift = Shift.objects.for_practice(world.practice).get()
    assert shift.weekday == 3
    overlapping = admin.post(
        page,
        {
            "action": "shift",
            "shift-membership": world.secretary.pk,
            "shift-weekday": 3,
            "shift-start": "16:00",
            "shift-end": "18:00",
        },
    )
    assert overlapping.status_code == 400
    assert "already works" in overlapping.content.decode()
    removed = admin.post(url(world, "roster_shift_remove", shift_id=shift.pk))
    assert removed.status_code == 302
    assert not Shift.objects.for_practice(world.practice).exists()


def test_capacity_lists_people_and_the_practice(world):
    from tests.conftest import client_for

    rostered_client(world)
    page = client_for(world.admin.user).get(url(world, "roster_capacity"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "40.00" in html  # the secretary's five eight-hour shifts


def test_the_task_page_names_who_is_on_duty_for_the_client(world, secretary_client):
    from datetime import date

    from tasks.roster.models import Rotation, RotationMember
    from tests.tasks.factories import TaskFactory

    # Given a 24/7 client whose only rotation member is the admin (on duty at any hour)
    client = ClientFactory(practice=world.practice, name="Nightjar", status="active")
    engagement = EngagementFactory(practice=world.practice, client=client, on_call=True)
    rotation = Rotation.objects.create(
        practice=world.practice,
        engagement=engagement,
        handover_weekday=0,
        handover_time=time(9),
        length_days=7,
        starts_on=date(2026, 1, 5),
    )
    RotationMember.objects.create(
        practice=world.practice, rotation=rotation, membership=world.admin, position=0
    )
    task = TaskFactory(practice=world.practice, client=client, assignee=world.secretary)
    page = secretary_client.get(url(world, "task_detail", task_id=task.pk))
    assert f"On duty for this client: {world.admin.user}" in page.content.decode()
