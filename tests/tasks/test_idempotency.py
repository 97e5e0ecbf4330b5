"""Sending the same create twice makes one object: forms carry a single-use token, API calls an
``Idempotency-Key`` header (see ``secretary.idempotency``)."""

import re
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connections
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from secretary.errors import ApplicationError
from secretary.idempotency import TOKEN_FIELD, idempotency_keys_purge, submit_once
from secretary.models import IdempotencyKey, Invitation
from secretary.tenancy import practice_scope
from tasks import services
from tasks.forms import RequestForm
from tasks.models import Comment, Task, TimeEntry
from tests.concurrency import DEADLINE, backend_is_waiting_for_a_lock, wait_for
from tests.conftest import build_world
from tests.tasks.factories import (
    ClientFactory,
    ContactFactory,
    EngagementFactory,
    TaskFactory,
)


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def token_in(response) -> str:
    found = re.search(rf'name="{TOKEN_FIELD}" value="([^"]+)"', response.content.decode())
    assert found, "the form has no idempotency token"
    return found.group(1)


def token_in_page(page: str) -> bool:
    return f'name="{TOKEN_FIELD}"' in page


def token_of_form(page: str, action: str) -> str:
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', page, re.S)
    assert form, f"no form posts to {action}"
    found = re.search(rf'name="{TOKEN_FIELD}" value="([^"]+)"', form.group(0))
    assert found, f"the form posting to {action} has no idempotency token"
    return found.group(1)


def tasks_of(world):
    return Task.objects.for_practice(world.practice)


# --- HTML forms ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_files_one_portal_request_when_the_form_is_sent_twice(world, desk, contact_client):
    # Given the request form as the portal renders it
    token = token_in(contact_client.get(url(world, "portal_request_new")))
    data = {"subject": "Book flights to Tokyo", "details": "Economy", TOKEN_FIELD: token}
    # When it is sent twice (a double click)
    first = contact_client.post(url(world, "portal_request_new"), data)
    second = contact_client.post(url(world, "portal_request_new"), data)
    # Then one request exists, and both answers lead to it
    task = tasks_of(world).get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert second["Location"].endswith(f"/requests/{task.pk}/")


@pytest.mark.django_db
def test_it_renders_a_new_token_each_time_the_form_opens(world, desk, contact_client):
    # Given the form opened twice
    first = token_in(contact_client.get(url(world, "portal_request_new")))
    second = token_in(contact_client.get(url(world, "portal_request_new")))
    # Then each has its own token, and each sends its own request
    assert first != second
    for token in (first, second):
        response = contact_client.post(
            url(world, "portal_request_new"), {"subject": "Call the bank", TOKEN_FIELD: token}
        )
        assert response.status_code == 302
    assert tasks_of(world).count() == 2


@pytest.mark.django_db
def test_it_creates_one_staff_task_when_the_form_is_sent_twice(world, desk, secretary_client):
    # Given the staff task form
    token = token_in(secretary_client.get(url(world, "task_new")))
    data = {
        "client": desk.client.pk,
        "title": "Renew the lease",
        "priority": 2,
        "client_visible": "on",
        TOKEN_FIELD: token,
    }
    # When it is sent twice
    first = secretary_client.post(url(world, "task_new"), data)
    second = secretary_client.post(url(world, "task_new"), data)
    # Then one task exists and both go to it
    task = tasks_of(world).get()
    assert first.status_code == second.status_code == 302, second.content.decode()[:2000]
    assert first["Location"] == second["Location"] == url(world, "task_detail", task_id=task.pk)


@pytest.mark.django_db
def test_it_adds_one_comment_and_one_time_entry_when_sent_twice(world, desk, secretary_client):
    # Given a task page with its comment and time forms
    task = TaskFactory(practice=world.practice, client=desk.client)
    page = secretary_client.get(url(world, "task_detail", task_id=task.pk)).content.decode()
    comment_token = token_of_form(page, url(world, "task_comment", task_id=task.pk))
    time_token = token_of_form(page, url(world, "time_add", task_id=task.pk))
    comment = {"body": "Called them", "internal": "on", TOKEN_FIELD: comment_token}
    entry = {
        "day": timezone.localdate().isoformat(),
        "minutes": 30,
        "billable": "on",
        TOKEN_FIELD: time_token,
    }
    # When each is sent twice
    for _ in range(2):
        assert (
            secretary_client.post(url(world, "task_comment", task_id=task.pk), comment).status_code
            == 302
        )
        assert (
            secretary_client.post(url(world, "time_add", task_id=task.pk), entry).status_code == 302
        )
    # Then there is one of each
    assert Comment.objects.for_practice(world.practice).filter(task=task).count() == 1
    assert TimeEntry.objects.for_practice(world.practice).filter(task=task).count() == 1


@pytest.mark.django_db
def test_it_puts_a_token_in_every_form_that_creates(world, desk, owner_client):
    # Given the pages whose forms create rows (staff side; the portal's are tested above)
    c = {"client_id": desk.client.pk}
    task = TaskFactory(practice=world.practice, client=desk.client)
    pages = {
        "task_new": ({}, ["task_new"]),
        "task_detail": (
            {"task_id": task.pk},
            ["task_comment", "time_add", "task_attach", "checklist_add"],
        ),
        "client_create": ({}, ["client_create"]),
        "contact_create": (c, ["contact_create"]),
        "agreement_create": (c, ["agreement_create"]),
        # A client with no plan yet (the desk's has one: its page offers to change it instead)
        "engagement_create": (
            {"client_id": ClientFactory(practice=world.practice).pk},
            ["engagement_create"],
        ),
        "plan_create": ({}, ["plan_create"]),
        "category_create": ({}, ["category_create"]),
        "event_new": ({}, ["event_new"]),
        "task_template_new": ({}, ["task_template_new"]),
        "recurring_new": ({}, ["recurring_new"]),
        "members": ({}, ["member_invite"]),
    }
    for page_name, (kwargs, actions) in pages.items():
        page = owner_client.get(url(world, page_name, **kwargs)).content.decode()
        for action in actions:
            action_kwargs = {"task_id": task.pk} if page_name == "task_detail" else kwargs
            target = url(world, action, **action_kwargs)
            if f'action="{target}"' in page:
                token_of_form(page, target)
            else:  # a form that posts to its own page
                assert token_in_page(page), page_name


@pytest.mark.django_db
def test_it_adds_one_client_and_sends_one_invitation_when_sent_twice(world, owner_client):
    # Given the new-client form and the members page's invitation form
    client_token = token_in(owner_client.get(url(world, "client_create")))
    invite_page = owner_client.get(url(world, "members")).content.decode()
    invite_token = token_of_form(invite_page, url(world, "member_invite"))
    client_data = {
        "name": "Fabrikam",
        "status": "prospect",
        "specialty": "general",
        "time_zone": "UTC",
        "currency": "USD",
        TOKEN_FIELD: client_token,
    }
    invite_data = {
        "email": "new.person@example.com",
        "role": "secretary",
        TOKEN_FIELD: invite_token,
    }
    # When each is sent twice
    for _ in range(2):
        created = owner_client.post(url(world, "client_create"), client_data)
        assert created.status_code == 302, created.content.decode()[:3000]
        owner_client.post(url(world, "member_invite"), invite_data)
    # Then one client and one invitation exist
    assert Client.objects.for_practice(world.practice).filter(name="Fabrikam").count() == 1
    invitations = Invitation.objects.for_practice(world.practice).filter(
        email="new.person@example.com"
    )
    assert invitations.count() == 1
    assert invitations.get().revoked_at is None


@pytest.mark.django_db
def test_it_refuses_the_same_token_with_other_values_then_sends_with_a_new_one(
    world, desk, contact_client
):
    # Given a request sent with a token
    token = token_in(contact_client.get(url(world, "portal_request_new")))
    contact_client.post(
        url(world, "portal_request_new"), {"subject": "Book flights", TOKEN_FIELD: token}
    )
    # When the same form comes back with other values (the browser's back button)
    again = contact_client.post(
        url(world, "portal_request_new"), {"subject": "Book a hotel", TOKEN_FIELD: token}
    )
    # Then nothing new is made, the person is told, and the form carries a fresh token
    assert again.status_code == 400
    assert "already sent" in again.content.decode()
    fresh = token_in(again)
    assert fresh != token
    assert list(tasks_of(world).values_list("title", flat=True)) == ["Book flights"]
    # And sending it once more makes the second request
    third = contact_client.post(
        url(world, "portal_request_new"), {"subject": "Book a hotel", TOKEN_FIELD: fresh}
    )
    assert third.status_code == 302
    assert sorted(tasks_of(world).values_list("title", flat=True)) == [
        "Book a hotel",
        "Book flights",
    ]


@pytest.mark.django_db
def test_it_keeps_the_token_usable_when_the_first_post_fails(world, desk, contact_client):
    # Given a post refused by the form (no subject)
    token = token_in(contact_client.get(url(world, "portal_request_new")))
    refused = contact_client.post(url(world, "portal_request_new"), {TOKEN_FIELD: token})
    assert refused.status_code == 400 and token_in(refused) == token
    # When the corrected form is sent with the same token
    sent = contact_client.post(
        url(world, "portal_request_new"), {"subject": "Book flights", TOKEN_FIELD: token}
    )
    # Then it is made
    assert sent.status_code == 302
    assert tasks_of(world).count() == 1


@pytest.mark.django_db
def test_it_keeps_the_token_out_of_the_data_of_an_edit_form(world, desk, secretary_client):
    # Given a task edited through its form (which carries a token too)
    task = TaskFactory(practice=world.practice, client=desk.client, title="Old title")
    page = secretary_client.get(url(world, "task_edit", task_id=task.pk))
    data = {
        "client": desk.client.pk,
        "title": "New title",
        "priority": 2,
        "status": task.status,
        "client_visible": "on",
        TOKEN_FIELD: token_in(page),
    }
    # When it is saved
    response = secretary_client.post(url(world, "task_edit", task_id=task.pk), data)
    # Then the change is saved (the token is no field of the task)
    assert response.status_code == 302, response.content.decode()[:2000]
    task.refresh_from_db()
    assert task.title == "New title"


@pytest.mark.django_db
def test_it_forgets_keys_after_a_day(world, desk, contact_client):
    # Given a request sent a little over a day ago with a token
    token = token_in(contact_client.get(url(world, "portal_request_new")))
    data = {"subject": "Book flights", TOKEN_FIELD: token}
    contact_client.post(url(world, "portal_request_new"), data)
    old = timezone.now() - timedelta(hours=25)
    IdempotencyKey.objects.for_practice(world.practice).update(created_at=old)
    recent = IdempotencyKey.objects.create(
        practice=world.practice,
        user=world.client_contact.user,
        scope="api /elsewhere/",
        key="recent",
        fingerprint="x",
    )
    # When the purge runs
    assert idempotency_keys_purge() == 1
    # Then only the recent key is left
    assert list(IdempotencyKey.objects.for_practice(world.practice)) == [recent]


def test_it_puts_the_key_purge_on_the_beat_schedule():
    from secretary.celery import app
    from secretary.tasks import purge_idempotency_keys

    jobs = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert purge_idempotency_keys.name in jobs


# --- API -------------------------------------------------------------------------------------


def post_task(client, world, body, key=None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        url(world, "api_task_list"), body, content_type="application/json", headers=headers
    )


@pytest.mark.django_db
def test_it_answers_the_first_response_again_for_the_same_key_and_body(
    world, desk, secretary_client
):
    # Given a task created with an Idempotency-Key
    body = {"client": desk.client.pk, "title": "Renew the lease"}
    first = post_task(secretary_client, world, body, key="3f1c6c9e-lease")
    assert first.status_code == 201
    # When the same call is sent again (a retry after a timeout)
    second = post_task(secretary_client, world, body, key="3f1c6c9e-lease")
    # Then the first answer comes back, marked as replayed, and one task exists
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert tasks_of(world).count() == 1


@pytest.mark.django_db
def test_it_refuses_the_same_key_with_another_body(world, desk, secretary_client):
    # Given a task created with a key
    post_task(secretary_client, world, {"client": desk.client.pk, "title": "A"}, key="k-1")
    # When the key comes again with another body
    response = post_task(secretary_client, world, {"client": desk.client.pk, "title": "B"}, "k-1")
    # Then 422 says why, and nothing new is made
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["message"]
    assert list(tasks_of(world).values_list("title", flat=True)) == ["A"]


@pytest.mark.django_db
def test_it_keeps_keys_apart_per_person_and_per_endpoint(
    world, desk, secretary_client, owner_client
):
    # Given a key used by the secretary on the task list
    body = {"client": desk.client.pk, "title": "A"}
    post_task(secretary_client, world, body, key="same")
    # When the owner sends the same key and body
    response = post_task(owner_client, world, body, key="same")
    # Then it is their own create
    assert response.status_code == 201 and not response.has_header("Idempotent-Replayed")
    assert tasks_of(world).count() == 2


@pytest.mark.django_db
def test_it_lets_a_failed_call_be_corrected_with_the_same_key(world, desk, secretary_client):
    # Given a call refused as invalid
    refused = post_task(secretary_client, world, {"title": "No client"}, key="k-2")
    assert refused.status_code == 400
    # When the corrected call comes with the same key
    response = post_task(secretary_client, world, {"client": desk.client.pk, "title": "A"}, "k-2")
    # Then it is made
    assert response.status_code == 201
    assert tasks_of(world).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "a" * 201, "with space", "caf\u00e9"])
def test_it_rejects_a_malformed_key(world, desk, secretary_client, key):
    response = post_task(secretary_client, world, {"client": desk.client.pk, "title": "A"}, key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not tasks_of(world).exists()


@pytest.mark.django_db
def test_it_still_creates_each_call_without_a_key(world, desk, secretary_client):
    body = {"client": desk.client.pk, "title": "A"}
    assert post_task(secretary_client, world, body).status_code == 201
    assert post_task(secretary_client, world, body).status_code == 201
    assert tasks_of(world).count() == 2


@pytest.mark.django_db
def test_it_replays_a_client_contacts_request_and_a_comment(world, desk, contact_client):
    # Given a contact's request and a reply, each sent twice with its key
    for _ in range(2):
        response = post_task(contact_client, world, {"title": "Book flights"}, key="req-1")
        assert response.status_code == 201
    task = tasks_of(world).get()
    for _ in range(2):
        response = contact_client.post(
            url(world, "api_task_comments", task_id=task.pk),
            {"body": "Thanks"},
            content_type="application/json",
            headers={"Idempotency-Key": "reply-1"},
        )
        assert response.status_code == 201
    # Then one of each exists
    assert Comment.objects.for_practice(world.practice).filter(task=task).count() == 1


# --- Concurrency (PostgreSQL) ----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_makes_one_request_when_two_posts_race_with_one_token():
    # Given a contact's request form, posted twice at once with the same token
    world = build_world()
    client = ClientFactory(practice=world.practice, primary_secretary=world.secretary)
    contact = ContactFactory(
        practice=world.practice, client=client, membership=world.client_contact
    )
    EngagementFactory(practice=world.practice, client=client)
    request = SimpleNamespace(practice=world.practice, user=world.client_contact.user)
    data = {"subject": "Book flights", TOKEN_FIELD: "race-token-0123456789"}
    first_made, first_may_commit = threading.Event(), threading.Event()
    second_pid: list[int] = []
    outcome: dict[str, object] = {}

    def post(name: str, hold: bool):
        try:
            form = RequestForm(data, {}, practice=world.practice)
            assert form.is_valid(), form.errors

            def submit():
                task = services.task_request_submit(
                    practice=world.practice,
                    contact=contact,
                    membership=world.client_contact,
                    subject=form.cleaned_data["subject"],
                    details="",
                    category=None,
                    wanted_by=None,
                    files=[],
                )
                if hold:
                    # Keep the transaction open until the other post waits on the key.
                    first_made.set()
                    assert first_may_commit.wait(DEADLINE)
                return task

            if not hold:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    second_pid.append(cursor.fetchone()[0])
            with practice_scope(world.practice):  # as a request would
                outcome[name] = submit_once(request, form, submit)
        except BaseException as error:  # reported by the main thread
            outcome[name] = error
            first_made.set()
        finally:
            connections.close_all()

    first = threading.Thread(target=post, args=("first", True))
    first.start()
    assert first_made.wait(DEADLINE)
    second = threading.Thread(target=post, args=("second", False))
    second.start()
    # When the second post is blocked on the first one's key, the first commits
    wait_for(lambda: bool(second_pid), "the second post to start")
    wait_for(
        lambda: "second" in outcome or backend_is_waiting_for_a_lock(second_pid[0]),
        "the second post to wait",
    )
    assert "second" not in outcome, outcome["second"]
    first_may_commit.set()
    first.join(DEADLINE)
    second.join(DEADLINE)
    # Then one request exists and both posts answer it
    assert not isinstance(outcome["first"], BaseException), outcome["first"]
    assert not isinstance(outcome["second"], BaseException | ApplicationError), outcome["second"]
    task = Task.objects.for_practice(world.practice).get()
    assert outcome["first"].pk == outcome["second"].pk == task.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_makes_one_task_when_two_api_calls_race_with_one_key(monkeypatch):
    # Given two API calls with the same key and body, the first held open after creating
    world = build_world()
    client = ClientFactory(practice=world.practice, primary_secretary=world.secretary)
    first_made, first_may_commit = threading.Event(), threading.Event()
    second_pid: list[int] = []
    outcome: dict[str, object] = {}
    real_create = services.task_create

    def held_create(**kwargs):
        task = real_create(**kwargs)
        if threading.current_thread().name == "first":
            first_made.set()
            assert first_may_commit.wait(DEADLINE)
        return task

    monkeypatch.setattr(services, "task_create", held_create)
    body = {"client": client.pk, "title": "Renew the lease"}

    def call():
        name = threading.current_thread().name
        try:
            if name == "second":
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    second_pid.append(cursor.fetchone()[0])
            http = HttpClient()
            http.force_login(world.secretary.user)
            outcome[name] = post_task(http, world, body, key="race-key")
        except BaseException as error:  # reported by the main thread
            outcome[name] = error
            first_made.set()
        finally:
            connections.close_all()

    first = threading.Thread(target=call, name="first")
    first.start()
    assert first_made.wait(DEADLINE)
    second = threading.Thread(target=call, name="second")
    second.start()
    # When the second call waits on the first one's key, the first commits
    wait_for(lambda: bool(second_pid) or "second" in outcome, "the second call to start")
    wait_for(
        lambda: "second" in outcome or backend_is_waiting_for_a_lock(second_pid[0]),
        "the second call to wait",
    )
    first_may_commit.set()
    first.join(DEADLINE)
    second.join(DEADLINE)
    # Then one task exists and both calls answer it
    first_response, second_response = outcome["first"], outcome["second"]
    assert not isinstance(first_response, BaseException), first_response
    assert not isinstance(second_response, BaseException), second_response
    assert first_response.status_code == second_response.status_code == 201
    assert second_response.json() == first_response.json()
    assert second_response["Idempotent-Replayed"] == "true"
    assert Task.objects.for_practice(world.practice).count() == 1
