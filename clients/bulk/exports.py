"""The practice's clients and contacts as a spreadsheet, in the columns the import reads, so a
file taken out can be edited and brought back in. One row per contact; a client without
contacts has a row of its own."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.bulk.imports import TARGETS
from clients.models import Client, Contact
from secretary import spreadsheets
from secretary.models import Practice
from secretary.tenancy import practice_scope

CLIENT_FIELDS = [key for key in TARGETS if key.startswith("client.")]
CONTACT_FIELDS = [key for key in TARGETS if key.startswith("contact.")]


def header() -> list[str]:
    return [str(TARGETS[key][0]).replace(_(" (required)"), "") for key in TARGETS] + [
        _("Client status")
    ]


def _cell(instance, key: str):
    value = getattr(instance, TARGETS[key][1])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def rows(practice: Practice) -> Iterator[list]:
    contacts = Contact.objects.for_practice(practice).order_by("-is_primary", "name", "pk")
    clients = (
        Client.objects.for_practice(practice)
        .order_by("name", "pk")
        .prefetch_related(Prefetch("contacts", queryset=contacts))
    )
    with practice_scope(practice.pk):
        for client in clients.iterator(chunk_size=500):
            client_cells = [_cell(client, key) for key in CLIENT_FIELDS]
            people = list(client.contacts.all()) or [None]
            for contact in people:
                contact_cells = (
                    [_cell(contact, key) for key in CONTACT_FIELDS]
                    if contact is not None
                    else [""] * len(CONTACT_FIELDS)
                )
                yield [*client_cells, *contact_cells, client.get_status_display()]


def export_response(practice: Practice, fmt: str):
    stem = f"{practice.slug}-clients-{timezone.localdate().isoformat()}"
    if fmt == "xlsx":
        return spreadsheets.xlsx_response(f"{stem}.xlsx", _("Clients"), header(), rows(practice))
    return spreadsheets.csv_response(f"{stem}.csv", header(), rows(practice))
