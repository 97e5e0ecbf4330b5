"""The rows of the task list, the dashboard's lines and the lists of calls, written in Python:
the same markup as the template loops they replaced (kept here), for rows of every kind."""

from datetime import timedelta

import pytest
from django.template import engines
from django.utils import timezone
from django.utils.safestring import mark_safe

from tasks import selectors
from tasks.calls.models import Call, Urgency
from tasks.calls.selectors import LIST_FIELDS, calls_for
from tasks.models import Priority, Status, Task
from tests.factories import MembershipFactory, UserFactory
from tests.tasks.factories import (
    CalendarEventFactory,
    ClientFactory,
    ContactFactory,
    ServiceCategoryFactory,
    TaskFactory,
)

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

# The loop of tasks/calls/partials/rows.html before ``call_rows``.
OLD_CALL_ROWS = """{% load secretary_tags %}{% for call in calls %}<tr><td><a href="{% row_url 'call_detail' call.pk %}">{% zoned call.received_at %}</a></td>{% if not hide_client %}<td>{{ call.client.name }}</td>{% endif %}<td>{{ call.caller_name }}{% if call.caller_company %} <span class="muted small">· {{ call.caller_company }}</span>{% endif %}{% if call.urgency == "urgent" %} <span class="badge danger">{{ call.get_urgency_display }}</span>{% endif %}</td><td>{{ call.reason|truncatechars:80 }}</td><td>{% if call.message %}{% if call.message_recipient %}{{ call.message_recipient }}: {% endif %}{{ call.message|truncatechars:60 }}{% endif %}</td><td>{% if call.task %}<a href="{% row_url 'task_detail' call.task_id %}">{{ call.task.get_status_display }}</a>{% endif %}</td></tr>{% endfor %}"""

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


@pytest.fixture
def calls(world) -> list[Call]:
    """Calls with and without a company, a message (for a contact, for a name, for no one), a
    follow-up task; of every urgency; long reasons and messages; markup everywhere."""
    practice = world.practice
    client = ClientFactory(practice=practice, name="Ames & <Co>", time_zone="Europe/Paris")
    contact = ContactFactory(practice=practice, client=client, name='Dr "Ana" <Reyes>')
    long = "Wants a quote for the <whole> office & the annex, before the end of the month, " * 2
    kinds = [
        {"caller_company": "Acme <&> 'Ltd'", "urgency": Urgency.URGENT, "reason": long},
        {"urgency": Urgency.LOW, "message": long, "message_for_contact": contact},
        {"message": "Call back <soon>", "message_for_name": "Bo & Lind"},
        {"message": "No one named", "reason": "x" * 80},
        {"reason": "e\u0301" * 50, "message": "a\u0301" * 61},  # combining accents
        {"task": TaskFactory(practice=practice, client=client, status=Status.WAITING)},
        {"task": TaskFactory(practice=practice, client=client, status=Status.DONE), "reason": "&"},
    ]
    for number, kind in enumerate(kinds):
        Call.objects.create(
            practice=practice,
            client=client,
            caller_name=f"Pat <{number}> O'Caller",
            received_at=timezone.now() - timedelta(hours=7 * number),
            **kind,
        )
    return list(
        calls_for(practice=practice).only(*LIST_FIELDS).order_by("pk"),
    )


@pytest.mark.parametrize("viewer_zone", VIEWER_ZONES)
@pytest.mark.parametrize("hide_client", [False, True])
def test_it_writes_the_call_rows_as_the_template_did(world, calls, viewer_zone, hide_client):
    # Given calls of every kind, on the call list or on the client's page
    context = {"practice": world.practice, "calls": calls, "hide_client": hide_client}
    with timezone.override(viewer_zone):
        # When the old loop and the tag render them
        old = render(OLD_CALL_ROWS, **context)
        new = render("{% load tasks_tags %}{% call_rows calls hide_client %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count("<tr>") == len(calls)
    assert ("Ames &amp; &lt;Co&gt;" in old) is not hide_client
    for seen in ("Dr &quot;Ana&quot; &lt;Reyes&gt;: ", "Bo &amp; Lind: ", "…", "Urgent"):
        assert seen in old


def test_it_writes_the_calls_without_a_client_column_when_the_page_says_nothing(world, calls):
    context = {"practice": world.practice, "calls": calls}
    assert render("{% load tasks_tags %}{% call_rows calls hide_client %}", **context) == render(
        OLD_CALL_ROWS, **context
    )


# The loop of tasks/partials/calendar_view.html's list before ``event_rows``.
OLD_EVENT_ROWS = """{% load i18n tasks_tags %}{% for event in events %}<tr><td>{% when event.starts_at event.time_zone %}{% if event.client.time_zone != event.time_zone %}<span class="other-zone">{% zoned event.starts_at event.client.time_zone %} · {{ event.client.time_zone }}</span>{% endif %}</td>
<td><a href="{% url 'event_edit' practice.slug event.pk %}">{{ event.title }}</a> <span class="badge neutral">{{ event.get_kind_display }}</span>{% if event.cancelled %} <span class="badge neutral">{% translate "cancelled" %}</span>{% endif %}</td>
<td>{{ event.client.name }}</td><td class="small">{{ event.location }}{% if event.video_link %} <a href="{{ event.video_link }}" rel="noopener noreferrer">{% translate "video link" %}</a>{% endif %}{% if event.dial_in %} · {{ event.dial_in }}{% endif %}</td></tr>
{% empty %}<tr><td colspan="4" class="empty">{% translate "No upcoming events." %}</td></tr>{% endfor %}"""


@pytest.fixture
def events(world) -> list:
    """Events of every kind, cancelled or not, with and without a place, a video link and a
    dial-in; in the client's zone, in another, in the viewer's; markup everywhere."""
    from tasks.models import EventKind

    practice = world.practice
    paris = ClientFactory(practice=practice, name="Ames & <Co>", time_zone="Europe/Paris")
    kolkata = ClientFactory(practice=practice, name="Rao 'n' Sons", time_zone="Asia/Kolkata")
    soon = timezone.now() + timedelta(days=1)
    kinds = [
        {"client": paris, "time_zone": "Europe/Paris", "kind": EventKind.CALL},
        {"client": paris, "time_zone": "America/Los_Angeles", "cancelled": True},
        {"client": kolkata, "time_zone": "Australia/Sydney", "location": "Room <4> & 5"},
        {"client": kolkata, "time_zone": "Asia/Kolkata", "video_link": "https://v.test/a?b=1&c=2"},
        {"client": paris, "time_zone": "Asia/Kolkata", "dial_in": "+1 555 <0100> #2"},
        *({"client": kolkata, "time_zone": "UTC", "kind": kind} for kind in EventKind.values),
    ]
    for number, kind in enumerate(kinds):
        CalendarEventFactory(
            practice=practice,
            title=f"Call <{number}> & O'Brien",
            starts_at=soon + timedelta(hours=13 * number),
            ends_at=soon + timedelta(hours=13 * number + 1),
            **kind,
        )
    return list(selectors.events_for(practice=practice).order_by("starts_at"))


@pytest.mark.parametrize("viewer_zone", VIEWER_ZONES)
def test_it_writes_the_calendar_list_as_the_template_did(world, events, viewer_zone):
    # Given events of every kind and zone
    context = {"practice": world.practice, "events": events}
    with timezone.override(viewer_zone):
        # When the old loop and the tag render them
        old = render(OLD_EVENT_ROWS, **context)
        new = render("{% load tasks_tags %}{% event_rows events %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count("<tr>") == len(events)
    for seen in ("Ames &amp; &lt;Co&gt;", "other-zone", "cancelled", "video link", "&lt;0100&gt;"):
        assert seen in old


# The loop of tasks/dashboard.html's "Today" before ``day_event_lines``.
OLD_DAY_EVENT_LINES = """{% load tz tasks_tags %}{% get_current_timezone as viewer_zone %}{% for event in events %}<li><strong>{{ event.starts_at|time:"H:i" }}–{{ event.ends_at|time:"H:i" }}</strong> <a href="{% url 'event_edit' practice.slug event.pk %}">{{ event.title }}</a> <span class="muted small">· {{ event.client.name }}{% if practice_wide and event.secretary %} · {{ event.secretary.user.full_name|default:event.secretary.user.email }}{% endif %}</span>
        {% if event.time_zone != viewer_zone %}<span class="other-zone">{% zoned event.starts_at event.time_zone "H:i T" %} · {{ event.time_zone }}</span>{% endif %}</li>{% endfor %}"""


@pytest.mark.parametrize("practice_wide", [False, True])
@pytest.mark.parametrize("viewer_zone", [*VIEWER_ZONES, "UTC"])
def test_it_writes_the_days_events_as_the_dashboard_did(world, events, viewer_zone, practice_wide):
    # Given events in many zones, covered by a member with a name, one without, or nobody
    named, unnamed = world.secretary, world.owner
    named.user.full_name = 'Ann "<b>" & Co'
    named.user.save(update_fields=["full_name"])
    unnamed.user.full_name = ""
    unnamed.user.save(update_fields=["full_name"])
    for number, event in enumerate(events):
        event.secretary = (named, unnamed, None)[number % 3]
    context = {"practice": world.practice, "events": events, "practice_wide": practice_wide}
    with timezone.override(viewer_zone):
        # When the old loop and the tag render them
        old = render(OLD_DAY_EVENT_LINES, **context)
        new = render("{% load tasks_tags %}{% day_event_lines events %}", **context)
    # Then the markup is the same, byte for byte
    assert new == old
    assert old.count("<li>") == len(events)
    assert "other-zone" in old and "Call &lt;0&gt; &amp; O&#x27;Brien" in old
    assert ("Ann &quot;&lt;b&gt;&quot; &amp; Co" in old) is practice_wide
    assert (unnamed.user.email in old) is practice_wide


def test_it_writes_the_empty_calendar_list_as_the_template_did(world):
    context = {"practice": world.practice, "events": []}
    new = render("{% load tasks_tags %}{% event_rows events %}", **context)
    assert new == render(OLD_EVENT_ROWS, **context)
    assert "No upcoming events." in new


@pytest.mark.parametrize("tag", ["task_rows", "task_lines", "call_rows"])
def test_it_writes_nothing_for_no_rows(world, tag):
    text = f"{{% load tasks_tags %}}{{% {tag} rows %}}"
    assert render(text, practice=world.practice, rows=[]) == ""


# The task page's history loop before ``task_history_lines``.
OLD_HISTORY = """{% load i18n tasks_tags durations activity_tags %}{% for event in history %}<li>{{ event.created_at|date:"D j M, H:i" }} · {{ event.actor|default:_("System") }} {% if event.verb == "task.status_changed" %}{% translate "changed the status" %}: {{ event.data.from|status_label }} → {{ event.data.to|status_label }}{% elif event.verb == "task.reassigned" %}{% translate "reassigned the task" %}{% if event.data.to_name %} → {{ event.data.to_name }}{% endif %}{% elif event.verb == "task.due_moved" %}{% translate "moved the due date" %}{% if event.data.to %} → {{ event.data.to|readable_moment }}{% endif %}{% elif event.verb == "task.requested" %}{% translate "sent the request" %}{% elif event.verb == "task.created" %}{% translate "created the task" %}{% elif event.verb == "task.replied" %}{% translate "replied to the client" %}{% elif event.verb == "task.client_replied" %}{% translate "replied (client)" %}{% elif event.verb == "task.noted" %}{% translate "added an internal note" %}{% elif event.verb == "task.sla_breached" %}{% translate "response time missed" %}{% elif event.verb == "time.logged" %}{% translate "logged time" %}{% if event.data.minutes %}: {{ event.data.minutes|duration }}{% endif %}{% elif event.verb == "time.changed" %}{% translate "changed a time entry" %}{% elif event.verb == "time.deleted" %}{% translate "deleted a time entry" %}{% elif event.verb == "task.attached" %}{% translate "attached files" %}{% elif event.verb == "task.updated" %}{% translate "edited the task" %}{% else %}{{ event.verb }}{% endif %}</li>{% empty %}<li class="muted">{% translate "No history yet." %}</li>{% endfor %}"""


@pytest.mark.parametrize("zone", ["UTC", "Australia/Sydney"])
def test_it_writes_a_tasks_history_as_the_template_did(zone):
    from secretary.models import ActivityEvent, User

    person = User(email="ann@example.com", full_name="Ann <b>&</b> 'Lee'")
    at = timezone.now().replace(microsecond=0)
    entries = [
        ("task.status_changed", {"from": "todo", "to": "done"}),
        ("task.status_changed", {"from": "gone"}),
        ("task.reassigned", {"to_name": "Bo <i>"}),
        ("task.reassigned", {}),
        ("task.due_moved", {"to": "2026-12-03T12:00:00+00:00"}),
        ("task.due_moved", {"to": "2026-12-03"}),
        ("task.due_moved", {}),
        ("time.logged", {"minutes": 95}),
        ("time.logged", {"minutes": 0}),
        ("task.weird <verb>", {}),
        *(
            (verb, {})
            for verb in (
                "task.requested",
                "task.created",
                "task.replied",
                "task.client_replied",
                "task.noted",
                "task.sla_breached",
                "time.changed",
                "time.deleted",
                "task.attached",
                "task.updated",
            )
        ),
    ]
    history = [
        ActivityEvent(
            verb=verb,
            data=data,
            actor=person if i % 3 else None,
            created_at=at - timedelta(hours=7 * i),
        )
        for i, (verb, data) in enumerate(entries)
    ]
    with timezone.override(zone):
        for shown in (history, []):
            old = render(OLD_HISTORY, history=shown)
            new = render("{% load tasks_tags %}{% task_history_lines history %}", history=shown)
            assert new == old


# The task page's loops before ``task_comment_lines``, ``time_entry_lines`` and
# ``checklist_lines``.
OLD_COMMENTS = """{% load i18n %}{% for comment in comments %}
      <li class="{% if comment.internal %}internal{% elif comment.from_client %}from-client{% endif %}">
        <div class="meta">{{ comment.author|default:_("Someone") }} · {{ comment.created_at|date:"D j M, H:i" }}{% if comment.internal %} · <strong>{% translate "Internal note" %}</strong>{% elif comment.from_client %} · {% translate "from the client" %}{% else %} · {% translate "reply to the client" %}{% endif %}</div>
        <div>{{ comment.body|linebreaksbr }}</div>
        {% if comment.files %}<ul class="attachment-list">{% for a in comment.files %}<li><a href="{% url 'attachment_download' practice.slug a.pk %}">{{ a.original_name }}</a> <span class="muted small">{{ a.size|filesizeformat }}</span></li>{% endfor %}</ul>{% endif %}
      </li>{% empty %}<li class="muted">{% translate "No messages yet." %}</li>{% endfor %}"""
OLD_ENTRIES = """{% load i18n durations %}{% for entry in entries %}<li>{{ entry.started_at|date:"j M" }} · {% if entry.is_running %}{% translate "running" %}{% else %}{{ entry.minutes|duration }}{% endif %} · {{ entry.member_label }}{% if not entry.billable %} · {% translate "non-billable" %}{% endif %}{% if entry.description %} — {{ entry.description }}{% endif %}
      {% if not entry.is_running %}<a class="small" href="{% url 'time_edit' practice.slug entry.pk %}">{% translate "edit" %}</a>{% endif %}</li>{% endfor %}"""
OLD_CHECKLIST = (
    '{% for item in checklist %}{% include "tasks/partials/checklist_item.html" %}{% endfor %}'
)


@pytest.mark.parametrize("zone", ["UTC", "Australia/Sydney"])
def test_it_writes_a_tasks_conversation_time_and_checklist_as_the_template_did(world, zone):
    from tests.tasks.factories import (
        AttachmentFactory,
        ChecklistItemFactory,
        CommentFactory,
        TimeEntryFactory,
    )

    # Given a task with messages of every kind (files, no author, markup and line breaks),
    # time entries running, billable or not, and checklist items done and not
    practice, author = world.practice, world.secretary
    task = TaskFactory(practice=practice, client=ClientFactory(practice=practice))
    at = timezone.now().replace(microsecond=0)
    for n, (internal, from_client) in enumerate([(True, False), (False, True), (False, False)]):
        comment = CommentFactory(
            task=task,
            internal=internal,
            from_client=from_client,
            author=author.user if n else None,
            body=f"Line <b>{n}</b> & more\nsecond\r\nthird",
        )
        comment.created_at = at - timedelta(hours=9 * n)
        comment.save(update_fields=["created_at"])
        if n != 1:
            AttachmentFactory(task=task, comment=comment, original_name=f"<{n}>.pdf", size=n * 5000)
    TimeEntryFactory(task=task, membership=author, minutes=95, description="Call <Bo>")
    TimeEntryFactory(task=task, membership=None, member_name="Old <member>", billable=False)
    TimeEntryFactory(task=task, membership=author, ended_at=None, manual=False, minutes=None)
    ChecklistItemFactory(task=task, text="Book <flights> & 'hotel'")
    ChecklistItemFactory(task=task, text="Pay", done_at=at)
    shown = selectors.task_page(task=task)
    context = {"practice": practice, "csrf_token": "token-<x>", **shown}
    assert len(shown["comments"]) == 3 and len(shown["entries"]) == 3
    with timezone.override(zone):
        for loop, tag, name in [
            (OLD_COMMENTS, "task_comment_lines", "comments"),
            (OLD_ENTRIES, "time_entry_lines", "entries"),
            (OLD_CHECKLIST, "checklist_lines", "checklist"),
        ]:
            # When the loop and the tag write them, and again with none
            for rows in (shown[name], []):
                old = render(loop, **{**context, name: rows})
                new = render(
                    f"{{% load tasks_tags %}}{{% {tag} {name} %}}", **{**context, name: rows}
                )
                # Then they are the same
                assert new == old, name
