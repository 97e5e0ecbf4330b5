"""The demo's email thread: a request with its attachment, a staff reply sent in the thread,
the client's answer as a comment, and a held message; seeded once."""

from types import SimpleNamespace

import pytest

from tasks.inbound import demo
from tasks.inbound.models import EmailReply, InboundMessage, InboundStatus
from tasks.models import Comment, Task
from tests.tasks.factories import ClientFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_it_seeds_an_email_thread_that_became_a_request_once(world):
    northwind = ClientFactory(
        practice=world.practice, name="Northwind Legal", primary_secretary=world.secretary
    )
    ContactFactory(
        practice=world.practice,
        client=northwind,
        membership=world.client_contact,
        name="Dana Partner",
        email="dana@northwind.example",
        is_primary=True,
    )
    context = SimpleNamespace(practice=world.practice, secretary=world.secretary)
    demo.seed(context)
    demo.seed(context)
    task = Task.objects.for_practice(world.practice).get(source="email")
    assert task.client == northwind
    assert [a.original_name for a in task.attachments.all()] == ["offsite-agenda.pdf"]
    comments = list(Comment.objects.for_practice(world.practice).filter(task=task))
    assert [c.from_client for c in comments] == [False, True]
    assert comments[1].body == "Yes please, add the dial-in."
    assert EmailReply.objects.for_practice(world.practice).filter(thread__task=task).count() == 1
    statuses = sorted(
        InboundMessage.objects.for_practice(world.practice).values_list("status", flat=True)
    )
    assert statuses == sorted(
        [InboundStatus.REQUEST, InboundStatus.COMMENT, InboundStatus.QUARANTINED]
    )
