"""Reads compiled once per process (``secretary.prepared``): the rows must be exactly what the
queryset gives, whatever the values, and a read that cannot be compiled safely is refused."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from secretary.prepared import (
    AmongIds,
    OutsideIds,
    PreparedRead,
    prepared,
    prepared_aggregate,
    prepared_list,
)
from secretary.tenancy import PracticeScopeError
from tasks.models import Task
from tests.clients.factories import ClientFactory
from tests.factories import PracticeFactory
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db


@prepared(shape=("limit",))
def _due_before(*, practice, clients, before, limit):
    return (
        Task.objects.for_practice(practice)
        .filter(AmongIds(F("client_id"), clients), Q(due_at__lt=before) | Q(due_at__isnull=True))
        .select_related("client")
        .annotate(client_label=F("client__name"))
        .order_by("due_at", "pk")[:limit]
    )


@prepared()
def _per_status(*, practice, outside):
    return (
        Task.objects.for_practice(practice)
        .filter(OutsideIds(F("client_id"), outside))
        .order_by("status")
        .values("status")
        .annotate(n=Count("status"))
    )


@pytest.fixture
def world():
    now = timezone.now()
    practices = []
    for name in ("one", "two"):
        practice = PracticeFactory(name=name)
        clients = [ClientFactory(practice=practice, name=f"{name} <{i}>") for i in range(3)]
        for i in range(9):
            TaskFactory(
                client=clients[i % 3],
                title=f"{name} task {i}",
                status=("todo", "waiting", "done")[i % 3],
                due_at=None if i == 4 else now + timedelta(hours=i - 4),
            )
        practices.append((practice, clients))
    return now, practices


def _seen(tasks):
    return [(t.pk, t.title, t.client.name, t.client_label, t.due_at) for t in tasks]


def test_rows_are_the_querysets_whatever_the_values(world):
    """Compiled on PostgreSQL, built by each call elsewhere: the same rows."""
    now, practices = world
    read = _due_before
    for practice, clients in practices:
        for chosen in ([], [clients[0].pk], [c.pk for c in clients]):
            for before in (now, now + timedelta(hours=3)):
                for limit in (2, 20):
                    arguments = {
                        "practice": practice.pk,
                        "clients": chosen,
                        "before": before,
                        "limit": limit,
                    }
                    expected = list(_due_before.build(**arguments))
                    assert _seen(read(**arguments)) == _seen(expected)
                    assert len(expected) <= limit
                    assert all(t.practice_id == practice.pk for t in expected)


def test_values_reads_give_dicts(world):
    _now, practices = world
    practice, clients = practices[0]
    read = _per_status
    everything = read(practice=practice.pk, outside=[])
    assert everything == [
        {"status": "done", "n": 3},
        {"status": "todo", "n": 3},
        {"status": "waiting", "n": 3},
    ]
    # The first client holds the todo tasks 0, 3 and 6.
    assert read(practice=practice.pk, outside={clients[0].pk}) == [
        {"status": "done", "n": 3},
        {"status": "waiting", "n": 3},
    ]


@pytest.mark.postgres
def test_each_shape_is_compiled_once_and_runs_one_query(world):
    now, practices = world
    built = []

    def build(**arguments):
        built.append(arguments["limit"])
        return _due_before.build(**arguments)

    read = PreparedRead(build, shape=("limit",))
    for practice, clients in practices:
        with CaptureQueriesContext(connection) as queries:
            read(practice=practice.pk, clients=[clients[0].pk], before=now, limit=5)
        assert len(queries) == 1
        read(practice=practice.pk, clients=[], before=now, limit=7)
    assert built == [5, 7]


@pytest.mark.postgres
def test_a_value_that_does_not_reach_the_sql_as_a_parameter_is_refused(world):
    _now, practices = world
    practice, _clients = practices[0]
    # The build turns the word into another: its stand-in is nowhere among the parameters.
    shouted = PreparedRead(
        lambda practice, word: Task.objects.for_practice(practice).filter(title=word.upper())
    )
    with pytest.raises(ValueError, match="word did not reach the SQL"):
        shouted.run(practice=practice.pk, word="urgent")


@pytest.mark.postgres
def test_a_read_without_its_practice_is_refused(world):
    unscoped = PreparedRead(lambda title: Task.objects.filter(pk=title))
    with pytest.raises(PracticeScopeError):
        unscoped.run(title=1)


@pytest.mark.postgres
def test_a_read_that_prefetches_is_refused(world):
    _now, practices = world
    practice, _clients = practices[0]
    read = PreparedRead(
        lambda practice: Task.objects.for_practice(practice).prefetch_related("comments")
    )
    with pytest.raises(ValueError, match="cannot prefetch"):
        read.run(practice=practice.pk)


def test_flags_are_shape_not_values():
    read = PreparedRead(lambda practice, flag: Task.objects.for_practice(practice))
    with pytest.raises(TypeError, match="shape"):
        read.run(practice=1, flag=True)


@prepared_aggregate(n=Count("pk"), minutes=Sum("priority"))
def _totals(*, practice, status):
    return Task.objects.for_practice(practice).filter(status=status)


def test_prepared_aggregates_answer_as_aggregate_does(world):
    _now, practices = world
    for practice, _clients in practices:
        for status in ("todo", "done", "requested"):
            expected = (
                Task.objects.for_practice(practice)
                .filter(status=status)
                .aggregate(n=Count("pk"), minutes=Sum("priority"))
            )
            assert _totals(practice=practice.pk, status=status) == expected
    # No task is requested: a count of none, a sum of nothing.
    assert _totals(practice=practices[0][0].pk, status="requested") == {"n": 0, "minutes": None}


@prepared_list()
def _listed(*, practice, status=None):
    tasks = Task.objects.for_practice(practice).select_related("client")
    if status is not None:  # an optional filter: left out when None
        tasks = tasks.filter(status=status)
    return tasks.order_by("title", "pk")


def test_a_prepared_list_pages_as_its_queryset_does(world):
    _now, practices = world
    practice, _clients = practices[1]
    for status in (None, "todo", "requested"):
        expected_rows = _listed.page_read.build(
            practice=practice.pk, status=status, bottom=0, top=99
        )
        expected = Paginator(expected_rows, 4)
        pages = Paginator(_listed(practice=practice.pk, status=status), 4)
        assert pages.count == expected.count == len(expected_rows)
        assert pages.num_pages == expected.num_pages
        for number in pages.page_range:
            shown = pages.page(number)
            assert [(t.pk, t.client.name) for t in shown] == [
                (t.pk, t.client.name) for t in expected.page(number)
            ]
    assert Paginator(_listed(practice=practice.pk, status="requested"), 4).count == 0


@pytest.mark.postgres
def test_a_moment_worked_out_inside_a_read_is_refused(world):
    """``timezone.now()`` inside the build would stay the moment it was compiled."""
    _now, practices = world
    practice, _clients = practices[0]
    read = PreparedRead(
        lambda practice: Task.objects.for_practice(practice).filter(due_at__lt=timezone.now())
    )
    with pytest.raises(ValueError, match="must be passed as a value"):
        read.run(practice=practice.pk)


def test_a_choice_field_lists_the_prepared_rows_and_checks_values_as_usual(world):
    from django import forms
    from django.core.exceptions import ValidationError

    from clients.selectors import client_names

    _now, practices = world
    (practice, clients), (_other, strangers) = practices
    field = forms.ModelChoiceField(
        queryset=client_names.queryset(practice=practice.pk), empty_label=None
    )
    with CaptureQueriesContext(connection) as queries:
        listed = [label for _value, label in field.choices]
    assert listed == sorted(c.name for c in clients)
    assert len(queries) == 1
    assert field.clean(clients[1].pk) == clients[1]
    with pytest.raises(ValidationError):
        field.clean(strangers[0].pk)  # another practice's client is no choice


def test_an_empty_list_has_one_empty_page(world):
    _now, practices = world
    practice, _clients = practices[0]
    pages = Paginator(_listed(practice=practice.pk, status="requested"), 4)
    assert pages.count == 0
    assert list(pages.get_page(1)) == []


@prepared_list()
def _listed_marked(*, practice, title):
    marked = Case(When(title=title, then=Value(True)), default=Value(False))
    return Task.objects.for_practice(practice).annotate(marked=marked).order_by("pk")


def test_a_list_counts_its_rows_without_what_only_its_columns_read(world):
    """The count leaves the annotation out, and its value with it (the portal's list counts
    requests without their unread replies)."""
    _now, practices = world
    practice, _clients = practices[0]
    pages = Paginator(_listed_marked(practice=practice.pk, title="one task 4"), 5)
    assert pages.count == 9
    shown = [t for number in pages.page_range for t in pages.page(number)]
    assert [t.title for t in shown if t.marked] == ["one task 4"]


def test_a_copy_of_a_choice_fields_rows_shares_their_read(world):
    """A filter set deep-copies its filters' querysets: the read (its compiled statements)
    is shared, and the copy still lists the rows through it."""
    import copy

    from clients.selectors import client_names

    _now, practices = world
    practice, clients = practices[0]
    rows = client_names.queryset(practice=practice.pk)
    list(rows.all())  # compiled (PostgreSQL)
    copied = copy.deepcopy(rows)
    assert copied._prepared_read[0] is client_names
    assert [c.name for c in copied.all()] == sorted(c.name for c in clients)


def _prepared_on_connection() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@prepared()
def _open_of(*, practice):
    return Task.objects.for_practice(practice).filter(status__in=("todo", "waiting"))


@pytest.mark.postgres
def test_a_read_is_prepared_on_the_connection_with_its_constants_written_in(world, settings):
    """PostgreSQL can keep one plan per statement only if the statement is the same from one
    call to the next, and can use a partial index only if its plan knows the constants."""
    settings.DATABASE_PREPARED_STATEMENTS = True
    _, practices = world
    for practice, _clients in practices:
        rows = _open_of(practice=practice.pk)
        assert sorted(t.pk for t in rows) == sorted(
            Task.objects.for_practice(practice)
            .filter(status__in=("todo", "waiting"))
            .values_list("pk", flat=True)
        )
    statements = [s for s in _prepared_on_connection() if '"tasks_task"."status" IN' in s]
    # One statement for both practices; the practice a parameter, the statuses written in
    assert len(statements) == 1
    assert "IN ('todo', 'waiting')" in statements[0]
    assert '"tasks_task"."practice_id" = $1' in statements[0]


@pytest.mark.postgres
def test_nothing_is_prepared_where_the_settings_say_so(world, settings):
    """Behind a pooler in transaction mode a prepared statement may be on another server
    connection by the next transaction."""
    settings.DATABASE_PREPARED_STATEMENTS = False
    _, practices = world
    practice, _clients = practices[0]
    assert len(_open_of(practice=practice.pk)) == 6
    assert not [s for s in _prepared_on_connection() if '"tasks_task"' in s]
