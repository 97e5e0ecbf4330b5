"""Every kind's search rows in one PostgreSQL statement, its SQL compiled once per process.

Building and compiling a queryset per kind cost more than the database's work for most
searches (bench/README.md, front desk). So each provider's ``rows`` is compiled once per
process with stand-in values (a practice id, a word, a marker for each shared value such as
the closed clients), and the place of each stand-in among the parameters is remembered; a
search only puts its own values in those places and runs one statement:

- each kind's rows are ``row_to_json`` of its subquery, tagged with the kind's position;
- a kind shown newest first finds its page's ids first, among the practice's newest
  ``RECENT_WINDOW`` rows of the kind (materialized once); then, only when that window held
  less than a page (a rare word, or only old matches), over all its matches through the GIN
  index, behind a one-time filter on the window's count. A common word no longer reads and
  sorts every row that holds it; a rare word costs the window's read more. The rows of those
  ids are read last, with their columns.

Fewer table references make a cheaper statement: under the practice policies of row-level
security each one brings two subqueries to plan, which costs more than running the search.
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection
from django.db.models.expressions import RawSQL

from secretary.search import (
    PROVIDERS,
    SHARED_VALUES,
    SearchContext,
    SearchProvider,
    matching_rows,
    newest_ids,
    recent_rows,
    rows_by_ids,
    shared_value,
)

# Stand-ins, compiled in place of a search's own values. No practice has a negative id; the
# word has no character that LIKE or full-text search reads as an operator.
STAND_IN_PRACTICE = -730_001
STAND_IN_TEXT = "zqstandinsearchwordq"


class _SharedStandIn(list):
    """A shared value's stand-in: a list (an array parameter), known by identity."""

    def __init__(self, name: str):
        super().__init__([0])
        self.name = name


def _stand_in_shared(present: frozenset[str]) -> dict:
    """The stand-in context's ``shared``: a stand-in for each value the search has, nothing
    for the others (the SQL of a search without closed clients names none)."""
    return {name: _SharedStandIn(name) if name in present else set() for name in SHARED_VALUES}


@dataclass(frozen=True)
class _StandInMember:
    """The member searching, as far as ``rows`` may look (``SearchProvider``)."""

    is_admin: bool
    practice_id: int = STAND_IN_PRACTICE


@dataclass(frozen=True)
class Compiled:
    """One provider's rows as SQL, and how to fill its parameters for a search."""

    sql: str
    slots: tuple  # per parameter: ("value", v), ("practice",), ("text",), ("like", pattern)
    # or ("shared", name)
    names: tuple[str, ...]  # the columns' names, in order
    dates: frozenset[str]  # the columns that hold a date and time (JSON has them as text)
    days: frozenset[str]  # the columns that hold a date

    def params(self, context: SearchContext) -> list:
        values = []
        for slot in self.slots:
            kind = slot[0]
            if kind == "practice":
                values.append(context.practice.pk)
            elif kind == "text":
                values.append(context.text)
            elif kind == "like":
                escaped = connection.ops.prep_for_like_query(context.text)
                values.append(slot[1].replace(STAND_IN_TEXT, escaped))
            elif kind == "shared":
                values.append(sorted(shared_value(context, slot[1])))
            else:
                values.append(slot[1])
        return values

    def row(self, data: dict | str) -> dict:
        if isinstance(data, str):
            data = json.loads(data)
        row = {name: data[f"c{index}"] for index, name in enumerate(self.names)}
        for name in self.dates:
            if row[name] is not None:
                row[name] = datetime.fromisoformat(row[name])
        for name in self.days:
            if row[name] is not None:
                row[name] = date.fromisoformat(row[name])
        return row


def _slot(value) -> tuple:
    if isinstance(value, _SharedStandIn):
        return ("shared", value.name)
    if isinstance(value, str) and value == STAND_IN_TEXT:
        return ("text",)
    if isinstance(value, str) and STAND_IN_TEXT in value:
        return ("like", value)
    if type(value) is int and value == STAND_IN_PRACTICE:
        return ("practice",)
    return ("value", value)


def _stand_in_context(limit: int, is_admin: bool, present: frozenset[str]) -> SearchContext:
    return SearchContext(
        practice=STAND_IN_PRACTICE,
        membership=_StandInMember(is_admin),
        text=STAND_IN_TEXT,
        limit=limit,
        shared=_stand_in_shared(present),
    )


@dataclass(frozen=True)
class Variant:
    """What the SQL of a search depends on besides its values."""

    limit: int
    is_admin: bool
    present: frozenset[str]  # the shared values that are not empty
    windowed: frozenset[str] = frozenset()  # the dated kinds read through the window first


@functools.cache
def compiled(key: str, variant: Variant, piece: str) -> Compiled:
    """A piece of provider ``key``'s read compiled with the stand-ins: ``rows`` (a kind
    without a date: ``matching_rows``), or for a dated kind ``recent`` (``recent_rows``),
    ``ids`` (``newest_ids``) and ``by:<name>`` (``rows_by_ids`` for the ids the statement
    names ``<name>``)."""
    entry = PROVIDERS[key]
    context = _stand_in_context(variant.limit, variant.is_admin, variant.present)
    if piece == "rows":
        rows = matching_rows(entry, context)
    elif piece == "recent":
        rows = recent_rows(entry, context)
    elif piece == "ids":
        rows = newest_ids(entry, context)
    else:
        # A name the statement gives its ids, never anything of the request.
        named = RawSQL(f"SELECT c0 FROM {piece.removeprefix('by:')}", [])  # noqa: S608, S611
        rows = rows_by_ids(entry, context, named)
    rows._check_scope()  # the tenancy rule holds here as for any read
    query = rows.query
    compiler = query.get_compiler(using=rows.db)
    sql, params = compiler.as_sql()
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    if len(names) != len(compiler.select):
        raise ValueError(f"The {key!r} search provider's columns are not plain values.")
    slots = tuple(_slot(value) for value in params)
    kinds = {slot[0] for slot in slots}
    if "practice" not in kinds or not kinds & {"text", "like"}:
        raise ValueError(f"The {key!r} search provider's rows must match the text in a practice.")
    types = {
        name: expression.output_field.get_internal_type()
        for name, (expression, _sql, _alias) in zip(names, compiler.select, strict=True)
    }
    if "DecimalField" in types.values():
        # Rows come back as JSON, whose numbers are floats: money must not pass that way.
        raise ValueError(f"The {key!r} search provider reads a decimal column; read it as text.")
    dates = frozenset(name for name, kind in types.items() if kind == "DateTimeField")
    days = frozenset(name for name, kind in types.items() if kind == "DateField")
    return Compiled(sql, slots, names, dates, days)


@dataclass(frozen=True)
class _Part:
    key: str
    rows: Compiled  # the rows shown
    ids: tuple[Compiled, ...] | None  # a dated kind's ids: in the window, then all (or all)


@functools.cache
def _statement(keys: tuple[str, ...], variant: Variant) -> tuple[str, tuple[_Part, ...]]:
    """The statement for these providers: per kind, its position and the JSON of each row.

    A dated kind reads its page's ids first (two common table expressions: the window's, and
    the ids shown, which are the window's when it filled a page and every match's otherwise,
    behind one-time filters on the window's count), then the rows of those ids."""
    # Only Django's compiled SQL, integers and names made here: every value is a parameter.
    parts, withs, selects = [], [], []
    for position, key in enumerate(keys):
        entry = PROVIDERS[key]
        ids = None
        if entry.newest and key in variant.windowed:
            recent, every = (compiled(key, variant, piece) for piece in ("recent", "ids"))
            page = variant.limit * entry.overfetch
            window, shown = f"recent{position}", f"ids{position}"
            filled = f"(SELECT count(*) FROM {window})"  # noqa: S608
            withs.append(
                f"{window}(c0) AS MATERIALIZED (SELECT c0 FROM ({recent.sql}) AS w(c0, c1, c2)"  # noqa: S608
                f" WHERE c2 ORDER BY c1 DESC, c0 DESC LIMIT {page})"
            )
            withs.append(
                f"{shown}(c0) AS MATERIALIZED (SELECT c0 FROM {window} WHERE {filled} >= {page}"  # noqa: S608
                f" UNION ALL SELECT c0 FROM ({every.sql}) AS every(c0) WHERE {filled} < {page})"
            )
            ids = (recent, every)
            rows = compiled(key, variant, f"by:{shown}")
        elif entry.newest:  # a small table: every match, through the GIN index
            every = compiled(key, variant, "ids")
            shown = f"ids{position}"
            withs.append(f"{shown}(c0) AS MATERIALIZED ({every.sql})")
            ids = (every,)
            rows = compiled(key, variant, f"by:{shown}")
        else:
            rows = compiled(key, variant, "rows")
        columns = ", ".join(f"c{index}" for index in range(len(rows.names)))
        selects.append(
            f"SELECT {position}, row_to_json(s) FROM ({rows.sql}) AS s({columns})"  # noqa: S608
        )
        parts.append(_Part(key, rows, ids))
    sql = " UNION ALL ".join(selects)
    if withs:
        sql = "WITH " + ", ".join(withs) + " " + sql
    return sql, tuple(parts)


def read_all(entries: list[SearchProvider], context: SearchContext) -> dict[str, list[dict]]:
    """Each provider's rows (dicts, in the order shown) for the search, by provider key: one
    statement."""
    present = frozenset(name for name in SHARED_VALUES if shared_value(context, name))
    windowed = large_kinds(tuple(entry.key for entry in entries if entry.newest))
    variant = Variant(context.limit, bool(context.membership.is_admin), present, windowed)
    sql, parts = _statement(tuple(entry.key for entry in entries), variant)
    params = []
    for part in parts:  # in the statement's order: the ids' expressions come first
        for ids in part.ids or ():
            params += ids.params(context)
    for part in parts:
        params += part.rows.params(context)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        results = cursor.fetchall()
    found: dict[int, list] = {}
    for position, data in results:
        found.setdefault(position, []).append(data)
    return {
        part.key: [part.rows.row(data) for data in found.get(position, ())]
        for position, part in enumerate(parts)
    }


# A dated kind whose table holds fewer rows than this is read through the GIN index alone,
# however common the word (every match is read and sorted: at most this many); above it, its
# newest rows are looked at first. The size is PostgreSQL's estimate for the whole table
# (``pg_class.reltuples``, every practice), read at most once per ``SIZES_TTL`` seconds per
# process: each look at the window costs a table reference to plan and ``RECENT_WINDOW``
# rows to read, which a small table's fallback would not.
WINDOW_FROM_ROWS = 10_000
SIZES_TTL = 600.0
_sizes: dict = {"read_at": None, "known": frozenset(), "large": frozenset()}


def large_kinds(keys: tuple[str, ...]) -> frozenset[str]:
    """Which of these dated kinds' tables are large enough for the window."""
    now = time.monotonic()
    read_at = _sizes["read_at"]
    if read_at is None or now - read_at > SIZES_TTL or not set(keys) <= _sizes["known"]:
        tables = {key: _table_of(key) for key in keys}
        with connection.cursor() as cursor:
            # A table never analysed reads -1, as small: autovacuum analyses a table soon
            # after it grows (a restore or a bulk load is analysed by its runbook).
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relname = ANY(%s) "
                "AND relnamespace = current_schema()::regnamespace AND reltuples >= %s",
                [sorted(set(tables.values())), WINDOW_FROM_ROWS],
            )
            large = {row[0] for row in cursor.fetchall()}
        _sizes.update(
            read_at=now,
            known=frozenset(keys),
            large=frozenset(key for key, table in tables.items() if table in large),
        )
    return _sizes["large"] & frozenset(keys)


@functools.cache
def _table_of(key: str) -> str:
    context = _stand_in_context(1, False, frozenset())
    return PROVIDERS[key].rows(context).model._meta.db_table


def forget() -> None:
    """Drop what was compiled (a provider was registered or replaced)."""
    compiled.cache_clear()
    _statement.cache_clear()
    _table_of.cache_clear()
    _sizes["read_at"] = None
