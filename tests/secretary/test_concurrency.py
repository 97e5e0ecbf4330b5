"""Database-level guarantee of the members services, on PostgreSQL with real transactions: two
owners stepping down at the same moment never leave a practice without an owner."""

import threading

import pytest
from django.db import connections, transaction

from secretary import services
from secretary.errors import ApplicationError
from secretary.models import Membership, Role
from secretary.tenancy import practice_scope
from tests.concurrency import DEADLINE, backend_is_waiting_for_a_lock, wait_for
from tests.conftest import build_world
from tests.factories import MembershipFactory


def change_role(practice, member):
    services.membership_change_role(
        practice=practice, actor=member, membership=member, role=Role.ADMIN
    )


def leave(practice, member):
    services.membership_remove(practice=practice, actor=member, membership=member)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step_down", [change_role, leave], ids=["demote", "remove"])
def test_it_keeps_an_owner_when_both_owners_step_down_at_once(step_down):
    # Given a practice with two owners
    world = build_world()
    first = world.owner
    second = MembershipFactory(practice=world.practice, role=Role.OWNER)
    first_done, first_may_commit = threading.Event(), threading.Event()
    second_pid: list[int] = []
    outcome: dict[str, object] = {}

    def first_owner():
        try:
            with transaction.atomic(), practice_scope(world.practice):  # as a request would
                step_down(world.practice, first)
                first_done.set()
                # Hold the transaction open until the second owner is waiting on our locks.
                assert first_may_commit.wait(DEADLINE)
            outcome["first"] = "done"
        except BaseException as error:  # reported by the main thread
            outcome["first"] = error
            first_done.set()
        finally:
            connections.close_all()

    def second_owner():
        try:
            assert first_done.wait(DEADLINE)
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            with practice_scope(world.practice):
                step_down(world.practice, second)
            outcome["second"] = "done"
        except BaseException as error:
            outcome["second"] = error
        finally:
            connections.close_all()

    # When both step down, the second while the first has not committed yet
    threads = [threading.Thread(target=first_owner), threading.Thread(target=second_owner)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: second_pid or "second" in outcome, "the second owner to start")
        assert "second" not in outcome, f"The second owner did not wait: {outcome}"
        wait_for(
            lambda: backend_is_waiting_for_a_lock(second_pid[0]) or "second" in outcome,
            "the second owner to wait for the first owner's lock",
        )
        assert "second" not in outcome, f"The second owner did not wait: {outcome}"
    finally:
        first_may_commit.set()
        for thread in threads:
            thread.join(DEADLINE)

    # Then the first succeeds, the second is refused, and the practice keeps one owner
    assert outcome["first"] == "done"
    assert isinstance(outcome["second"], ApplicationError)
    assert "at least one owner" in outcome["second"].message
    owners = Membership.objects.for_practice(world.practice).filter(role=Role.OWNER)
    assert list(owners.values_list("pk", flat=True)) == [second.pk]
