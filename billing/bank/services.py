"""Bank statements: feeds, uploads and their import on a worker, rules, matching to the ledger
and reconciliation reports.

Amounts: a statement line is signed, money in positive. On the ledger, money into a bank
account is a debit of that account (whether the account is an asset or a credit card), so a
statement line matches ledger lines whose debits minus credits equal its amount.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile, File
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.bank.parsing import (
    MAX_STATEMENT_BYTES,
    ParsedLine,
    StatementError,
    feed_problems,
    iter_statement,
    statement_format,
)
from billing.ledger.posting import LedgerError, LineInput, entry_create
from billing.models import (
    Account,
    BankFeed,
    BankReconciliation,
    BankRule,
    Book,
    EntrySource,
    ImportFormat,
    ImportStatus,
    JournalLine,
    LedgerContact,
    ReconciliationStatus,
    StatementImport,
    StatementLine,
    StatementMatch,
    TaxCode,
)
from billing.models.ledger import ZERO
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.limits import date_range_message, dates_out_of_range
from secretary.money import format_money
from secretary.tenancy import practice_scope

BATCH_SIZE = 1000
# A claim outlives the task's hard time limit, so a live import is never claimed twice.
IMPORT_LEASE = timedelta(seconds=600)
MAX_MATCH_LINES = 200


# --- Feeds -----------------------------------------------------------------------------------


def _check_bank_account(*, practice, account: Account) -> None:
    if account.practice_id != practice.pk or not account.is_bank:
        message = _("Choose a bank account of this book.")
        raise ApplicationError(message, errors={"account": message})


def feed_for(*, practice, account: Account) -> BankFeed:
    """The account's feed, or an unsaved one with the defaults."""
    feed = BankFeed.objects.for_practice(practice).filter(account=account).first()
    return feed or BankFeed(practice=practice, account=account)


FEED_FIELDS = (
    "account_number",
    "has_header",
    "delimiter",
    "date_column",
    "description_column",
    "amount_column",
    "debit_column",
    "credit_column",
    "reference_column",
    "date_format",
    "decimal_comma",
)


def feed_save(*, practice, account: Account, data: dict, user=None, request=None) -> BankFeed:
    """Save how the account's statements read; refuses a mapping no CSV could be read with."""
    _check_bank_account(practice=practice, account=account)
    with transaction.atomic():
        feed = (
            BankFeed.objects.for_practice(practice).select_for_update().filter(account=account)
        ).first() or BankFeed(practice=practice, account=account)
        for name in FEED_FIELDS:
            if name in data:
                value = data[name]
                setattr(feed, name, value.strip() if isinstance(value, str) else value)
        if feed.delimiter in ("", " "):
            feed.delimiter = ","
        if feed.date_column or feed.description_column or feed.amount_column:
            problems = feed_problems(feed)
            if problems:
                raise ApplicationError(" ".join(problems), errors={"date_column": problems})
        try:
            date.today().strftime(feed.date_format)
        except ValueError:
            message = _("Enter a date format such as %d/%m/%Y.")
            raise ApplicationError(message, errors={"date_format": message}) from None
        if "%" not in feed.date_format:
            message = _("Enter a date format such as %d/%m/%Y.")
            raise ApplicationError(message, errors={"date_format": message})
        feed.save()
        activity_record(
            practice=practice,
            actor=user,
            verb="bank.feed_saved",
            target=account,
            data={"book": account.book_id},
            request=request,
        )
    return feed


# --- Uploads ---------------------------------------------------------------------------------


def statement_upload(
    *, practice, book: Book, account: Account, file, user=None, request=None
) -> StatementImport:
    """Store a statement file and queue its import (the worker reads it).

    The file's kind comes from its bytes (CSV text in UTF-8, or OFX/QFX with its header);
    the stored name is made here, never the uploaded one.
    """
    _check_bank_account(practice=practice, account=account)
    if account.book_id != book.pk:
        message = _("Choose a bank account of this book.")
        raise ApplicationError(message, errors={"account": message})
    if file.size > MAX_STATEMENT_BYTES:
        message = _("A statement file is at most %(size)s MB.") % {
            "size": MAX_STATEMENT_BYTES // (1024 * 1024)
        }
        raise ApplicationError(message, errors={"file": message})
    try:
        kind = statement_format(file)
    except StatementError as error:
        raise ApplicationError(error.message, errors={"file": error.message}) from None
    feed = feed_for(practice=practice, account=account)
    if kind == ImportFormat.CSV and (feed.pk is None or feed_problems(feed)):
        message = _(
            "Set the CSV columns of this bank account first (bank feed settings), then upload."
        )
        raise ApplicationError(message, errors={"file": message})
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(64 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    checksum = digest.hexdigest()
    display_name = os.path.basename(getattr(file, "name", "") or "")[:200] or "statement"
    with transaction.atomic():
        statement_import = StatementImport(
            practice=practice,
            book=book,
            account=account,
            format=kind,
            filename=display_name,
            checksum=checksum,
            created_by=user,
        )
        statement_import.file.save(
            f"{checksum[:16]}.{kind}",
            File(file) if not isinstance(file, File) else file,
            save=False,
        )
        statement_import.save()
        activity_record(
            practice=practice,
            actor=user,
            verb="bank.statement_uploaded",
            target=statement_import,
            data={"book": book.pk, "account": account.pk, "format": kind},
            request=request,
        )
        from billing.bank.tasks import import_statement

        enqueue_on_commit(
            import_statement, practice_id=practice.pk, statement_import_id=statement_import.pk
        )
    return statement_import


def statement_upload_bytes(*, practice, book, account, content: bytes, name: str, user=None):
    """``statement_upload`` of bytes in memory (demo data, tests, benchmarks)."""
    return statement_upload(
        practice=practice,
        book=book,
        account=account,
        file=ContentFile(content, name=name),
        user=user,
    )


# --- The import, on a worker -----------------------------------------------------------------


def _claimable(now) -> Q:
    return Q(status=ImportStatus.QUEUED) | Q(status=ImportStatus.IMPORTING, claimed_until__lt=now)


def import_claim(*, practice_id: int, statement_import_id: int) -> StatementImport | None:
    """Move a queued import (or one whose worker died) to importing under a lease; None when
    it is not this run's (done, failed, or another run holds a live claim)."""
    now = timezone.now()
    with practice_scope(practice_id):
        claimed = (
            StatementImport.objects.for_practice(practice_id)
            .filter(_claimable(now), pk=statement_import_id)
            .update(
                status=ImportStatus.IMPORTING,
                claimed_until=now + IMPORT_LEASE,
                processed_lines=0,
                created_lines=0,
                duplicate_lines=0,
            )
        )
        if not claimed:
            return None
        return (
            StatementImport.objects.for_practice(practice_id)
            .select_related("book", "account")
            .get(pk=statement_import_id)
        )


def import_lease_left(*, practice_id: int, statement_import_id: int) -> float | None:
    with practice_scope(practice_id):
        until = (
            StatementImport.objects.for_practice(practice_id)
            .filter(pk=statement_import_id, status=ImportStatus.IMPORTING)
            .values_list("claimed_until", flat=True)
            .first()
        )
    if until is None:
        return None
    left = (until - timezone.now()).total_seconds()
    return left if left > 0 else None


def _finish(statement_import: StatementImport, **values) -> bool:
    with practice_scope(statement_import.practice_id):
        return bool(
            StatementImport.objects.for_practice(statement_import.practice_id)
            .filter(pk=statement_import.pk, status=ImportStatus.IMPORTING)
            .update(**values)
        )


def import_fail(*, statement_import: StatementImport, reason: str) -> bool:
    return _finish(
        statement_import,
        status=ImportStatus.FAILED,
        failure_reason=str(reason)[:2000],
        claimed_until=None,
        finished_at=timezone.now(),
    )


def import_release(*, statement_import: StatementImport) -> bool:
    """Give the claim back (a transient error): the retried task claims it again."""
    return _finish(statement_import, status=ImportStatus.QUEUED, claimed_until=None)


def line_hash(*, account_id: int, line: ParsedLine, occurrence: int) -> str:
    """The identity of a statement line across files (see ``StatementLine``)."""
    text = "\x1f".join(
        (
            str(account_id),
            line.date.isoformat(),
            str(line.amount),
            line.description,
            line.reference,
            str(occurrence),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


class _Rules:
    """The active rules of a book for one bank account, first match by priority."""

    def __init__(self, *, practice, book: Book, account: Account):
        self.rules = [
            (rule.contains.casefold(), rule)
            for rule in BankRule.objects.for_practice(practice)
            .filter(book=book, active=True)
            .filter(Q(bank_account__isnull=True) | Q(bank_account=account))
            .order_by("priority", "id")
        ]

    def match(self, description: str) -> BankRule | None:
        text = description.casefold()
        for needle, rule in self.rules:
            if needle and needle in text:
                return rule
        return None


def _validate(statement_import: StatementImport, feed: BankFeed) -> int:
    """Read the whole file once, saving nothing: its line count, or StatementError."""
    count = 0
    with statement_import.file.open("rb") as handle:
        for _line in iter_statement(
            handle,
            format=statement_import.format,
            feed=feed,
            quantum=statement_import.book.quantum,
        ):
            count += 1
    return count


def import_run(*, statement_import: StatementImport) -> StatementImport:
    """Import a claimed statement: validate the whole file first (a bad file saves nothing),
    then insert its lines in batches, each batch committed with the progress.

    Idempotent: a line whose hash the account already has is a duplicate and is skipped, so
    running again (a redelivered message, a worker that died half way) creates nothing twice;
    lines this same import created before count as created, not as duplicates.
    """
    practice_id = statement_import.practice_id
    account = statement_import.account
    book = statement_import.book
    with practice_scope(practice_id):
        feed = feed_for(practice=statement_import.practice, account=account)
        rules = _Rules(practice=statement_import.practice, book=book, account=account)
    try:
        total = _validate(statement_import, feed)
    except StatementError as error:
        import_fail(statement_import=statement_import, reason=error.message)
        return statement_import
    if total == 0:
        import_fail(
            statement_import=statement_import,
            reason=_("The file holds no statement lines."),
        )
        return statement_import
    _finish(statement_import, total_lines=total, claimed_until=timezone.now() + IMPORT_LEASE)
    occurrences: dict[bytes, int] = {}
    counts = {"processed": 0, "created": 0, "duplicates": 0}
    batch: list[tuple[ParsedLine, str]] = []
    with statement_import.file.open("rb") as handle:
        for parsed in iter_statement(
            handle, format=statement_import.format, feed=feed, quantum=book.quantum
        ):
            key = hashlib.sha256(
                "\x1f".join(
                    (
                        parsed.date.isoformat(),
                        str(parsed.amount),
                        parsed.description,
                        parsed.reference,
                    )
                ).encode()
            ).digest()
            occurrence = occurrences.get(key, 0)
            occurrences[key] = occurrence + 1
            batch.append(
                (parsed, line_hash(account_id=account.pk, line=parsed, occurrence=occurrence))
            )
            if len(batch) >= BATCH_SIZE:
                _insert_batch(statement_import, batch, rules, counts)
                batch = []
    if batch:
        _insert_batch(statement_import, batch, rules, counts)
    _finish(
        statement_import,
        status=ImportStatus.DONE,
        claimed_until=None,
        finished_at=timezone.now(),
        processed_lines=counts["processed"],
        total_lines=counts["processed"],
    )
    return statement_import


def _insert_batch(statement_import, batch, rules: _Rules, counts: dict) -> None:
    practice_id = statement_import.practice_id
    with practice_scope(practice_id):
        hashes = [digest for _parsed, digest in batch]
        existing = dict(
            StatementLine.objects.for_practice(practice_id)
            .filter(account_id=statement_import.account_id, line_hash__in=hashes)
            .values_list("line_hash", "statement_import_id")
        )
        rows = []
        for parsed, digest in batch:
            if digest in existing:
                if existing[digest] == statement_import.pk:
                    counts["created"] += 1
                else:
                    counts["duplicates"] += 1
                continue
            rule = rules.match(parsed.description)
            rows.append(
                (
                    parsed,
                    digest,
                    rule.account_id if rule else None,
                    rule.tax_code_id if rule else None,
                    rule.contact_id if rule else None,
                )
            )
            existing[digest] = statement_import.pk  # a repeat within the batch is counted once
        _insert_lines(statement_import, rows)
        counts["created"] += len(rows)
        counts["processed"] += len(batch)
        StatementImport.objects.for_practice(practice_id).filter(
            pk=statement_import.pk, status=ImportStatus.IMPORTING
        ).update(
            processed_lines=counts["processed"],
            created_lines=counts["created"],
            duplicate_lines=counts["duplicates"],
            claimed_until=timezone.now() + IMPORT_LEASE,
        )


_LINE_COLUMNS = (
    "practice_id",
    "book_id",
    "account_id",
    "statement_import_id",
    "date",
    "description",
    "reference",
    "amount",
    "line_hash",
    "suggested_account_id",
    "suggested_tax_code_id",
    "suggested_contact_id",
    "reconciled",
    "created_at",
)


def _insert_lines(statement_import: StatementImport, rows: list[tuple]) -> None:
    """Insert statement lines with one prepared statement per batch.

    The ORM's ``bulk_create`` spends most of an import preparing each field of each row; these
    rows are all of one import (its practice, book and account; suggestions from that book's
    rules), so the same-practice checks hold by construction and row-level security still
    applies on PostgreSQL.
    """
    if not rows:
        return
    ops = connection.ops
    created_at = ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(StatementLine._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in _LINE_COLUMNS)
    placeholders = ", ".join(["%s"] * len(_LINE_COLUMNS))
    values = [
        (
            statement_import.practice_id,
            statement_import.book_id,
            statement_import.account_id,
            statement_import.pk,
            ops.adapt_datefield_value(parsed.date),
            parsed.description,
            parsed.reference,
            ops.adapt_decimalfield_value(parsed.amount, 18, 2),
            digest,
            account_id,
            tax_code_id,
            contact_id,
            False,
            created_at,
        )
        for parsed, digest, account_id, tax_code_id, contact_id in rows
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)  # noqa: S608


def imports_requeue_stalled(*, practice) -> list[int]:
    """Queue again the practice's imports whose worker died (expired lease)."""
    from billing.bank.tasks import import_statement

    now = timezone.now()
    requeued = []
    with practice_scope(practice):
        stalled = list(
            StatementImport.objects.for_practice(practice)
            .filter(status=ImportStatus.IMPORTING, claimed_until__lt=now)
            .values_list("pk", flat=True)
        )
        for statement_import_id in stalled:
            moved = (
                StatementImport.objects.for_practice(practice)
                .filter(
                    pk=statement_import_id, status=ImportStatus.IMPORTING, claimed_until__lt=now
                )
                .update(status=ImportStatus.QUEUED, claimed_until=None)
            )
            if moved:
                enqueue_on_commit(
                    import_statement,
                    practice_id=practice.pk,
                    statement_import_id=statement_import_id,
                )
                requeued.append(statement_import_id)
    return requeued


# --- Rules -----------------------------------------------------------------------------------

RULE_FIELDS = ("bank_account", "contains", "account", "tax_code", "contact", "priority", "active")


def _check_rule(*, practice, book: Book, data: dict) -> None:
    for name in ("bank_account", "account", "tax_code", "contact"):
        value = data.get(name)
        if value is not None and (value.practice_id != practice.pk or value.book_id != book.pk):
            message = _("Choose a value of this book.")
            raise ApplicationError(message, errors={name: message})
    if data.get("bank_account") is not None and not data["bank_account"].is_bank:
        message = _("Choose a bank account of this book.")
        raise ApplicationError(message, errors={"bank_account": message})
    if not (data.get("contains") or "").strip():
        message = _("Enter the words the description must contain.")
        raise ApplicationError(message, errors={"contains": message})


def rule_create(*, practice, book: Book, data: dict, user=None, request=None) -> BankRule:
    _check_rule(practice=practice, book=book, data=data)
    with transaction.atomic():
        rule = BankRule(practice=practice, book=book)
        for name in RULE_FIELDS:
            if name in data:
                setattr(rule, name, data[name])
        rule.contains = rule.contains.strip()
        rule.save()
        activity_record(
            practice=practice, actor=user, verb="bank.rule_saved", target=rule, request=request
        )
    return rule


def rule_update(*, practice, rule: BankRule, data: dict, user=None, request=None) -> BankRule:
    _check_rule(practice=practice, book=rule.book, data=data)
    with transaction.atomic():
        for name in RULE_FIELDS:
            if name in data:
                setattr(rule, name, data[name])
        rule.contains = rule.contains.strip()
        rule.save()
        activity_record(
            practice=practice, actor=user, verb="bank.rule_saved", target=rule, request=request
        )
    return rule


def rule_delete(*, practice, rule: BankRule, user=None, request=None) -> None:
    with transaction.atomic():
        activity_record(
            practice=practice,
            actor=user,
            verb="bank.rule_deleted",
            target=rule,
            data={"contains": rule.contains},
            request=request,
        )
        BankRule.objects.for_practice(practice).filter(pk=rule.pk).delete()


def rules_apply(*, practice, book: Book, account: Account) -> int:
    """Apply the rules again to the account's unreconciled lines; returns how many changed.

    One UPDATE per rule (lines a rule of higher priority took are not touched again) and one
    to clear the lines no rule matches.
    """
    _check_bank_account(practice=practice, account=account)
    rules = _Rules(practice=practice, book=book, account=account).rules
    changed = 0
    with transaction.atomic():
        open_lines = StatementLine.objects.for_practice(practice).filter(
            account=account, reconciled=False
        )
        taken: list[int] = []
        for _needle, rule in rules:
            lines = open_lines.filter(description__icontains=rule.contains).exclude(pk__in=taken)
            ids = list(lines.values_list("pk", flat=True))
            taken.extend(ids)
            changed += (
                open_lines.filter(pk__in=ids)
                .exclude(
                    suggested_account_id=rule.account_id,
                    suggested_tax_code_id=rule.tax_code_id,
                    suggested_contact_id=rule.contact_id,
                )
                .update(
                    suggested_account_id=rule.account_id,
                    suggested_tax_code_id=rule.tax_code_id,
                    suggested_contact_id=rule.contact_id,
                )
            )
        changed += (
            open_lines.exclude(pk__in=taken)
            .filter(suggested_account__isnull=False)
            .update(suggested_account=None, suggested_tax_code=None, suggested_contact=None)
        )
    return changed


# --- Matching --------------------------------------------------------------------------------


def _period_closed(*, practice, account_id: int, day: date) -> BankReconciliation | None:
    return (
        BankReconciliation.objects.for_practice(practice)
        .filter(account_id=account_id, status=ReconciliationStatus.CLOSED, period_end__gte=day)
        .order_by("period_end")
        .first()
    )


def _lock_line(*, practice, line: StatementLine) -> StatementLine:
    return (
        StatementLine.objects.for_practice(practice)
        .select_for_update()
        .select_related("book", "account")
        .get(pk=line.pk)
    )


def statement_line_match(
    *,
    practice,
    line: StatementLine,
    journal_line_ids: Iterable[int],
    user=None,
    request=None,
) -> StatementLine:
    """Explain a statement line by posted ledger lines of its bank account whose total
    (debits minus credits) equals its amount."""
    ids = sorted({int(i) for i in journal_line_ids})
    if not ids:
        message = _("Choose at least one ledger line.")
        raise ApplicationError(message, errors={"journal_lines": message})
    if len(ids) > MAX_MATCH_LINES:
        message = _("Match at most %(max)s ledger lines at once.") % {"max": MAX_MATCH_LINES}
        raise ApplicationError(message, errors={"journal_lines": message})
    with transaction.atomic():
        line = _lock_line(practice=practice, line=line)
        if line.reconciled:
            raise ApplicationError(_("This statement line is already reconciled."))
        journal_lines = list(
            JournalLine.objects.for_practice(practice)
            .select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
        )
        if len(journal_lines) != len(ids) or any(
            jl.account_id != line.account_id or not jl.posted for jl in journal_lines
        ):
            message = _("Choose posted ledger lines of this bank account.")
            raise ApplicationError(message, errors={"journal_lines": message})
        if StatementMatch.objects.for_practice(practice).filter(journal_line_id__in=ids).exists():
            message = _("A chosen ledger line already explains another statement line.")
            raise ApplicationError(message, errors={"journal_lines": message})
        total = sum((jl.debit - jl.credit for jl in journal_lines), ZERO)
        if total != line.amount:
            message = _(
                "The ledger lines total %(total)s, the statement line %(amount)s: "
                "they must be equal."
            ) % {
                "total": format_money(total, line.book.currency),
                "amount": format_money(line.amount, line.book.currency),
            }
            raise ApplicationError(message, errors={"journal_lines": message})
        StatementMatch.objects.bulk_create(
            [
                StatementMatch(
                    practice=practice, statement_line=line, journal_line=jl, matched_by=user
                )
                for jl in journal_lines
            ]
        )
        line.reconciled = True
        line.save(update_fields=["reconciled"])
        activity_record(
            practice=practice,
            actor=user,
            verb="bank.line_matched",
            target=line,
            data={"journal_lines": ids},
            request=request,
        )
    return line


def statement_line_unmatch(*, practice, line: StatementLine, user=None, request=None):
    """Undo a match, while no closed reconciliation covers the line's date."""
    with transaction.atomic():
        line = _lock_line(practice=practice, line=line)
        closed = _period_closed(practice=practice, account_id=line.account_id, day=line.date)
        if closed is not None:
            message = _(
                "This line is in a reconciliation closed on %(date)s: it can no longer be "
                "unmatched."
            ) % {"date": closed.period_end.isoformat()}
            raise ApplicationError(message)
        StatementMatch.objects.for_practice(practice).filter(statement_line=line).delete()
        line.reconciled = False
        line.save(update_fields=["reconciled"])
        activity_record(
            practice=practice, actor=user, verb="bank.line_unmatched", target=line, request=request
        )
    return line


def statement_line_create_entry(
    *,
    practice,
    line: StatementLine,
    account: Account | None = None,
    tax_code: TaxCode | None = None,
    contact: LedgerContact | None = None,
    user=None,
    request=None,
):
    """Post an entry for a statement line against its bank account and match it at once.

    The other side is ``account`` or, when none is given, the line's suggested account.
    """
    with transaction.atomic():
        line = _lock_line(practice=practice, line=line)
        if line.reconciled:
            raise ApplicationError(_("This statement line is already reconciled."))
        other = account
        if other is None and line.suggested_account_id:
            other = Account.objects.for_practice(practice).get(pk=line.suggested_account_id)
            if tax_code is None and line.suggested_tax_code_id:
                tax_code = TaxCode.objects.for_practice(practice).get(pk=line.suggested_tax_code_id)
            if contact is None and line.suggested_contact_id:
                contact = LedgerContact.objects.for_practice(practice).get(
                    pk=line.suggested_contact_id
                )
        if other is None:
            message = _("Choose the account to post this line against.")
            raise ApplicationError(message, errors={"account": message})
        if other.pk == line.account_id:
            message = _("Choose an account other than the bank account itself.")
            raise ApplicationError(message, errors={"account": message})
        amount = abs(line.amount)
        money_in = line.amount > 0
        bank_line = LineInput(
            account=line.account,
            debit=amount if money_in else None,
            credit=None if money_in else amount,
            description=line.description,
        )
        other_line = LineInput(
            account=other,
            debit=None if money_in else amount,
            credit=amount if money_in else None,
            description=line.description,
            contact=contact,
            tax_code=tax_code,
        )
        try:
            entry = entry_create(
                practice=practice,
                book=line.book,
                date=line.date,
                lines=[bank_line, other_line],
                memo=line.description,
                reference=line.reference,
                source=EntrySource.BANK_IMPORT,
                source_type="billing.statementline",
                source_id=line.pk,
                user=user,
                post=True,
                request=request,
            )
        except LedgerError as error:
            errors = {
                ("account" if key.startswith("lines.1") else "date"): value
                for key, value in error.errors.items()
            }
            raise ApplicationError(error.message, errors=errors) from None
        journal_line = (
            JournalLine.objects.for_practice(practice)
            .filter(entry=entry, account=line.account)
            .get()
        )
        StatementMatch.objects.create(
            practice=practice, statement_line=line, journal_line=journal_line, matched_by=user
        )
        line.reconciled = True
        line.save(update_fields=["reconciled"])
        activity_record(
            practice=practice,
            actor=user,
            verb="bank.line_matched",
            target=line,
            data={"entry": entry.pk},
            request=request,
        )
    return entry


# --- Reconciliation --------------------------------------------------------------------------


def ledger_balance(*, practice, account: Account, as_of: date) -> Decimal:
    """The posted balance of a bank account on ``as_of`` (debits minus credits: money in)."""
    totals = (
        JournalLine.objects.for_practice(practice)
        .filter(account=account, posted=True, date__lte=as_of)
        .aggregate(debit=Sum("debit"), credit=Sum("credit"))
    )
    return (totals["debit"] or ZERO) - (totals["credit"] or ZERO)


def reconciliation_save(
    *,
    practice,
    account: Account,
    period_end: date,
    statement_balance: Decimal,
    user=None,
    request=None,
) -> BankReconciliation:
    """Start (or update, while open) the reconciliation of a bank account up to a statement
    date, with the statement's closing balance; the ledger balance is computed here."""
    _check_bank_account(practice=practice, account=account)
    if dates_out_of_range(period_end=period_end):
        raise ApplicationError(date_range_message(), errors={"period_end": date_range_message()})
    book = account.book
    statement_balance = Decimal(statement_balance).quantize(book.quantum)
    with transaction.atomic():
        previous = (
            BankReconciliation.objects.for_practice(practice)
            .filter(account=account, status=ReconciliationStatus.CLOSED)
            .order_by("-period_end")
            .first()
        )
        if previous is not None and period_end <= previous.period_end:
            message = _("This account is reconciled up to %(date)s: choose a later date.") % {
                "date": previous.period_end.isoformat()
            }
            raise ApplicationError(message, errors={"period_end": message})
        start = previous.period_end + timedelta(days=1) if previous else period_end.replace(day=1)
        reconciliation = (
            BankReconciliation.objects.for_practice(practice)
            .select_for_update()
            .filter(account=account, period_end=period_end)
            .first()
        )
        if reconciliation is None:
            reconciliation = BankReconciliation(
                practice=practice, book=book, account=account, period_end=period_end
            )
        reconciliation.period_start = min(start, period_end)
        reconciliation.statement_balance = statement_balance
        reconciliation.ledger_balance = ledger_balance(
            practice=practice, account=account, as_of=period_end
        )
        reconciliation.save()
    return reconciliation


def reconciliation_close(
    *, practice, reconciliation: BankReconciliation, user=None, request=None
) -> BankReconciliation:
    """Close a reconciliation; refused unless the statement and ledger balances agree."""
    with transaction.atomic():
        reconciliation = (
            BankReconciliation.objects.for_practice(practice)
            .select_for_update()
            .select_related("account", "book")
            .get(pk=reconciliation.pk)
        )
        if reconciliation.status == ReconciliationStatus.CLOSED:
            raise ApplicationError(_("This reconciliation is already closed."))
        reconciliation.ledger_balance = ledger_balance(
            practice=practice, account=reconciliation.account, as_of=reconciliation.period_end
        )
        difference = reconciliation.statement_balance - reconciliation.ledger_balance
        if difference != 0:
            message = _(
                "The statement balance and the ledger balance differ by %(amount)s: "
                "match or post the missing items until the difference is zero."
            ) % {"amount": format_money(abs(difference), reconciliation.book.currency)}
            raise ApplicationError(message)
        reconciliation.status = ReconciliationStatus.CLOSED
        reconciliation.closed_by = user
        reconciliation.closed_at = timezone.now()
        reconciliation.save(update_fields=["ledger_balance", "status", "closed_by", "closed_at"])
        activity_record(
            practice=practice,
            actor=user,
            verb="bank.reconciliation_closed",
            target=reconciliation,
            data={"account": reconciliation.account_id, "date": str(reconciliation.period_end)},
            request=request,
        )
    return reconciliation
