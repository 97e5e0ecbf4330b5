"""Hostile input answers 4xx, never 5xx: every query parameter of every API list, bodies that
are too large or nested too deep, and out-of-range dates."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from secretary.limits import TEXT_LONG
from tasks.models import Task
from tests.api.conftest import url
from tests.tasks.factories import (
    CalendarEventFactory,
    ClientFactory,
    TaskFactory,
    TimeEntryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(world):
    class Desk:
        client = ClientFactory(practice=world.practice, primary_secretary=world.secretary)

    return Desk


# Numbers no id can be, digits that are not ASCII, and dates outside any calendar we keep.
HOSTILE_VALUES = [
    "99999999999999999999",
    str(2**64),
    "-99999999999999999999",
    "²",
    "٣",
    "1e400",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
]


def _list_routes() -> dict[str, list[str]]:
    """``{path: [query parameter names]}`` of every GET route of a practice that takes no
    other path parameter, read from the OpenAPI schema (so a new filter is walked too)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    routes = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None or not path.startswith("/api/v1/practices/{practice_slug}/"):
            continue
        parameters = get.get("parameters", [])
        if any(p["in"] == "path" and p["name"] != "practice_slug" for p in parameters):
            continue
        names = [p["name"] for p in parameters if p["in"] == "query"]
        if names:
            routes[path] = names
    return routes


def test_it_answers_every_list_filter_with_hostile_numbers_without_a_server_error(
    world, owner_client, desk
):
    # Given a practice with a row of each kind the filters name
    task = TaskFactory(client=desk.client)
    TimeEntryFactory(task=task, membership=world.secretary)
    CalendarEventFactory(client=desk.client)
    owner_client.raise_request_exception = False
    routes = _list_routes()
    assert "/api/v1/practices/{practice_slug}/tasks/" in routes
    assert "client" in routes["/api/v1/practices/{practice_slug}/tasks/"]
    failures = []
    for path, names in routes.items():
        for name in names:
            for value in HOSTILE_VALUES:
                # When a filter gets a value it cannot hold
                response = owner_client.get(
                    path.replace("{practice_slug}", world.practice.slug), {name: value}
                )
                # Then the answer is a client error (or a plain list), never a server error
                if response.status_code >= 500:
                    failures.append(f"{path}?{name}={value}: {response.status_code}")
    assert failures == []


@pytest.mark.parametrize("value", ["99999999999999999999", str(2**63), "٣", "0"])
def test_it_refuses_an_id_filter_that_names_no_possible_id(world, owner_client, desk, value):
    # Given a task
    TaskFactory(client=desk.client)
    # When the list is filtered by a client "id" that no row can have
    response = owner_client.get(url("api_task_list", world.practice), {"client": value})
    # Then it is a field error in the API's shape
    assert response.status_code == 400
    assert set(response.json()) == {"message", "errors"}
    assert "client" in response.json()["errors"]


def test_it_still_filters_by_a_real_id(world, owner_client, desk):
    # Given two tasks of two clients
    task = TaskFactory(client=desk.client)
    TaskFactory(client=ClientFactory(practice=world.practice))
    # When the list is filtered by one client's id
    response = owner_client.get(url("api_task_list", world.practice), {"client": task.client_id})
    # Then only that client's task is listed
    assert [row["id"] for row in response.json()["results"]] == [task.pk]


def test_it_refuses_json_nested_deeper_than_the_limit(world, owner_client):
    # Given a body nested 100,000 levels deep
    body = "[" * 100_000 + "]" * 100_000
    # When it is posted
    owner_client.raise_request_exception = False
    response = owner_client.post(
        url("api_task_list", world.practice), body, content_type="application/json"
    )
    # Then it is refused as bad JSON, in the API's shape
    assert response.status_code == 400
    assert "nested" in response.json()["message"]
    assert response.json()["errors"] == {}


def test_it_refuses_json_nested_just_past_the_limit_but_not_at_it(world, owner_client, desk):
    # Given a task body with an unknown field holding lists 64 deep (65 with the body's object),
    # and one holding lists 63 deep (64 in all: the limit)
    def lists(depth):
        value = "x"
        for _ in range(depth):
            value = [value]
        return value

    too_deep = {"client": desk.client.pk, "title": "T", "extra": lists(64)}
    at_limit = {"client": desk.client.pk, "title": "T", "extra": lists(63)}
    # When each is posted
    refused = owner_client.post(
        url("api_task_list", world.practice), json.dumps(too_deep), content_type="application/json"
    )
    accepted = owner_client.post(
        url("api_task_list", world.practice), json.dumps(at_limit), content_type="application/json"
    )
    # Then only the deeper one is refused
    assert refused.status_code == 400
    assert "nested" in refused.json()["message"]
    assert accepted.status_code == 201, accepted.content


def test_it_refuses_a_body_larger_than_the_limit(world, owner_client, desk, settings):
    # Given a body a byte over the limit
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"client": desk.client.pk, "title": "T", "description": "x" * 10_000})
    # When it is posted
    response = owner_client.post(
        url("api_task_list", world.practice), body, content_type="application/json"
    )
    # Then it is refused before anything is saved, in the API's shape
    assert response.status_code == 413
    assert set(response.json()) == {"message", "errors"}


def test_it_keeps_form_posts_and_api_bodies_to_one_megabyte(settings):
    # The size limit of form posts (Django) is the one the API's JSON parser applies too
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024
    assert settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] == ["secretary.api_parsers.JSONParser"]


def test_it_refuses_a_task_description_longer_than_its_limit(world, owner_client, desk):
    # Given a description one character over the limit of long texts
    body = {"client": desk.client.pk, "title": "T", "description": "x" * (TEXT_LONG + 1)}
    # When the task is created
    response = owner_client.post(
        url("api_task_list", world.practice), json.dumps(body), content_type="application/json"
    )
    # Then it is a field error and nothing is saved
    assert response.status_code == 400
    assert "description" in response.json()["errors"]
    assert not Task.objects.for_practice(world.practice).exists()


@pytest.mark.parametrize("name", ["api_engagement_list", "api_plan_list"])
def test_it_refuses_a_list_of_ids_holding_a_number_no_id_can_be(world, owner_client, desk, name):
    # When an engagement (or a plan) names a service by a number past any id
    body = {
        "client": desk.client.pk,
        "name": "Plan",
        "monthly_fee": "1.00",
        "categories": [99999999999999999999],
    }
    owner_client.raise_request_exception = False
    response = owner_client.post(
        url(name, world.practice), json.dumps(body), content_type="application/json"
    )
    # Then it is a field error, not a server error
    assert response.status_code == 400, response.content
    assert "categories" in response.json()["errors"]


def test_it_refuses_more_attendees_or_checklist_items_than_allowed(world, owner_client, desk):
    # When an event lists 51 attendees, and a task 201 checklist items
    event = {
        "client": desk.client.pk,
        "title": "Call",
        "starts_at": "2030-01-01T09:00:00Z",
        "ends_at": "2030-01-01T10:00:00Z",
        "time_zone": "UTC",
        "attendees": [{"email": f"p{n}@example.com"} for n in range(51)],
    }
    task = {"client": desk.client.pk, "title": "T", "checklist_items": ["x"] * 201}
    events = owner_client.post(
        url("api_event_list", world.practice), json.dumps(event), content_type="application/json"
    )
    tasks = owner_client.post(
        url("api_task_list", world.practice), json.dumps(task), content_type="application/json"
    )
    # Then both are field errors
    assert events.status_code == 400 and "attendees" in events.json()["errors"]
    assert tasks.status_code == 400 and "checklist_items" in tasks.json()["errors"]
