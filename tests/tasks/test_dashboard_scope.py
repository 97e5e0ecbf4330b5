"""Owners and admins see the whole practice first; secretaries the clients they serve."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import ClientStatus
from tasks.models import Status
from tests.tasks.factories import ClientFactory, TaskFactory

pytestmark = pytest.mark.django_db


def url(world, name):
    return reverse(name, kwargs={"practice_slug": world.practice.slug})


@pytest.fixture
def acme(world):
    """An active client nobody in the world fixture serves, with a new request."""
    client = ClientFactory(practice=world.practice, name="Acme Dental", status=ClientStatus.ACTIVE)
    TaskFactory(
        practice=world.practice, client=client, title="Renew the lease", status=Status.REQUESTED
    )
    return client


def test_the_owner_dashboard_shows_the_whole_practice(world, desk, acme, owner_client):
    TaskFactory(
        practice=world.practice,
        client=desk.client,
        title="Owner's own task",
        assignee=world.owner,
    )
    page = owner_client.get(url(world, "dashboard"))
    body = page.content.decode()
    assert page.context["practice_wide"] is True
    # Every client's new request, and the practice's figures
    assert "Renew the lease" in body and "Practice dashboard" in body
    assert page.context["counts"]["requested"] == 1 and page.context["counts"]["open"] == 2
    # Her own tasks stay hers, and she is never told she serves no client
    assert [t.title for t in page.context["open_tasks"]] == ["Owner's own task"]
    assert "You are not on any client" not in body
    assert "Acme Dental" in [c.name for c, _usage in page.context["usage"]]

    mine = owner_client.get(url(world, "dashboard"), {"scope": "mine"})
    assert mine.context["practice_wide"] is False
    assert "Renew the lease" not in mine.content.decode()


def test_a_secretary_dashboard_shows_her_clients_and_can_show_the_practice(
    world, desk, acme, secretary_client
):
    page = secretary_client.get(url(world, "dashboard"))
    assert page.context["practice_wide"] is False and "My dashboard" in page.content.decode()
    assert "Renew the lease" not in page.content.decode()
    wide = secretary_client.get(url(world, "dashboard"), {"scope": "all"})
    assert "Renew the lease" in wide.content.decode()
    # A scope the page does not know falls back to hers
    odd = secretary_client.get(url(world, "dashboard"), {"scope": "everything"})
    assert odd.context["practice_wide"] is False


def test_the_practice_dashboard_costs_the_same_queries_at_any_size(world, owner_client):
    clients = [ClientFactory(practice=world.practice, status=ClientStatus.ACTIVE) for _ in range(3)]
    for client in clients:
        TaskFactory(practice=world.practice, client=client, status=Status.REQUESTED)
    owner_client.get(url(world, "dashboard"))
    with CaptureQueriesContext(connection) as small:
        owner_client.get(url(world, "dashboard"))
    for client in [*clients, *(ClientFactory(practice=world.practice) for _ in range(5))]:
        for status in (Status.REQUESTED, Status.WAITING, Status.TODO):
            TaskFactory(practice=world.practice, client=client, status=status)
    with CaptureQueriesContext(connection) as large:
        owner_client.get(url(world, "dashboard"))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_client_list_shows_every_client_to_owners_and_admins(
    world, desk, acme, owner_client, admin_client_, secretary_client
):
    for browser in (owner_client, admin_client_):
        page = browser.get(url(world, "client_list"))
        names = [client.name for client in page.context["rows"]]
        assert page.context["scope"] == "all" and "Acme Dental" in names
        assert "All clients" in page.content.decode()
    # Secretaries keep "My clients", and may ask for all
    page = secretary_client.get(url(world, "client_list"))
    assert page.context["scope"] == "mine"
    assert [client.name for client in page.context["rows"]] == ["Northwind Legal"]
    everyone = secretary_client.get(url(world, "client_list"), {"scope": "all"})
    assert "Acme Dental" in [client.name for client in everyone.context["rows"]]
    # The owner narrows to hers with the filter (she serves none here)
    hers = owner_client.get(url(world, "client_list"), {"scope": "mine", "q": ""})
    assert hers.context["rows"] == []


def test_the_calendar_shows_every_client_to_owners(world, owner_client, secretary_client):
    assert owner_client.get(url(world, "event_list")).context["scope"] == "all"
    assert secretary_client.get(url(world, "event_list")).context["scope"] == "mine"
