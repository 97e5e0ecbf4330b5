"""Behind PgBouncer in transaction mode, one server connection serves every client in turn: the
practice set for one transaction must never reach the next (``set_config(..., true)``)."""

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from clients.models import Client
from tests.clients.factories import ClientFactory
from tests.infra import pgbouncer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ALL = "?scope=all"  # every client of the practice, not only "my clients"


@pytest.fixture
def bouncer():
    settings_dict = connection.settings_dict
    started = pgbouncer.start(
        server_host=settings_dict["HOST"] or "127.0.0.1",
        server_port=int(settings_dict["PORT"] or 5432),
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or "",
    )
    yield started
    pgbouncer.stop(started)


def _connect(bouncer) -> psycopg.Connection:
    settings_dict = connection.settings_dict
    return psycopg.connect(
        host=bouncer.host,
        port=bouncer.port,
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or "",
        autocommit=True,
        prepare_threshold=None,
    )


def _seen(conn, practice_id=None) -> tuple[set[int], int]:
    """The practices of the clients visible (in one transaction), and the server backend."""
    with conn.transaction(), conn.cursor() as cursor:
        if practice_id is not None:
            cursor.execute("SELECT set_config('app.practice_id', %s, true)", [str(practice_id)])
        cursor.execute(f"SELECT DISTINCT practice_id FROM {Client._meta.db_table}")
        seen = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT pg_backend_pid()")
        return seen, cursor.fetchone()[0]


def test_it_leaves_nothing_for_the_next_client_of_a_pooled_connection(world, bouncer):
    # Given clients in two practices, and two clients of one PgBouncer pool of one connection
    ClientFactory(practice=world.practice)
    ClientFactory(practice=world.other_practice)
    a, b = world.practice.pk, world.other_practice.pk
    with _connect(bouncer) as first, _connect(bouncer) as second:
        backends = set()
        for _ in range(3):
            # When they take turns, each setting its practice for one transaction
            seen_first, pid = _seen(first, a)
            backends.add(pid)
            leftover_second, pid = _seen(second)
            backends.add(pid)
            seen_second, pid = _seen(second, b)
            backends.add(pid)
            leftover_first, pid = _seen(first)
            backends.add(pid)

            # Then each saw its own practice, and the next transaction without one saw nothing
            assert (seen_first, seen_second) == ({a}, {b})
            assert (leftover_first, leftover_second) == (set(), set())
        assert len(backends) == 1, "the pool should have served everything on one backend"


def test_it_serves_two_practices_requests_in_turn_through_pgbouncer(world, bouncer, settings):
    # Given a client in each practice, and the app's connection going through PgBouncer,
    # configured as behind a pooler in transaction mode (no prepared statements)
    settings.DATABASE_PREPARED_STATEMENTS = False
    ClientFactory(practice=world.practice, name="Harbour Only Client")
    ClientFactory(practice=world.other_practice, name="Other Only Client")
    from tests.conftest import client_for

    owner = client_for(world.owner.user)
    outsider = client_for(world.outsider.user)
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST=bouncer.host, PORT=str(bouncer.port))
    try:
        for _ in range(3):
            # When the two practices' members take turns
            mine = owner.get(reverse("client_list", args=[world.practice.slug]) + ALL)
            theirs = outsider.get(reverse("client_list", args=[world.other_practice.slug]) + ALL)
            denied = outsider.get(reverse("client_list", args=[world.practice.slug]) + ALL)

            # Then each page shows its own practice's rows only
            assert mine.status_code == 200 and theirs.status_code == 200
            assert b"Harbour Only Client" in mine.content
            assert b"Other Only Client" not in mine.content
            assert b"Other Only Client" in theirs.content
            assert b"Harbour Only Client" not in theirs.content
            assert denied.status_code == 404
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('app.practice_id', true)")
                assert (cursor.fetchone()[0] or "") == ""
    finally:
        connection.close()
        connection.settings_dict.update(original)
