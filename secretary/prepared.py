"""Reads whose SQL is compiled once per process, then run with each request's own values.

Building and compiling a queryset costs a page more CPU than PostgreSQL's work for a read of
an index range (bench/README.md): the dashboard's four lists and two counts spent about two
thirds of its time there. A hot read is written as a function of keyword arguments that
returns a queryset; ``prepared`` calls it once per process and shape with stand-in values
(ids no row has, texts no one writes, instants and days of 1901, an array marker), compiles
it, and remembers where each stand-in sits among the parameters. Each call then puts its own
values in those places and runs the SQL: rows come back as the queryset gives them (model
instances with their ``select_related`` objects and annotations, or dicts for ``values()``).

- What the SQL depends on besides the values (a flag, a limit, which list) is the read's
  *shape*, named when it is declared; each shape is compiled once. A value of None is left
  out and its absence is part of the shape (an optional filter not applied).
- A value must reach the SQL as a parameter: ids through ``for_practice`` and filters on keys,
  texts and moments in comparisons, lists of ids through ``AmongIds`` (one array parameter
  whatever their number). Compiling refuses a stand-in it cannot find, and a moment the build
  worked out itself (``timezone.now()`` would stay the moment it was compiled).
- The tenancy rule holds: the read is checked for its practice when compiled.
- ``prepared_aggregate`` gives ``aggregate()``'s answer, ``prepared_list`` pages for
  Django's ``Paginator``.

On PostgreSQL the statement is also prepared on the connection (``DATABASE_PREPARED_STATEMENTS``,
on where connections outlive a request): the server plans it for its first few runs, then keeps
a generic plan when that costs no more, which saves a millisecond or more of planning per read.
Its values are bound on the server, every integer as a ``bigint``, so one statement serves
every id.

PostgreSQL only: elsewhere (SQLite, the embedded default) each call builds its queryset.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, Func, Model, QuerySet
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators

from secretary.limits import EARLIEST_MOMENT, LATEST_MOMENT

# The moments a read may hold as constants (the bounds of the dates people may enter).
FIXED_MOMENTS = frozenset({EARLIEST_MOMENT, LATEST_MOMENT})
# Shapes compiled per read, at most (then it starts again).
MAX_SHAPES = 256

# No row has a negative id; no row holds a moment of 1901.
_STAND_IN_ID = -730_100
_STAND_IN_MOMENT = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)


class AmongIds(Func):
    """True when ``expression`` (a foreign key) is one of ``ids``. On PostgreSQL one array
    parameter whatever the number of ids, so the SQL stays the same from one call to the next;
    elsewhere a list of parameters."""

    output_field = BooleanField()
    negated = False

    def __init__(self, expression, ids):
        super().__init__(expression)
        self.ids = ids

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        ids = self.ids if isinstance(self.ids, list) else sorted(self.ids)
        if self.negated:
            sql = f"({column} IS NULL OR NOT ({column} = ANY(%s::bigint[])))"
            return sql, [*params, *params, ids]
        return f"({column} = ANY(%s::bigint[]))", [*params, ids]

    def as_sqlite(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        ids = sorted(self.ids)
        if not ids:
            return ("TRUE", []) if self.negated else ("FALSE", [])
        among = f"{column} IN ({', '.join(['%s'] * len(ids))})"
        if self.negated:
            return f"({column} IS NULL OR NOT ({among}))", [*params, *params, *ids]
        return f"({among})", [*params, *ids]


class OutsideIds(AmongIds):
    """True when ``expression`` is null or none of ``ids`` (``AmongIds``' opposite)."""

    negated = True


# A count of runs that never comes: only statements run with ``prepare=True`` are prepared.
_NEVER_UNASKED = 2**31


@functools.cache
def _preparing_cursor_class():
    """psycopg's cursor that binds values on the server and prepares each statement on its
    first run (imported on first use: the embedded default never needs it). Integers go as
    ``bigint`` whatever their size: psycopg would pick the smallest type that holds each value,
    and each mix of types would be a statement of its own."""
    import psycopg
    from psycopg.types.numeric import Int8Dumper

    class PreparingCursor(psycopg.Cursor):
        def __init__(self, connection, **kwargs):
            super().__init__(connection, **kwargs)
            self.adapters.register_dumper(int, Int8Dumper)

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


def _cursor(alias: str):
    """A cursor for a prepared read's SQL: Django's own wrapper (execute wrappers see the read),
    around one that keeps its statements prepared. Where Django logs each query's SQL (``DEBUG``,
    a test counting queries) the read runs unprepared: the log reads the SQL psycopg sent, which
    the run of a prepared statement does not give."""
    connection = connections[alias]
    if not settings.DATABASE_PREPARED_STATEMENTS or connection.queries_logged:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    if connection.connection.prepare_threshold is None:
        # Django turns psycopg's preparing off; this turns it on for the cursors that ask for
        # it (client-side binding, the ORM's own, never prepares).
        connection.connection.prepare_threshold = _NEVER_UNASKED
    return connection.make_cursor(_preparing_cursor_class()(connection.connection))


class StandInIds(list):
    """A list of ids' stand-in: one array parameter, known by identity."""


def _stand_in(index: int, value: Any):
    if isinstance(value, bool):
        raise TypeError("A flag is part of a read's shape, not a value.")
    if isinstance(value, int):
        return _STAND_IN_ID - index
    if isinstance(value, str):
        return f"zq-stand-in-{index}-q"
    if isinstance(value, datetime):
        return _STAND_IN_MOMENT + timedelta(microseconds=index + 1)
    if isinstance(value, date):
        return _STAND_IN_MOMENT.date() + timedelta(days=index + 1)
    if isinstance(value, list | tuple | set | frozenset):
        return StandInIds([0])
    raise TypeError(
        f"A prepared read takes ids, texts, instants, days and lists of ids, not {value!r}."
    )


def _actual(value: Any):
    if isinstance(value, set | frozenset | tuple):
        return sorted(value)
    return value


@dataclass(frozen=True)
class _Compiled:
    sql: str | None  # None: no row, whatever the values
    slots: tuple[str, ...]  # per parameter: the name of the value in its place
    compiler: Any
    values: tuple[str, ...] | None  # a values() read's names; None for model rows

    def params(self, values: dict) -> list:
        return [_actual(values[slot]) for slot in self.slots]


class PreparedRead:
    """``build(**values, **shape)`` compiled once per shape; call it with the same keywords."""

    def __init__(
        self, build: Callable[..., QuerySet], shape: Iterable[str] = (), *, may_drop=False
    ):
        self.build = build
        self.shape = tuple(shape)
        # A count of a list's rows leaves out what only its columns read (an annotation's
        # values): the list's own read checks that every value reaches the SQL.
        self.may_drop = may_drop
        functools.update_wrapper(self, build)
        self._compiled: dict[tuple, _Compiled] = {}
        self._values_reads: dict[tuple[str, ...], PreparedRead] = {}

    def __call__(self, **arguments) -> list:
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            return list(self.build(**arguments))
        return self.run(**arguments)

    def values(self, *fields: str, **arguments) -> list[dict]:
        """The read's rows as dicts of ``fields`` (a select's ids and names, without a model
        instance per row), through a read of its own compiled once per shape as this one."""
        read = self._values_reads.get(fields)
        if read is None:
            build = self.build
            read = PreparedRead(lambda **values: build(**values).values(*fields), self.shape)
            read.__name__ = f"{self.__name__}.values{fields}"
            self._values_reads[fields] = read
        return read(**arguments)

    def queryset(self, **arguments) -> QuerySet:
        """The read's queryset, whose rows come from the prepared read when it is iterated as
        it is (a form's choices); what is built from it reads as usual."""
        return self.build(**arguments).reading_as(self, arguments)

    def run(self, **arguments) -> list:
        """The rows, from SQL compiled for this shape (PostgreSQL). A value of None is left
        out (its absence is part of the shape: an optional filter not applied)."""
        compiled, values = self._compiled_for(arguments)
        if compiled.sql is None:
            return []
        params = compiled.params(values)
        compiler = compiled.compiler
        with _cursor(compiler.using) as cursor:
            cursor.execute(compiled.sql, params)
            rows = list(compiler.results_iter([cursor.fetchall()]))
        if compiled.values is not None:
            return [dict(zip(compiled.values, row, strict=True)) for row in rows]
        return _instances(compiler, rows)

    def _compiled_for(self, arguments: dict) -> tuple[_Compiled, dict]:
        """The SQL of the arguments' shape (compiled on first use), and their values."""
        values = {
            name: value
            for name, value in arguments.items()
            if name not in self.shape and value is not None
        }
        key = (*(arguments[name] for name in self.shape), *sorted(values))
        compiled = self._compiled.get(key)
        if compiled is None:
            if len(self._compiled) >= MAX_SHAPES:  # pages of a long list: each a shape
                self._compiled.clear()
            compiled = self._compiled[key] = self._compile(arguments, values)
        return compiled, values

    def _compile(self, arguments: dict, values: dict) -> _Compiled:
        stand_ins = {name: _stand_in(i, value) for i, (name, value) in enumerate(values.items())}
        queryset = self.build(**{**arguments, **stand_ins})
        queryset._check_scope()  # the tenancy rule holds here as for any read
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError(f"{self.__name__}: a prepared read cannot prefetch.")
        if queryset._iterable_class not in (ModelIterable, ValuesIterable):
            raise ValueError(f"{self.__name__}: a prepared read gives instances or dicts.")
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a shape that holds no row whatever the values (an empty page)
            return _Compiled(None, (), compiler, None)
        slots = []
        found = set()
        for param in params:
            slot = _slot_of(param, stand_ins)
            if isinstance(slot, tuple) and isinstance(param, date) and param not in FIXED_MOMENTS:
                # A moment the build worked out itself (today, now) would stay what it was
                # when compiled: it must be a value.
                raise ValueError(f"{self.__name__}: the moment {param} must be passed as a value.")
            slots.append(slot)
            if not isinstance(slot, tuple):
                found.add(slot)
        missing = set(stand_ins) - found
        if missing and not self.may_drop:
            raise ValueError(
                f"{self.__name__}: {', '.join(sorted(missing))} did not reach the SQL as a "
                "parameter; name it in the read's shape."
            )
        names = None
        if queryset._iterable_class is ValuesIterable:
            query = queryset.query
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
        sql = _with_constants(sql, slots, connections[queryset.db])
        return _Compiled(sql, tuple(s for s in slots if not isinstance(s, tuple)), compiler, names)


def _with_constants(sql: str, slots: list, connection) -> str:
    """``sql`` with what is the same on every call (``("fixed", value)`` slots: a status, a
    bound) written in as literals, as psycopg would quote them, and only the values left as
    parameters. A plan PostgreSQL keeps for the statement then knows the constants: it can
    prove a partial index's condition (``status IN ('requested', …)``) from them."""
    parts = iter(slots)
    written = []
    for token in re.split(r"(%%|%s)", sql):
        if token == "%s":
            slot = next(parts)
            if isinstance(slot, tuple):
                token = connection.ops.compose_sql("%s", [slot[1]]).replace("%", "%%")
        written.append(token)
    return "".join(written)


def _slot_of(param, stand_ins: dict):
    for name, stand_in in stand_ins.items():
        if isinstance(stand_in, StandInIds):
            if param is stand_in:
                return name
        elif type(param) is type(stand_in) and param == stand_in:
            return name
    return ("fixed", param)


def _instances(compiler, rows: list) -> list[Model]:
    """Model instances of ``rows``, as Django's ``ModelIterable`` makes them."""
    select, klass_info = compiler.select, compiler.klass_info
    annotations = compiler.annotation_col_map
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    attnames = [column[0].target.attname for column in select[start:end]]
    db = compiler.using
    populators = get_related_populators(klass_info, select, db)
    objects = []
    for row in rows:
        obj = model.from_db(db, attnames, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in annotations.items():
            setattr(obj, name, row[position])
        objects.append(obj)
    return objects


def prepared(*, shape: Iterable[str] = ()) -> Callable[[Callable[..., QuerySet]], PreparedRead]:
    """Declare a read compiled once per process and shape: ``@prepared(shape=("limit",))``
    over a function of keyword arguments that returns a queryset."""

    def declare(build: Callable[..., QuerySet]) -> PreparedRead:
        return PreparedRead(build, shape)

    return declare


def prepared_aggregate(**aggregates) -> Callable[[Callable[..., QuerySet]], Callable[..., dict]]:
    """``QuerySet.aggregate(**aggregates)`` of a read compiled once per process: over a
    function of keyword arguments that returns the rows, ``@prepared_aggregate(n=Count("pk"))``
    gives a function of the same arguments that returns ``{"n": …}``. The rows of one read
    are of one practice (``for_practice``), so grouping by it gives the one row of totals
    (none when nothing matches: then what ``aggregate`` answers for no rows)."""

    def declare(build: Callable[..., QuerySet]) -> Callable[..., dict]:
        def totals(**arguments):
            return (
                build(**arguments)
                .order_by()
                .values("practice")
                .annotate(**aggregates)
                .values(*aggregates)
            )

        read = PreparedRead(totals)

        @functools.wraps(build)
        def aggregate(**arguments) -> dict:
            rows = read(**arguments)
            if rows:
                return rows[0]
            return {
                name: expression.empty_result_set_value for name, expression in aggregates.items()
            }

        return aggregate

    return declare


class PreparedCount(PreparedRead):
    """How many rows a read holds: ``COUNT(*)`` over the ids of its rows, compiled once per
    shape. Counting ids alone lets PostgreSQL answer from an index (an index-only scan), where
    grouping the rows by their practice read the table. With ``at_most`` (part of the
    shape) it stops counting there: a list's pager need not count 160,000 open tasks."""

    def __init__(self, build: Callable[..., QuerySet], shape: Iterable[str] = ()):
        def ids(*, at_most=None, **arguments):
            rows = build(**arguments).order_by().values("pk")
            return rows if at_most is None else rows[:at_most]

        # The count leaves out what only the list's columns read (an annotation's values):
        # the list's own read checks that every value reaches the SQL.
        super().__init__(ids, (*shape, "at_most"), may_drop=True)
        functools.update_wrapper(self, build)

    def __call__(self, *, at_most: int | None = None, **arguments) -> int:
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            return self.build(at_most=at_most, **arguments).count()
        return self.run(at_most=at_most, **arguments)

    def run(self, **arguments) -> int:
        compiled, values = self._compiled_for(arguments)
        if compiled.sql is None:
            return 0
        with _cursor(compiled.compiler.using) as cursor:
            # The read's own compiled SQL, its values as parameters.
            counted = f"SELECT COUNT(*) FROM ({compiled.sql}) AS counted"  # noqa: S608
            cursor.execute(counted, compiled.params(values))
            return cursor.fetchone()[0]


class PreparedList:
    """A prepared read's rows as Django's ``Paginator`` pages them: counted by a
    ``PreparedCount`` (up to a bound for ``BoundedPaginator``), each page read by a prepared
    read whose bounds are part of its shape.
    ``PreparedList(build, shape)(**arguments)`` is what a paginator is given."""

    def __init__(self, build: Callable[..., QuerySet], shape: Iterable[str] = ()):
        shape = tuple(shape)
        self.count_read = PreparedCount(build, shape)
        self.page_read = PreparedRead(
            lambda *, bottom, top, **arguments: build(**arguments)[bottom:top],
            (*shape, "bottom", "top"),
        )
        functools.update_wrapper(self, build)

    def __call__(self, **arguments) -> _PreparedRows:
        return _PreparedRows(self, arguments)


class _PreparedRows:
    def __init__(self, prepared: PreparedList, arguments: dict):
        self.prepared = prepared
        self.arguments = arguments

    def count(self, at_most: int | None = None) -> int:
        """How many rows there are, or ``at_most`` when there are that many or more."""
        return self.prepared.count_read(at_most=at_most, **self.arguments)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, bounds: slice) -> list:
        if not isinstance(bounds, slice) or bounds.step is not None:
            raise TypeError("Prepared rows are read a page (a slice) at a time.")
        return self.prepared.page_read(bottom=bounds.start or 0, top=bounds.stop, **self.arguments)


def prepared_list(
    *, shape: Iterable[str] = ()
) -> Callable[[Callable[..., QuerySet]], PreparedList]:
    """Declare a list paged through prepared reads: ``@prepared_list()`` over a function of
    keyword arguments that returns the ordered rows."""

    def declare(build: Callable[..., QuerySet]) -> PreparedList:
        return PreparedList(build, shape)

    return declare
