"""CSV exports of an audience or a segment, streamed row by row.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
as a formula: such text cells are written with a leading ``'`` (numbers are left as they are).
The file starts with a UTF-8 byte order mark so Excel reads accents right.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clients.mailing.models import Audience, Segment, Subscriber
from clients.mailing.selectors import recipients
from secretary.tenancy import practice_scope

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 2000
BOM = "\ufeff"


def safe_cell(value) -> str | int | float:
    """A value as a spreadsheet may open it: formula-like text gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    """A file-like object whose ``write`` hands back what it is given (csv writes a row)."""

    def write(self, value: str) -> str:
        return value


def header(audience: Audience) -> list[str]:
    return [
        _("Email"),
        _("Name"),
        _("Company"),
        _("Tags"),
        _("Status"),
        _("Consent source"),
        _("Consent given at (UTC)"),
        _("Added (UTC)"),
        *[field["label"] for field in audience.fields],
    ]


def row(audience: Audience, person: Subscriber) -> list:
    custom = person.custom or {}
    return [
        safe_cell(value)
        for value in [
            person.email,
            person.name,
            person.company,
            ", ".join(person.tags or []),
            person.status,
            person.consent_source,
            person.consent_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
            person.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
            *[custom.get(field["key"]) for field in audience.fields],
        ]
    ]


def export_people(audience: Audience, segment: Segment | None = None) -> QuerySet[Subscriber]:
    """Everyone on the audience (every status, so the export keeps suppressions), or the
    subscribed people a segment selects."""
    if segment is not None:
        return recipients(audience, segment)
    return (
        Subscriber.objects.for_practice(audience.practice_id)
        .filter(audience=audience)
        .order_by("pk")
    )


def csv_lines(audience: Audience, people: QuerySet[Subscriber]) -> Iterator[str]:
    """The CSV text, a line at a time, read in chunks inside the audience's practice (the
    response streams after the view has returned, outside the request's transaction)."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header(audience))
    with practice_scope(audience.practice_id):
        for person in people.iterator(chunk_size=CHUNK_ROWS):
            yield writer.writerow(row(audience, person))


def export_filename(audience: Audience, segment: Segment | None = None) -> str:
    parts = [audience.client.name, audience.name] + ([segment.name] if segment else [])
    stem = slugify("-".join(parts))[:80] or "mailing-list"
    return f"{stem}-{timezone.localdate().isoformat()}.csv"


def export_response(audience: Audience, segment: Segment | None = None) -> StreamingHttpResponse:
    lines: Iterable[str] = csv_lines(audience, export_people(audience, segment))
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(audience, segment)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
