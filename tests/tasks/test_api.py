"""The tasks API: scoping, client contacts' narrow view, bad input as 400, nothing saved."""

from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from secretary import services as secretary_services
from tasks.models import Attachment, CalendarEvent, Status, Task, TimeEntry
from tasks.services import MAX_ATTACHMENT_BYTES
from tests.tasks.factories import (
    AttachmentFactory,
    CalendarEventFactory,
    ClientFactory,
    CommentFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


def api(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def test_it_checks_ownership(world, desk, secretary_client, contact_client, outsider_client):
    mine = TaskFactory(practice=world.practice, client=desk.client, title="Mine")
    other = TaskFactory(
        practice=world.practice,
        client=ClientFactory(practice=world.practice),
        title="Someone else's",
    )
    hidden = TaskFactory(
        practice=world.practice, client=desk.client, client_visible=False, title="Staff only"
    )
    # The outsider gets 404 everywhere
    assert outsider_client.get(api(world, "api_task_list")).status_code == 404
    # The contact sees only their client's visible tasks, without staff-only fields
    listed = contact_client.get(api(world, "api_task_list")).json()["results"]
    assert [t["title"] for t in listed] == ["Mine"]
    assert "assignee" not in listed[0] and "sla_due_at" not in listed[0]
    assert contact_client.get(api(world, "api_task_detail", task_id=other.pk)).status_code == 404
    assert contact_client.get(api(world, "api_task_detail", task_id=hidden.pk)).status_code == 404
    # ...and never time entries
    assert contact_client.get(api(world, "api_time_entry_list")).status_code == 404
    # A contact cannot change a task
    response = contact_client.patch(
        api(world, "api_task_detail", task_id=mine.pk),
        {"title": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    # Staff see all three
    assert secretary_client.get(api(world, "api_task_list")).json()["count"] == 3


def test_it_lets_a_contact_neither_filter_nor_sort_by_staff_only_fields(
    world, desk, contact_client
):
    # Given two of the client's requests, one assigned, one answered sooner
    now = timezone.now()
    TaskFactory(
        practice=world.practice,
        client=desk.client,
        title="Older",
        assignee=world.secretary,
        sla_due_at=now + timedelta(hours=5),
        created_at=now - timedelta(days=2),
    )
    TaskFactory(
        practice=world.practice,
        client=desk.client,
        title="Newer",
        sla_due_at=now + timedelta(hours=1),
        created_at=now - timedelta(days=1),
    )
    # When the contact filters by assignee and sorts by response time
    response = contact_client.get(
        api(world, "api_task_list"), {"assignee": world.secretary.pk, "ordering": "sla_due_at"}
    )
    # Then both are ignored: the answer is their requests, newest first
    assert [t["title"] for t in response.json()["results"]] == ["Newer", "Older"]
    by_status = contact_client.get(api(world, "api_task_list"), {"status": "todo", "q": "old"})
    assert [t["title"] for t in by_status.json()["results"]] == ["Older"]


def test_it_lets_a_contact_send_a_request_and_read_only_replies(world, desk, contact_client):
    response = contact_client.post(
        api(world, "api_task_list"), {"title": "Order cards"}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    task = Task.objects.for_practice(world.practice).get(pk=response.json()["id"])
    assert task.source == "portal" and task.status == Status.REQUESTED
    CommentFactory(practice=world.practice, task=task, body="Reply")
    CommentFactory(practice=world.practice, task=task, body="Note", internal=True)
    comments = contact_client.get(api(world, "api_task_comments", task_id=task.pk)).json()
    assert [c["body"] for c in comments["results"]] == ["Reply"]
    response = contact_client.post(
        api(world, "api_task_comments", task_id=task.pk),
        {"body": "Thanks", "internal": True},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["internal"] is False


def test_it_rejects_a_request_without_subject(world, desk, contact_client):
    response = contact_client.post(
        api(world, "api_task_list"), {"title": ""}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "title" in response.json()["errors"]
    assert not Task.objects.for_practice(world.practice).exists()


def test_it_rejects_another_practices_client_or_assignee(world, desk, secretary_client):
    foreign_client = ClientFactory(practice=world.other_practice)
    for payload, field in (
        ({"client": foreign_client.pk, "title": "x"}, "client"),
        ({"client": desk.client.pk, "title": "x", "assignee": world.outsider.pk}, "assignee"),
        ({"client": desk.client.pk, "title": "x", "assignee": world.client_contact.pk}, "assignee"),
    ):
        response = secretary_client.post(
            api(world, "api_task_list"), payload, content_type="application/json"
        )
        assert response.status_code == 400
        assert field in response.json()["errors"]
    assert not Task.objects.for_practice(world.practice).exists()


def test_it_rejects_an_illegal_transition_and_a_due_date_before_creation(
    world, desk, secretary_client
):
    task = TaskFactory(practice=world.practice, client=desk.client, status=Status.REQUESTED)
    response = secretary_client.post(
        api(world, "api_task_transition", task_id=task.pk),
        {"status": "done"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "cannot go from" in response.json()["message"]
    response = secretary_client.patch(
        api(world, "api_task_detail", task_id=task.pk),
        {"due_at": (task.created_at - timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400 and "due_at" in response.json()["errors"]
    task.refresh_from_db()
    assert task.status == Status.REQUESTED and task.due_at is None
    ok = secretary_client.post(
        api(world, "api_task_transition", task_id=task.pk),
        {"status": "todo"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "todo"


@pytest.mark.parametrize("status", ["done", "cancelled", "waiting"])
def test_it_refuses_to_create_a_task_past_its_first_steps(world, desk, secretary_client, status):
    response = secretary_client.post(
        api(world, "api_task_list"),
        {"client": desk.client.pk, "title": "Already finished", "status": status},
        content_type="application/json",
    )
    assert response.status_code == 400 and "status" in response.json()["errors"]
    assert not Task.objects.for_practice(world.practice).exists()


@pytest.mark.parametrize("minutes", [-30, 0, 1441, 100000])
def test_it_rejects_negative_or_absurd_durations(world, desk, secretary_client, minutes):
    task = TaskFactory(practice=world.practice, client=desk.client)
    response = secretary_client.post(
        api(world, "api_time_entry_list"),
        {"task": task.pk, "minutes": minutes},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "minutes" in response.json()["errors"]
    assert not TimeEntry.objects.for_practice(world.practice).exists()


def test_it_refuses_time_and_events_on_another_practices_rows(world, desk, secretary_client):
    # Given a task and a client of another practice, named by forged ids
    foreign_task = TaskFactory(client=ClientFactory(practice=world.other_practice))
    mine = TaskFactory(practice=world.practice, client=desk.client)
    start = timezone.now() + timedelta(days=1)
    attempts = [
        ("api_time_entry_list", {"task": foreign_task.pk, "minutes": 30}, "task"),
        ("api_timer_start", {"task": foreign_task.pk}, "task"),
        (
            "api_event_list",
            {
                "client": foreign_task.client_id,
                "title": "Call",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
                "time_zone": "UTC",
            },
            "client",
        ),
        (
            "api_event_list",
            {
                "client": desk.client.pk,
                "task": foreign_task.pk,
                "title": "Call",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
                "time_zone": "UTC",
            },
            "task",
        ),
    ]
    for name, payload, field in attempts:
        # When the secretary posts them
        response = secretary_client.post(api(world, name), payload, content_type="application/json")
        # Then each is a 400 naming the field, and the foreign row is not described
        assert response.status_code == 400, (name, response.content)
        assert field in response.json()["errors"]
        assert foreign_task.title not in response.content.decode()
    assert not TimeEntry.objects.for_practice(world.practice).exists()
    assert not TimeEntry.objects.for_practice(world.other_practice).exists()
    assert not CalendarEvent.objects.for_practice(world.practice).exists()
    assert mine.time_entries.count() == 0


def test_it_refuses_overlapping_timers(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    first = secretary_client.post(
        api(world, "api_timer_start"), {"task": task.pk}, content_type="application/json"
    )
    assert first.status_code == 201
    second = secretary_client.post(
        api(world, "api_timer_start"), {"task": task.pk}, content_type="application/json"
    )
    assert second.status_code == 400 and "already running" in second.json()["message"]
    assert TimeEntry.objects.for_practice(world.practice).count() == 1
    stop = secretary_client.post(api(world, "api_timer_stop", entry_id=first.json()["id"]))
    assert stop.status_code == 200 and stop.json()["minutes"] == 1


def test_it_refuses_to_edit_a_closed_period(world, desk, secretary_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    last_month = timezone.now() - timedelta(days=100)  # before last month: closed
    entry = TimeEntry.objects.create(
        practice=world.practice,
        task=task,
        client=desk.client,
        membership=world.secretary,
        started_at=last_month,
        ended_at=last_month + timedelta(hours=1),
        minutes=60,
        manual=True,
    )
    response = secretary_client.patch(
        api(world, "api_time_entry_detail", entry_id=entry.pk),
        {"minutes": 30},
        content_type="application/json",
    )
    assert response.status_code == 400 and "closed period" in response.json()["message"]
    assert (
        secretary_client.delete(api(world, "api_time_entry_detail", entry_id=entry.pk)).status_code
        == 400
    )
    entry.refresh_from_db()
    assert entry.minutes == 60


def test_it_uploads_and_downloads_attachments_within_limits(
    world, desk, secretary_client, contact_client
):
    task = TaskFactory(practice=world.practice, client=desk.client)
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"x" * MAX_ATTACHMENT_BYTES)
    response = secretary_client.post(
        api(world, "api_task_attachments", task_id=task.pk), {"files": [big]}
    )
    assert response.status_code == 400 and "10 MB" in response.json()["message"]
    evil = SimpleUploadedFile("page.html", b"<script>")
    response = secretary_client.post(
        api(world, "api_task_attachments", task_id=task.pk), {"files": [evil]}
    )
    assert response.status_code == 400 and "HTML" not in response.json()["message"].split(":")[-1]
    assert not Attachment.objects.for_practice(world.practice).exists()
    response = secretary_client.post(
        api(world, "api_task_attachments", task_id=task.pk),
        {"files": [SimpleUploadedFile("notes.txt", b"hello")]},
    )
    assert response.status_code == 201
    download = response.json()[0]["download_url"]
    assert b"".join(contact_client.get(download).streaming_content) == b"hello"


def test_it_answers_404_for_a_forged_attachment_id(world, desk, contact_client, secretary_client):
    foreign = AttachmentFactory(
        task=TaskFactory(client=ClientFactory(practice=world.other_practice))
    )
    internal = AttachmentFactory(
        practice=world.practice,
        internal=True,
        task=TaskFactory(practice=world.practice, client=desk.client),
    )
    assert (
        secretary_client.get(
            api(world, "api_attachment_download", attachment_id=foreign.pk)
        ).status_code
        == 404
    )
    assert (
        contact_client.get(
            api(world, "api_attachment_download", attachment_id=internal.pk)
        ).status_code
        == 404
    )
    task = TaskFactory(practice=world.practice, client=desk.client)
    response = secretary_client.post(
        api(world, "api_task_attachments", task_id=task.pk),
        {"files": [SimpleUploadedFile("a.txt", b"x")], "comment": 999999},
    )
    assert response.status_code == 400 and "comment" in response.json()["errors"]


def test_it_serves_events_and_a_private_feed(world, desk, secretary_client, contact_client, client):
    CalendarEventFactory(
        practice=world.practice,
        client=desk.client,
        secretary=world.secretary,
        title="Board call",
        attendees=[{"name": "Ann", "email": "ann@x.test"}],
    )
    events = contact_client.get(api(world, "api_event_list")).json()["results"]
    assert [e["title"] for e in events] == ["Board call"]
    assert events[0]["starts_in_client_zone"]
    created = secretary_client.post(
        api(world, "api_feed_list"), {}, content_type="application/json"
    )
    assert created.status_code == 201
    feed_url = created.json()["url"]
    # Anyone with the secret URL (a calendar app, no session) gets the ICS
    response = client.get(feed_url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Board call"]
    # Revoked, it is gone
    secretary_client.post(api(world, "api_feed_revoke", feed_id=created.json()["id"]))
    assert client.get(feed_url).status_code == 404
    # The same token under another practice's slug is not found either
    assert (
        client.get(feed_url.replace(world.practice.slug, world.other_practice.slug)).status_code
        == 404
    )


def test_it_rejects_an_event_that_ends_before_it_starts(world, desk, secretary_client):
    start = timezone.now() + timedelta(days=1)
    response = secretary_client.post(
        api(world, "api_event_list"),
        {
            "client": desk.client.pk,
            "title": "Call",
            "starts_at": start.isoformat(),
            "ends_at": (start - timedelta(hours=1)).isoformat(),
            "time_zone": "Australia/Sydney",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "ends_at" in response.json()["errors"]


def test_it_documents_filters_and_pagination_in_the_schema(world, secretary_client):
    schema = secretary_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/practices/{practice_slug}/tasks/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"client", "status", "assignee", "due_after", "page", "ordering", "search"} <= names


def test_it_documents_that_a_long_list_is_counted_up_to_a_bound(world, secretary_client):
    schema = secretary_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/practices/{practice_slug}/tasks/"]["get"]
    listed = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][listed.rsplit("/", 1)[1]]
    assert page["properties"]["count_exact"]["type"] == "boolean"
    assert {"count", "count_exact", "results"} <= set(page["required"])


def test_a_long_task_list_is_counted_up_to_a_bound(world, desk, secretary_client, monkeypatch):
    """Pages of 2 and a bound of 4 rows: within it the count stops at the bound, and says so;
    a page past it is counted in full."""
    from secretary.paging import BoundedPaginator

    monkeypatch.setattr(BoundedPaginator, "bound", 4)
    made = [TaskFactory(practice=world.practice, client=desk.client) for _ in range(7)]
    listing = api(world, "api_task_list")
    first = secretary_client.get(listing, {"page_size": 2}).json()
    assert (first["count"], first["count_exact"]) == (4, False)
    assert "page=2" in first["next"]
    assert [t["id"] for t in first["results"]] == [t.pk for t in reversed(made)][:2]
    third = secretary_client.get(listing, {"page_size": 2, "page": 3}).json()
    assert (third["count"], third["count_exact"]) == (7, True)
    last = secretary_client.get(listing, {"page_size": 2, "page": "last"}).json()
    assert (last["count"], last["count_exact"], last["next"]) == (7, True, None)
    assert [t["id"] for t in last["results"]] == [made[0].pk]
    # A page larger than the bound is counted in full
    small = secretary_client.get(listing, {"page_size": 10}).json()
    assert (small["count"], small["count_exact"]) == (7, True)


def test_it_refuses_to_hand_a_conversation_to_another_client(
    world, desk, secretary_client, contact_client
):
    # Given a request of Northwind's contact, with a reply and a file it may download
    created = contact_client.post(
        api(world, "api_task_list"), {"title": "Visa"}, content_type="application/json"
    )
    task = Task.objects.for_practice(world.practice).get(pk=created.json()["id"])
    CommentFactory(practice=world.practice, task=task, body="Your visa is booked")
    AttachmentFactory(practice=world.practice, task=task)
    other = ClientFactory(practice=world.practice, name="Nightjar")
    # When staff move it to another client
    response = secretary_client.patch(
        api(world, "api_task_detail", task_id=task.pk),
        {"client": other.pk},
        content_type="application/json",
    )
    # Then the API answers 400 on the client field, and Northwind's contact keeps its request
    assert response.status_code == 400
    assert response.json()["errors"]["client"]
    task.refresh_from_db()
    assert task.client == desk.client
    mine = contact_client.get(api(world, "api_task_detail", task_id=task.pk))
    assert mine.status_code == 200


def test_it_moves_a_staff_task_without_client_visible_history(world, desk, secretary_client):
    # Given a staff task with an internal note only
    task = TaskFactory(practice=world.practice, client=desk.client)
    CommentFactory(practice=world.practice, task=task, body="Internal", internal=True)
    other = ClientFactory(practice=world.practice, name="Nightjar")
    # When staff move it to another client
    response = secretary_client.patch(
        api(world, "api_task_detail", task_id=task.pk),
        {"client": other.pk},
        content_type="application/json",
    )
    # Then it moves
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.client == other


def test_it_stops_what_a_removed_contact_held(world, desk, contact_client, client):
    # Given the contact made a calendar link and a personal token through the API
    CalendarEventFactory(practice=world.practice, client=desk.client, title="Board call")
    created = contact_client.post(api(world, "api_feed_list"), {}, content_type="application/json")
    feed_url = created.json()["url"]
    [listed] = contact_client.get(api(world, "api_feed_list")).json()["results"]
    assert listed["issued_by"] == world.client_contact.pk
    _token, secret = secretary_services.token_create(membership=world.client_contact, name="Sync")
    by_token = Client(headers={"authorization": f"Bearer {secret}"})
    assert by_token.get(api(world, "api_calendar_ics")).status_code == 200
    assert client.get(feed_url).status_code == 200
    # When the owner removes the contact through the API (a token: no password to confirm)
    _owner_token, owner_secret = secretary_services.token_create(membership=world.owner, name="A")
    owner = Client(headers={"authorization": f"Bearer {owner_secret}"})
    removed = owner.delete(api(world, "api_member_detail", member_id=world.client_contact.pk))
    assert removed.status_code == 204
    # Then neither the calendar link nor the token opens the client's data
    assert client.get(feed_url).status_code == 404
    assert by_token.get(api(world, "api_calendar_ics")).status_code == 401
    assert contact_client.get(api(world, "api_feed_list")).status_code == 404


def test_it_emails_replies_only_to_contacts_who_still_have_a_portal_login(
    world, desk, secretary_client, django_capture_on_commit_callbacks
):
    # Given Northwind's contact was removed from the practice (its contact row stays)
    secretary_services.membership_remove(
        practice=world.practice, actor=world.owner, membership=world.client_contact
    )
    task = TaskFactory(practice=world.practice, client=desk.client)
    # When staff reply on its task
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_client.post(
            api(world, "api_task_comments", task_id=task.pk),
            {"body": "Your flights are booked."},
            content_type="application/json",
        )
    # Then the removed contact is not emailed the reply
    assert response.status_code == 201
    assert mail.outbox == []


@pytest.mark.postgres
def test_it_filters_events_by_an_instant_with_an_offset_postgresql_refuses(
    world, desk, secretary_client
):
    # Given an event at 10:00 UTC
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    CalendarEventFactory(
        practice=world.practice, client=desk.client, starts_at=start, ends_at=start
    )

    # When the list is filtered with an offset of +17:10 (valid ISO 8601; PostgreSQL accepts
    # at most ±15:59), at the same instant as the event and ten minutes after it
    same = (start + timedelta(hours=17, minutes=10)).strftime("%Y-%m-%dT%H:%M:%S+17:10")
    later = (start + timedelta(hours=17, minutes=20)).strftime("%Y-%m-%dT%H:%M:%S+17:10")
    url = api(world, "api_event_list")
    found = secretary_client.get(url, {"starts_after": same})
    none = secretary_client.get(url, {"starts_after": later})

    # Then it compares the same instant in UTC: no server error
    assert found.status_code == 200, found.content
    assert found.json()["count"] == 1
    assert none.status_code == 200 and none.json()["count"] == 0


@pytest.mark.parametrize(
    "name,value",
    [
        ("starts_after", "9999-12-31T23:00:00-17:10"),
        ("starts_before", "0001-01-01T00:30:00+01:00"),
    ],
)
def test_it_refuses_an_event_filter_instant_outside_the_calendar_in_utc(
    world, secretary_client, name, value
):
    # When the filter's instant, moved to UTC, leaves the years 1 to 9999
    response = secretary_client.get(api(world, "api_event_list"), {name: value})

    # Then it is a 400 on that filter, not a server error
    assert response.status_code == 400, response.content
    assert name in response.json()["errors"]


def test_it_refuses_a_page_size_that_is_not_a_whole_number(world, secretary_client):
    for value in ("null", "-2", "0", "1.5", "²"):
        response = secretary_client.get(api(world, "api_event_list"), {"page_size": value})
        assert response.status_code == 400, (value, response.content)
        assert "page_size" in response.json()["errors"]
    # Empty is the same as leaving it out; above 200 counts as 200
    for value in ("", "9" * 30):
        response = secretary_client.get(api(world, "api_event_list"), {"page_size": value})
        assert response.status_code == 200, (value, response.content)
