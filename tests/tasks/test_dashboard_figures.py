"""The dashboard's figures and task lists are kept a minute under a version every write of the
practice's tasks and clients renews once it commits: nothing kept is ever what a committed
write made stale."""

import pytest
from django.db import connection
from django.urls import reverse

from tasks.models import Status, Task
from tasks.selectors import dashboard_versions
from tests.tasks.factories import ClientFactory, TaskFactory

pytestmark = pytest.mark.django_db


def settle():
    """What the commit of the data written so far would do for the figures (the test's own
    transaction never commits): the practice's new version, nothing pending."""
    for callback in list(getattr(connection, dashboard_versions.pending_attribute, {}).values()):
        callback()


def dashboard(client, world, **query):
    page = client.get(reverse("dashboard", args=[world.practice.slug]), query)
    assert page.status_code == 200
    return page


def figures(client, world, **query):
    return dashboard(client, world, **query).context["counts"]


def requests_listed(client, world, **query) -> list[str]:
    return [task.title for task in dashboard(client, world, **query).context["requests"]]


def unnoticed(task, **values):
    """A change the app is not told about: SQL of its own."""
    columns = ", ".join(f"{name} = %s" for name in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE tasks_task SET {columns} WHERE id = %s",  # the names are the test's own
            [*values.values(), task.pk],
        )


@pytest.fixture
def kept(world, desk, secretary_client):
    """Two open tasks of the secretary's client, committed; her figures read once."""
    tasks = [
        TaskFactory(practice=world.practice, client=desk.client, status=status)
        for status in (Status.REQUESTED, Status.TODO)
    ]
    settle()
    assert figures(secretary_client, world)["open"] == 2
    return tasks


@pytest.mark.parametrize("scope", ["mine", "all"])
def test_a_figure_is_kept_until_a_task_of_the_practice_changes(
    world, desk, kept, secretary_client, scope
):
    before = figures(secretary_client, world, scope=scope)
    # A change nobody is told of leaves the kept figures as they were (the count ran once)
    unnoticed(kept[0], status=Status.DONE)
    assert figures(secretary_client, world, scope=scope) == before
    # A save of any task of the practice renews them once it commits
    kept[1].title = "Renamed"
    kept[1].save(update_fields=["title"])
    settle()
    after = figures(secretary_client, world, scope=scope)
    assert (after["open"], after["requested"]) == (before["open"] - 1, before["requested"] - 1)


@pytest.mark.parametrize("scope", ["mine", "all"])
def test_a_list_is_kept_until_a_task_or_client_of_the_practice_changes(
    world, desk, kept, secretary_client, scope
):
    title = kept[0].title
    assert requests_listed(secretary_client, world, scope=scope) == [title]
    # Kept while nobody is told of a change
    unnoticed(kept[0], title="Renamed unnoticed")
    assert requests_listed(secretary_client, world, scope=scope) == [title]
    # A save of the task's client (its name is on every line) renews the lists
    desk.client.name = "Northwind Legal LLP"
    desk.client.save(update_fields=["name"])
    settle()
    page = dashboard(secretary_client, world, scope=scope)
    assert [task.title for task in page.context["requests"]] == ["Renamed unnoticed"]
    assert "Northwind Legal LLP" in page.content.decode()


def test_a_write_not_yet_committed_is_counted_by_its_own_transaction(
    world, desk, kept, secretary_client
):
    TaskFactory(
        practice=world.practice, client=desk.client, status=Status.WAITING, title="Just now"
    )
    page = dashboard(secretary_client, world)
    counts = page.context["counts"]
    assert (counts["open"], counts["waiting"]) == (3, 1)
    assert [task.title for task in page.context["waiting"]] == ["Just now"]


def _bulk_update(world, tasks):
    Task.objects.for_practice(world.practice).filter(pk=tasks[0].pk).update(status=Status.DONE)


def _unscoped_update(world, tasks):
    Task.objects.unscoped().filter(pk=tasks[0].pk).update(status=Status.DONE)


def _bulk_edit(world, tasks):
    tasks[0].status = Status.DONE
    Task.objects.for_practice(world.practice).bulk_update([tasks[0]], ["status"])


def _delete_one(world, tasks):
    tasks[0].delete()


def _queryset_delete(world, tasks):
    Task.objects.for_practice(world.practice).filter(pk=tasks[0].pk).delete()


@pytest.mark.parametrize(
    "write",
    [_bulk_update, _unscoped_update, _bulk_edit, _delete_one, _queryset_delete],
)
def test_every_kind_of_write_renews_the_figures(world, desk, kept, secretary_client, write):
    write(world, kept)
    settle()
    assert figures(secretary_client, world, scope="all")["open"] == 1


def test_a_bulk_create_renews_the_figures(world, desk, kept, secretary_client):
    Task.objects.for_practice(world.practice).bulk_create(
        [Task(practice=world.practice, client=desk.client, title="Bulk", status=Status.TODO)]
    )
    settle()
    assert figures(secretary_client, world, scope="all")["open"] == 3


def test_another_practices_writes_leave_the_kept_figures(world, desk, kept, secretary_client):
    before = figures(secretary_client, world, scope="all")
    unnoticed(kept[0], status=Status.DONE)
    theirs = ClientFactory(practice=world.other_practice)
    TaskFactory(practice=world.other_practice, client=theirs, status=Status.TODO)
    settle()
    # Still the kept figures: the other practice's write renewed its own version only
    assert figures(secretary_client, world, scope="all") == before
