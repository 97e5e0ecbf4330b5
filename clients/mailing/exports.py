"""CSV exports of an audience or a segment, streamed row by row (formula-like cells made
safe by ``secretary.spreadsheets``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clients.mailing.models import Audience, Segment, Subscriber
from clients.mailing.selectors import recipients
from secretary import spreadsheets
from secretary.tenancy import practice_scope

CHUNK_ROWS = 2000


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


def _rows(audience: Audience, people: QuerySet[Subscriber]) -> Iterator[list]:
    """The rows, read in chunks inside the audience's practice (the response streams after
    the view has returned, outside the request's transaction)."""
    with practice_scope(audience.practice_id):
        for person in people.iterator(chunk_size=CHUNK_ROWS):
            yield row(audience, person)


def csv_lines(audience: Audience, people: QuerySet[Subscriber]) -> Iterator[str]:
    return spreadsheets.csv_lines(header(audience), _rows(audience, people))


def export_filename(audience: Audience, segment: Segment | None = None) -> str:
    parts = [audience.client.name, audience.name] + ([segment.name] if segment else [])
    stem = slugify("-".join(parts))[:80] or "mailing-list"
    return f"{stem}-{timezone.localdate().isoformat()}.csv"


def export_response(audience: Audience, segment: Segment | None = None) -> StreamingHttpResponse:
    return spreadsheets.csv_response(
        export_filename(audience, segment),
        header(audience),
        _rows(audience, export_people(audience, segment)),
    )
