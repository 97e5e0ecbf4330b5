"""The practice's own settings, and dates typed in its style in every form."""

from datetime import date

import pytest
from django.urls import reverse

from clients.models import EngagementStatus
from secretary.date_inputs import iso_date, iso_time
from secretary.models import ActivityEvent, Practice
from tests.clients.factories import ClientFactory, EngagementFactory

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


SETTINGS = {"name": "Harbour Desk", "time_zone": "Europe/London", "currency": "AUD"}


def test_an_admin_changes_the_practice_and_the_log_keeps_what_changed(world, admin_client_):
    response = admin_client_.post(
        url(world, "practice_settings"), {**SETTINGS, "date_style": "mdy"}
    )
    assert response.status_code == 302
    practice = Practice.objects.get(pk=world.practice.pk)
    assert (practice.time_zone, practice.date_style) == ("Europe/London", "mdy")
    event = ActivityEvent.objects.for_practice(practice).get(verb="practice.settings_changed")
    assert event.data["date_style"] == ["dmy", "mdy"]


def test_bad_settings_are_refused_and_nothing_changes(world, admin_client_):
    response = admin_client_.post(
        url(world, "practice_settings"),
        {**SETTINGS, "time_zone": "Mars/Olympus", "date_style": "dym"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"time_zone", "date_style"}
    assert Practice.objects.get(pk=world.practice.pk).date_style == "dmy"


def test_only_owners_and_admins_open_the_settings(
    world, secretary_client, contact_client, outsider_client, owner_client
):
    assert owner_client.get(url(world, "practice_settings")).status_code == 200
    assert secretary_client.get(url(world, "practice_settings")).status_code == 403
    assert contact_client.get(url(world, "practice_settings")).status_code == 404
    assert outsider_client.get(url(world, "practice_settings")).status_code == 404


@pytest.mark.parametrize(
    ("style", "shown", "typed"),
    [
        ("dmy", "01/02/2025", "3/2/2025"),
        ("mdy", "02/01/2025", "2/3/2025"),
        ("ymd", "2025-02-01", "2025/2/3"),
    ],
)
def test_forms_show_and_read_dates_in_the_practice_style(
    world, secretary_client, style, shown, typed
):
    world.practice.date_style = style
    world.practice.save()
    client = ClientFactory(practice=world.practice, currency="AUD")
    draft = EngagementFactory(
        client=client, status=EngagementStatus.DRAFT, start_date=date(2025, 2, 1)
    )
    page = secretary_client.get(url(world, "engagement_edit", engagement_id=draft.pk))
    html = page.content.decode()
    # A text input in the practice's order, never the browser's date picker
    assert f'type="text" name="start_date" value="{shown}"' in html
    assert 'type="date"' not in html
    form = page.context["form"]
    data = {name: form[name].value() for name in ("title", "billing_model", "monthly_fee")}
    response = secretary_client.post(
        url(world, "engagement_edit", engagement_id=draft.pk),
        {
            **{k: v for k, v in data.items() if v is not None},
            "included_hours": "20",
            "hourly_rate": "60",
            "overage_rate": "75",
            "rollover_max_hours": "0",
            "coverage_time_zone": "Australia/Sydney",
            "response_target_hours": "4",
            "start_date": typed,
            "rounding_minutes": "0",
            "rush_multiplier": "1",
            "after_hours_multiplier": "1",
            "alert_threshold_percent": "80",
            "windows": "Mon-Fri 09:00-17:00",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert draft.start_date == date(2025, 2, 3)


def test_typed_dates_and_times_are_read_in_every_usual_way():
    assert iso_date("30/11/2026", "dmy") == "2026-11-30"
    assert iso_date("11/30/2026", "mdy") == "2026-11-30"
    assert iso_date("30.11.26", "dmy") == "2026-11-30"
    assert iso_date("2026-11-30", "mdy") == "2026-11-30"  # ISO whatever the style
    assert iso_date("30 Nov 2026", "dmy") == "30 Nov 2026"  # not a date it reads: the field says
    assert iso_time("9") == "09:00" and iso_time("9.30") == "09:30"
    assert iso_time("2:30 pm") == "14:30" and iso_time("12 am") == "00:00"
    assert iso_time("13 pm") == "13 pm"


def _event(client, **times):
    return {
        "client": client.pk,
        "kind": "call",
        "title": "Board call",
        "time_zone": "Australia/Sydney",
        **times,
    }


def test_a_date_and_time_typed_apart_are_read_in_the_events_zone(world, secretary_client):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tasks.models import CalendarEvent

    client = ClientFactory(practice=world.practice, primary_secretary=world.secretary)
    response = secretary_client.post(
        url(world, "event_new"),
        _event(
            client,
            starts_at_0="18/03/2030",
            starts_at_1="9",
            ends_at_0="18/03/2030",
            ends_at_1="10:30",
            secretary=world.secretary.pk,
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    event = CalendarEvent.objects.for_practice(world.practice).get()
    sydney = ZoneInfo("Australia/Sydney")
    assert event.starts_at == datetime(2030, 3, 18, 9, 0, tzinfo=sydney)
    assert event.ends_at == datetime(2030, 3, 18, 10, 30, tzinfo=sydney)


def test_a_date_the_form_cannot_read_is_a_field_error(world, secretary_client):
    from tasks.models import CalendarEvent

    client = ClientFactory(practice=world.practice, primary_secretary=world.secretary)
    response = secretary_client.post(
        url(world, "event_new"),
        _event(
            client,
            starts_at_0="31/02/2030",
            starts_at_1="09:00",
            ends_at_0="18/03/2030",
            ends_at_1="",
            secretary=world.secretary.pk,
        ),
    )
    errors = response.context["form"].errors
    assert "starts_at" in errors and "ends_at" in errors
    assert not CalendarEvent.objects.for_practice(world.practice).exists()
    # What was typed is shown again to be fixed
    assert 'name="starts_at_0" value="31/02/2030"' in response.content.decode()
