"""Search's GIN indexes under row-level security.

PostgreSQL uses an index under the forced practice policies only for a leak-proof condition,
so the full-text match function (``ts_match_vq``, behind ``@@``) must be declared leak-proof by
a superuser (the deployment scripts do it; ``.ci/run`` in template1, which test databases are
created from). The ``database`` system check warns while it is not done.
"""

from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core import checks
from django.db import connection
from django.test.utils import CaptureQueriesContext

from secretary import rls, search_statement
from secretary import search as core
from secretary.checks import SEARCH_INDEXES_ID, search_index_warning, search_indexes_usable
from secretary.search import SearchContext
from tests.clients.factories import ClientFactory
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

NOT_LEAKPROOF = (
    "ts_match_vq is not leak-proof in the test database, so search cannot use its GIN indexes "
    "under row-level security. As a superuser, run on template1 (test databases are created "
    f"from it; .ci/run does it) and on your databases: {core.LEAKPROOF_SQL}"
)


def _superuser_url() -> str:
    """The test database on the same server, as ``postgres`` (``.ci/run`` connects so too)."""
    from tests.infra import services

    parts = urlsplit(services.detect().database_url)
    netloc = f"postgres@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc, path="/" + connection.settings_dict["NAME"]))


def _set_leakproof(leakproof: bool) -> None:
    import psycopg

    try:
        admin = psycopg.connect(_superuser_url(), autocommit=True)
    except psycopg.OperationalError as error:
        pytest.fail(f"This test switches the function as the superuser `postgres`: {error}")
    with admin:
        admin.execute(
            f"ALTER FUNCTION {core.MATCH_FUNCTION} {'' if leakproof else 'NOT '}LEAKPROOF"
        )


def _task_search_plan(world) -> str:
    """``EXPLAIN`` of the task provider's own query, run as the app's role inside the
    practice's transaction (the policies on, no bypass), whole-table reads priced out so that
    the plan shows which indexes the planner may use."""
    context = SearchContext(
        practice=world.practice, membership=world.secretary, text="harbourmaster", limit=5
    )
    with rls.practice_transaction(world.practice):
        with CaptureQueriesContext(connection) as queries:
            hits = core.provider_hits("tasks", context)
        with connection.cursor() as cursor:
            # Whole-table reads priced out (a sequential scan, or walking another index end to
            # end as the client id's): what is left is the index that answers the condition.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
            cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")
            cursor.execute("RESET enable_indexonlyscan")
    assert [hit.title for hit in hits] == ["Harbourmaster's launch"]
    return plan


@pytest.fixture
def harbour_task(world):
    """One task says "harbourmaster" among 2,000 of the practice, with the table's statistics
    and the index's pending list flushed (as the owner: the app's role may do neither), so
    that the planner prefers an index for a rare word, as it does on a real practice's table."""
    from tasks.models import Task

    client = ClientFactory(practice=world.practice, name="Northwind Legal")
    Task.objects.bulk_create(
        Task(practice=world.practice, client=client, title=f"Renew lease {n}", status="todo")
        for n in range(2000)
    )
    task = TaskFactory(practice=world.practice, client=client, title="Harbourmaster's launch")
    with rls.owner_role(), connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_task")
        # Rows other tests committed wait in the index's pending list until a vacuum; the
        # planner prices a scan of that list in, which would measure the suite's history.
        cursor.execute("SELECT gin_clean_pending_list('task_search_idx'::regclass)")
    return task


def test_the_warning_gives_the_one_statement_to_run():
    warning = search_index_warning("default")

    assert warning.level == checks.WARNING
    assert warning.id == SEARCH_INDEXES_ID
    assert "'default'" in warning.msg and "ts_match_vq" in warning.msg
    assert warning.hint.endswith("ALTER FUNCTION ts_match_vq(tsvector, tsquery) LEAKPROOF;")


def test_the_check_is_a_database_check_that_runs_only_when_asked():
    registered = checks.registry.registry.get_checks(include_deployment_checks=False)

    assert search_indexes_usable in registered
    assert "database" in search_indexes_usable.tags
    assert search_indexes_usable(databases=None) == []


def test_the_check_says_nothing_off_postgresql_or_when_the_function_is_leakproof():
    leakproof = core.match_is_leakproof()

    warnings = search_indexes_usable(databases=["default"])

    if connection.vendor == "postgresql":
        assert leakproof is True, NOT_LEAKPROOF
    else:
        assert leakproof is None
    assert warnings == []


@pytest.mark.postgres
def test_the_task_search_uses_its_gin_index_as_the_app_role_under_row_level_security(
    world, harbour_task
):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.rolsuper, r.rolbypassrls, c.relrowsecurity, c.relforcerowsecurity "
            "FROM pg_roles r, pg_class c WHERE r.rolname = current_user "
            "AND c.relname = 'tasks_task'"
        )
        superuser, bypasses, row_security, forced = cursor.fetchone()
        cursor.execute("SELECT current_user")
        (role,) = cursor.fetchone()
    from django.conf import settings

    if settings.DATABASE_APP_ROLE:
        assert role == settings.DATABASE_APP_ROLE
    assert (superuser, bypasses, row_security, forced) == (False, False, True, True)
    assert core.match_is_leakproof() is True, NOT_LEAKPROOF

    plan = _task_search_plan(world)

    assert "Bitmap Index Scan on task_search_idx" in plan, plan
    assert "search_vector @@ " in plan.split("task_search_idx", 1)[1], plan


@pytest.fixture
def desk_tasks(world):
    """20,000 tasks written with a few words, one a day back from today, as the owner
    analysed: the planner guesses that a word outside the column's statistics is in many
    rows, as it does on a practice that writes the same few words all day."""
    from datetime import timedelta

    from django.utils import timezone

    from tasks.models import Task

    client = ClientFactory(practice=world.practice, name="Northwind Legal")
    now = timezone.now()
    Task.objects.bulk_create(
        (
            Task(
                practice=world.practice,
                client=client,
                title=("Renew lease", "Book flights", "Chase invoice")[n % 3],
                status="todo",
                created_at=now - timedelta(hours=n),
            )
            for n in range(20000)
        ),
        batch_size=5000,
    )
    with rls.owner_role(), connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_task")
        cursor.execute("SELECT gin_clean_pending_list('task_search_idx'::regclass)")
    search_statement.forget()  # the tables' sizes are read again: tasks now count 20,000


@pytest.mark.postgres
def test_a_word_found_nowhere_reads_the_gin_index_not_every_task(world, desk_tasks):
    """Newest first must not let the planner walk ``task_recent_idx`` from the newest task on,
    hoping to meet a match soon: for a word found nowhere that reads every task of the
    practice. ``EXPLAIN ANALYZE`` of the provider's own query (every match, newest first: the
    statement's fallback), as the app's role."""
    context = SearchContext(
        practice=world.practice, membership=world.secretary, text="zeppelin", limit=5
    )
    with rls.practice_transaction(world.practice):
        with CaptureQueriesContext(connection) as queries:
            assert core.provider_hits("tasks", context) == []
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + queries[-1]["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "task_recent_idx" not in plan, plan
    assert "Bitmap Index Scan on task_search_idx" in plan, plan


def _statement_plan(world, text: str) -> tuple[str, list]:
    """``EXPLAIN ANALYZE`` of the one statement a search runs (``search_statement``), as the
    app's role, and what the search found."""
    with rls.practice_transaction(world.practice):
        with CaptureQueriesContext(connection) as queries:
            groups = core.search(
                practice=world.practice, membership=world.secretary, text=text, limit=6
            )
        (statement,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("WITH")]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + statement)
            plan = "\n".join(row[0] for row in cursor.fetchall())
    return plan, groups


def _rows_read_newest_first(plan: str) -> list[int]:
    return [
        int(line.split("rows=")[1].split()[0])
        for line in plan.splitlines()
        if "Index Scan using task_recent_idx on tasks_task" in line
    ]


@pytest.mark.postgres
def test_a_common_word_reads_the_newest_tasks_and_never_every_match(world, desk_tasks):
    """ "lease" is in a third of 20,000 tasks: the page is found among the newest
    ``RECENT_WINDOW`` tasks, and the read of every match (the GIN index, then a sort) is never
    executed. Before, it read and sorted all 6,667."""
    plan, groups = _statement_plan(world, "lease")

    tasks = next(group for group in groups if group.key == "tasks")
    assert len(tasks.hits) == 6
    assert [hit.title for hit in tasks.hits] == ["Renew lease"] * 6
    assert "Bitmap Index Scan on task_search_idx (never executed)" in plan, plan
    read = _rows_read_newest_first(plan)
    assert read and max(read) <= core.RECENT_WINDOW, plan


@pytest.mark.postgres
def test_a_word_found_nowhere_reads_the_window_then_the_gin_index(world, desk_tasks):
    """A word not among the newest tasks reads that window (bounded), then every match
    through the GIN index: a word found nowhere never walks the practice's tasks."""
    plan, groups = _statement_plan(world, "zeppelin")

    assert groups == []
    assert "Bitmap Index Scan on task_search_idx (actual" in plan, plan
    read = _rows_read_newest_first(plan)
    assert read and max(read) <= core.RECENT_WINDOW, plan


@pytest.mark.postgres
def test_a_small_table_is_read_through_its_gin_index_alone(world, monkeypatch, request):
    """Below ``WINDOW_FROM_ROWS`` rows (PostgreSQL's estimate, read once per period) a dated
    kind reads every match: its window would cost a table to plan and rows to read that the
    fallback would not."""
    client = ClientFactory(practice=world.practice, name="Northwind Legal")
    for n in range(3):
        TaskFactory(practice=world.practice, client=client, title=f"Renew lease {n}")
    with rls.owner_role(), connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_task")
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'tasks_task'")
        (rows,) = cursor.fetchone()
    request.addfinalizer(search_statement.forget)

    monkeypatch.setattr(search_statement, "WINDOW_FROM_ROWS", rows + 1)
    search_statement.forget()
    small = search_statement.large_kinds(("tasks",))
    monkeypatch.setattr(search_statement, "WINDOW_FROM_ROWS", rows)
    search_statement.forget()
    large = search_statement.large_kinds(("tasks",))

    assert small == frozenset() and large == {"tasks"}


@pytest.mark.postgres
def test_the_check_warns_while_the_function_is_not_leakproof_and_the_index_is_then_unused(
    world, harbour_task
):
    """Both states, switched as ``postgres`` on the same server (the test database only; it
    is leak-proof again afterwards). Last in this file: no plan of this module is made while
    another session changes the function."""
    assert core.match_is_leakproof() is True, NOT_LEAKPROOF
    _set_leakproof(False)
    try:
        assert core.match_is_leakproof() is False
        warnings = search_indexes_usable(databases=["default"])
        # Without it the planner keeps the match for after the policy's check: no GIN index.
        plan = _task_search_plan(world)
    finally:
        _set_leakproof(True)

    assert [warning.id for warning in warnings] == [SEARCH_INDEXES_ID]
    assert core.LEAKPROOF_SQL in warnings[0].hint
    assert "task_search_idx" not in plan
    assert core.match_is_leakproof() is True
    assert search_indexes_usable(databases=["default"]) == []
