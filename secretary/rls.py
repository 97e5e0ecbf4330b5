"""PostgreSQL row-level security: the second wall under the scoped manager.

Every tenant table (a ``TenantModel``) has RLS enabled and forced, with one policy: a row is
visible and writable only when its ``practice_id`` equals the transaction's
``app.practice_id`` setting. With no practice set a query sees no rows (it fails closed).

- ``practice_transaction(practice)`` sets the practice for the current transaction with
  ``set_config(..., true)`` (transaction-local, so safe behind PgBouncer in transaction mode).
  Outside a transaction it opens one; inside one it swaps the settings and restores them on
  exit. ``secretary.tenancy.practice_scope`` enters it, so request resolvers, Celery tasks and
  sweeps use it without naming it.
- ``cross_practice(reason)`` is the one narrow bypass (``app.bypass_rls = 'on'``) for the few
  reads that precede a practice: token and invitation lookups by hash, a user's list of
  practices, the admin site, management commands. It logs its reason.
- The app connects as the table owner and switches to ``DATABASE_APP_ROLE`` (a role that owns
  nothing: it cannot disable RLS or drop a policy) on every new connection; ``migrate`` and
  ``flush`` switch back to the owner for their DDL.

On SQLite (the embedded default) all of this is a no-op.

The settings statements go through the driver's cursor, not Django's query log: query-count
assertions count the app's queries, and the wall's constant cost is measured in ``bench/``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import NO_DB_ALIAS

logger = logging.getLogger(__name__)

PRACTICE_SETTING = "app.practice_id"
BYPASS_SETTING = "app.bypass_rls"
POLICY_NAME = "practice_isolation"
RLS_MIGRATION = "0002_row_level_security"

# The scalar subqueries are evaluated once per statement (an InitPlan), not once per row; an
# unset or empty practice compares as NULL, so no row matches.
POLICY_EXPRESSION = (
    f"practice_id = (SELECT NULLIF(current_setting('{PRACTICE_SETTING}', true), '')::bigint) "
    f"OR (SELECT current_setting('{BYPASS_SETTING}', true) = 'on')"
)

# ``{value}`` is ``%s`` (a practice id) or a subquery from a slug; either takes one parameter.
_SET = "SELECT set_config(%s, {value}, true), set_config(%s, %s, true)"
# One round trip: read what was set (to restore it), then set the new values.
_SWAP = (
    "WITH previous AS MATERIALIZED (SELECT current_setting(%s, true) AS practice, "
    "current_setting(%s, true) AS bypass) "
    "SELECT previous.practice, previous.bypass, set_config(%s, {value}, true), "
    "set_config(%s, %s, true) FROM previous"
)
_LITERAL = "%s"


def _from_slug() -> str:
    from secretary.models import Practice

    return f"COALESCE((SELECT id::text FROM {Practice._meta.db_table} WHERE slug = %s), '')"  # noqa: S608 (our table)


def enabled(using: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[using].vendor == "postgresql"


def _raw_execute(connection, sql: str, params: list[Any]) -> tuple | None:
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _transaction_broken(connection) -> bool:
    if connection.needs_rollback:
        return True
    from psycopg.pq import TransactionStatus

    return connection.connection.info.transaction_status == TransactionStatus.INERROR


@contextlib.contextmanager
def _settings(
    practice: str, bypass: str, using: str, value: str = _LITERAL, *, restore: bool = True
) -> Iterator[None]:
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    set_sql = _SET.format(value=value)
    if not connection.in_atomic_block or not restore:
        # The settings die with this transaction: nothing can leak to the connection's next
        # user (a pooled connection, PgBouncer's next client). (Without ``restore``, inside the
        # transaction of a caller that ends with the block: no savepoint either.)
        with transaction.atomic(using=using, savepoint=False):
            _raw_execute(connection, set_sql, [PRACTICE_SETTING, practice, BYPASS_SETTING, bypass])
            yield
        return
    previous = _raw_execute(
        connection,
        _SWAP.format(value=value),
        [PRACTICE_SETTING, BYPASS_SETTING, PRACTICE_SETTING, practice, BYPASS_SETTING, bypass],
    )
    restore_sql = _SET.format(value=_LITERAL)
    restored = [PRACTICE_SETTING, previous[0] or "", BYPASS_SETTING, previous[1] or ""]
    try:
        yield
    except BaseException:
        # A failed transaction is rolled back (with its settings) by whoever opened it.
        if not _transaction_broken(connection):
            with contextlib.suppress(DatabaseError):
                _raw_execute(connection, restore_sql, restored)
        raise
    _raw_execute(connection, restore_sql, restored)


def _practice_id(practice: Any) -> int:
    practice_id = practice if isinstance(practice, int) else getattr(practice, "pk", None)
    if not isinstance(practice_id, int):
        raise ValueError("A practice (or its id) is needed to enter its scope.")
    return practice_id


def practice_transaction(practice: Any, *, using: str = DEFAULT_DB_ALIAS):
    """Run the block in a transaction that sees the rows of ``practice`` (a Practice or id)."""
    return _settings(str(_practice_id(practice)), "", using)


def practice_transaction_for_slug(slug: str, *, using: str = DEFAULT_DB_ALIAS):
    """``practice_transaction`` for the practice a URL slug names (no such practice: no rows).

    The id is read inside the statement that sets it: resolving a request's practice costs no
    extra query.
    """
    return _settings(slug, "", using, value=_from_slug())


@contextlib.contextmanager
def practice_transaction_after(find: Callable[[], Any], *, using: str = DEFAULT_DB_ALIAS):
    """One transaction whose practice comes from a cross-practice lookup: ``find()`` runs with
    the bypass on (a user's own memberships: what every page's practice switcher lists), then
    the transaction sees only the practice of what it returned (``.practice_id``; none, so no
    rows, for None) and the block receives it.

    The request resolver's lookup and the switcher's list are then one query, and two settings
    statements where resolving by slug and listing apart took three.
    """
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with _settings("", "on", using):
        found = find()
        practice = str(getattr(found, "practice_id", "") or "")
        # Outermost, the transaction ends with the block: nothing to restore after it.
        with _settings(practice, "", using, restore=not outermost):
            yield found


@contextlib.contextmanager
def cross_practice(reason: str, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """The one bypass of the practice policies, for reads that precede a practice.

    ``reason`` says why (it is logged). Use it for lookups by a secret's hash, a user's list of
    practices, the admin site, management commands and sweeps over every practice; never in a
    practice's own pages, API or tasks.
    """
    if not reason:
        raise ValueError("cross_practice() needs a reason.")
    if enabled(using):
        logger.debug("cross-practice access: %s", reason)
    with _settings("", "on", using):
        yield


def cross_practice_view(reason: str):
    """Decorate a view that must see every practice (the admin site)."""

    def decorator(view):
        import functools

        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            with cross_practice(reason):
                response = view(*args, **kwargs)
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
                return response

        return wrapper

    return decorator


# --- Roles ----------------------------------------------------------------------------------


def app_role() -> str:
    """The role the app runs as (owns no table), or "" to stay the connecting role."""
    return getattr(settings, "DATABASE_APP_ROLE", "")


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def set_app_role(sender=None, connection=None, **kwargs) -> None:
    """``connection_created``: become the app role (not for the server-level connection Django
    uses to create and drop test databases)."""
    role = app_role()
    if not role or connection.vendor != "postgresql" or connection.alias == NO_DB_ALIAS:
        return
    with connection.connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {_quote(connection, role)}")


@contextlib.contextmanager
def owner_role(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run as the connecting role (the tables' owner), seeing every practice: for DDL and the
    data steps of migrations (they read and fix every practice's rows), and flush.

    The policies are forced, so even the owner needs the bypass; it is set for the session of
    this command's own connection (a migration must not run through a transaction pooler)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.alias == NO_DB_ALIAS:
        yield
        return
    role = app_role()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        if role:
            cursor.execute("RESET ROLE")
        cursor.execute(
            "SELECT current_setting(%s, true), set_config(%s, 'on', false)",
            [BYPASS_SETTING, BYPASS_SETTING],
        )
        previous = cursor.fetchone()[0] or ""
    try:
        yield
    finally:
        if connection.connection is not None and not connection.connection.closed:
            with connection.connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, false)", [BYPASS_SETTING, previous])
                if role:
                    cursor.execute(f"SET ROLE {_quote(connection, role)}")


# --- Policies -------------------------------------------------------------------------------


def tenant_tables() -> list[str]:
    """The tables of every concrete TenantModel (live registry, every installed app)."""
    from django.apps import apps

    from secretary.tenancy import TenantModel

    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=False)
            if issubclass(model, TenantModel)
            and model._meta.managed
            and not model._meta.proxy
            and not model._meta.abstract
        }
    )


def apply_policies(using: str = DEFAULT_DB_ALIAS, tables: list[str] | None = None) -> list[str]:
    """Enable and force RLS with the practice policy on every existing tenant table.

    Idempotent (run after every ``migrate``), so tenant tables that later migrations add are
    covered too. Grants the app role its rights on every table. Returns the tables it covered.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    existing = set(connection.introspection.table_names())
    covered = [table for table in (tables or tenant_tables()) if table in existing]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() "
            "AND policyname = %s",
            [POLICY_NAME],
        )
        with_policy = {row[0] for row in cursor.fetchall()}
        for table in covered:
            name = _quote(connection, table)
            verb = "ALTER" if table in with_policy else "CREATE"
            cursor.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
            cursor.execute(
                f"{verb} POLICY {POLICY_NAME} ON {name} "
                f"USING ({POLICY_EXPRESSION}) WITH CHECK ({POLICY_EXPRESSION})"
            )
        role = app_role()
        if role:
            role = _quote(connection, role)
            cursor.execute(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
                f"{_quote(connection, _current_schema(cursor))} TO {role}"
            )
            cursor.execute(
                "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA "
                f"{_quote(connection, _current_schema(cursor))} TO {role}"
            )
    return covered


def _current_schema(cursor) -> str:
    cursor.execute("SELECT current_schema()")
    return cursor.fetchone()[0]


def remove_policies(using: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in tenant_tables():
            if table not in existing:
                continue
            name = _quote(connection, table)
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {name}")
            cursor.execute(f"ALTER TABLE {name} NO FORCE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {name} DISABLE ROW LEVEL SECURITY")


def apply_policies_after_migrate(sender=None, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """``post_migrate`` (sent once per app): cover every tenant table that exists now."""
    if sender is None or sender.name != "secretary":
        return
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder(connections[using]).applied_migrations()
    if ("secretary", RLS_MIGRATION) in applied:  # not after migrating back before it
        apply_policies(using)


# --- Celery ---------------------------------------------------------------------------------

try:
    from celery import Task as _CeleryTask
except ImportError:  # pragma: no cover - Celery is a dependency; keeps this module importable
    _CeleryTask = object


class PracticeTask(_CeleryTask):
    """The Celery task class: a task called with ``practice_id`` runs inside that practice's
    transaction (``practice_transaction``), so it sees that practice's rows and no other's.

    A task whose steps must commit on their own (a long rendering between a claim and its
    result) sets ``in_practice_transaction = False`` and enters the practice around each step.
    """

    in_practice_transaction = True

    def __call__(self, *args, **kwargs):
        practice_id = kwargs.get("practice_id")
        if practice_id is None or not self.in_practice_transaction:
            return super().__call__(*args, **kwargs)
        with practice_transaction(int(practice_id)):
            return super().__call__(*args, **kwargs)
