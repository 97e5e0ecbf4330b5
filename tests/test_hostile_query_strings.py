"""The staff and portal pages answer hostile query strings (numbers no id can be, digits that
are not ASCII, dates outside any calendar) without a server error."""

import pytest
from django.urls import reverse

from tests.tasks.factories import ClientFactory, TaskFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "task_list",
    "task_template_preview",
    "documents",
    "activity",
    "client_list",
    "event_list",
    "plan_list",
    "recurring_list",
    "task_template_list",
]
PARAMETERS = ["client", "assignee", "category", "template", "person", "page", "due_after", "sort"]
VALUES = ["99999999999999999999", "²", "٣", "0001-01-01"]


def test_it_answers_hostile_query_strings_on_every_list_page(world, owner_client):
    # Given a practice with a client and a task
    TaskFactory(client=ClientFactory(practice=world.practice))
    owner_client.raise_request_exception = False
    failures = []
    for name in PAGES:
        path = reverse(name, args=[world.practice.slug])
        for parameter in PARAMETERS:
            for value in VALUES:
                # When a list is asked for with a value its filter cannot hold
                response = owner_client.get(path, {parameter: value})
                # Then the page answers (with the filter's error, or no match)
                if response.status_code >= 500:
                    failures.append(f"{name}?{parameter}={value}: {response.status_code}")
    assert failures == []
