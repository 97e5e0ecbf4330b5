"""Row-level security, the second wall: every tenant table is forced under the practice policy,
and without a practice a query sees nothing, whatever the ORM or raw SQL asks."""

import os

import pytest
from django.conf import settings
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, connection, transaction

from clients.models import Client
from secretary import rls
from secretary.models import Membership
from secretary.tenancy import TenantModel, practice_scope
from tests.clients.factories import ClientFactory

pytestmark = [pytest.mark.postgres]


def _session_bypass(value: str) -> None:
    """Turn off (or back on) the test suite's own bypass for code outside requests."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.bypass_rls', %s, false)", [value])


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


def _practice_ids(table: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT practice_id FROM {connection.ops.quote_name(table)}")
        return {row[0] for row in cursor.fetchall()}


def _tenant_models():
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantModel) and model._meta.managed and not model._meta.proxy
    ]


@pytest.mark.django_db
def test_it_forces_the_practice_policy_on_every_tenant_table():
    # Given every concrete tenant model of every installed app
    tables = {model._meta.db_table for model in _tenant_models()}
    assert len(tables) >= 20 and set(rls.tenant_tables()) == tables

    # When the catalog is read
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
            "WHERE c.relname = ANY(%s) AND c.relnamespace = current_schema()::regnamespace",
            [sorted(tables)],
        )
        flags = {name: (enabled, forced) for name, enabled, forced in cursor.fetchall()}
        cursor.execute(
            "SELECT tablename, cmd, permissive, qual, with_check FROM pg_policies "
            "WHERE schemaname = current_schema() AND tablename = ANY(%s)",
            [sorted(tables)],
        )
        policies: dict[str, list] = {}
        for table, *policy in cursor.fetchall():
            policies.setdefault(table, []).append(policy)

    # Then each has RLS enabled and forced, with the one policy on practice_id for every command
    assert set(flags) == tables
    assert {table for table, flag in flags.items() if flag != (True, True)} == set()
    for table in tables:
        [(command, permissive, qual, with_check)] = policies[table]
        assert (command, permissive) == ("ALL", "PERMISSIVE"), table
        assert "practice_id" in qual and "app.practice_id" in qual, table
        assert with_check == qual, table


@pytest.mark.django_db
def test_it_sees_no_tenant_rows_without_a_practice(world):
    # Given rows in two practices
    ClientFactory(practice=world.practice)
    ClientFactory(practice=world.other_practice)
    assert _count(Membership._meta.db_table) >= 5

    # When no practice is set (and the suite's own bypass is off)
    _session_bypass("")

    # Then raw SQL and the ORM's explicit escape see nothing, on every tenant table
    for model in _tenant_models():
        assert _count(model._meta.db_table) == 0, model._meta.db_table
    assert Membership.objects.unscoped().count() == 0
    assert Client.objects.unscoped().count() == 0


@pytest.mark.django_db
def test_it_shows_raw_sql_only_the_rows_of_the_practice_in_scope(world):
    # Given clients in two practices
    ClientFactory(practice=world.practice)
    other = ClientFactory(practice=world.other_practice)
    _session_bypass("")

    # When practice A is in scope
    with practice_scope(world.practice):
        # Then unfiltered raw SQL sees A's rows only
        assert _practice_ids(Client._meta.db_table) == {world.practice.pk}
        assert _practice_ids(Membership._meta.db_table) == {world.practice.pk}
        # And it can neither change B's rows nor write a row into B
        assert Client.objects.unscoped().filter(pk=other.pk).update(name="Taken") == 0
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Client._meta.db_table} SET practice_id = %s WHERE practice_id = %s",
                    [world.other_practice.pk, world.practice.pk],
                )

    # And the scope ends with the block
    assert _count(Client._meta.db_table) == 0


@pytest.mark.django_db
def test_it_lets_the_cross_practice_module_see_every_practice_for_its_block(world):
    # Given rows in two practices and no practice set
    _session_bypass("")

    # When a cross-practice lookup runs
    with rls.cross_practice("test: a lookup by hash"):
        seen = _practice_ids(Membership._meta.db_table)

    # Then it saw both, and nothing after it
    assert seen == {world.practice.pk, world.other_practice.pk}
    assert _count(Membership._meta.db_table) == 0
    with pytest.raises(ValueError):
        with rls.cross_practice(""):
            pass


@pytest.mark.django_db(transaction=True)
def test_it_never_leaks_a_practice_to_the_next_transaction_on_one_connection(world):
    # Given rows in two practices, and one persistent connection in autocommit (as in production)
    ClientFactory(practice=world.practice)
    ClientFactory(practice=world.other_practice)
    _session_bypass("")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    # When the two practices alternate on it, many times
    for round_ in range(10):
        practice = world.practice if round_ % 2 == 0 else world.other_practice
        with practice_scope(practice):
            seen = _practice_ids(Client._meta.db_table)
        # Then each transaction saw only its practice, and between them nothing is visible
        assert seen == {practice.pk}
        assert _count(Client._meta.db_table) == 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('app.practice_id', true), pg_backend_pid()")
            leftover, pid = cursor.fetchone()
        assert (leftover or "") == "" and pid == backend


@pytest.mark.django_db
def test_it_restores_the_outer_practice_after_a_nested_scope(world):
    # Given practice A in scope inside a transaction
    _session_bypass("")
    with practice_scope(world.practice):
        # When practice B is entered and left inside it
        with practice_scope(world.other_practice):
            inner = _practice_ids(Membership._meta.db_table)
        # Then A is back
        outer = _practice_ids(Membership._meta.db_table)
    assert inner == {world.other_practice.pk}
    assert outer == {world.practice.pk}


@pytest.mark.django_db
def test_it_puts_the_policy_back_on_a_tenant_table_at_the_next_migrate():
    # Given a tenant table without its policy (as a table another app's migration just added)
    table = Client._meta.db_table
    with rls.owner_role():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP POLICY {rls.POLICY_NAME} ON {table}")
            cursor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")

        # When migrate ends (its post_migrate signal)
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)

    # Then the table is forced under the policy again
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity, relforcerowsecurity, "
            "(SELECT count(*) FROM pg_policies WHERE tablename = relname AND policyname = %s) "
            "FROM pg_class WHERE relname = %s AND relnamespace = current_schema()::regnamespace",
            [rls.POLICY_NAME, table],
        )
        assert cursor.fetchone() == (True, True, 1)


@pytest.mark.django_db
def test_it_runs_the_app_as_a_role_that_owns_no_table():
    # Given the app's role (CI sets DATABASE_APP_ROLE; a developer's database may not have it)
    role = settings.DATABASE_APP_ROLE
    if not role:
        if os.environ.get("CI"):
            pytest.fail("CI must set DATABASE_APP_ROLE (a role that owns no table)")
        pytest.skip("DATABASE_APP_ROLE is not set: the app runs as the tables' owner")

    # When the app's connection is asked who it is
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, (SELECT count(*) FROM pg_tables WHERE tableowner = current_user)"
        )
        user, owned = cursor.fetchone()

    # Then it is that role, it owns nothing, and it cannot switch the wall off
    assert (user, owned) == (role, 0)
    with pytest.raises(DatabaseError, match="must be owner"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {Client._meta.db_table} DISABLE ROW LEVEL SECURITY")
