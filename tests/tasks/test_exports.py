"""Tasks and time entries of a period taken out as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from django.urls import reverse

from tests.clients.factories import AgreementFactory, ClientFactory
from tests.tasks.factories import TaskFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db


def export(http, world, **params):
    return http.get(reverse("task_export", args=[world.practice.slug]), params)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def books(world):
    """Two clients, one regulated, with time in and around November 2026 (practice zone)."""
    world.practice.time_zone = "Australia/Sydney"
    world.practice.save(update_fields=["time_zone"])
    open_client = ClientFactory(practice=world.practice, name="Open Co")
    secret = ClientFactory(
        practice=world.practice, name="Clinic", is_regulated=True, specialty="medical"
    )
    task = TaskFactory(client=open_client, title="=SUM(A1:A9) letters")
    clinic_task = TaskFactory(client=secret, title="Patient letters")

    def entry(task, when, minutes):
        return TimeEntryFactory(task=task, started_at=when, ended_at=when, minutes=minutes)

    # 1 Nov 00:30 in Sydney is still 31 October in UTC: it belongs to November.
    entry(task, datetime(2026, 10, 31, 13, 30, tzinfo=UTC), 45)
    entry(task, datetime(2026, 11, 15, 1, 0, tzinfo=UTC), 90)
    entry(task, datetime(2026, 12, 1, 0, 0, tzinfo=UTC), 30)  # 1 Dec in Sydney: outside
    entry(clinic_task, datetime(2026, 11, 10, 1, 0, tzinfo=UTC), 60)
    return {"secret": secret}


def test_time_entries_of_a_period_in_the_practice_zone(world, owner_client, books):
    response = export(
        owner_client, world, what="time", start="2026-11-01", end="2026-11-30", format="csv"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert rows[0][:3] == ["Entry", "Client", "Task"]
    # The regulated client's time stays out for an owner without its agreement
    assert [(row[1], row[5], row[7], row[8]) for row in rows[1:]] == [
        ("Open Co", "2026-11-01 00:30", "45", "0.75"),
        ("Open Co", "2026-11-15 12:00", "90", "1.50"),
    ]
    # And the task title that looks like a formula is defused
    assert rows[1][3] == "'=SUM(A1:A9) letters"


def test_a_signed_agreement_opens_the_regulated_clients_rows(world, owner_client, books):
    AgreementFactory(
        client=books["secret"], membership=world.owner, kind="baa", signed_on=date(2026, 1, 1)
    )
    response = export(
        owner_client, world, what="time", start="2026-11-01", end="2026-11-30", format="csv"
    )
    assert "Clinic" in [row[1] for row in csv_rows(response)]


def test_tasks_as_a_workbook(world, owner_client, books):
    response = export(
        owner_client,
        world,
        what="tasks",
        start=(date.today() - timedelta(days=7)).isoformat(),
        end=(date.today() + timedelta(days=2)).isoformat(),
        format="xlsx",
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("Task", "Client", "Title")
    titles = [row[2] for row in values[1:]]
    assert titles == ["'=SUM(A1:A9) letters"]
    assert values[1][11] == 165  # minutes logged on the task, all periods


def test_a_period_that_ends_before_it_starts_is_a_form_error(world, owner_client):
    response = export(
        owner_client, world, what="time", start="2026-11-30", end="2026-11-01", format="csv"
    )
    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()


def test_the_page_offers_a_form_first(world, owner_client):
    response = owner_client.get(reverse("task_export", args=[world.practice.slug]))
    assert response.status_code == 200
    assert "Export tasks and time" in response.content.decode()


def test_secretaries_have_no_export(world, secretary_client):
    response = secretary_client.get(reverse("task_export", args=[world.practice.slug]))
    assert response.status_code == 403
