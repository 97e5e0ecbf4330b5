"""Reading bank statement files: CSV (through a feed's column mapping) and OFX/QFX.

CSV is read as a stream, one row at a time: a reader yields ``ParsedLine``s and never holds the
file's lines at once. Problems raise ``StatementError`` naming what is wrong (the missing
columns, the line number of a bad date or amount), fit to show as an import's failure reason.

Encoding: CSV files must be UTF-8 (a byte-order mark is fine). Any other encoding is refused
with a request to export the file as UTF-8 rather than guessed: a wrong guess (latin-1 read as
cp1252, say) silently changes descriptions, and so the hashes that make re-imports harmless.
OFX files declare their own character set in their header; ofxtools reads it.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from billing.models import BankFeed, ImportFormat
from secretary.errors import ApplicationError
from secretary.limits import date_in_range

SNIFF_BYTES = 8192
MAX_STATEMENT_BYTES = 20 * 1024 * 1024
MAX_FIELD_CHARS = 10_000


class StatementError(ApplicationError):
    """A statement file cannot be imported; the message says why (and where)."""


@dataclass(frozen=True)
class ParsedLine:
    line_number: int
    date: date
    description: str
    reference: str
    amount: Decimal


# --- The kind of a file, by its bytes ------------------------------------------------------------


def _head(file) -> bytes:
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def _looks_like_ofx(text: str) -> bool:
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith("OFXHEADER"):
        return True  # OFX 1.x: an SGML header of KEY:VALUE lines
    upper = start[:SNIFF_BYTES].upper()
    return start.startswith("<?xml") and ("<?OFX" in upper or "<OFX>" in upper)


def statement_format(file) -> str:
    """``ImportFormat.CSV`` or ``OFX`` for the bytes of ``file``; StatementError otherwise.

    Checked narrowly, apart from ``secretary.files`` (which refuses markup): an OFX file is
    accepted only with an OFX header, never served back inline, and read only by ofxtools.
    """
    head = _head(file)
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise StatementError(_("The file is empty."), errors={"file": _("The file is empty.")})
    if b"\x00" in head:
        message = _("This is not a CSV or OFX statement (it holds binary data).")
        raise StatementError(message, errors={"file": message})
    ascii_head = head.decode("latin-1")
    if _looks_like_ofx(ascii_head):
        return ImportFormat.OFX
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:
            raise _not_utf8() from None
        text = head[: error.start].decode("utf-8")
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        message = _("This is not a CSV or OFX statement (it holds markup).")
        raise StatementError(message, errors={"file": message})
    return ImportFormat.CSV


def _not_utf8() -> StatementError:
    message = _(
        "The file is not UTF-8 text. Export the statement from your bank as CSV in UTF-8 "
        "(in a spreadsheet: “CSV UTF-8”) and upload it again."
    )
    return StatementError(message, errors={"file": message})


# --- CSV -------------------------------------------------------------------------------------


def parse_amount(raw: str, *, decimal_comma: bool, quantum: Decimal) -> Decimal | None:
    """``raw`` as a signed Decimal of the book's currency; None when it is no number.

    Accepts thousands separators, a leading currency sign, ``(12.50)`` and ``12.50-`` as
    negatives; an empty cell is zero.
    """
    text = (raw or "").strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    if not text:
        return Decimal(0)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.endswith("-"):
        negative, text = True, text[:-1]
    text = text.lstrip("$€£¥")
    if text.startswith("-"):
        negative, text = not negative, text[1:]
    elif text.startswith("+"):
        text = text[1:]
    text = text.lstrip("$€£¥")
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    if not text or not all(ch.isascii() and (ch.isdigit() or ch == ".") for ch in text):
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if amount >= Decimal(10) ** 15:
        return None
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    return -amount if negative else amount


def feed_columns(feed: BankFeed) -> dict[str, str]:
    """The columns a feed names: {role: column}. Roles: date, description, amount (or debit
    and credit), reference."""
    columns = {"date": feed.date_column, "description": feed.description_column}
    if feed.amount_column:
        columns["amount"] = feed.amount_column
    else:
        columns["debit"] = feed.debit_column
        columns["credit"] = feed.credit_column
    if feed.reference_column:
        columns["reference"] = feed.reference_column
    return columns


def feed_problems(feed: BankFeed) -> list[str]:
    """What a feed's mapping lacks before any CSV can be read with it."""
    problems = []
    if not feed.date_column:
        problems.append(_("Name the date column."))
    if not feed.description_column:
        problems.append(_("Name the description column."))
    if not feed.amount_column and not (feed.debit_column or feed.credit_column):
        problems.append(_("Name an amount column, or the money in and money out columns."))
    if not feed.has_header:
        for column in feed_columns(feed).values():
            if column and not (column.isdigit() and int(column) >= 1):
                problems.append(
                    _("Without a header row, columns are numbers from 1 (“%(column)s”).")
                    % {"column": column}
                )
                break
    return problems


def iter_csv(file, *, feed: BankFeed, quantum: Decimal) -> Iterator[ParsedLine]:
    """The statement lines of a CSV ``file`` read with ``feed``'s mapping, one at a time.

    Lines with no amount (a zero or an empty cell, e.g. a balance carried forward) are skipped.
    Raises ``StatementError`` for a file the mapping does not fit, naming the line.
    """
    problems = feed_problems(feed)
    if problems:
        raise StatementError(" ".join(problems))
    columns = feed_columns(feed)
    file.seek(0)
    # Strict UTF-8 as a stream: a bad byte anywhere fails the import with its line number.
    stream = codecs.getreader("utf-8-sig")(file, errors="strict")
    reader = csv.reader(_lines(stream), delimiter=feed.delimiter or ",")
    positions: dict[str, int] = {}
    line_number = 0
    try:
        for row in reader:
            line_number = reader.line_num
            if not positions:
                positions = _positions(feed, columns, row)
                if feed.has_header:
                    continue
            if not any(cell.strip() for cell in row):
                continue
            parsed = _parse_row(row, positions, feed=feed, quantum=quantum, number=line_number)
            if parsed is not None:
                yield parsed
    except UnicodeDecodeError:
        raise _not_utf8_at(line_number + 1) from None
    except csv.Error as error:
        message = _("Line %(line)s cannot be read as CSV (%(error)s).") % {
            "line": line_number + 1,
            "error": error,
        }
        raise StatementError(message) from None
    if not positions:
        raise StatementError(_("The file is empty."), errors={"file": _("The file is empty.")})


def _lines(stream) -> Iterator[str]:
    for line in stream:
        if len(line) > MAX_FIELD_CHARS:
            raise StatementError(_("A line of the file is too long to be a statement line."))
        yield line


def _not_utf8_at(line: int) -> StatementError:
    message = _(
        "Line %(line)s is not UTF-8 text. Export the statement from your bank as CSV in UTF-8 "
        "(in a spreadsheet: “CSV UTF-8”) and upload it again."
    ) % {"line": line}
    return StatementError(message, errors={"file": message})


def _positions(feed: BankFeed, columns: dict[str, str], first_row: list[str]) -> dict[str, int]:
    if not feed.has_header:
        return {role: int(column) - 1 for role, column in columns.items() if column}
    header = {cell.strip().lstrip("\ufeff").casefold(): i for i, cell in enumerate(first_row)}
    positions, missing = {}, []
    for role, column in columns.items():
        if not column:
            continue
        index = header.get(column.strip().casefold())
        if index is None:
            missing.append(column)
        else:
            positions[role] = index
    if missing:
        message = _(
            "The file has no column named %(missing)s. Its columns are: %(found)s. "
            "Change the column mapping of this bank account, or upload another file."
        ) % {
            "missing": ", ".join(f"“{name}”" for name in missing),
            "found": ", ".join(f"“{cell.strip()}”" for cell in first_row if cell.strip())
            or _("none"),
        }
        raise StatementError(message, errors={"file": message})
    return positions


def _cell(row: list[str], positions: dict[str, int], role: str) -> str:
    index = positions.get(role)
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _parse_row(row, positions, *, feed: BankFeed, quantum: Decimal, number: int):
    raw_date = _cell(row, positions, "date")
    try:
        day = datetime.strptime(raw_date, feed.date_format).date()
    except ValueError:
        message = _(
            "Line %(line)s: the date “%(date)s” does not match the format %(format)s. "
            "Every date of a statement must use the same format."
        ) % {"line": number, "date": raw_date[:40], "format": feed.date_format}
        raise StatementError(message) from None
    if not date_in_range(day):
        message = _("Line %(line)s: the date %(date)s is out of range.") % {
            "line": number,
            "date": day.isoformat(),
        }
        raise StatementError(message)
    if "amount" in positions:
        amount = _amount(row, positions, "amount", feed=feed, quantum=quantum, number=number)
    else:
        money_in = _amount(row, positions, "credit", feed=feed, quantum=quantum, number=number)
        money_out = _amount(row, positions, "debit", feed=feed, quantum=quantum, number=number)
        amount = abs(money_in) - abs(money_out)
    if amount == 0:
        return None
    description = " ".join(_cell(row, positions, "description").split())[:300]
    reference = _cell(row, positions, "reference")[:80]
    return ParsedLine(number, day, description or "—", reference, amount)


def _amount(row, positions, role, *, feed, quantum, number) -> Decimal:
    raw = _cell(row, positions, role)
    amount = parse_amount(raw, decimal_comma=feed.decimal_comma, quantum=quantum)
    if amount is None:
        message = _("Line %(line)s: the amount “%(amount)s” is not a number.") % {
            "line": number,
            "amount": raw[:40],
        }
        raise StatementError(message)
    return amount


# --- OFX -------------------------------------------------------------------------------------


def iter_ofx(file, *, feed: BankFeed, quantum: Decimal) -> Iterator[ParsedLine]:
    """The transactions of an OFX/QFX ``file`` for ``feed``'s account.

    The file's account id (ACCTID) must be the feed's account number: a statement of another
    account is refused before anything is read from it.
    """
    from ofxtools.Parser import OFXTree

    file.seek(0)
    tree = OFXTree()
    try:
        tree.parse(file)
        ofx = tree.convert()
        statements = list(ofx.statements)
    except Exception:  # ofxtools raises a dozen kinds for a malformed file
        message = _("This OFX file cannot be read: export it from your bank again.")
        raise StatementError(message, errors={"file": message}) from None
    if not statements:
        raise StatementError(_("This OFX file holds no bank statement."))
    expected = (feed.account_number or "").strip()
    for statement in statements:
        found = str(getattr(statement.account, "acctid", "") or "").strip()
        if not expected:
            message = _(
                "This file is for account %(found)s, and this bank account has no account "
                "number: enter it in the bank feed settings first."
            ) % {"found": found}
            raise StatementError(message)
        if found != expected:
            message = _("This file is for account %(found)s, not %(expected)s.") % {
                "found": found,
                "expected": expected,
            }
            raise StatementError(message)
    number = 0
    for statement in statements:
        for transaction in statement.transactions:
            number += 1
            amount = Decimal(transaction.trnamt).quantize(quantum, rounding=ROUND_HALF_UP)
            if amount == 0:
                continue
            day = transaction.dtposted.date()
            if not date_in_range(day):
                raise StatementError(
                    _("Transaction %(line)s: the date %(date)s is out of range.")
                    % {"line": number, "date": day.isoformat()}
                )
            parts = [transaction.name or "", transaction.memo or ""]
            description = " ".join(" ".join(p for p in parts if p).split())[:300]
            reference = (transaction.fitid or transaction.checknum or "")[:80]
            yield ParsedLine(number, day, description or "—", reference, amount)


def iter_statement(file, *, format: str, feed: BankFeed, quantum: Decimal):
    if format == ImportFormat.OFX:
        return iter_ofx(file, feed=feed, quantum=quantum)
    return iter_csv(file, feed=feed, quantum=quantum)
