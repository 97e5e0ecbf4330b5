"""Importing clients and contacts from a CSV or XLSX file, all or nothing.

One row is a client, with or without one of its contacts; rows naming the same client (its
name, ignoring case and spacing) add contacts to it. A client whose name the practice already
has is updated with the cells the row fills; a contact is merged on its email within its client
(on its name when the row gives no email). The whole file is checked before anything is
written, every bad row is reported by its line, and a file with any bad row changes nothing.
Files are small enough (``MAX_ROWS``) to check and import within the request.
"""

from __future__ import annotations

import os
import uuid
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.bulk.models import ClientImport, ClientImportStatus
from clients.models import Client, ClientTeamMember, Contact
from clients.services._common import invalid
from secretary import spreadsheets
from secretary.audit import activity_record
from secretary.errors import ApplicationError
from secretary.models import CURRENCIES, Membership, Practice
from secretary.spreadsheets import cell_text, plain_name

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_CELL = 1000
PREVIEW_ROWS = 5
PREVIEW_CELL = 80

# target: (label, the model field it sets, the column names that suggest it)
TARGETS: dict[str, tuple[Any, str, set[str]]] = {
    "client.name": (
        gettext_lazy("Client name (required)"),
        "name",
        {"client", "client name", "company", "business", "organisation", "organization"},
    ),
    "client.time_zone": (gettext_lazy("Client time zone"), "time_zone", {"time zone", "timezone"}),
    "client.currency": (gettext_lazy("Client currency"), "currency", {"currency"}),
    "client.billing_email": (
        gettext_lazy("Billing email"),
        "billing_email",
        {"billing email", "invoice email", "accounts email"},
    ),
    "client.address": (gettext_lazy("Client address"), "address", {"address", "client address"}),
    "client.tax_id": (
        gettext_lazy("Tax id"),
        "tax_id",
        {"tax id", "vat", "vat number", "abn", "ein", "tax number"},
    ),
    "client.notes": (gettext_lazy("Client notes"), "notes", {"notes", "client notes"}),
    "contact.name": (
        gettext_lazy("Contact name"),
        "name",
        {"contact", "contact name", "name", "full name", "person"},
    ),
    "contact.title": (gettext_lazy("Contact title"), "title", {"title", "job title", "role"}),
    "contact.email": (
        gettext_lazy("Contact email"),
        "email",
        {"email", "e-mail", "email address", "contact email"},
    ),
    "contact.phone": (
        gettext_lazy("Contact phone"),
        "phone",
        {"phone", "telephone", "phone number", "mobile", "contact phone"},
    ),
    "contact.is_primary": (
        gettext_lazy("Primary contact (yes/no)"),
        "is_primary",
        {"primary", "primary contact", "main contact"},
    ),
}
YES = {"yes", "y", "true", "1", "x", "primary"}
NO = {"no", "n", "false", "0", ""}
CURRENCY_CODES = {code for code, _label in CURRENCIES}


def target_choices() -> list[tuple[str, str]]:
    return [("", _("Ignore this column"))] + [(key, str(t[0])) for key, t in TARGETS.items()]


def guess_mapping(header: list[str]) -> dict[str, str]:
    """A first mapping by column names, each target once (the first column that fits)."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, name in enumerate(header):
        plain = plain_name(name)
        target = next(
            (key for key, t in TARGETS.items() if plain in t[2] and key not in used), None
        )
        if target:
            mapping[str(index)] = target
            used.add(target)
    return mapping


# --- Upload ----------------------------------------------------------------------------------


def _file_error(message) -> ApplicationError:
    return ApplicationError(message, errors={"file": message})


@transaction.atomic
def client_import_create(
    *, practice: Practice, actor: Membership, file, request=None
) -> ClientImport:
    """Check an uploaded file (size, type by its bytes, header) and keep it with a preview,
    waiting for the column mapping."""
    require_admin_import(actor)
    if file is None:
        raise _file_error(_("Choose a file."))
    if file.size > MAX_FILE_BYTES:
        raise _file_error(
            _("The file is %(size).1f MB; the limit is %(max)s MB. Split it into smaller files.")
            % {"size": file.size / (1024 * 1024), "max": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not file.size:
        raise _file_error(_("The file is empty."))
    file.seek(0)
    data = file.read()
    kind = spreadsheets.kind_of(data[:8192])
    if kind is None:
        raise _file_error(
            _(
                "This file is neither a CSV file nor an Excel workbook (.xlsx). Save it from "
                "your spreadsheet as “CSV UTF-8” or “Excel Workbook” and upload it again."
            )
        )
    job = ClientImport(
        practice=practice,
        kind=kind,
        file_name=os.path.basename(str(file.name or "clients"))[:200],
        created_by=actor.user,
        primary_secretary=actor if actor.is_staff else None,
    )
    if kind == "csv":
        text, job.encoding = spreadsheets.decode(data)
        job.delimiter = spreadsheets.delimiter_of(text)
    header, preview = _header_and_preview(job, data)
    job.header = header
    job.preview = preview
    job.mapping = guess_mapping(header)
    job.file.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(data), save=False)
    job.save()
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="clients.import_uploaded",
        target=job,
        data={"file": job.file_name},
        request=request,
    )
    return job


def require_admin_import(actor: Membership) -> None:
    if actor is None or not actor.is_admin:
        raise ApplicationError(_("Only owners and admins can import clients."))


def _rows(job: ClientImport, data: bytes):
    return spreadsheets.rows_of(job.kind, data, encoding=job.encoding, delimiter=job.delimiter)


def _header_and_preview(job: ClientImport, data: bytes) -> tuple[list[str], list[list[str]]]:
    header: list[str] | None = None
    preview: list[list[str]] = []
    try:
        for _line, cells in _rows(job, data):
            if spreadsheets.blank(cells):
                continue
            if header is None:
                header = [cell_text(cell).strip()[:PREVIEW_CELL] for cell in cells]
                continue
            preview.append([cell_text(cell)[:PREVIEW_CELL] for cell in cells[: len(header)]])
            if len(preview) >= PREVIEW_ROWS:
                break
    except ApplicationError as error:
        raise _file_error(error.message) from error
    except Exception as error:  # a corrupt workbook or CSV: openpyxl and csv raise many kinds
        raise _file_error(
            _("This file could not be read. Check that it opens in a spreadsheet.")
        ) from error
    while header and not header[-1]:
        header.pop()
    if not header:
        raise _file_error(_("The file has no rows. The first row names the columns."))
    if len(header) > MAX_COLUMNS:
        raise _file_error(_("The file has more than %(max)s columns.") % {"max": MAX_COLUMNS})
    return [name or _("Column %(n)s") % {"n": n} for n, name in enumerate(header, 1)], preview


# --- Mapping ---------------------------------------------------------------------------------


def mapping_checked(job: ClientImport, mapping: dict) -> dict[str, str]:
    """Columns that exist, known targets each used once, and a client name column."""
    cleaned, used, errors = spreadsheets.column_mapping(job.header, mapping, TARGETS)
    if "client.name" not in used:
        errors.setdefault("mapping", []).append(
            _("Choose the column that holds the clients' names.")
        )
    if errors:
        raise invalid(errors)
    return cleaned


# --- Checking and running --------------------------------------------------------------------


@dataclass
class _Plan:
    """What a file would do: the objects to create and update, and every bad row."""

    new_clients: dict[str, Client] = field(default_factory=dict)
    changed_clients: dict[int, Client] = field(default_factory=dict)
    new_contacts: list[Contact] = field(default_factory=list)
    changed_contacts: dict[int, Contact] = field(default_factory=dict)
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)

    def report(self) -> dict:
        return {
            "clients_created": len(self.new_clients),
            "clients_updated": len(self.changed_clients),
            "contacts_created": len(self.new_contacts),
            "contacts_updated": len(self.changed_contacts),
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


class _RowError(Exception):
    pass


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


class _Planner:
    """Reads the rows against the practice's clients and contacts as they are now."""

    def __init__(self, job: ClientImport):
        self.job = job
        self.practice = job.practice
        self.mapping = {int(column): target for column, target in job.mapping.items()}
        self.plan = _Plan()
        self.zones = zoneinfo.available_timezones()
        self.existing: dict[str, list[Client]] = {}
        for client in Client.objects.for_practice(self.practice).only(*_CLIENT_COLUMNS):
            self.existing.setdefault(_key(client.name), []).append(client)
        self.contacts: dict[tuple[int, str], Contact] = {}
        self.primaries: dict[int, Contact] = {}
        for contact in Contact.objects.for_practice(self.practice).only(*_CONTACT_COLUMNS):
            self.contacts[(contact.client_id, _contact_key(contact.email, contact.name))] = contact
            if contact.is_primary:
                self.primaries[contact.client_id] = contact
        self.with_engagements = set(
            Client.objects.for_practice(self.practice)
            .exclude(engagements__status__in=["superseded", "ended"])
            .filter(engagements__isnull=False)
            .values_list("pk", flat=True)
        )
        self.client_lines: dict[str, tuple[int, dict]] = {}  # key → (first line, its values)
        self.row_primary: dict[str, int] = {}  # client key → line that names its primary

    def run(self, data: bytes) -> _Plan:
        count = 0
        for line, cells in spreadsheets.data_rows(_rows(self.job, data)):
            count += 1
            if count > MAX_ROWS:
                raise _file_error(
                    _("The file has more than %(max)s rows. Split it into smaller files.")
                    % {"max": f"{MAX_ROWS:,}"}
                )
            try:
                self._row(line, cells)
            except _RowError as error:
                self.plan.errors.append({"line": line, "reason": str(error)})
            except ValidationError as error:
                self.plan.errors.append({"line": line, "reason": _reason(error)})
        if count == 0:
            raise _file_error(_("The file has a header but no rows to import."))
        return self.plan

    def _values(self, cells: list[Any]) -> dict[str, str]:
        values: dict[str, str] = {}
        for column, target in self.mapping.items():
            text = cell_text(cells[column] if column < len(cells) else None).strip()
            if len(text) > MAX_CELL:
                raise _RowError(
                    _("the %(column)s cell is longer than %(max)s characters")
                    % {"column": self.job.header[column], "max": MAX_CELL}
                )
            values[target] = text
        return values

    def _row(self, line: int, cells: list[Any]) -> None:
        values = self._values(cells)
        name = " ".join(values.get("client.name", "").split())
        if not name:
            raise _RowError(_("the client's name is empty"))
        key = _key(name)
        client_values = {
            TARGETS[target][1]: value
            for target, value in values.items()
            if target.startswith("client.") and target != "client.name" and value
        }
        client_values = self._client_values(client_values)
        if key in self.client_lines:
            first_line, earlier = self.client_lines[key]
            for field_name, value in client_values.items():
                if field_name in earlier and earlier[field_name] != value:
                    raise _RowError(
                        _("the client's %(field)s differs from line %(line)s")
                        % {"field": _field_label(Client, field_name), "line": first_line}
                    )
            earlier.update(client_values)
            client = self._client_for(key)
        else:
            self.client_lines[key] = (line, dict(client_values))
            client = self._client(key, name, client_values)
        contact_values = {
            TARGETS[target][1]: value
            for target, value in values.items()
            if target.startswith("contact.")
        }
        if any(value for value in contact_values.values()):
            self._contact(line, key, client, contact_values)
        elif not client_values and client.pk and client.pk not in self.plan.changed_clients:
            self.plan.unchanged += 1

    def _client_values(self, values: dict[str, str]) -> dict[str, str]:
        if "time_zone" in values and values["time_zone"] not in self.zones:
            raise _RowError(
                _("“%(value)s” is not a known time zone (write it like Australia/Sydney)")
                % {"value": values["time_zone"][:60]}
            )
        if "currency" in values:
            values["currency"] = values["currency"].upper()
            if values["currency"] not in CURRENCY_CODES:
                raise _RowError(
                    _("“%(value)s” is not a currency the practice can bill in")
                    % {"value": values["currency"][:10]}
                )
        if values.get("billing_email"):
            try:
                validate_email(values["billing_email"])
            except ValidationError as error:
                raise _RowError(
                    _("the billing email “%(value)s” is not an email address")
                    % {"value": values["billing_email"][:80]}
                ) from error
        return values

    def _client_for(self, key: str) -> Client:
        if key in self.plan.new_clients:
            return self.plan.new_clients[key]
        return self.existing[key][0]

    def _client(self, key: str, name: str, values: dict[str, str]) -> Client:
        found = self.existing.get(key, [])
        if len(found) > 1:
            raise _RowError(
                _("the practice has %(count)s clients named “%(name)s”: rename one first")
                % {"count": len(found), "name": name[:80]}
            )
        if found:
            client = found[0]
            changed = {f: v for f, v in values.items() if getattr(client, f) != v}
            if "currency" in changed and client.pk in self.with_engagements:
                raise _RowError(
                    _("%(name)s has engagements in %(currency)s; its currency cannot change")
                    % {"name": client.name, "currency": client.currency}
                )
            if changed:
                for field_name, value in changed.items():
                    setattr(client, field_name, value)
                _clean(client, exclude=["primary_secretary", "time_zone"])
                self.plan.changed_clients[client.pk] = client
            return client
        client = Client(
            practice=self.practice,
            name=name,
            currency=self.practice.currency,
            time_zone=self.practice.time_zone,
            primary_secretary=self.job.primary_secretary,
        )
        for field_name, value in values.items():
            setattr(client, field_name, value)
        _clean(client, exclude=["primary_secretary", "time_zone"])
        self.plan.new_clients[key] = client
        return client

    def _contact(self, line: int, client_key: str, client: Client, values: dict[str, str]) -> None:
        primary_text = values.pop("is_primary", "").casefold()
        if primary_text not in YES | NO:
            raise _RowError(_("write yes or no in the primary contact column"))
        primary = primary_text in YES
        values["email"] = values.get("email", "").lower()
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError as error:
                raise _RowError(
                    _("the contact email “%(value)s” is not an email address")
                    % {"value": values["email"][:80]}
                ) from error
        if not values.get("name"):
            raise _RowError(_("the contact's name is empty"))
        if primary:
            if client_key in self.row_primary:
                raise _RowError(
                    _("line %(line)s already names this client's primary contact")
                    % {"line": self.row_primary[client_key]}
                )
            self.row_primary[client_key] = line
        contact_key = _contact_key(values["email"], values["name"])
        existing = self.contacts.get((client.pk, contact_key)) if client.pk else None
        if existing is None:
            pending = self._pending_contact(client, contact_key)
            if pending is not None:
                raise _RowError(
                    _("line %(line)s already adds this contact") % {"line": pending.import_line}  # type: ignore[attr-defined]
                )
            contact = Contact(practice=self.practice, client=client, is_primary=primary)
            for field_name, value in values.items():
                setattr(contact, field_name, value)
            contact.import_line = line  # type: ignore[attr-defined]
            _clean(contact, exclude=["client", "membership", "time_zone"])
            self.plan.new_contacts.append(contact)
            return
        if existing.pk in self.plan.changed_contacts:
            raise _RowError(_("another line of this file already changes this contact"))
        changed = {f: v for f, v in values.items() if v and getattr(existing, f) != v}
        if primary and not existing.is_primary:
            changed["is_primary"] = True
        if not changed:
            self.plan.unchanged += 1
            return
        for field_name, value in changed.items():
            setattr(existing, field_name, value)
        _clean(existing, exclude=["client", "membership", "time_zone"])
        self.plan.changed_contacts[existing.pk] = existing

    def _pending_contact(self, client: Client, contact_key: str) -> Contact | None:
        for contact in self.plan.new_contacts:
            if (
                contact.client is client
                and _contact_key(contact.email, contact.name) == contact_key
            ):
                return contact
        return None


_CLIENT_COLUMNS = (
    "pk",
    "practice_id",
    "name",
    *[t[1] for k, t in TARGETS.items() if "client." in k],
)
_CONTACT_COLUMNS = (
    "pk",
    "practice_id",
    "client_id",
    "name",
    "title",
    "email",
    "phone",
    "is_primary",
)


def _contact_key(email: str, name: str) -> str:
    return f"@{email.casefold()}" if email else _key(name)


def _field_label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _clean(instance, *, exclude: list[str]) -> None:
    # Foreign keys are the import's own (no query per row); uniqueness is the planner's.
    instance.full_clean(
        exclude=["practice", *exclude], validate_unique=False, validate_constraints=False
    )


def _reason(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return "; ".join(error.messages)
    model = Client
    parts = []
    for name, messages in error.message_dict.items():
        try:
            label = _field_label(model, name)
        except Exception:
            label = name
        parts.append(f"{label}: {messages[0]}")
    return "; ".join(parts)


def _plan(job: ClientImport) -> _Plan:
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        return _Planner(job).run(data)
    except ApplicationError:
        raise
    except Exception as error:  # the stored file became unreadable
        raise _file_error(
            _("This file could not be read. Check that it opens in a spreadsheet.")
        ) from error


@transaction.atomic
def client_import_check(
    *,
    practice: Practice,
    actor: Membership,
    job: ClientImport,
    mapping: dict,
    primary_secretary: Membership | None = None,
    request=None,
) -> ClientImport:
    """Save the mapping and check every row; nothing is imported yet."""
    require_admin_import(actor)
    job = (
        ClientImport.objects.for_practice(practice)
        .select_for_update(of=("self",))
        .select_related("practice")
        .get(pk=job.pk)
    )
    if job.status == ClientImportStatus.DONE:
        raise ApplicationError(_("This file has already been imported."))
    job.mapping = mapping_checked(job, mapping)
    if primary_secretary is not None and (
        primary_secretary.practice_id != practice.pk or not primary_secretary.is_staff
    ):
        raise invalid({"primary_secretary": [_("Choose a member of the practice's staff.")]})
    job.primary_secretary = primary_secretary
    plan = _plan(job)
    job.report = plan.report()
    job.status = ClientImportStatus.MAPPING if plan.errors else ClientImportStatus.CHECKED
    job.save(update_fields=["mapping", "primary_secretary", "report", "status"])
    return job


def client_import_run(
    *, practice: Practice, actor: Membership, job: ClientImport, request=None
) -> ClientImport:
    """Import a checked file in one transaction, checking it again against the practice as
    it is now: if any row has become bad, nothing is written and the report says why."""
    require_admin_import(actor)
    with transaction.atomic():
        job = (
            ClientImport.objects.for_practice(practice)
            .select_for_update(of=("self",))
            .select_related("practice")
            .get(pk=job.pk)
        )
        if job.status == ClientImportStatus.DONE:
            raise ApplicationError(_("This file has already been imported."))
        if job.status != ClientImportStatus.CHECKED:
            raise ApplicationError(_("Check the file first: it has rows to correct."))
        plan = _plan(job)
        job.report = plan.report()
        if plan.errors:
            job.status = ClientImportStatus.MAPPING
            job.save(update_fields=["report", "status"])
        else:
            _write(practice, job, plan)
            job.status = ClientImportStatus.DONE
            job.finished_at = timezone.now()
            job.save(update_fields=["report", "status", "finished_at"])
            counts = {k: v for k, v in job.report.items() if k != "errors"}
            activity_record(
                practice=practice,
                actor=actor.user,
                verb="clients.imported",
                target=job,
                data={"file": job.file_name, **counts},
                request=request,
            )
    if plan.errors:
        # Raised after the transaction, so the report of what became bad is kept.
        raise ApplicationError(
            _("The practice changed since the check: %(count)s rows need correcting.")
            % {"count": len(plan.errors)}
        )
    return job


def _write(practice: Practice, job: ClientImport, plan: _Plan) -> None:
    new_clients = list(plan.new_clients.values())
    Client.objects.bulk_create(new_clients)
    if job.primary_secretary_id:
        ClientTeamMember.objects.bulk_create(
            [
                ClientTeamMember(
                    practice=practice, client=client, membership_id=job.primary_secretary_id
                )
                for client in new_clients
            ]
        )
    if plan.changed_clients:
        fields = sorted({t[1] for k, t in TARGETS.items() if k.startswith("client.")} - {"name"})
        Client.objects.bulk_update(list(plan.changed_clients.values()), fields)
    # One primary contact per client: clear the old primaries the file replaces first.
    new_primary_clients = {c.client.pk for c in plan.new_contacts if c.is_primary} | {
        c.client_id for c in plan.changed_contacts.values() if c.is_primary
    }
    Contact.objects.for_practice(practice).filter(
        client_id__in=new_primary_clients, is_primary=True
    ).exclude(pk__in=[pk for pk, c in plan.changed_contacts.items() if c.is_primary]).update(
        is_primary=False
    )
    if plan.changed_contacts:
        Contact.objects.bulk_update(
            list(plan.changed_contacts.values()), ["name", "title", "email", "phone", "is_primary"]
        )
    has_primary = set(
        Contact.objects.for_practice(practice)
        .filter(is_primary=True)
        .values_list("client_id", flat=True)
    )
    for contact in plan.new_contacts:
        contact.client_id = contact.client.pk
        if contact.is_primary:
            has_primary.add(contact.client_id)
    for contact in plan.new_contacts:
        # A client's first contact is its primary contact, as when added by hand.
        if contact.client_id not in has_primary:
            contact.is_primary = True
            has_primary.add(contact.client_id)
    Contact.objects.bulk_create(plan.new_contacts)
