"""Coverage windows edited on a weekly grid (days × from/to on a 24-hour clock), and the terms
each billing model shows."""

import re
from datetime import time

import pytest
from django.urls import reverse

from clients.coverage import Window
from clients.coverage_widget import WeeklyWindowsWidget
from clients.models import EngagementStatus
from tests.clients.factories import EngagementFactory
from tests.clients.test_views_engagements import TERMS

pytestmark = pytest.mark.django_db


def url(name, world, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


@pytest.fixture
def draft(world, northwind):
    return EngagementFactory(client=northwind, status=EngagementStatus.DRAFT, weekdays=range(5))


def grid_terms(**spans):
    """The engagement form as the grid posts it: ``spans`` like ``{"0-0": ("09:00", "17:00")}``."""
    data = {key: value for key, value in TERMS.items() if key != "windows"}
    for key, (start, end) in spans.items():
        data[f"windows-{key}-start"], data[f"windows-{key}-end"] = start, end
    return data


def test_the_grid_shows_the_stored_windows_a_row_a_day(world, draft, secretary_client):
    html = secretary_client.get(url("engagement_edit", world, engagement_id=draft.pk)).content
    html = html.decode()
    assert 'name="windows-0-0-start" id="id_windows-0-0-start" value="09:00"' in html
    assert 'name="windows-4-0-end" id="id_windows-4-0-end" value="17:00"' in html
    assert 'name="windows-5-0-start" id="id_windows-5-0-start" value=""' in html
    # Each day offers a second span for a split shift; times are typed on a 24-hour clock
    assert 'name="windows-0-1-start"' in html and 'type="time"' not in html


def test_a_split_shift_and_a_weekend_morning_are_saved_from_the_grid(
    world, draft, secretary_client
):
    response = secretary_client.post(
        url("engagement_edit", world, engagement_id=draft.pk),
        grid_terms(**{"0-0": ("9:00", "12:00"), "0-1": ("13:00", "17:30"), "5-0": ("10", "24:00")}),
    )
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert list(draft.coverage().windows) == [
        Window(0, time(9), time(12)),
        Window(0, time(13), time(17, 30)),
        Window(5, time(10), time(0)),
    ]


def test_a_span_missing_its_end_is_named_and_kept_as_typed(world, draft, secretary_client):
    response = secretary_client.post(
        url("engagement_edit", world, engagement_id=draft.pk),
        grid_terms(**{"1-0": ("09:00", ""), "2-0": ("08:00", "18:00")}),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["windows"]
    assert errors == ["“Tue 09:00-?” is not a coverage rule; write it like “Mon-Fri 09:00-17:00”."]
    html = response.content.decode()
    # What was typed is still there to fix, and nothing was saved
    assert 'name="windows-1-0-start" id="id_windows-1-0-start" value="09:00"' in html
    assert 'name="windows-2-0-end" id="id_windows-2-0-end" value="18:00"' in html
    draft.refresh_from_db()
    assert len(draft.coverage().windows) == 5


def test_the_preview_reads_the_grid(world, draft, secretary_client):
    response = secretary_client.post(
        url("engagement_edit", world, engagement_id=draft.pk),
        {**grid_terms(**{"6-0": ("10:00", "11:00")}), "preview": "1"},
    )
    assert response.status_code == 200 and not response.context["problems"]
    assert response.context["grids"]


def test_the_widget_reads_text_as_well_as_the_grid():
    widget = WeeklyWindowsWidget()
    assert widget.value_from_datadict({"windows": "Mon-Fri 09:00-17:00"}, {}, "windows") == (
        "Mon-Fri 09:00-17:00"
    )
    posted = {"windows-3-0-start": "07:00", "windows-3-0-end": "15:00"}
    assert widget.value_from_datadict(posted, {}, "windows") == "Thu 07:00-15:00"
    assert widget.value_omitted_from_data({}, {}, "windows")
    assert not widget.value_omitted_from_data(posted, {}, "windows")


def test_each_billing_model_shows_its_own_terms(world, draft, admin_client_, secretary_client):
    html = secretary_client.get(url("engagement_edit", world, engagement_id=draft.pk)).content
    html = html.decode()
    assert shown_for(html, "monthly_fee") == "billing_model:retainer block"
    assert shown_for(html, "overage_rate") == "billing_model:retainer block"
    assert shown_for(html, "rollover_max_hours") == "billing_model:retainer"
    # The hourly rate counts under every model (surcharges multiply it)
    assert shown_for(html, "hourly_rate") is None
    plan_form = admin_client_.get(url("plan_create", world)).content.decode()
    assert shown_for(plan_form, "included_hours") == "billing_model:retainer block"


def shown_for(html: str, name: str) -> str | None:
    """The ``data-shown-for`` of the field wrapper around input ``name``."""
    match = re.search(
        r'<div class="field"(?: data-shown-for="([^"]+)")?>\s*<label for="id_' + name + '"', html
    )
    assert match, name
    return match.group(1)
