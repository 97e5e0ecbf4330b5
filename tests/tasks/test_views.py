"""Staff pages: dashboard, task list, task page, conversions, replies, time and admin pages."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clients.models import ServiceCategory
from secretary.models import ActivityEvent
from tasks import services
from tasks.models import Comment, Status, Task, TimeEntry
from tests.conftest import client_for
from tests.tasks.factories import (
    AttachmentFactory,
    ClientFactory,
    CommentFactory,
    ServiceCategoryFactory,
    TaskFactory,
    TaskTemplateFactory,
)

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def test_it_checks_ownership(world, desk, secretary_client, contact_client, outsider_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    detail = url(world, "task_detail", task_id=task.pk)
    # The outsider and the client contact never learn the page exists
    assert outsider_client.get(detail).status_code == 404
    assert contact_client.get(detail).status_code == 404
    assert contact_client.get(url(world, "dashboard")).status_code == 404
    # A secretary may work on it but not manage templates
    assert secretary_client.get(detail).status_code == 200
    assert secretary_client.get(url(world, "task_template_list")).status_code == 403
    # A task id of another practice is not found in this one
    other_task = TaskFactory(client=ClientFactory(practice=world.other_practice))
    assert secretary_client.get(url(world, "task_detail", task_id=other_task.pk)).status_code == 404


def test_it_shows_new_requests_and_usage_on_the_dashboard(world, desk, secretary_client):
    TaskFactory(
        practice=world.practice,
        client=desk.client,
        title="Book Tokyo trip",
        status=Status.REQUESTED,
        source="portal",
    )
    TaskFactory(
        practice=world.practice,
        client=desk.client,
        title="Waiting one",
        status=Status.WAITING,
        assignee=world.secretary,
    )
    response = secretary_client.get(url(world, "dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Book Tokyo trip" in body and "Waiting one" in body
    assert "Northwind Legal" in body and 'role="meter"' in body


def _seed(world, clients, count, start=0):
    """Tasks spread over clients, services, assignees (or none) and every open status, some
    late, some with a response owed: every list on the pages has rows of each kind."""
    now = timezone.now()
    services = list(ServiceCategory.objects.for_practice(world.practice)[:3])
    statuses = [Status.REQUESTED, Status.TODO, Status.IN_PROGRESS, Status.WAITING]
    Task.objects.bulk_create(
        [
            Task(
                practice=world.practice,
                client=clients[n % len(clients)],
                category=services[n % len(services)],
                title=f"Bulk {n}",
                status=statuses[n % len(statuses)],
                assignee=world.secretary if n % 3 else None,
                due_at=now + timedelta(hours=n - 5),
                sla_due_at=now + timedelta(hours=n % 7 - 3) if n % 2 else None,
                source="portal" if n % 2 else "staff",
            )
            for n in range(start, start + count)
        ]
    )


@pytest.mark.parametrize("name", ["dashboard", "task_list"])
def test_it_keeps_the_query_count_flat_as_tasks_grow(
    world, desk, secretary_client, django_assert_num_queries, name
):
    # Given 10 tasks of three clients the secretary serves, the page costs N queries
    clients = [
        desk.client,
        *(ClientFactory(practice=world.practice, primary_secretary=world.secretary) for _ in "ab"),
    ]
    _seed(world, clients, 10)
    page = url(world, name)
    secretary_client.get(page)  # warm caches (sessions, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert secretary_client.get(page).status_code == 200
    # When there are 500 tasks
    _seed(world, clients, 490, start=10)
    # Then the page costs exactly the same number of queries
    with django_assert_num_queries(len(small.captured_queries)):
        assert secretary_client.get(page).status_code == 200


def test_it_filters_sorts_and_paginates_the_task_list(world, desk, secretary_client):
    other = ClientFactory(practice=world.practice, name="Acme")
    TaskFactory(practice=world.practice, client=desk.client, title="Invoice run", priority=4)
    TaskFactory(practice=world.practice, client=other, title="Newsletter", priority=1)
    for n in range(30):
        TaskFactory(practice=world.practice, client=other, title=f"Filler {n}")
    by_client = secretary_client.get(url(world, "task_list"), {"client": desk.client.pk})
    assert "Invoice run" in by_client.content.decode()
    assert "Newsletter" not in by_client.content.decode()
    by_text = secretary_client.get(url(world, "task_list"), {"q": "newslet", "sort": "-priority"})
    assert [t.title for t in by_text.context["tasks"]] == ["Newsletter"]
    first = secretary_client.get(url(world, "task_list"), {"sort": "-priority"})
    assert first.context["page"].paginator.num_pages == 2
    assert first.context["tasks"][0].title == "Invoice run"
    partial = secretary_client.get(url(world, "task_list"), HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content


@pytest.mark.parametrize("query", [{}, {"sort": "-priority"}])
def test_a_long_task_list_is_counted_only_as_far_as_its_pager_needs(
    world, desk, secretary_client, monkeypatch, query
):
    """Past the bound the pager says "more than", and the next page is there; a page past
    the bound is counted in full (pages of 2, a bound of 4 rows)."""
    from secretary.paging import BoundedPaginator

    monkeypatch.setattr("tasks.views.work.PAGE_SIZE", 2)
    monkeypatch.setattr(BoundedPaginator, "bound", 4)
    for n in range(7):
        TaskFactory(practice=world.practice, client=desk.client, title=f"Open {n}")
    first = secretary_client.get(url(world, "task_list"), query).content.decode()
    assert "Page 1 of more than 2" in first
    assert "page=2" in first
    second = secretary_client.get(url(world, "task_list"), {**query, "page": 2})
    assert "Page 2 of more than 2" in second.content.decode()
    assert "page=3" in second.content.decode()
    third = secretary_client.get(url(world, "task_list"), {**query, "page": 3})
    assert "Page 3 of 4" in third.content.decode()
    assert len(third.context["tasks"]) == 2
    last = secretary_client.get(url(world, "task_list"), {**query, "page": 4})
    assert "Page 4 of 4" in last.content.decode() and "page=5" not in last.content.decode()


def test_it_sorts_by_the_nearest_deadline_still_owed(world, desk, secretary_client):
    now = timezone.now()
    # Given a request whose response is owed in 3 hours, a task due tomorrow, a task due in
    # two days whose response (due in an hour) was already given, and one without deadlines
    common = {"practice": world.practice, "client": desk.client, "assignee": world.secretary}
    TaskFactory(**common, title="No deadline")
    TaskFactory(
        **common,
        title="Answered",
        due_at=now + timedelta(days=2),
        sla_due_at=now + timedelta(hours=1),
        responded_at=now - timedelta(hours=1),
    )
    TaskFactory(**common, title="Tomorrow", due_at=now + timedelta(days=1))
    TaskFactory(**common, title="Owed", sla_due_at=now + timedelta(hours=3))
    expected = ["Owed", "Tomorrow", "Answered", "No deadline"]
    # When the list is sorted by due time, and the dashboard lists the secretary's tasks
    listed = secretary_client.get(url(world, "task_list"), {"sort": "due"}).context["tasks"]
    dashboard = secretary_client.get(url(world, "dashboard")).context["open_tasks"]
    # Then both put the nearest deadline still owed first
    assert [t.title for t in listed] == expected
    assert [t.title for t in dashboard] == expected


def test_it_changes_status_and_assignee_in_bulk_and_reports_illegal_moves(
    world, desk, secretary_client
):
    todo = TaskFactory(practice=world.practice, client=desk.client, status=Status.TODO)
    cancelled = TaskFactory(
        practice=world.practice, client=desk.client, status=Status.CANCELLED, title="Old one"
    )
    response = secretary_client.post(
        url(world, "task_list"),
        {"tasks": [todo.pk, cancelled.pk], "status": Status.DONE, "assignee": str(world.admin.pk)},
        follow=True,
    )
    todo.refresh_from_db()
    cancelled.refresh_from_db()
    assert todo.status == Status.DONE and todo.assignee_id == world.admin.pk
    assert cancelled.status == Status.CANCELLED and cancelled.assignee_id is None
    assert "Old one" in response.content.decode()


def test_it_converts_a_request_into_a_task(world, desk, secretary_client):
    task = TaskFactory(
        practice=world.practice,
        client=desk.client,
        status=Status.REQUESTED,
        source="portal",
        title="pls book flights",
    )
    response = secretary_client.post(
        url(world, "task_convert", task_id=task.pk),
        {
            "title": "Book flights to Tokyo",
            "priority": 3,
            "assignee": world.secretary.pk,
            "status": Status.TODO,
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.title, task.assignee_id) == (
        Status.TODO,
        "Book flights to Tokyo",
        world.secretary.pk,
    )
    verbs = set(
        ActivityEvent.objects.for_practice(world.practice)
        .filter(target_id=str(task.pk))
        .values_list("verb", flat=True)
    )
    assert {"task.status_changed", "task.updated"} <= verbs


def test_it_gives_a_converted_request_the_checklist_of_its_service(world, desk, secretary_client):
    # Given a request for a service whose template carries a checklist
    service = ServiceCategoryFactory(practice=world.practice, name="Calls", slug="calls")
    TaskTemplateFactory(
        practice=world.practice,
        category=service,
        name="Conference call",
        checklist=["Invitations sent", "Dial-in tested", "Agenda", "Minutes"],
    )
    task = TaskFactory(
        practice=world.practice,
        client=desk.client,
        status=Status.REQUESTED,
        source="portal",
        category=service,
    )
    # The request page already shows what converting brings
    page = secretary_client.get(url(world, "task_detail", task_id=task.pk)).content.decode()
    assert "Dial-in tested" in page
    # When the secretary converts it
    form = {"title": "Partners' call", "category": service.pk, "priority": 2, "status": "todo"}
    response = secretary_client.post(url(world, "task_convert", task_id=task.pk), form)
    assert response.status_code == 302
    # Then the task has the template's checklist, once, even if converted again
    services.task_convert(
        practice=world.practice, actor=world.secretary, task=task, status=Status.TODO
    )
    task.refresh_from_db()
    assert [i.text for i in task.checklist.all()] == [
        "Invitations sent",
        "Dial-in tested",
        "Agenda",
        "Minutes",
    ]
    assert task.template.name == "Conference call"


def test_it_converts_with_the_template_chosen_over_the_services(world, desk, secretary_client):
    service = ServiceCategoryFactory(practice=world.practice, name="Trips", slug="trips")
    TaskTemplateFactory(practice=world.practice, category=service, checklist=["Flights"])
    chosen = TaskTemplateFactory(practice=world.practice, checklist=["Proof", "Order"])
    foreign = TaskTemplateFactory(practice=world.other_practice, checklist=["Leak"])
    task = TaskFactory(
        practice=world.practice, client=desk.client, status=Status.REQUESTED, source="portal"
    )
    form = {"title": "Cards", "category": service.pk, "priority": 2, "status": "todo"}
    # Another practice's template by forged id is refused and changes nothing
    response = secretary_client.post(
        url(world, "task_convert", task_id=task.pk), {**form, "template": foreign.pk}
    )
    assert response.status_code == 400 and response.context["convert_form"].errors["template"]
    task.refresh_from_db()
    assert task.status == Status.REQUESTED and not task.checklist.exists()
    # The template picked wins over the service's
    secretary_client.post(
        url(world, "task_convert", task_id=task.pk), {**form, "template": chosen.pk}
    )
    assert [i.text for i in task.checklist.all()] == ["Proof", "Order"]
    preview = secretary_client.get(
        url(world, "task_template_preview"), {"category": service.pk, "converting": "1"}
    )
    assert "Flights" in preview.content.decode() and "Converting" in preview.content.decode()


def test_it_records_reassignments_and_due_date_moves_in_the_history(world, desk, secretary_client):
    # Given a task assigned to the secretary
    task = TaskFactory(practice=world.practice, client=desk.client, assignee=world.secretary)
    due = timezone.now() + timedelta(days=3)
    # When it is given to the admin with a due date, then moved to in progress
    response = secretary_client.post(
        url(world, "task_edit", task_id=task.pk),
        {
            "client": desk.client.pk,
            "title": task.title,
            "priority": 2,
            "assignee": world.admin.pk,
            "due_at": due.astimezone(timezone.get_default_timezone()).strftime("%Y-%m-%dT%H:%M"),
            "client_visible": "on",
        },
    )
    assert response.status_code == 302
    secretary_client.post(url(world, "task_status", task_id=task.pk), {"status": "in_progress"})
    # Then the history holds each change, and the task page shows them
    events = ActivityEvent.objects.for_practice(world.practice).filter(target_id=str(task.pk))
    verbs = {e.verb: e.data for e in events}
    assert verbs["task.reassigned"]["to"] == world.admin.pk
    assert verbs["task.due_moved"]["from"] is None and verbs["task.due_moved"]["to"]
    assert verbs["task.status_changed"] == {"from": "todo", "to": "in_progress"}
    page = secretary_client.get(url(world, "task_detail", task_id=task.pk)).content.decode()
    assert "reassigned the task" in page and "moved the due date" in page


def test_it_refuses_an_illegal_transition(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client, status=Status.REQUESTED)
    response = secretary_client.post(
        url(world, "task_status", task_id=task.pk), {"status": Status.DONE}, follow=True
    )
    task.refresh_from_db()
    assert task.status == Status.REQUESTED
    assert "cannot go from" in response.content.decode()


def test_it_emails_the_client_on_a_reply_but_not_on_a_note(
    world, desk, secretary_client, django_capture_on_commit_callbacks
):
    task = TaskFactory(practice=world.practice, client=desk.client)
    with django_capture_on_commit_callbacks(execute=True):
        secretary_client.post(
            url(world, "task_comment", task_id=task.pk), {"body": "Internal only", "internal": "on"}
        )
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_client.post(
            url(world, "task_comment", task_id=task.pk), {"body": "Your flights are booked."}
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["contact@client.test"]]
    assert "Your flights are booked." in mail.outbox[0].body
    assert Comment.objects.for_practice(world.practice).filter(task=task).count() == 2


def test_it_refuses_a_due_date_before_creation(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client, title="Keep me")
    response = secretary_client.post(
        url(world, "task_edit", task_id=task.pk),
        {
            "client": desk.client.pk,
            "title": "Changed",
            "priority": 2,
            "due_at": (task.created_at - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert "cannot be before the task was created" in response.content.decode()
    task.refresh_from_db()
    assert task.title == "Keep me" and task.due_at is None


def test_it_refuses_another_practices_client_by_forged_id(world, desk, secretary_client):
    foreign = ClientFactory(practice=world.other_practice)
    response = secretary_client.post(
        url(world, "task_new"), {"client": foreign.pk, "title": "Sneaky", "priority": 2}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["client"]
    assert not Task.objects.for_practice(world.practice).filter(title="Sneaky").exists()


def test_it_creates_a_task_from_a_template_with_its_checklist(world, desk, secretary_client):
    template = TaskTemplateFactory(practice=world.practice, checklist=["Flights", "Hotel"])
    response = secretary_client.post(
        url(world, "task_new"),
        {
            "client": desk.client.pk,
            "title": "Trip",
            "priority": 2,
            "template": template.pk,
            "client_visible": "on",
        },
    )
    assert response.status_code == 302
    task = Task.objects.for_practice(world.practice).get(title="Trip")
    assert [i.text for i in task.checklist.all()] == ["Flights", "Hotel"]
    preview = secretary_client.get(url(world, "task_template_preview"), {"template": template.pk})
    assert "Hotel" in preview.content.decode()


def test_it_logs_time_and_refuses_absurd_durations(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    today = timezone.now().astimezone(timezone.get_default_timezone()).date()
    for minutes, message in ((1441, "at most 24 hours"), (-5, "at least one minute")):
        response = secretary_client.post(
            url(world, "time_add", task_id=task.pk), {"day": today, "minutes": minutes}
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not TimeEntry.objects.for_practice(world.practice).exists()


def test_it_runs_one_timer_at_a_time(world, desk, secretary_client):
    first = TaskFactory(practice=world.practice, client=desk.client, title="First")
    second = TaskFactory(practice=world.practice, client=desk.client)
    secretary_client.post(url(world, "timer_start", task_id=first.pk))
    response = secretary_client.post(url(world, "timer_start", task_id=second.pk), follow=True)
    assert "already running" in response.content.decode()
    entry = TimeEntry.objects.for_practice(world.practice).get()
    stopped = secretary_client.post(url(world, "timer_stop", entry_id=entry.pk), follow=True)
    assert "Timer stopped: 1 min logged." in stopped.content.decode()
    entry.refresh_from_db()
    assert entry.minutes == 1 and entry.ended_at is not None


def test_it_serves_attachments_only_to_staff_of_the_practice(
    world, desk, secretary_client, outsider_client, contact_client
):
    attachment = AttachmentFactory(
        practice=world.practice, task=TaskFactory(practice=world.practice, client=desk.client)
    )
    response = secretary_client.get(url(world, "attachment_download", attachment_id=attachment.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        outsider_client.get(
            url(world, "attachment_download", attachment_id=attachment.pk)
        ).status_code
        == 404
    )
    # A client contact does not use the staff route, and another practice's id is not found
    assert (
        contact_client.get(url(world, "attachment_download", attachment_id=attachment.pk))
    ).status_code == 404
    foreign = AttachmentFactory(
        task=TaskFactory(client=ClientFactory(practice=world.other_practice))
    )
    response = secretary_client.get(url(world, "attachment_download", attachment_id=foreign.pk))
    assert response.status_code == 404 and foreign.original_name not in response.content.decode()


def test_it_records_staff_views_of_a_regulated_clients_task(world, desk, secretary_client):
    desk.client.is_regulated = True
    desk.client.save()
    task = TaskFactory(practice=world.practice, client=desk.client)
    secretary_client.get(url(world, "task_detail", task_id=task.pk))
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(target_type="clients.client", target_id=str(desk.client.pk))
        .exists()
    )


def test_it_lets_admins_manage_templates(world, desk):
    admin = client_for(world.admin.user)
    response = admin.post(url(world, "task_template_list"))
    assert response.status_code == 302
    names = [t.name for t in admin.get(url(world, "task_template_list")).context["templates"]]
    assert "Travel booking" in names and "Monthly bookkeeping close" in names
    response = admin.post(
        url(world, "task_template_new"), {"name": "Travel booking", "title": "x", "priority": 2}
    )
    assert "already exists" in response.content.decode()


def test_it_saves_notification_preferences(world, secretary_client):
    response = secretary_client.post(
        url(world, "notification_preferences"), {"on_assignment": "on"}
    )
    assert response.status_code == 302
    from tasks.models import NotificationPreference

    preference = NotificationPreference.objects.for_practice(world.practice).get()
    assert preference.on_assignment and not preference.on_client_reply


def test_it_shows_due_times_in_the_viewers_and_the_clients_zone(world, desk):
    world.secretary.user.time_zone = "Australia/Sydney"
    world.secretary.user.save()
    due = timezone.datetime(2025, 7, 1, 9, 0, tzinfo=timezone.get_fixed_timezone(0))
    task = TaskFactory(
        practice=world.practice, client=desk.client, due_at=due, created_at=due - timedelta(days=1)
    )
    body = (
        client_for(world.secretary.user)
        .get(url(world, "task_detail", task_id=task.pk))
        .content.decode()
    )
    # 09:00 UTC is 19:00 in Sydney (the viewer) and 02:00 in Los Angeles (the client)
    assert "Tue 1 Jul, 19:00 AEST" in body
    assert "Tue 1 Jul, 02:00 PDT · America/Los_Angeles" in body


def test_it_offers_the_template_of_the_chosen_service(world, desk, secretary_client):
    from tests.tasks.factories import ServiceCategoryFactory

    service = ServiceCategoryFactory(practice=world.practice, name="Minutes", slug="minutes")
    TaskTemplateFactory(practice=world.practice, category=service, checklist=["Agenda", "Notes"])
    preview = secretary_client.get(url(world, "task_template_preview"), {"category": service.pk})
    assert "Agenda" in preview.content.decode()
    secretary_client.post(
        url(world, "task_new"),
        {"client": desk.client.pk, "title": "Board minutes", "priority": 2, "category": service.pk},
    )
    task = Task.objects.for_practice(world.practice).get(title="Board minutes")
    assert [i.text for i in task.checklist.all()] == ["Agenda", "Notes"]


def test_it_refuses_an_assignee_of_another_practice_by_forged_id(world, desk, secretary_client):
    response = secretary_client.post(
        url(world, "task_new"),
        {"client": desk.client.pk, "title": "Sneaky", "priority": 2, "assignee": world.outsider.pk},
    )
    assert response.status_code == 200 and response.context["form"].errors["assignee"]
    assert not Task.objects.for_practice(world.practice).filter(title="Sneaky").exists()


def test_it_welcomes_a_client_login_not_linked_to_a_client(world, contact_client):
    # Given a client-contact membership with no contact record (e.g. invited without a client)
    # When they open the portal home
    response = contact_client.get(f"/portal/{world.practice.slug}/")
    # Then they see an explanation instead of a dead end, and nothing of any client
    assert response.status_code == 200
    assert "not linked to a client" in response.content.decode()


def test_it_names_the_empty_choice_of_each_task_list_filter(world, desk, secretary_client):
    # When the secretary opens the task list; then each filter says what "no choice" means
    body = secretary_client.get(reverse("task_list", args=[world.practice.slug])).content.decode()
    for label in ("Any client", "Anyone", "Any service"):
        assert f">{label}</option>" in body
    assert ">---------</option>" not in body


def test_it_refuses_to_move_a_task_with_replies_to_another_client(world, desk, secretary_client):
    # Given a task of Northwind with a reply its contact has read
    task = TaskFactory(practice=world.practice, client=desk.client, title="Visa")
    CommentFactory(practice=world.practice, task=task, body="Your visa is booked")
    other = ClientFactory(practice=world.practice, name="Nightjar")
    # Then the edit page says up front that its client stays
    page = secretary_client.get(url(world, "task_edit", task_id=task.pk))
    assert "has replies on this task" in page.context["form"].fields["client"].help_text
    # When staff move it to another client on the edit page anyway
    response = secretary_client.post(
        url(world, "task_edit", task_id=task.pk),
        {"client": other.pk, "title": "Visa", "priority": 2, "client_visible": "on"},
    )
    # Then the form says why on the client field, and the task stays with Northwind
    assert response.status_code == 200
    assert "cannot change" in " ".join(response.context["form"].errors["client"])
    task.refresh_from_db()
    assert task.client == desk.client


def test_it_moves_a_task_the_client_has_not_seen_from_the_edit_page(world, desk, secretary_client):
    # Given a staff task with nothing the client has seen
    task = TaskFactory(practice=world.practice, client=desk.client, title="Visa")
    other = ClientFactory(practice=world.practice, name="Nightjar")
    # When it is moved on the edit page
    response = secretary_client.post(
        url(world, "task_edit", task_id=task.pk),
        {"client": other.pk, "title": "Visa", "priority": 2, "client_visible": "on"},
    )
    # Then it belongs to the other client
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.client == other


def test_it_offers_statuses_as_chips_and_the_bulk_bar_above_the_list(world, desk, secretary_client):
    TaskFactory(practice=world.practice, client=desk.client, title="Waiting one", status="waiting")
    TaskFactory(practice=world.practice, client=desk.client, title="To do one")
    TaskFactory(practice=world.practice, client=desk.client, title="Done one", status="done")
    # When two statuses are ticked
    page = secretary_client.get(
        url(world, "task_list") + "?status=waiting&status=todo"
    ).content.decode()
    # Then they are checkboxes, ticked, and the list holds both and only them
    assert '<input type="checkbox" name="status" value="waiting" class="chips"' in page
    assert 'value="todo" class="chips" id="id_status_1" checked>' in page
    assert "Waiting one" in page and "To do one" in page and "Done one" not in page
    # And the bulk bar comes before the list, with the count of selected tasks
    assert page.index('class="bulk-bar"') < page.index("<table")
    assert "data-selected-count" in page


def test_it_shows_a_moved_due_date_as_people_read_it(world, desk, secretary_client, owner_client):
    # Given a task whose due date moved to 3 Dec 2026, 12:00 UTC (23:00 in Sydney)
    task = TaskFactory(practice=world.practice, client=desk.client, assignee=world.secretary)
    world.secretary.user.time_zone = "Australia/Sydney"
    world.secretary.user.save(update_fields=["time_zone"])
    ActivityEvent.objects.create(
        practice=world.practice,
        actor=world.secretary.user,
        verb="task.due_moved",
        target_type="tasks.task",
        target_id=str(task.pk),
        data={"from": None, "to": "2026-12-03T12:00:00+00:00"},
    )
    # When the task's history is read
    page = secretary_client.get(url(world, "task_detail", task_id=task.pk)).content.decode()
    # Then the date reads as a date, in the reader's zone, never as ISO text
    assert "moved the due date → Thu 3 Dec 2026, 23:00 AEDT" in page
    assert "2026-12-03T12:00" not in page
    activity = owner_client.get(url(world, "activity")).content.decode()
    assert "2026-12-03T12:00" not in activity and "3 Dec 2026" in activity


def test_it_names_every_empty_choice_of_the_task_forms(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client, status=Status.REQUESTED)
    pages = {
        "new task": url(world, "task_new"),
        "triage": url(world, "task_detail", task_id=task.pk),
        "recurring": url(world, "recurring_new"),
        "event": url(world, "event_new"),
        "list": url(world, "task_list"),
    }
    for what, address in pages.items():
        page = secretary_client.get(address).content.decode()
        assert "---------" not in page, what
    new_task = secretary_client.get(pages["new task"]).content.decode()
    assert '<option value="" selected>Choose a client</option>' in new_task
    assert ">No service</option>" in new_task


def test_it_writes_checkbox_labels_without_a_colon(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    page = secretary_client.get(url(world, "task_detail", task_id=task.pk)).content.decode()
    assert '<label for="id_time_billable">Billable</label>' in page
    assert "Billable:" not in page


def test_it_proposes_the_clients_wanted_by_day_as_the_due_date(world, desk, secretary_client):
    # Given a portal request wanted by 12 May (the client is in Los Angeles)
    task = TaskFactory(
        practice=world.practice,
        client=desk.client,
        status=Status.REQUESTED,
        wanted_by=date(2027, 5, 12),
    )
    # When a secretary in Los Angeles triages it
    world.secretary.user.time_zone = "America/Los_Angeles"
    world.secretary.user.save(update_fields=["time_zone"])
    page = secretary_client.get(url(world, "task_detail", task_id=task.pk)).content.decode()
    # Then the convert form proposes that day, at the end of the client's working day
    assert 'name="due_at_0" value="12/05/2027"' in page
    assert 'name="due_at_1" value="17:00"' in page
