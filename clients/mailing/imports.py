"""Importing people from a CSV or XLSX file: upload, map the columns, run on the worker.

The file's type comes from its bytes, never its name. Cells are read as values and stored as
text where the target is text: a formula (``=...``) is kept as typed, never evaluated (exports
escape it). A run reads the file twice: once to count the rows and find addresses that occur
more than once (merged into their last line, which wins), then in batches of ``BATCH_ROWS``,
each committed with its progress, so a run that stops resumes where it was.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from clients.mailing.models import Audience, ImportJob, ImportStatus
from clients.mailing.services import (
    MAX_CONSENT_SOURCE,
    Consent,
    PersonRow,
    UpsertResult,
    consent_checked,
    merge_rows,
    normalise_email,
    person_row,
    upsert_people,
)
from secretary import spreadsheets
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.outbox import transient_errors
from secretary.spreadsheets import blank, cell_text, decode, delimiter_of, kind_of, plain_name
from secretary.tenancy import practice_scope

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 100
MAX_CELL = 1000  # characters in one cell that is imported
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # a workbook is a zip: refuse one that unpacks past this
PREVIEW_ROWS = 5
PREVIEW_CELL = 80
BATCH_ROWS = 1000
REPORT_CAP = 200  # problems and merges kept on the job (all are counted)
LEASE = timedelta(minutes=5)

BASIS_CHOICES = [
    (
        "existing customers who bought from the client",
        _("Existing customers who bought from the client"),
    ),
    (
        "signed up on the client's website or in store",
        _("People who signed up on the client's website or in store"),
    ),
    ("asked to receive the newsletter", _("People who asked to receive the newsletter")),
]
CONSENT_YES = {
    "yes",
    "y",
    "true",
    "1",
    "x",
    "opted in",
    "opt-in",
    "subscribed",
    "oui",
    "ja",
    "sí",
    "si",
}
CONSENT_NO = {"no", "n", "false", "0", "opted out", "opt-out", "unsubscribed", "non", "nein"}

# Targets a column can be mapped to (besides "custom:<key>").
BUILT_IN_TARGETS = ("email", "name", "company", "tags", "consent_source", "consent_at")
_GUESSES = {
    "email": {"email", "e-mail", "email address", "e-mail address", "mail", "emailaddress"},
    "name": {"name", "full name", "fullname", "contact", "contact name", "customer"},
    "company": {"company", "organisation", "organization", "business", "company name"},
    "tags": {"tags", "tag", "groups", "labels", "segments"},
    "consent_source": {"consent", "consent source", "opt-in", "opt in", "optin", "permission"},
    "consent_at": {
        "consent date",
        "consent at",
        "consent given",
        "consented at",
        "opt-in date",
        "opt in date",
        "date subscribed",
        "subscribed at",
        "signup date",
    },
}


def target_choices(audience: Audience) -> list[tuple[str, str]]:
    """What a column can be imported as, for a select (the empty choice ignores the column)."""
    return [
        ("", _("Ignore this column")),
        ("email", _("Email (required)")),
        ("name", _("Name")),
        ("company", _("Company")),
        ("tags", _("Tags (comma-separated)")),
        ("consent_source", _("Consent (where they agreed, or yes/no)")),
        ("consent_at", _("Consent date")),
        *[
            (f"custom:{field['key']}", _("Field: %(label)s") % {"label": field["label"]})
            for field in audience.fields
        ],
    ]


def guess_mapping(header: list[str], audience: Audience) -> dict[str, str]:
    """A first mapping by column names: built-in names and the audience's field keys and
    labels, ignoring case, spaces and underscores; each target once."""
    custom = {}
    for field in audience.fields:
        custom[plain_name(field["key"])] = f"custom:{field['key']}"
        custom[plain_name(field["label"])] = f"custom:{field['key']}"
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, name in enumerate(header):
        plain = plain_name(name)
        target = next((t for t, names in _GUESSES.items() if plain in names), None)
        target = target or custom.get(plain)
        if target and target not in used:
            mapping[str(index)] = target
            used.add(target)
    return mapping


# --- Reading files ---------------------------------------------------------------------------


def _rows(job: ImportJob, data: bytes) -> Iterator[tuple[int, list[Any]]]:
    return spreadsheets.rows_of(
        job.kind,
        data,
        encoding=job.encoding,
        delimiter=job.delimiter,
        unpacked_limit=MAX_XLSX_UNPACKED,
    )


# --- Uploading and mapping ------------------------------------------------------------------


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


@transaction.atomic
def import_job_create(*, practice, audience: Audience, file, actor=None, request=None) -> ImportJob:
    """Check an uploaded file (size, then type by its bytes, then its header) and keep it
    with a preview of its first rows, waiting for the column mapping."""
    if audience.practice_id != practice.pk:
        raise ApplicationError(_("Choose a list of this practice."))
    if file is None:
        raise ApplicationError(_("Choose a file."), errors={"file": _("Choose a file.")})
    if file.size > MAX_FILE_BYTES:
        message = _("The file is %(size)s; the limit is %(max)s. Split it into smaller files.") % {
            "size": _size_text(file.size),
            "max": _size_text(MAX_FILE_BYTES),
        }
        raise ApplicationError(message, errors={"file": message})
    if not file.size:
        message = _("The file is empty.")
        raise ApplicationError(message, errors={"file": message})
    file.seek(0)
    data = file.read()
    kind = kind_of(data[:8192])
    if kind is None:
        message = _(
            "This file is neither a CSV file nor an Excel workbook (.xlsx). Save it from "
            "your spreadsheet as “CSV UTF-8” or “Excel Workbook” and upload it again."
        )
        raise ApplicationError(message, errors={"file": message})
    job = ImportJob(
        practice=practice,
        audience=audience,
        kind=kind,
        file_name=os.path.basename(str(file.name or "people"))[:200],
        created_by=getattr(actor, "user", actor),
    )
    if kind == "csv":
        text, job.encoding = decode(data)
        job.delimiter = delimiter_of(text)
    header: list[str] | None = None
    preview: list[list[str]] = []
    try:
        for _line, cells in _rows(job, data):
            if header is None:
                if blank(cells):
                    continue
                header = [cell_text(cell).strip()[:PREVIEW_CELL] for cell in cells]
                continue
            if blank(cells):
                continue
            preview.append([cell_text(cell)[:PREVIEW_CELL] for cell in cells[: len(header)]])
            if len(preview) >= PREVIEW_ROWS:
                break
    except ApplicationError as error:
        raise ApplicationError(error.message, errors={"file": error.message}) from error
    except Exception as error:  # a corrupt workbook or CSV: openpyxl and csv raise many kinds
        logger.info("Import file unreadable: %r", error)
        message = _("This file could not be read. Check that it opens in a spreadsheet.")
        raise ApplicationError(message, errors={"file": message}) from error
    if not header:
        message = _("The file has no rows. The first row names the columns.")
        raise ApplicationError(message, errors={"file": message})
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        message = _("The file has more than %(max)s columns.") % {"max": MAX_COLUMNS}
        raise ApplicationError(message, errors={"file": message})
    job.header = [name or _("Column %(n)s") % {"n": n} for n, name in enumerate(header, 1)]
    job.preview = preview
    job.mapping = guess_mapping(header, audience)
    # Stored under a name of our own with the extension of its real type.
    job.file.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(data), save=False)
    job.save()
    activity_record(
        practice=practice,
        actor=getattr(actor, "user", actor),
        verb="subscribers.import_uploaded",
        target=audience,
        data={"file": job.file_name, "job": job.pk},
        request=request,
    )
    return job


def mapping_checked(job: ImportJob, mapping: dict, basis: str) -> dict[str, str]:
    """The column mapping checked: columns that exist, known targets each used once, an email
    column, and a consent column or a declared basis for the whole file."""
    allowed = set(BUILT_IN_TARGETS) | {f"custom:{f['key']}" for f in job.audience.fields}
    cleaned, used, errors = spreadsheets.column_mapping(job.header, mapping, allowed)
    if "email" not in used:
        errors.setdefault("mapping", []).append(_("Choose the column that holds the addresses."))
    if not ({"consent_source", "consent_at"} & set(used)) and not basis:
        errors.setdefault("basis", []).append(
            _(
                "Map a consent column, or say why everyone in this file agreed to receive "
                "mail (for example: existing customers who bought from the client)."
            )
        )
    if errors:
        raise ApplicationError(_("Please correct the errors below."), errors=errors)
    return cleaned


@transaction.atomic
def import_job_start(
    *, practice, job: ImportJob, mapping: dict, basis: str = "", actor=None, request=None
) -> ImportJob:
    """Save the mapping and queue the run on the worker."""
    from clients.tasks import import_subscribers  # the task module imports this one

    job = ImportJob.objects.for_practice(practice).select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.MAPPING:
        raise ApplicationError(_("This import has already started."))
    basis = " ".join(str(basis or "").split())[:150]
    job.mapping = mapping_checked(job, mapping, basis)
    job.basis = basis
    job.status = ImportStatus.QUEUED
    job.save(update_fields=["mapping", "basis", "status"])
    enqueue_on_commit(import_subscribers, practice_id=practice.pk, job_id=job.pk)
    activity_record(
        practice=practice,
        actor=getattr(actor, "user", actor),
        verb="subscribers.import_started",
        target=job.audience,
        data={"file": job.file_name, "job": job.pk},
        request=request,
    )
    return job


# --- Running --------------------------------------------------------------------------------


class _Rows:
    """Turns a file's cells into person data by the job's mapping."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.audience = job.audience
        self.mapping = {int(column): target for column, target in job.mapping.items()}
        self.labels = {
            "email": _("email"),
            "name": _("name"),
            "company": _("company"),
            "tags": _("tags"),
            "consent_source": _("consent"),
            "consent_at": _("consent date"),
            "custom": _("custom fields"),
            **{f"custom.{f['key']}": f["label"] for f in self.audience.fields},
        }
        self.basis = None
        if job.basis:
            self.basis = Consent(
                source=self._source(job.basis), at=job.created_at or timezone.now()
            )

    def _source(self, detail: str) -> str:
        text = _("import: %(file)s (%(detail)s)") % {"file": self.job.file_name, "detail": detail}
        return text[:MAX_CONSENT_SOURCE]

    def key(self, cells: list[Any]) -> str | None:
        for column, target in self.mapping.items():
            if target == "email":
                value = cells[column] if column < len(cells) else None
                try:
                    return normalise_email(cell_text(value)).lower()
                except ValidationError:
                    return None
        return None

    def person(self, cells: list[Any]) -> PersonRow:
        """The row's person, or ValidationError with a reason a person can act on."""
        data: dict[str, Any] = {"custom": {}}
        for column, target in self.mapping.items():
            value = cells[column] if column < len(cells) else None
            if isinstance(value, str) and len(value) > MAX_CELL:
                raise ValidationError(
                    _("the %(column)s cell is longer than %(max)s characters")
                    % {"column": self.job.header[column], "max": MAX_CELL}
                )
            if target.startswith("custom:"):
                # Numbers and dates of a workbook go in as they are; text is stored as text.
                data["custom"][target[7:]] = value
            else:
                data[target] = value
        consent = self._consent(data.pop("consent_source", None), data.pop("consent_at", None))
        for key in ("email", "name", "company", "tags"):
            data[key] = cell_text(data.get(key))
        try:
            return person_row(self.audience, data, consent=consent)
        except ValidationError as error:
            raise ValidationError(self._reason(error)) from error

    def _consent(self, source: Any, at: Any) -> Consent:
        source = " ".join(cell_text(source).split())
        at_text = cell_text(at).strip()
        if source.lower() in CONSENT_NO:
            raise ValidationError(_("the consent column says this person did not agree"))
        if not source and not at_text:
            if self.basis is None:
                raise ValidationError(_("no consent is given for this person"))
            return self.basis
        if source.lower() in CONSENT_YES or not source:
            source = self._source(self.job.basis or _("consent column"))
        else:
            source = self._source(source)
        when = self.job.created_at or timezone.now()
        if at_text:
            when = at if isinstance(at, datetime | date) else _parse_moment(at_text)
            if when is None:
                raise ValidationError(
                    _("the consent date “%(value)s” is not a date (write YYYY-MM-DD)")
                    % {"value": at_text[:40]}
                )
        try:
            return consent_checked(source, when)
        except ValidationError as error:
            raise ValidationError(self._reason(error)) from error

    def _reason(self, error: ValidationError) -> str:
        if not hasattr(error, "error_dict"):
            return "; ".join(error.messages)
        return "; ".join(
            f"{self.labels.get(key, key)}: {messages[0]}"
            for key, messages in error.message_dict.items()
        )


def _parse_moment(text: str) -> datetime | date | None:
    try:
        return parse_datetime(text) or parse_date(text)
    except ValueError:
        return None


def _claim(practice_id: int, job_id: int) -> ImportJob | None:
    """Take the job for this run (queued, or running under an expired lease)."""
    with practice_scope(practice_id):
        job = (
            ImportJob.objects.for_practice(practice_id)
            .select_for_update()
            .select_related("audience", "audience__practice")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.finished or job.status == ImportStatus.MAPPING:
            return None
        now = timezone.now()
        if job.status == ImportStatus.RUNNING and job.claimed_until and job.claimed_until > now:
            return None
        job.status = ImportStatus.RUNNING
        job.claimed_until = now + LEASE
        job.started_at = job.started_at or now
        job.save(update_fields=["status", "claimed_until", "started_at"])
        return job


def _fail(job: ImportJob, reason: str) -> None:
    with practice_scope(job.practice_id):
        job.status = ImportStatus.FAILED
        job.failure = reason[:300]
        job.finished_at = timezone.now()
        job.claimed_until = None
        job.save(update_fields=["status", "failure", "finished_at", "claimed_until"])


def import_run(*, practice_id: int, job_id: int, deadline: float | None = None) -> str:
    """Run (or resume) an import: "done", "failed", "skipped" (nothing to do, or another run
    holds it) or "more" when ``deadline`` (a ``time.monotonic()`` value) passed first and the
    caller should queue the rest."""
    job = _claim(practice_id, job_id)
    if job is None:
        return "skipped"
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        rows = _Rows(job)
        # Pass 1: count the rows, and find each address's last line (where its merge lands).
        last: dict[str, int] = {}
        total = 0
        for _line, cells in _data_rows(job, data):
            if total >= MAX_ROWS:
                _fail(
                    job,
                    _("The file has more than %(max)s rows. Split it into smaller files.")
                    % {"max": f"{MAX_ROWS:,}"},
                )
                return "failed"
            key = rows.key(cells)
            if key is not None:
                last[key] = total
            total += 1
    except ApplicationError as error:
        _fail(job, str(error.message))
        return "failed"
    except Exception as error:
        logger.warning("Import %s: the file could not be read: %r", job_id, error)
        _fail(job, _("The file could not be read. Check that it opens in a spreadsheet."))
        return "failed"

    try:
        return _pass_two(job, data, rows, last, total, deadline)
    except transient_errors():
        # Retried by the task (with backoff): let that run claim the job again at once.
        try:
            _release(job)
        except DatabaseError:
            pass  # the database is away: the lease expires and the retry takes the job then
        raise
    except Exception:
        logger.exception("Import %s stopped", job_id)
        _fail(job, _("The import stopped on an unexpected problem. Try again, or ask for help."))
        return "failed"


def _pass_two(job, data, rows, last, total, deadline) -> str:
    import time

    resume = job.processed_rows
    pending: dict[str, tuple[int, PersonRow]] = {}
    batch: dict[str, PersonRow] = {}
    errors: list[dict] = []
    merged: list[dict] = []
    for index, (line, cells) in enumerate(_data_rows(job, data)):
        key = rows.key(cells)
        last_index = last.get(key) if key else None
        if index < resume:
            # Done before: only rebuild the merges that land after the resume point.
            if key and last_index is not None and last_index >= resume and last_index != index:
                try:
                    _hold(pending, key, line, rows.person(cells))
                except ValidationError:
                    pass
            continue
        try:
            person = rows.person(cells)
        except ValidationError as error:
            errors.append({"line": line, "reason": "; ".join(error.messages)})
            person = None
        if person is not None and last_index is not None and last_index != index:
            _hold(pending, key, line, person)
            merged.append({"line": line, "email": person.email})
        elif key and last_index == index:
            earlier = pending.pop(key, None)
            if person is not None and earlier is not None:
                batch[key] = merge_rows(earlier[1], person)
            elif person is not None:
                batch[key] = person
            elif earlier is not None:
                batch[key] = earlier[1]  # the last line is bad: the earlier ones still count
        if (index + 1) % BATCH_ROWS == 0 or index + 1 == total:
            _commit(job, batch, errors, merged, processed=index + 1, total=total)
            batch, errors, merged = {}, [], []
            if index + 1 < total and deadline is not None and time.monotonic() > deadline:
                _release(job)
                return "more"
    if job.processed_rows < total or total == 0:
        _commit(job, batch, errors, merged, processed=total, total=total)
    _finish(job)
    return "done"


def _data_rows(job: ImportJob, data: bytes) -> Iterator[tuple[int, list[Any]]]:
    return spreadsheets.data_rows(_rows(job, data))


def _hold(pending: dict, key: str, line: int, person: PersonRow) -> None:
    earlier = pending.get(key)
    pending[key] = (line, merge_rows(earlier[1], person) if earlier else person)


def _commit(
    job: ImportJob,
    batch: dict[str, PersonRow],
    errors: list[dict],
    merged: list[dict],
    *,
    processed: int,
    total: int,
) -> None:
    """Write one batch and its report with the progress, in one transaction."""
    with practice_scope(job.practice_id), transaction.atomic():
        result = UpsertResult()
        upsert_people(job.audience, batch, result)
        job.total_rows = total
        job.processed_rows = processed
        job.created_count += result.created
        job.updated_count += result.updated
        job.unchanged_count += result.unchanged
        job.merged_count += len(merged)
        job.error_total += len(errors)
        job.errors = (job.errors + errors)[:REPORT_CAP]
        job.merged = (job.merged + merged)[:REPORT_CAP]
        job.claimed_until = timezone.now() + LEASE
        job.save(
            update_fields=[
                "total_rows",
                "processed_rows",
                "created_count",
                "updated_count",
                "unchanged_count",
                "merged_count",
                "error_total",
                "errors",
                "merged",
                "claimed_until",
            ]
        )


def _release(job: ImportJob) -> None:
    with practice_scope(job.practice_id):
        job.status = ImportStatus.QUEUED
        job.claimed_until = None
        job.save(update_fields=["status", "claimed_until"])


def _finish(job: ImportJob) -> None:
    with practice_scope(job.practice_id):
        job.status = ImportStatus.DONE
        job.finished_at = timezone.now()
        job.claimed_until = None
        job.save(update_fields=["status", "finished_at", "claimed_until"])
        activity_record(
            practice=job.audience.practice,
            actor=job.created_by,
            verb="subscribers.imported",
            target=job.audience,
            data={
                "file": job.file_name,
                "job": job.pk,
                "created": job.created_count,
                "updated": job.updated_count,
                "unchanged": job.unchanged_count,
                "merged": job.merged_count,
                "errors": job.error_total,
            },
        )
