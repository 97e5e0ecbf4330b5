"""The call and inquiry log: the service, the form, the pages, the message to the client,
the follow-up task, billable time, the search provider and the API."""

from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from secretary.errors import ApplicationError
from secretary.search import SearchContext, provider_hits
from tasks.calls import services
from tasks.calls.models import Call
from tasks.models import Source, Status, Task, TimeEntry
from tests.clients.playbook.helpers import portal_contact, written_playbook
from tests.conftest import client_for
from tests.tasks.factories import ClientFactory, ContactFactory, EngagementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(world):
    """A client with a portal contact, a playbook (key people Dr Ana Reyes and Bo Lind) and an
    active engagement billing at least 10 minutes per call."""
    contact = portal_contact(world)
    client = contact.client
    EngagementFactory(practice=world.practice, client=client, call_minimum_minutes=10)
    written_playbook(world, client)
    return SimpleNamespace(client=client, contact=contact)


def _url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def _log(world, desk, **data):
    return services.call_log(
        practice=world.practice,
        actor=world.secretary,
        client=desk.client,
        data={"caller_name": "Pat Caller", **data},
    )


# --- Service ----------------------------------------------------------------------------------


def test_it_makes_a_phone_task_for_a_call_with_follow_up(world, desk):
    # Given a call that needs a follow-up
    call = _log(world, desk, reason="Wants a quote", follow_up=True, urgency="urgent")
    # Then a task with source "phone" is linked to the call
    task = Task.objects.unscoped().get(pk=call.task_id)
    assert task.source == Source.PHONE
    assert task.client_id == desk.client.pk
    assert "Pat Caller" in task.title
    assert "Wants a quote" in task.description
    assert task.priority == 4
    assert list(task.calls.all()) == [call]


def test_it_refuses_a_call_without_a_caller_and_saves_nothing(world, desk):
    with pytest.raises(ApplicationError) as error:
        _log(world, desk, caller_name="   ", follow_up=True)
    assert "caller_name" in error.value.errors
    assert not Call.objects.unscoped().exists()
    assert not Task.objects.unscoped().filter(source=Source.PHONE).exists()


def test_it_refuses_a_message_for_someone_who_is_not_the_client_s(world, desk):
    other = ClientFactory(practice=world.practice, name="Other")
    stranger = ContactFactory(practice=world.practice, client=other, email="x@other.test")
    with pytest.raises(ApplicationError) as error:
        _log(world, desk, message="Call back", message_for_contact=stranger)
    assert "message_for" in error.value.errors
    with pytest.raises(ApplicationError) as error:
        _log(world, desk, message="Call back", message_for_name="Nobody Known")
    assert "message_for" in error.value.errors
    assert not Call.objects.unscoped().exists()
    # A key person of the playbook is fine
    call = _log(world, desk, message="Call back", message_for_name="Dr Ana Reyes")
    assert call.message_recipient == "Dr Ana Reyes"


def test_it_emails_a_message_for_the_client_once(world, desk, django_capture_on_commit_callbacks):
    # When a message for the client is logged (the job runs after commit, in process)
    with django_capture_on_commit_callbacks(execute=True):
        call = _log(world, desk, message="Please call Pat back", message_to_client=True)
    # Then the contact gets one email and the call is marked
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["contact@client.test"]
    assert "Please call Pat back" in mail.outbox[0].body
    call.refresh_from_db()
    assert call.message_emailed_at is not None
    # And running the job again sends nothing
    from tasks.calls.tasks import send_call_message

    assert send_call_message(practice_id=world.practice.pk, call_id=call.pk) is False
    assert len(mail.outbox) == 1
    # And the portal shows it
    portal = client_for(world.client_contact.user)
    assert (
        "Please call Pat back" in portal.get(_url(world, "portal_call_messages")).content.decode()
    )


def test_it_bills_at_least_the_engagement_s_minimum_per_call(world, desk):
    # Given a 3-minute billable call and a 10-minute minimum
    call = _log(world, desk, duration_minutes=3, billable=True)
    # Then 10 minutes are logged, on a done phone task that holds the call's time
    entry = TimeEntry.objects.unscoped().get(pk=call.time_entry_id)
    assert entry.minutes == 10
    assert entry.billable
    task = Task.objects.unscoped().get(pk=call.task_id)
    assert (task.source, task.status) == (Source.PHONE, Status.DONE)
    # A longer call is billed as long as it was
    longer = _log(world, desk, duration_minutes=25, billable=True, follow_up=True)
    assert TimeEntry.objects.unscoped().get(pk=longer.time_entry_id).minutes == 25
    assert TimeEntry.objects.unscoped().get(pk=longer.time_entry_id).task_id == longer.task_id


def test_it_needs_a_duration_to_bill_a_call(world, desk):
    with pytest.raises(ApplicationError) as error:
        _log(world, desk, billable=True)
    assert "duration_minutes" in error.value.errors


# --- Pages ------------------------------------------------------------------------------------


def test_it_checks_ownership(world, desk):
    url = _url(world, "call_new") + f"?client={desk.client.pk}"
    assert client_for(world.outsider.user).get(url).status_code == 404
    assert client_for(world.client_contact.user).get(url).status_code == 404
    assert client_for(world.secretary.user).get(url).status_code == 200


def test_it_shows_the_playbook_answers_beside_the_form(world, desk):
    staff = client_for(world.secretary.user)
    page = staff.get(_url(world, "call_new") + f"?client={desk.client.pk}").content.decode()
    assert "Do you take new patients?" in page
    assert "data-use-answer" in page
    assert 'name="caller_name"' in page and "autofocus" in page
    # Without a client, the client is chosen first
    first = staff.get(_url(world, "call_new")).content.decode()
    assert 'name="client"' in first and "Choose a client" in first


def test_it_logs_a_call_from_the_form_with_the_playbook_s_answer(world, desk):
    staff = client_for(world.secretary.user)
    url = _url(world, "call_new") + f"?client={desk.client.pk}"
    form = staff.get(url).context["form"]
    response = staff.post(
        url,
        {
            "client": desk.client.pk,
            "idempotency_token": form["idempotency_token"].value(),
            "caller_name": "Jo Smith",
            "caller_number": "555 0199",
            "inquiry": "Where do I park?",
            "answer_given": "",
            "message_for": "person:Bo Lind",
            "message": "Jo will come at 3",
            "urgency": "normal",
            "follow_up": "on",
        },
    )
    assert response.status_code == 302
    call = Call.objects.unscoped().get()
    assert call.answer_given == "Behind the building."
    assert call.message_for_name == "Bo Lind"
    assert Task.objects.unscoped().get(pk=call.task_id).source == Source.PHONE


def test_it_shows_form_errors_for_an_empty_caller(world, desk):
    staff = client_for(world.secretary.user)
    url = _url(world, "call_new") + f"?client={desk.client.pk}"
    response = staff.post(url, {"client": desk.client.pk, "caller_name": "", "urgency": "normal"})
    assert response.status_code == 400
    assert not Call.objects.unscoped().exists()


def test_it_refuses_a_message_for_another_client_s_contact_in_the_form(world, desk):
    other = ContactFactory(practice=world.practice, client=ClientFactory(practice=world.practice))
    staff = client_for(world.secretary.user)
    url = _url(world, "call_new") + f"?client={desk.client.pk}"
    response = staff.post(
        url,
        {
            "client": desk.client.pk,
            "caller_name": "Jo",
            "urgency": "normal",
            "message": "Hi",
            "message_for": f"contact:{other.pk}",
        },
    )
    assert response.status_code == 400
    assert not Call.objects.unscoped().exists()


def test_it_keeps_the_call_pages_queries_flat(world, desk):
    staff = client_for(world.secretary.user)
    urls = [
        _url(world, "call_list"),
        _url(world, "call_list") + f"?client={desk.client.pk}",
        _url(world, "client_detail", client_id=desk.client.pk) + "?tab=calls",
        _url(world, "call_new") + f"?client={desk.client.pk}",
    ]
    _log(world, desk, follow_up=True, message="m", message_for_contact=desk.contact)
    for url in urls:
        staff.get(url)
    with CaptureQueriesContext(connection) as few:
        for url in urls:
            assert staff.get(url).status_code == 200
    for n in range(12):
        _log(
            world,
            desk,
            caller_name=f"Caller {n}",
            follow_up=n % 2 == 0,
            message="m",
            message_for_contact=desk.contact,
        )
    with CaptureQueriesContext(connection) as many:
        for url in urls:
            assert staff.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    portal = client_for(world.client_contact.user)
    assert portal.get(_url(world, "portal_call_messages")).status_code == 200


# --- Search provider --------------------------------------------------------------------------


def test_a_long_call_list_is_counted_only_as_far_as_its_pager_needs(world, desk, monkeypatch):
    """Pages of 2 and a bound of 4 rows: "Older" leads on past the bound, and the last page
    (counted in full) has none."""
    from secretary.paging import BoundedPaginator

    monkeypatch.setattr("tasks.calls.views.PAGE_SIZE", 2)
    monkeypatch.setattr(BoundedPaginator, "bound", 4)
    for n in range(7):
        _log(world, desk, caller_name=f"Caller {n}")
    browser = client_for(world.secretary.user)
    shown = []
    for number in range(1, 5):
        page = browser.get(_url(world, "call_list"), {"page": number})
        assert page.context["page"].number == number
        shown += [call.caller_name for call in page.context["page"]]
        assert (f"page={number + 1}" in page.content.decode()) is (number < 4)
    assert shown == [f"Caller {n}" for n in reversed(range(7))]


def test_it_finds_calls_by_caller_or_message(world, desk):
    _log(world, desk, caller_name="Quentin Blake", message="About the invoice 42")
    _log(world, desk, caller_name="Other")

    def found(text, practice=world.practice, member=world.secretary):
        context = SearchContext(practice=practice, membership=member, text=text, limit=5)
        return provider_hits("calls", context)

    for text in ("quentin", "INVOICE 42"):
        hits = found(text)
        assert len(hits) == 1 and "Quentin Blake" in hits[0].title
    for text in ("' OR 1=1 --", "%", ".*"):
        assert found(text) == []
    assert found("quentin", world.other_practice, world.outsider) == []


# --- API --------------------------------------------------------------------------------------


def test_it_logs_and_lists_calls_through_the_api(world, desk):
    api = client_for(world.secretary.user)
    url = _url(world, "api_call_list")
    response = api.post(
        url,
        {"client": desk.client.pk, "caller_name": "API Caller", "follow_up": True},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert Task.objects.unscoped().get(pk=body["task"]).source == Source.PHONE
    listed = api.get(url + f"?client={desk.client.pk}").json()
    assert [row["caller_name"] for row in listed["results"]] == ["API Caller"]
    assert api.get(url + "?received_after=2190-01-01T00:00:00Z").json()["results"] == []
    detail = api.get(_url(world, "api_call_detail", call_id=body["id"]))
    assert detail.json()["caller_name"] == "API Caller"


def test_it_answers_400_for_bad_calls_in_the_api(world, desk):
    api = client_for(world.secretary.user)
    url = _url(world, "api_call_list")
    other = ContactFactory(practice=world.practice, client=ClientFactory(practice=world.practice))
    for body in (
        {"client": desk.client.pk, "caller_name": ""},
        {
            "client": desk.client.pk,
            "caller_name": "X",
            "message": "m",
            "message_for_contact": other.pk,
        },
        {"client": desk.client.pk, "caller_name": "X", "billable": True},
        {"client": 999999, "caller_name": "X"},
    ):
        response = api.post(url, body, content_type="application/json")
        assert response.status_code == 400, body
    assert not Call.objects.unscoped().exists()


def test_the_practice_search_finds_calls_and_playbooks(world, desk, secretary_client):
    # Given a call from a caller with a rare name, and the client's playbook
    _log(world, desk, caller_name="Quillon Vantablack", reason="Asks where to park")
    # When a secretary searches the practice
    response = secretary_client.get(_url(world, "search"), {"q": "park"})
    # Then both kinds answer, each under its own heading
    kinds = {group["key"]: group for group in response.context["groups"]}
    assert [shown["hit"].title for shown in kinds["playbooks"]["hits"]] == [
        f"Playbook of {desk.client.name}"
    ]
    assert "Quillon Vantablack" in kinds["calls"]["hits"][0]["hit"].title
