"""Search across the practice: a registry of providers, one per kind of thing.

The core imports no feature app: each app registers its providers in ``AppConfig.ready``
(``register_search_provider``). A provider says which rows may be found (the practice's, without
the clients closed to the member), which fields are searched, which columns its hits need, and
turns those rows into ``SearchHit``s; the core matches, orders and pages them. Things with a
date of their own (tasks, comments, documents, calls) come newest first, names (clients,
contacts, playbooks) by how well they match. On PostgreSQL every kind is read in one statement
whose SQL is compiled once per process (``secretary.search_statement``); elsewhere one query
per provider (``matching_rows``).

Matching (``text_match``) is PostgreSQL full-text search on PostgreSQL and a plain
case-insensitive "contains" elsewhere (SQLite, the embedded default):

- The configuration is ``simple``: words are lower-cased, never stemmed and no word is a stop
  word, so names, codes, e-mail addresses and any language a practice writes in match as typed
  (an English stemmer would turn "Wells" into "well" and drop "Will" as a stop word).
  Plurals do not find singulars; that is the price of exact names.
- The text is read by ``websearch_to_tsquery`` (words, "quoted phrases", ``or``, ``-word``),
  which never raises on what people type: operators of ``to_tsquery`` (``& | ! <-> :*``) are
  plain punctuation to it.
- Each searched table has a stored, generated ``search_vector`` column (PostgreSQL computes it
  on every write) with a GIN index, added by ``AddSearchColumn`` in the app's migration; the
  query matches and ranks that column, so no row's text is parsed again at search time.
- Under the practice policies of row-level security (forced on every tenant table) PostgreSQL
  evaluates a condition that is not leak-proof (``@@`` is not) only after the policy's, and
  therefore not through an index: the GIN index serves a role that bypasses the policies, or
  once ``ts_match_vq`` is declared leak-proof by a superuser (``LEAKPROOF_SQL``: the
  deployment scripts do it, and the ``database`` system check warns while it is not done;
  ``match_is_leakproof``). See bench/README.md (front desk).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection, migrations
from django.db.models import (
    BooleanField,
    DateTimeField,
    Expression,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
)
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from secretary.models import Membership, Practice

# The longest text searched: a sentence, not a document (forms and the API say so).
MAX_QUERY_LENGTH = 200
# Hits per kind on the search page and in the API.
DEFAULT_LIMIT = 5
MAX_LIMIT = 20
SNIPPET_LENGTH = 200
SEARCH_CONFIG = "simple"


@dataclass(frozen=True)
class SearchHit:
    kind: str  # translated label of what it is: "Task", "Playbook", "Call"...
    title: str
    url: str
    snippet: str = ""  # plain text, at most ~200 chars, the matched part if possible
    when: datetime | None = None
    rank: float = 0.0  # higher first within a kind


@dataclass(frozen=True)
class SearchContext:
    practice: Practice  # (an id while ``rows`` are compiled: ``search_statement``)
    membership: Membership  # the staff member searching
    text: str  # the cleaned query text (never empty)
    limit: int  # at most this many hits per provider
    # What providers share within one search, by name (``shared_value``).
    shared: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class SearchProvider:
    """One kind of thing search finds.

    ``rows(context)`` is the rows that may be found, scoped to ``context.practice`` and without
    the clients closed to the member (``without_closed``). The core matches the text in
    ``fields`` (``text_match``: the fields of the table's stored search vector); a provider
    without ``fields`` matches in ``rows`` itself. The core then reads ``columns`` of a page of
    matches (``matching_rows``): the newest first for a kind with a date of its own
    (``newest``, its field), otherwise in ``sort``. ``hits(context, rows)`` turns those dicts
    into ``SearchHit``s.

    On PostgreSQL the core compiles all this once per process and reads every kind in one
    statement (``secretary.search_statement``), so ``rows`` may depend on nothing of the
    context but the practice, the text, the shared values (``shared_value``), the limit and
    ``context.membership.is_admin``."""

    key: str
    rows: Callable[[SearchContext], QuerySet]
    columns: tuple[str, ...]  # what ``hits`` reads of each row (``search_rank`` among them)
    hits: Callable[[SearchContext, list[dict]], list[SearchHit]]
    label: Any
    fields: tuple[str, ...] = ()  # the fields searched (``text_match``)
    sort: tuple[str, ...] = ()  # the order of a kind without ``newest``
    order: int = 100  # its place among the kinds
    # The filtered list that shows every match ("more"), given the practice slug and the text.
    more_url: Callable[[str, str], str] | None = None
    newest: str | None = None  # the date field of a kind shown newest first
    # Rows read per hit shown, for a kind whose ``hits`` drops some rows.
    overfetch: int = 1


@dataclass
class SearchGroup:
    key: str
    label: Any
    hits: list[SearchHit] = field(default_factory=list)
    more_url: str = ""

    @property
    def count(self) -> int:
        return len(self.hits)


PROVIDERS: dict[str, SearchProvider] = {}


def register_search_provider(
    key: str,
    *,
    rows: Callable[[SearchContext], QuerySet],
    columns: Sequence[str],
    hits: Callable[[SearchContext, list[dict]], list[SearchHit]],
    label,
    fields: Sequence[str] = (),
    sort: Sequence[str] = (),
    order: int = 100,
    more_url: Callable[[str, str], str] | None = None,
    newest: str | None = None,
    overfetch: int = 1,
) -> None:
    """Add (or replace, by ``key``) the provider of one kind of thing."""
    if not newest and not sort:
        raise ValueError(f"The {key!r} search provider needs an order: ``newest`` or ``sort``.")
    PROVIDERS[key] = SearchProvider(
        key=key,
        rows=rows,
        columns=tuple(columns),
        hits=hits,
        label=label,
        fields=tuple(fields),
        sort=tuple(sort),
        order=order,
        more_url=more_url,
        newest=newest,
        overfetch=overfetch,
    )
    from secretary import search_statement

    search_statement.forget()


# Values a search reads once and several providers use (the clients closed to the member),
# computed on first use by the function the owning app registers, given the context.
SHARED_VALUES: dict[str, Callable[[SearchContext], Any]] = {}


def register_shared_value(name: str, compute: Callable[[SearchContext], Any]) -> None:
    SHARED_VALUES[name] = compute


def shared_value(context: SearchContext, name: str):
    """The search's value ``name``, computed once per search (``register_shared_value``)."""
    if name not in context.shared:
        context.shared[name] = SHARED_VALUES[name](context)
    return context.shared[name]


def providers() -> list[SearchProvider]:
    return sorted(PROVIDERS.values(), key=lambda p: (p.order, p.key))


# --- The text people type ------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"\w+", re.UNICODE)


def clean_query(raw: str | None) -> str:
    """The text to search: control characters (NUL among them) dropped, blanks collapsed.
    Empty when nothing is left. Callers bound the length first (forms, serializers)."""
    text = _CONTROL.sub(" ", raw or "")
    return " ".join(text.split())


def query_terms(text: str) -> list[str]:
    """The words of the text, lower-cased, in order, once each (what is highlighted and what
    the fallback matches): operators, quotes and punctuation are not words."""
    seen: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word not in seen:
            seen.append(word)
    return seen


def searchable(text: str) -> bool:
    """Whether the text holds a word at all ("&&", "(((" or "'" find nothing; no query runs)."""
    return bool(_WORD.search(text))


# --- Matching -------------------------------------------------------------------------------


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


SEARCH_COLUMN = "search_vector"


def _document_sql(fields: Sequence[str]) -> str:
    """The text a row is searched by: its fields, blanks for nulls, one space between."""
    return " || ' ' || ".join(f"COALESCE({connection.ops.quote_name(f)}::text, '')" for f in fields)


class StoredVector(Expression):
    """The row's stored ``search_vector`` column (PostgreSQL only; the model does not declare
    it: ``AddSearchColumn`` adds it, generated from the fields), on the query's own table under
    the alias the query gives it: a subquery's table is another alias of the same table."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"{table}.{SEARCH_COLUMN}", []


def text_match(queryset: QuerySet, fields: Sequence[str], text: str) -> QuerySet:
    """Rows of ``queryset`` matching ``text`` in ``fields``, each annotated with
    ``search_rank`` (a float, higher is better).

    PostgreSQL: the row's stored vector of ``fields`` (``AddSearchColumn``, the same fields)
    ``@@ websearch_to_tsquery('simple', text)``, ranked by ``ts_rank``. Elsewhere: every word
    of the text is contained (case-insensitively) in one of the fields; the rank is 0."""
    from django.db.models import FloatField, Value

    if not searchable(text):
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    if uses_full_text():
        from django.contrib.postgres.search import SearchRank

        query = _text_query(text)
        vector = StoredVector()
        return (
            queryset.alias(matched_vector=vector)
            .filter(matched_vector=query)
            .annotate(search_rank=SearchRank(vector, query))
        )
    condition = Q()
    for term in query_terms(text):
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        condition &= any_field
    return queryset.filter(condition).annotate(search_rank=Value(0.0, output_field=FloatField()))


def _text_query(text: str):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")


def text_rank(text: str):
    """How well a row matches ``text`` (``text_match``'s ``search_rank``), as an
    expression to annotate rows found another way."""
    from django.db.models import FloatField, Value

    if not uses_full_text():
        return Value(0.0, output_field=FloatField())
    from django.contrib.postgres.search import SearchRank

    return SearchRank(StoredVector(), _text_query(text))


def text_hit(text: str):
    """Whether a row matches ``text`` (PostgreSQL's ``@@``), as a value to read."""
    return Func(
        StoredVector(),
        _text_query(text),
        template="(%(expressions)s)",
        arg_joiner=" @@ ",
        output_field=BooleanField(),
    )


def newest_first(queryset: QuerySet, field: str = "created_at") -> QuerySet:
    """Matches of ``text_match`` newest first (then by id).

    On PostgreSQL the sort key is ``field + interval '0'``, an expression no btree index
    serves: the planner then finds the matches through the GIN index and sorts them (top-N),
    a cost that grows with the matches only. Sorting by the bare column would let it walk a
    "newest first" index hoping to meet a match soon, which reads every row of the practice
    for a rare word or a word found nowhere (its estimate of a word's frequency is a guess
    for words outside the column's statistics)."""
    if not uses_full_text():
        return queryset.order_by(f"-{field}", "-pk")
    key = ExpressionWrapper(F(field) + timedelta(0), output_field=DateTimeField())
    return queryset.order_by(key.desc(), "-pk")


# --- The index under row-level security -----------------------------------------------------

# The function behind ``tsvector @@ tsquery``. It compares two already-parsed values and raises
# no error that depends on them, so it reveals nothing of a row the policy hides: safe to mark
# leak-proof, which lets the planner use the GIN index before the practice policy's check.
MATCH_FUNCTION = "ts_match_vq(tsvector, tsquery)"
LEAKPROOF_SQL = f"ALTER FUNCTION {MATCH_FUNCTION} LEAKPROOF;"


def match_is_leakproof(using: str = "default") -> bool | None:
    """Whether PostgreSQL may use the search indexes under the practice policies (the match
    function is leak-proof): one catalog query. ``None`` on other databases (no index)."""
    from django.db import connections

    target = connections[using]
    if target.vendor != "postgresql":
        return None
    with target.cursor() as cursor:
        cursor.execute(
            "SELECT proleakproof FROM pg_proc WHERE oid = %s::regprocedure", [MATCH_FUNCTION]
        )
        return bool(cursor.fetchone()[0])


# --- Snippets -------------------------------------------------------------------------------


def snippet(text: str, terms: Sequence[str], length: int = SNIPPET_LENGTH) -> str:
    """At most ``length`` characters of ``text`` (blanks collapsed), around the first of the
    ``terms`` found in it, with "…" where it was cut."""
    flat = " ".join((text or "").split())
    if len(flat) <= length:
        return flat
    lowered = flat.lower()
    found = [i for i in (lowered.find(term) for term in terms) if i >= 0]
    start = max(0, min(found) - length // 4) if found else 0
    start = min(start, len(flat) - length)
    piece = flat[start : start + length]
    return ("…" if start > 0 else "") + piece + ("…" if start + length < len(flat) else "")


def highlight(text: str, terms: Sequence[str]) -> list[tuple[str, bool]]:
    """``text`` cut into ``(part, matched)`` pieces (nothing here is HTML)."""
    if not text or not terms:
        return [(text, False)] if text else []
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in _terms_pattern(tuple(terms)).finditer(text):
        if match.start() > position:
            parts.append((text[position : match.start()], False))
        parts.append((match.group(0), True))
        position = match.end()
    if position < len(text):
        parts.append((text[position:], False))
    return parts


def highlighted(text: str, terms: Sequence[str]) -> SafeString:
    """``text`` as HTML, every piece escaped and the matched ones in ``<mark>``."""
    return mark_safe(  # noqa: S308  (every piece escaped here)
        "".join(
            f"<mark>{escape(part)}</mark>" if matched else escape(part)
            for part, matched in highlight(text, terms)
        )
    )


@functools.lru_cache(maxsize=64)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)


# --- Running a search -----------------------------------------------------------------------


def matched(entry: SearchProvider, context: SearchContext) -> QuerySet:
    """The provider's rows that match the text (``text_match`` in its ``fields``)."""
    rows = entry.rows(context)
    return text_match(rows, entry.fields, context.text) if entry.fields else rows


def matching_rows(entry: SearchProvider, context: SearchContext):
    """The provider's rows as the core reads them: a ``.values()`` queryset of its
    ``columns``, one page of them."""
    if not entry.newest:
        rows = matched(entry, context).order_by(*entry.sort).values(*entry.columns)
        return rows[: context.limit * entry.overfetch]
    return rows_by_ids(entry, context, newest_ids(entry, context))


def newest_ids(entry: SearchProvider, context: SearchContext):
    """The ids of a dated kind's page of matches, newest first: only the ids, so that the
    sort is a top-N sort of narrow rows (sorting after the joins of ``columns`` would sort
    every match whole)."""
    ids = newest_first(matched(entry, context), entry.newest).values("pk")
    return ids[: context.limit * entry.overfetch]


def recent_rows(entry: SearchProvider, context: SearchContext):
    """The practice's newest ``RECENT_WINDOW`` rows of a dated kind, matching or not, each
    with its id, its date and whether it matches (``search_hit``). Sorted on the bare column:
    the planner reads them through the kind's "newest first" index and stops, however common
    the words (``search_statement`` keeps the matching ones, and falls back to
    ``newest_ids`` when they are less than a page)."""
    field = entry.newest
    return (
        entry.rows(context)
        .order_by(f"-{field}", "-pk")
        .annotate(search_hit=text_hit(context.text))
        .values("pk", field, "search_hit")[:RECENT_WINDOW]
    )


def rows_by_ids(entry: SearchProvider, context: SearchContext, ids):
    """A dated kind's ``columns`` (with ``search_rank``) for the rows whose id is among
    ``ids`` (a queryset, or SQL naming them), newest first."""
    model = entry.rows(context).model
    return (
        model.objects.for_practice(context.practice)
        .filter(pk__in=ids)
        .annotate(search_rank=text_rank(context.text))
        .order_by(f"-{entry.newest}", "-pk")
        .values(*entry.columns)
    )


# How many of a dated kind's newest rows are looked at first for its matches.
RECENT_WINDOW = 500


def search(
    *, practice: Practice, membership: Membership, text: str, limit: int = DEFAULT_LIMIT
) -> list[SearchGroup]:
    """Every provider's hits for ``text`` (cleaned, non-empty), grouped by kind in the
    providers' order; kinds without a hit are left out. PostgreSQL reads every kind in one
    statement; elsewhere one query per provider."""
    if not searchable(text):
        return []
    context = SearchContext(practice=practice, membership=membership, text=text, limit=limit)
    entries = providers()
    if uses_full_text():
        from secretary.search_statement import read_all

        found = read_all(entries, context)
    else:
        found = {entry.key: list(matching_rows(entry, context)) for entry in entries}
    groups = []
    for entry in entries:
        rows = found.get(entry.key)
        hits = entry.hits(context, rows)[:limit] if rows else []
        if not hits:
            continue
        more = entry.more_url(practice.slug, text) if entry.more_url else ""
        groups.append(SearchGroup(entry.key, entry.label, hits, more))
    return groups


def provider_hits(key: str, context: SearchContext) -> list[SearchHit]:
    """One provider's hits, read on their own (one query, on any database)."""
    entry = PROVIDERS[key]
    return entry.hits(context, list(matching_rows(entry, context)))[: context.limit]


NO_WORDS_MESSAGE = _("Type a word or a name to search for.")


# --- Migrations -----------------------------------------------------------------------------


class AddSearchColumn(migrations.operations.base.Operation):
    """Add the stored, generated ``search_vector`` of ``fields`` to ``table`` and a GIN index
    on it, on PostgreSQL only (other databases search with "contains"). The model does not
    declare the column: Django never writes it, PostgreSQL computes it on every write (bulk
    inserts and ``COPY`` included)."""

    reversible = True

    def __init__(self, table: str, fields: list[str], index_name: str):
        self.table, self.fields, self.index_name = table, list(fields), index_name

    def deconstruct(self):
        return (self.__class__.__name__, [self.table, self.fields, self.index_name], {})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.connection.ops.quote_name
        table, column = quote(self.table), quote(SEARCH_COLUMN)
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('{SEARCH_CONFIG}'::regconfig, {_document_sql(self.fields)})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {quote(self.index_name)} ON {table} USING gin ({column})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.connection.ops.quote_name
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(self.index_name)}")
        schema_editor.execute(
            f"ALTER TABLE {quote(self.table)} DROP COLUMN IF EXISTS {quote(SEARCH_COLUMN)}"
        )

    def describe(self):
        return f"Add the search vector of {', '.join(self.fields)} to {self.table}"
