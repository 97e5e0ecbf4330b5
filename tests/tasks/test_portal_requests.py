"""The portal's request page: signed replies, a way back, no empty card, unread markers kept
per contact, new replies fetched without a reload, and finished requests on the home page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tasks.models import RequestRead, Status
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory
from tests.tasks.factories import (
    AttachmentFactory,
    ClientFactory,
    CommentFactory,
    ContactFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def staff_reply(world, task, body="On it.", **kwargs):
    user = world.secretary.user
    user.full_name = "Sam Secretary"
    user.save()
    return CommentFactory(
        practice=world.practice,
        task=task,
        body=body,
        author=user,
        author_membership=world.secretary,
        **kwargs,
    )


def unread_titles(page: str) -> int:
    return page.count('class="badge new-reply"')


def test_it_checks_ownership(world, desk, contact_client, secretary_client, outsider_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    staff_reply(world, task, "Hello")
    replies = url(world, "portal_request_replies", task_id=task.pk)
    assert outsider_client.get(replies).status_code == 404
    assert secretary_client.get(replies).status_code == 404
    forged = reverse(
        "portal_request_replies",
        kwargs={"practice_slug": world.other_practice.slug, "task_id": task.pk},
    )
    assert outsider_client.get(forged).status_code == 404
    # Another client's request of the same practice has no replies for this contact
    theirs = TaskFactory(practice=world.practice, client=ClientFactory(practice=world.practice))
    staff_reply(world, theirs, "Not for Northwind")
    response = contact_client.get(url(world, "portal_request_replies", task_id=theirs.pk))
    assert response.status_code == 204 and response.content == b""


def test_the_page_leads_back_and_shows_no_empty_card(world, desk, contact_client):
    bare = TaskFactory(practice=world.practice, client=desk.client, description="")
    page = contact_client.get(url(world, "portal_request_detail", task_id=bare.pk)).content.decode()
    assert f'href="{url(world, "portal_request_list")}"' in page
    assert 'id="request-details"' not in page
    assert "No replies yet. New replies appear here by themselves." in page
    described = TaskFactory(practice=world.practice, client=desk.client, description="Details")
    page = contact_client.get(
        url(world, "portal_request_detail", task_id=described.pk)
    ).content.decode()
    assert 'id="request-details"' in page


def test_replies_are_signed_by_their_authors(world, desk, contact_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    staff_reply(world, task, "Booked.")
    CommentFactory(
        practice=world.practice,
        task=task,
        body="Thanks!",
        author=world.client_contact.user,
        author_membership=world.client_contact,
        from_client=True,
    )
    colleague = MembershipFactory(
        practice=world.practice, role="client", user=UserFactory(full_name="Chris Colleague")
    )
    ContactFactory(practice=world.practice, client=desk.client, membership=colleague)
    CommentFactory(
        practice=world.practice,
        task=task,
        body="Me too",
        author=colleague.user,
        author_membership=colleague,
        from_client=True,
    )
    response = contact_client.get(url(world, "portal_request_detail", task_id=task.pk))
    page = response.content.decode()
    assert '<strong class="who">Sam Secretary</strong> · Harbour Desk' in page
    assert '<strong class="who">You</strong>' in page
    assert '<strong class="who">Chris Colleague</strong>' in page


def test_internal_notes_and_files_never_reach_the_page_or_the_poll(world, desk, contact_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    visible = staff_reply(world, task, "Visible reply")
    AttachmentFactory(practice=world.practice, task=task, comment=visible, original_name="plan.pdf")
    AttachmentFactory(
        practice=world.practice,
        task=task,
        comment=visible,
        internal=True,
        original_name="internal-costs.pdf",
    )
    staff_reply(world, task, "Secret note", internal=True)
    page = contact_client.get(url(world, "portal_request_detail", task_id=task.pk)).content.decode()
    polled = contact_client.get(
        url(world, "portal_request_replies", task_id=task.pk), {"after": 0}
    ).content.decode()
    for text in (page, polled):
        assert "Visible reply" in text and "plan.pdf" in text
        assert "Secret note" not in text and "internal-costs.pdf" not in text


def test_new_replies_are_marked_for_each_contact_until_read(world, desk, contact_client):
    task = TaskFactory(practice=world.practice, client=desk.client, title="Visa forms")
    # The contact's own reply is not news to them
    CommentFactory(
        practice=world.practice,
        task=task,
        author=world.client_contact.user,
        author_membership=world.client_contact,
        from_client=True,
    )
    assert (
        unread_titles(contact_client.get(url(world, "portal_request_list")).content.decode()) == 0
    )
    # A reply from the practice is, on the list and on the home page
    staff_reply(world, task)
    assert (
        unread_titles(contact_client.get(url(world, "portal_request_list")).content.decode()) == 1
    )
    assert unread_titles(contact_client.get(url(world, "portal_home")).content.decode()) == 1
    # Reading the request clears it for this contact only
    colleague = MembershipFactory(practice=world.practice, role="client")
    ContactFactory(practice=world.practice, client=desk.client, membership=colleague)
    contact_client.get(url(world, "portal_request_detail", task_id=task.pk))
    assert RequestRead.objects.for_practice(world.practice).filter(contact=desk.contact).exists()
    assert (
        unread_titles(contact_client.get(url(world, "portal_request_list")).content.decode()) == 0
    )
    colleague_view = client_for(colleague.user).get(url(world, "portal_request_list"))
    assert unread_titles(colleague_view.content.decode()) == 1
    # A later reply is new again
    later = staff_reply(world, task, "Forms are in.")
    later.created_at = timezone.now() + timedelta(minutes=1)
    later.save()
    assert (
        unread_titles(contact_client.get(url(world, "portal_request_list")).content.decode()) == 1
    )


def test_reading_only_moves_forward(world, desk):
    from tasks.reading import request_mark_read

    task = TaskFactory(practice=world.practice, client=desk.client)
    now = timezone.now()
    request_mark_read(practice=world.practice, contact=desk.contact, task=task, up_to=now)
    request_mark_read(
        practice=world.practice, contact=desk.contact, task=task, up_to=now - timedelta(hours=1)
    )
    [read] = RequestRead.objects.for_practice(world.practice).filter(task=task)
    assert read.read_at == now


def test_the_poll_costs_one_query_when_nothing_is_new(world, desk, contact_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    last = staff_reply(world, task)
    replies = url(world, "portal_request_replies", task_id=task.pk)
    contact_client.get(replies, {"after": last.pk})  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = contact_client.get(replies, {"after": last.pk})
    assert response.status_code == 204
    # Session, user, membership and contact resolve who asks; then the replies: one query
    own = [q["sql"] for q in queries.captured_queries if "tasks_comment" in q["sql"]]
    assert len(own) == 1
    assert len(queries.captured_queries) == 5


def test_the_poll_brings_new_replies_and_marks_them_read(world, desk, contact_client):
    task = TaskFactory(practice=world.practice, client=desk.client)
    first = staff_reply(world, task, "First")
    second = staff_reply(world, task, "Second")
    response = contact_client.get(
        url(world, "portal_request_replies", task_id=task.pk), {"after": first.pk}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Second" in body and ">First<" not in body
    assert 'hx-swap-oob="beforeend:#conversation-list"' in body
    assert f"?after={second.pk}" in body  # the next poll asks for what comes after it
    read = RequestRead.objects.for_practice(world.practice).get(contact=desk.contact, task=task)
    assert read.read_at == second.created_at


@pytest.mark.parametrize("after", ["last", "-1", "99999999999999999999", "²"])
def test_the_poll_refuses_a_bad_cursor(world, desk, contact_client, after):
    task = TaskFactory(practice=world.practice, client=desk.client)
    response = contact_client.get(
        url(world, "portal_request_replies", task_id=task.pk), {"after": after}
    )
    assert response.status_code == 400
    assert "id of the last reply" in response.content.decode()


def test_the_home_lists_recently_done_requests(world, desk, contact_client):
    now = timezone.now()
    TaskFactory(
        practice=world.practice,
        client=desk.client,
        title="Flights booked",
        status=Status.DONE,
        completed_at=now - timedelta(days=2),
    )
    TaskFactory(
        practice=world.practice,
        client=desk.client,
        title="Old filing",
        status=Status.DONE,
        completed_at=now - timedelta(days=90),
    )
    TaskFactory(
        practice=world.practice, client=desk.client, title="Dropped", status=Status.CANCELLED
    )
    page = contact_client.get(url(world, "portal_home")).content.decode()
    recently_done = page[page.index('id="recently-done"') :]
    assert "Flights booked" in recently_done
    assert "Old filing" not in page and "Dropped" not in page


def test_the_list_costs_the_same_queries_with_more_requests(
    world, desk, contact_client, django_assert_num_queries
):
    def seed(count):
        for _ in range(count):
            staff_reply(world, TaskFactory(practice=world.practice, client=desk.client))

    seed(3)
    page = url(world, "portal_request_list")
    contact_client.get(page)
    with CaptureQueriesContext(connection) as small:
        contact_client.get(page)
    seed(20)
    with django_assert_num_queries(len(small.captured_queries)):
        response = contact_client.get(page)
    assert unread_titles(response.content.decode()) == 23
