"""The API's task list writes its tasks without DRF's fields (``task_representations``): the
JSON must be what ``TaskSerializer`` gives, key for key and byte for byte."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks import selectors
from tasks.models import Status
from tasks.serializers import TaskSerializer, task_representations
from tests.clients.factories import ServiceCategoryFactory
from tests.tasks.factories import ChecklistItemFactory, ClientFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(world):
    """Tasks of every status and SLA state, with and without each optional value, a checklist
    done in part, markup and quotes in the texts, clients in several zones."""
    practice = world.practice
    now = timezone.now().replace(microsecond=123456)
    paris = ClientFactory(practice=practice, time_zone="Europe/Paris")
    kolkata = ClientFactory(practice=practice, time_zone="Asia/Kolkata")
    category = ServiceCategoryFactory(practice=practice)
    kinds = [
        {"client": paris, "status": Status.REQUESTED, "sla_due_at": now + timedelta(hours=2)},
        {"client": paris, "category": category, "assignee": world.secretary, "priority": 3},
        {
            "client": kolkata,
            "status": Status.DONE,
            "completed_at": now,
            "sla_due_at": now - timedelta(hours=1),
            "responded_at": now - timedelta(hours=2),
        },
        {"client": kolkata, "due_at": now - timedelta(days=3), "wanted_by": date(2031, 2, 28)},
        {"client": paris, "sla_due_at": now - timedelta(hours=1), "client_visible": False},
        {"client": kolkata, "status": Status.WAITING, "description": 'A "<b>quoted</b>" & more'},
    ]
    for number, kind in enumerate(kinds):
        task = TaskFactory(practice=practice, title=f"Task <{number}> & O'Brien", **kind)
        for position in range(number % 3):
            ChecklistItemFactory(
                practice=practice,
                task=task,
                text=f"Step {position} <i>",
                position=position,
                done_at=now if position == 0 else None,
            )
    return list(selectors.tasks_for(practice=practice).prefetch_related("checklist").order_by("pk"))


@pytest.mark.parametrize("viewer_zone", ["UTC", "Asia/Kolkata", "America/Los_Angeles"])
def test_it_writes_tasks_as_the_serializer_does(tasks, viewer_zone):
    with timezone.override(viewer_zone):
        expected = json.dumps(TaskSerializer(tasks, many=True).data)
        written = json.dumps(task_representations(tasks))
    assert written == expected
    assert '"checklist": [{' in written and '"wanted_by": "2031-02-28"' in written


def test_a_moment_the_viewers_zone_cannot_hold_is_written_in_utc_as_the_serializer_does(tasks):
    tasks[0].due_at = datetime(9999, 12, 31, 23, 30, tzinfo=UTC)
    with timezone.override("Asia/Kolkata"):
        expected = TaskSerializer(tasks[:1], many=True).data
        assert task_representations(tasks[:1]) == expected
    assert expected[0]["due_at"] == "9999-12-31T23:30:00Z"


def test_the_api_list_answers_with_them(world, tasks, secretary_client):
    page = secretary_client.get(reverse("api_task_list", args=[world.practice.slug]))
    assert page.status_code == 200
    listed = {task["id"]: task for task in page.json()["results"]}
    expected = json.loads(json.dumps(TaskSerializer(tasks, many=True).data))
    assert listed == {task["id"]: task for task in expected}
