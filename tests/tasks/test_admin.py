"""The site administrator's admin lists tasks of every practice (explicitly unscoped)."""

import pytest

from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_it_lists_tasks_in_the_admin(world, desk, client, django_user_model):
    TaskFactory(practice=world.practice, client=desk.client, title="Admin visible")
    admin = django_user_model.objects.create_superuser("root@example.com", "a-long-password-1")
    client.force_login(admin)
    for path in ("/admin/tasks/task/", "/admin/tasks/timeentry/", "/admin/tasks/calendarevent/"):
        assert client.get(path).status_code == 200
    assert "Admin visible" in client.get("/admin/tasks/task/").content.decode()
