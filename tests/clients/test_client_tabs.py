"""The client page is the hub: tabs for overview, tasks, time, documents and billing, with
counts, opened by address or swapped in by HTMX."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import Composition
from secretary.audit import activity_record
from tasks.models import Status
from tests.tasks.factories import (
    ClientFactory,
    EngagementFactory,
    TaskFactory,
    TimeEntryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def northwind(world):
    client = ClientFactory(
        practice=world.practice, name="Northwind Legal", primary_secretary=world.secretary
    )
    TaskFactory(practice=world.practice, client=client, title="Book Tokyo flights")
    TaskFactory(
        practice=world.practice, client=client, title="Renew the lease", status=Status.WAITING
    )
    TaskFactory(
        practice=world.practice,
        client=client,
        title="Send the newsletter",
        status=Status.DONE,
        completed_at=timezone.now(),
    )
    task = TaskFactory(practice=world.practice, client=client, title="Minutes of the board")
    TimeEntryFactory(
        task=task,
        membership=world.secretary,
        minutes=90,
        description="Typed the minutes",
        started_at=timezone.now() - timedelta(minutes=1),
    )
    Composition.objects.create(
        practice=world.practice,
        client=client,
        kind="letter",
        title="Letter to the landlord",
        paper="a4",
        created_by=world.secretary.user,
    )
    return client


def page(world, client, **query):
    address = reverse("client_detail", args=[world.practice.slug, client.pk])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_every_tab_shows_its_count(world, northwind, secretary_client):
    response = secretary_client.get(page(world, northwind))
    tabs = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs == {
        "tasks": 3,
        "email": 0,
        "time": "1 h 30 min",
        "documents": 1,
        "mailing": 0,
        "billing": 0,
        "playbook": None,
        "calls": 0,
    }
    body = response.content.decode()
    assert 'aria-current="page">Overview</a>' in body
    assert '<span class="tab-count">1 h 30 min</span>' in body
    # The overview is the client's own sections
    assert "Current plan" in body and "Contacts" in body


def test_each_tab_opens_by_address(world, northwind, secretary_client):
    tasks = secretary_client.get(page(world, northwind, tab="tasks")).content.decode()
    assert "Book Tokyo flights" in tasks and "Renew the lease" in tasks
    assert "Recently done" in tasks and "Send the newsletter" in tasks
    assert f"?client={northwind.pk}" in tasks and "Current plan" not in tasks
    time = secretary_client.get(page(world, northwind, tab="time")).content.decode()
    assert "Typed the minutes" in time and "1 h 30 min logged" in time
    documents = secretary_client.get(page(world, northwind, tab="documents")).content.decode()
    assert "Letter to the landlord" in documents and "No files yet." in documents
    billing = secretary_client.get(page(world, northwind, tab="billing")).content.decode()
    assert "No invoices yet." in billing


def test_htmx_swaps_the_tabs_alone(world, northwind, secretary_client):
    response = secretary_client.get(page(world, northwind, tab="tasks"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and body.startswith('<div id="client-tabs"')
    assert 'aria-current="page">Tasks' in body


def test_an_unknown_tab_opens_the_overview(world, northwind, secretary_client):
    response = secretary_client.get(page(world, northwind, tab="secrets"))
    assert response.status_code == 200 and response.context["active_tab"] == "overview"


def test_another_practice_never_sees_a_tab(world, northwind, outsider_client):
    for tab in ("overview", "tasks", "email", "time", "documents", "mailing", "billing"):
        assert outsider_client.get(page(world, northwind, tab=tab)).status_code == 404


def test_activity_entries_link_to_their_object(world, northwind, secretary_client):
    engagement = EngagementFactory(practice=world.practice, client=northwind)
    activity_record(
        practice=world.practice,
        actor=world.secretary.user,
        verb="engagement.proposed",
        target=engagement,
    )
    body = secretary_client.get(page(world, northwind)).content.decode()
    address = reverse("engagement_detail", args=[world.practice.slug, engagement.pk])
    assert f'<a href="{address}">' in body
