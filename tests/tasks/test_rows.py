"""The rows of the task list and the dashboard's lines, written in Python: the same markup as
the template loops they replaced (kept here), for tasks of every kind."""

from datetime import timedelta

import pytest
from django.template import engines
from django.utils import timezone
from django.utils.safestring import mark_safe

from tasks import selectors
from tasks.models import Priority, Status, Task
from tests.factories import MembershipFactory, UserFactory
from tests.tasks.factories import ClientFactory, ServiceCategoryFactory, TaskFactory

pytestmark = pytest.mark.django_db

# The loop of tasks/partials/task_table.html before ``task_rows``.
OLD_TASK_TABLE = """{% load i18n tasks_tags %}{% translate "Unassigned" as unassigned %}{% translate "Overdue" as overdue %}{% for task in tasks %}<tr>
    <td><input type="checkbox" name="tasks" value="{{ task.pk }}" aria-label="{% blocktranslate with title=task.title %}Select {{ title }}{% endblocktranslate %}"></td>
    <td><a href="{% task_url task %}">{{ task.title }}</a>{% if task.category %} <span class="muted small">· {{ task.category.name }}</span>{% endif %} {% if task.priority >= 3 %}<span class="badge warning">{{ task.get_priority_display }}</span>{% endif %}</td>
    <td>{{ task.client.name }}</td>
    <td>{% status_badge task.status task.get_status_display %}</td>
    <td>{% if task.assignee %}{{ task.assignee.user }}{% else %}<span class="muted">{{ unassigned }}</span>{% endif %}</td>
    <td>{% when task.due_at task.client.time_zone %}{% if task.is_overdue %} <span class="badge danger">{{ overdue }}</span>{% endif %}</td>
    <td>{% when task.sla_due_at task.client.time_zone %} {% sla_badge task %}</td>
  </tr>{% endfor %}"""

# tasks/partials/task_lines.html, the dashboard's lines before ``task_lines`` (the include ended
# with a line break, the tag does not: the lists now close on the same line).
OLD_TASK_LINES = """{% load i18n tasks_tags %}{% translate "Overdue" as overdue %}{% translate "Response" as response %}{% translate "Due" as due %}{% for task in tasks %}
<li class="task-line">
  <span><a href="{% task_url task %}">{{ task.title }}</a> <span class="muted small">· {{ task.client.name }}</span>
    {% sla_badge task %}{% if task.is_overdue %} <span class="badge danger">{{ overdue }}</span>{% endif %}</span>
  <span class="when">{% if task.sla_due_at and not task.responded_at %}{{ response }} {% when task.sla_due_at task.client.time_zone %}{% elif task.due_at %}{{ due }} {% when task.due_at task.client.time_zone %}{% endif %}</span>
</li>{% endfor %}"""

VIEWER_ZONES = ["America/Los_Angeles", "Asia/Kolkata"]


def render(text: str, **context) -> str:
    return engines["django"].from_string(text).render(context)


@pytest.fixture
def tasks(world) -> list[Task]:
    """Tasks of every status, priority and response clock, with and without a service, an
    assignee and due times, for clients in Los Angeles and Kolkata; markup in the names."""
    practice = world.practice
    now = timezone.now()
    hour = timedelta(hours=1)
    la = ClientFactory(
        practice=practice, name='Smith & "Sons" <LA>', time_zone="America/Los_Angeles"
    )
    kolkata = ClientFactory(practice=practice, name="O'Brien", time_zone="Asia/Kolkata")
    service = ServiceCategoryFactory(practice=practice, name="Travel <& 'fares'>")
    person = MembershipFactory(practice=practice, user=UserFactory(full_name='Ann "<b>" & Co'))
    kinds = [
        {"title": "Book <script>alert('x')</script> & \"go\"", "category": service},
        {"status": Status.REQUESTED, "priority": Priority.URGENT, "assignee": person},
        {"status": Status.IN_PROGRESS, "priority": Priority.HIGH, "due_at": now - hour},
        {"status": Status.WAITING, "priority": Priority.LOW, "due_at": now + 30 * hour},
        {"status": Status.DONE, "due_at": now - hour, "assignee": world.secretary},
        {"status": Status.CANCELLED, "sla_due_at": now - hour},
        {"sla_due_at": now - hour},  # breached
        {"sla_due_at": now + hour, "sla_paused_since": now - hour},  # paused
        {"sla_due_at": now + hour, "responded_at": now},  # met
        {"sla_due_at": now - hour, "responded_at": now},  # late
        {"sla_due_at": now + 2 * hour, "due_at": now + 48 * hour},  # running
        {"sla_due_at": now + hour, "sla_breached_at": now},  # breached, marked
        {"status": Status.DONE, "sla_due_at": now + hour},  # none: closed
    ]
    for number, kind in enumerate(kinds):
        client = la if number % 2 else kolkata
        kind.setdefault("title", f"Task {number} <{client.name}>")
        TaskFactory(practice=practice, client=client, **kind)
    rows = list(selectors.task_rows(Task.objects.for_practice(practice)).order_by("pk"))
    rows[1].title = mark_safe("<em>safe</em> title")  # a safe string stays as it is
    return rows


@pytest.mark.parametrize("viewer_zone", VIEWER_ZONES)
def test_it_writes_the_task_list_rows_as_the_template_did(world, tasks, viewer_zone):
    # Given tasks of every kind and a viewer in one client's zone or in none
    context = {"practice": world.practice, "tasks": tasks}
    with timezone.override(viewer_zone):
        # When the old loop and the tag render them
        old = render(OLD_TASK_TABLE, **context)
        new = render("{% load tasks_tags %}{% task_rows tasks %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count("<tr>") == len(tasks)
    for seen in ("&lt;script&gt;", "<em>safe</em>", "Ann &quot;&lt;b&gt;&quot; &amp; Co"):
        assert seen in old
    for badge in ("Response late", "Clock paused", "Answered in time", "Answered late"):
        assert badge in old
    assert "Response due</span>" in old and 'class="other-zone"' in old


@pytest.mark.parametrize("viewer_zone", VIEWER_ZONES)
def test_it_writes_the_dashboard_lines_as_the_template_did(world, tasks, viewer_zone):
    # Given tasks of every kind and a viewer in one client's zone or in none
    context = {"practice": world.practice, "tasks": tasks}
    with timezone.override(viewer_zone):
        # When the old loop and the tag render them
        old = render(OLD_TASK_LINES, **context)
        new = render("{% load tasks_tags %}{% task_lines tasks %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count('<li class="task-line">') == len(tasks)
    assert "Response <time" in old and "Due <time" in old and '<span class="when"></span>' in old


@pytest.mark.parametrize("tag", ["task_rows", "task_lines"])
def test_it_writes_nothing_for_no_tasks(world, tag):
    text = f"{{% load tasks_tags %}}{{% {tag} tasks %}}"
    assert render(text, practice=world.practice, tasks=[]) == ""
