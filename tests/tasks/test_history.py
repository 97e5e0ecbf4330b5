"""History outlives people and clients: removing a member keeps their logged time, comments,
agreements and the activity log; a client with history is archived, never deleted."""

from datetime import timedelta

import pytest
from django.db.models import RestrictedError
from django.urls import reverse
from django.utils import timezone

from clients import services as client_services
from clients.models import Client, ClientStatus, ConfidentialityAgreement
from documents.models import Document
from secretary import services as core_services
from secretary.errors import ApplicationError
from secretary.models import ActivityEvent, Membership
from tasks.models import Comment, Task, TimeEntry
from tests.clients.factories import AgreementFactory
from tests.documents.factories import DocumentFactory
from tests.tasks.factories import (
    CalendarEventFactory,
    ClientFactory,
    CommentFactory,
    EngagementFactory,
    TaskFactory,
    TimeEntryFactory,
)

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def remove(world, membership):
    core_services.membership_remove(
        practice=world.practice, actor=world.owner, membership=membership
    )


# --- Removing a member ---------------------------------------------------------------------


def test_it_keeps_the_time_comments_and_activity_of_a_removed_member(world, desk):
    # Given a secretary who logged time, commented and left a trace in the activity log
    secretary = world.secretary
    secretary.user.full_name = "Sam Secretary"
    secretary.user.save()
    task = TaskFactory(practice=world.practice, client=desk.client)
    entry = TimeEntryFactory(task=task, membership=secretary, minutes=90)
    comment = CommentFactory(
        practice=world.practice, task=task, author=secretary.user, author_membership=secretary
    )
    ActivityEvent.objects.create(
        practice=world.practice, actor=secretary.user, verb="time.logged", target_repr=str(task)
    )
    # When the owner removes them from the practice
    remove(world, secretary)
    # Then their time stays (with their name), and so do their comment and the activity log
    assert not Membership.objects.for_practice(world.practice).filter(pk=secretary.pk).exists()
    entry = TimeEntry.objects.for_practice(world.practice).get(pk=entry.pk)
    assert (entry.minutes, entry.membership_id) == (90, None)
    assert entry.member_label == "Sam Secretary"
    comment = Comment.objects.for_practice(world.practice).get(pk=comment.pk)
    assert comment.author == secretary.user
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(actor=secretary.user, verb="time.logged")
        .exists()
    )


def test_it_shows_a_removed_members_time_under_their_name(world, desk, owner_client):
    # Given time logged by a member who was then removed
    world.secretary.user.full_name = "Sam Secretary"
    world.secretary.user.save()
    task = TaskFactory(practice=world.practice, client=desk.client)
    TimeEntryFactory(task=task, membership=world.secretary, minutes=45)
    remove(world, world.secretary)
    # When the task page and the API list the time
    page = owner_client.get(url(world, "task_detail", task_id=task.pk)).content.decode()
    listed = owner_client.get(url(world, "api_time_entry_list")).json()["results"]
    # Then both name who logged it
    assert "45 min · Sam Secretary" in page
    assert [(row["minutes"], row["member"]) for row in listed] == [(45, "Sam Secretary")]


def test_it_stops_a_removed_members_running_timer(world, desk):
    # Given a secretary whose timer has run for half an hour
    task = TaskFactory(practice=world.practice, client=desk.client)
    started = timezone.now() - timedelta(minutes=30)
    timer = TimeEntryFactory(
        task=task,
        membership=world.secretary,
        started_at=started,
        ended_at=None,
        minutes=None,
        manual=False,
    )
    # When they are removed
    remove(world, world.secretary)
    # Then the timer is stopped with the time it ran, kept under their name
    timer = TimeEntry.objects.for_practice(world.practice).get(pk=timer.pk)
    assert timer.ended_at is not None and timer.minutes == 30
    assert timer.member_name == str(world.secretary.user)


def test_it_keeps_the_agreements_a_removed_member_signed(world, desk):
    # Given an agreement signed by the secretary
    agreement = AgreementFactory(
        practice=world.practice, client=desk.client, membership=world.secretary
    )
    # When they are removed
    remove(world, world.secretary)
    # Then the agreement stays on record with their name
    agreement = ConfidentialityAgreement.objects.for_practice(world.practice).get(pk=agreement.pk)
    assert agreement.membership_id is None
    assert agreement.member_label == str(world.secretary.user)


def test_it_keeps_time_when_the_user_itself_is_deleted(world, desk):
    # Given time logged by a person whose user account the site administrator deletes
    task = TaskFactory(practice=world.practice, client=desk.client)
    entry = TimeEntryFactory(task=task, membership=world.secretary, minutes=20)
    # When the user is deleted (their memberships go with it)
    world.secretary.user.delete()
    # Then the time stays, with the name they had
    entry = TimeEntry.objects.for_practice(world.practice).get(pk=entry.pk)
    assert (entry.minutes, entry.member_name) == (20, str(world.secretary.user))


# --- Deleting or archiving a client --------------------------------------------------------


@pytest.mark.parametrize(
    "history",
    ["task", "time", "event", "document", "engagement", "agreement"],
)
def test_it_refuses_to_delete_a_client_with_history(world, history):
    # Given a client with one kind of history
    client = ClientFactory(practice=world.practice)
    if history == "task":
        TaskFactory(practice=world.practice, client=client)
    elif history == "time":
        TimeEntryFactory(task=TaskFactory(practice=world.practice, client=client))
    elif history == "event":
        CalendarEventFactory(practice=world.practice, client=client)
    elif history == "document":
        DocumentFactory(practice=world.practice, client=client)
    elif history == "engagement":
        EngagementFactory(practice=world.practice, client=client)
    else:
        AgreementFactory(practice=world.practice, client=client, membership=world.secretary)
    # When it is deleted, then the history protects it
    with pytest.raises(RestrictedError):
        client.delete()
    assert Client.objects.for_practice(world.practice).filter(pk=client.pk).exists()


def test_it_keeps_a_documents_client(world):
    # Given a client's document
    client = ClientFactory(practice=world.practice)
    document = DocumentFactory(practice=world.practice, client=client)
    # When deleting the client is tried
    with pytest.raises(RestrictedError):
        client.delete()
    # Then the document still belongs to the client (it did not become the practice's own)
    document = Document.objects.for_practice(world.practice).get(pk=document.pk)
    assert document.client_id == client.pk


def test_it_still_deletes_a_client_without_history(world):
    client = ClientFactory(practice=world.practice)
    client.delete()
    assert not Client.objects.for_practice(world.practice).filter(pk=client.pk).exists()


def test_it_still_deletes_a_whole_practice_with_its_history(world, desk):
    # Given a practice with tasks, time and documents of a client
    task = TaskFactory(practice=world.practice, client=desk.client)
    TimeEntryFactory(task=task, membership=world.secretary)
    DocumentFactory(practice=world.practice, client=desk.client)
    # When the practice itself is deleted, everything goes with it
    world.practice.delete()
    assert not Task.objects.unscoped().filter(pk=task.pk).exists()


def test_it_refuses_in_the_admin_and_says_why(world, desk, client, django_user_model):
    # Given a client with 90 rows of history, and the site administrator
    tasks = [TaskFactory(practice=world.practice, client=desk.client) for _ in range(30)]
    for task in tasks:
        TimeEntryFactory(task=task, membership=world.secretary)
        CommentFactory(practice=world.practice, task=task)
    admin = django_user_model.objects.create_superuser("root@example.com", "a-long-password-1")
    client.force_login(admin)
    path = f"/admin/clients/client/{desk.client.pk}/delete/"
    # When they try to delete it
    page = client.get(path).content.decode()
    posted = client.post(path, {"post": "yes"})
    # Then the admin refuses, lists what protects it and points to archiving
    assert "Cannot delete client" in page
    assert "archived, not deleted" in page
    assert posted.status_code == 200
    assert Client.objects.for_practice(world.practice).filter(pk=desk.client.pk).exists()
    assert Task.objects.for_practice(world.practice).count() == 30
    assert TimeEntry.objects.for_practice(world.practice).count() == 30


def test_it_archives_clients_from_the_admin(world, client, django_user_model):
    # Given a client with a task
    kept = ClientFactory(practice=world.practice, status=ClientStatus.ACTIVE)
    TaskFactory(practice=world.practice, client=kept)
    admin = django_user_model.objects.create_superuser("root@example.com", "a-long-password-1")
    client.force_login(admin)
    # When the site administrator archives it
    response = client.post(
        "/admin/clients/client/", {"action": "archive", "_selected_action": [kept.pk]}
    )
    # Then it is archived, with its task
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.status == ClientStatus.ENDED
    assert Task.objects.for_practice(world.practice).filter(client=kept).exists()


def test_it_archives_a_client_from_its_page(world, secretary_client):
    # Given a client with a task
    client = ClientFactory(practice=world.practice, status=ClientStatus.ACTIVE)
    TaskFactory(practice=world.practice, client=client)
    page = secretary_client.get(url(world, "client_detail", client_id=client.pk)).content.decode()
    assert url(world, "client_archive", client_id=client.pk) in page
    # When a secretary archives it
    response = secretary_client.post(url(world, "client_archive", client_id=client.pk))
    # Then it is ended, its work stays, and the log says who did it
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.status == ClientStatus.ENDED
    assert Task.objects.for_practice(world.practice).filter(client=client).count() == 1
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="client.archived", actor=world.secretary.user)
        .exists()
    )


def test_it_asks_to_end_the_active_engagement_before_archiving(world):
    # Given a client with an active engagement
    client = ClientFactory(practice=world.practice, status=ClientStatus.ACTIVE)
    EngagementFactory(practice=world.practice, client=client, status="active")
    # When it is archived, then the engagement must be ended first
    with pytest.raises(ApplicationError, match="end it first"):
        client_services.client_archive(practice=world.practice, actor=world.owner, client=client)
    client.refresh_from_db()
    assert client.status == ClientStatus.ACTIVE


def test_it_checks_ownership(world, outsider_client, contact_client):
    client = ClientFactory(practice=world.practice, status=ClientStatus.ACTIVE)
    target = url(world, "client_archive", client_id=client.pk)
    assert outsider_client.post(target).status_code == 404
    assert contact_client.post(target).status_code == 404
    client.refresh_from_db()
    assert client.status == ClientStatus.ACTIVE
