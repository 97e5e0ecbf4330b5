"""Tasks are sent only after commit: never for a rolled-back transaction, once for a committed one."""

import pytest
from django.core import mail
from django.db import transaction

from secretary import services
from secretary.models import Invitation, Role
from secretary.tasks import send_invitation


class Boom(Exception):
    pass


def test_it_never_sends_a_task_enqueued_in_a_rolled_back_transaction(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            services.invitation_create(
                practice=world.practice,
                invited_by=world.owner,
                email="rolled.back@example.com",
                role=Role.SECRETARY,
            )
            raise Boom

    assert callbacks == []
    assert mail.outbox == []
    assert not Invitation.objects.for_practice(world.practice).exists()


def test_it_sends_a_committed_task_exactly_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation, token = services.invitation_create(
            practice=world.practice,
            invited_by=world.owner,
            email="committed@example.com",
            role=Role.SECRETARY,
        )

    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["committed@example.com"]]
    assert token in mail.outbox[0].body

    # A retried or duplicated task does not send it twice.
    assert (
        send_invitation(practice_id=world.practice.pk, invitation_id=invitation.pk, token=token)
        is False
    )
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


def test_it_does_not_send_a_withdrawn_invitation(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, _token = services.invitation_create(
            practice=world.practice,
            invited_by=world.owner,
            email="later@example.com",
            role=Role.SECRETARY,
        )
        services.invitation_revoke(
            practice=world.practice, actor=world.owner, invitation=invitation
        )

    for callback in callbacks:
        callback()

    assert mail.outbox == []
