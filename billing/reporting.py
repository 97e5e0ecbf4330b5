"""Reports as people ask for them: which report, which period, with or without the comparison;
and the one table every output reads (the page, CSV, XLSX, the PDF and the API).

The figures come from ``billing.ledger.reports`` (aggregated in SQL); this module only chooses
the dates and lays the result out in rows, so every output shows exactly the same thing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.ledger import reports
from billing.models import Account, AccountRole, Book
from secretary.date_inputs import DateInput
from secretary.form_renderer import name_empty_choices
from secretary.limits import validate_date_in_range
from secretary.money import format_money

# --- Which report, which period -----------------------------------------------------------------

TRIAL_BALANCE = "trial_balance"
PROFIT_AND_LOSS = "profit_and_loss"
BALANCE_SHEET = "balance_sheet"
GENERAL_LEDGER = "general_ledger"
AGED_RECEIVABLES = "aged_receivables"
AGED_PAYABLES = "aged_payables"

REPORT_CHOICES = (
    (PROFIT_AND_LOSS, gettext_lazy("Profit and loss")),
    (BALANCE_SHEET, gettext_lazy("Balance sheet")),
    (TRIAL_BALANCE, gettext_lazy("Trial balance")),
    (GENERAL_LEDGER, gettext_lazy("General ledger")),
    (AGED_RECEIVABLES, gettext_lazy("Aged receivables")),
    (AGED_PAYABLES, gettext_lazy("Aged payables")),
)
REPORT_KINDS = tuple(kind for kind, _label in REPORT_CHOICES)
# What a client contact may read of their own books in the portal.
PORTAL_KINDS = (PROFIT_AND_LOSS, BALANCE_SHEET, GENERAL_LEDGER)
# Reports of a balance at one date (the others cover a period).
AS_OF_KINDS = (TRIAL_BALANCE, BALANCE_SHEET, AGED_RECEIVABLES, AGED_PAYABLES)

PRESET_CHOICES = (
    ("", gettext_lazy("Custom dates")),
    ("this_month", gettext_lazy("This month")),
    ("last_month", gettext_lazy("Last month")),
    ("this_quarter", gettext_lazy("This quarter")),
    ("last_quarter", gettext_lazy("Last quarter")),
    ("this_year", gettext_lazy("This fiscal year")),
    ("last_year", gettext_lazy("Last fiscal year")),
)
PRESETS = tuple(key for key, _label in PRESET_CHOICES if key)
GENERAL_LEDGER_PAGE = 50
ONE_DAY = timedelta(days=1)
# An export holds at most this many lines of one account (narrow the period for more).
MAX_EXPORT_LINES = 200_000


def preset_period(book: Book, preset: str, today: date) -> tuple[date, date]:
    """The first and last day of a named period around ``today`` (quarters are calendar
    quarters; years are the book's fiscal years)."""
    if preset in ("this_month", "last_month"):
        day = today if preset == "this_month" else today.replace(day=1) - ONE_DAY
        return reports.month_bounds(day)
    if preset in ("this_quarter", "last_quarter"):
        first_month = (today.month - 1) // 3 * 3 + 1
        start = date(today.year, first_month, 1)
        if preset == "last_quarter":
            start = reports.add_months(start, -3)
        return start, reports.add_months(start, 3) - ONE_DAY
    start = reports.fiscal_year_start(book, today)
    if preset == "last_year":
        start = reports.add_months(start, -12)
    return start, reports.add_months(start, 12) - ONE_DAY


@dataclass
class ReportRequest:
    """What to run, once dates are resolved."""

    kind: str
    start: date
    end: date
    as_of: date
    compare: bool = True
    account: Account | None = None
    page: int = 1

    @property
    def is_as_of(self) -> bool:
        return self.kind in AS_OF_KINDS

    @property
    def period_slug(self) -> str:
        if self.is_as_of:
            return self.as_of.isoformat()
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


class ReportForm(forms.Form):
    """The report picker (GET): a report, a preset or dates, the comparison, an account."""

    report = forms.ChoiceField(label=gettext_lazy("Report"), choices=REPORT_CHOICES, required=False)
    preset = forms.ChoiceField(label=gettext_lazy("Period"), choices=PRESET_CHOICES, required=False)
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        validators=[validate_date_in_range],
        widget=DateInput(),
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        validators=[validate_date_in_range],
        widget=DateInput(),
    )
    as_of = forms.DateField(
        label=gettext_lazy("As of"),
        required=False,
        validators=[validate_date_in_range],
        widget=DateInput(),
        help_text=gettext_lazy("For balances; the end of the period when empty."),
    )
    account = forms.ModelChoiceField(
        label=gettext_lazy("Account"), queryset=Account.objects.none(), required=False
    )
    hide_compare = forms.BooleanField(label=gettext_lazy("Hide the comparison"), required=False)

    def __init__(self, *args, book: Book, kinds=REPORT_KINDS, today: date | None = None, **kw):
        super().__init__(*args, **kw)
        name_empty_choices(self, account=gettext_lazy("Choose an account"))
        self.book = book
        self.today = today or timezone.localdate()
        self.fields["report"].choices = [c for c in REPORT_CHOICES if c[0] in kinds]
        self.kinds = kinds
        self.fields["account"].queryset = (
            Account.objects.for_practice(book.practice_id).filter(book=book).order_by("code")
        )

    def clean(self):
        data = super().clean()
        kind = data.get("report") or PROFIT_AND_LOSS
        if kind not in self.kinds:
            self.add_error("report", _("Choose a report."))
        data["report"] = kind
        if data.get("preset"):
            data["start"], data["end"] = preset_period(self.book, data["preset"], self.today)
        start = data.get("start")
        end = data.get("end")
        if start is None or end is None:
            month_start, month_end = reports.month_bounds(self.today)
            data["start"] = start = start or (end.replace(day=1) if end else month_start)
            data["end"] = end = end or (reports.month_bounds(start)[1] if start else month_end)
        if start > end:
            self.add_error("end", _("The end of the period comes before its start."))
        if kind == GENERAL_LEDGER and data.get("account") is None and "account" not in self.errors:
            self.add_error("account", _("Choose the account of the general ledger."))
        return data

    def report_request(self, *, page: int = 1) -> ReportRequest:
        data = self.cleaned_data
        return ReportRequest(
            kind=data["report"],
            start=data["start"],
            end=data["end"],
            as_of=data.get("as_of") or data["end"],
            compare=not data.get("hide_compare"),
            account=data.get("account"),
            page=page,
        )


# --- The table every output reads ---------------------------------------------------------------


@dataclass
class Figure:
    value: Decimal | None
    text: str

    @property
    def negative(self) -> bool:
        return self.value is not None and self.value < 0


@dataclass
class TableRow:
    cells: list[str]
    figures: list[Figure]
    style: str = ""  # "", "section", "total", "grand-total"
    depth: int = 0
    account_id: int | None = None


@dataclass
class Table:
    kind: str
    title: str
    book_name: str
    client_name: str
    currency: str
    period: str
    compare_period: str | None
    text_columns: list[str]
    figure_columns: list[str]
    rows: list[TableRow] = field(default_factory=list)
    # General ledger only: the page shown and the number of lines in the period.
    page: int = 1
    pages: int = 1
    line_count: int = 0

    @property
    def columns(self) -> list[str]:
        return self.text_columns + self.figure_columns


def money_text(value: Decimal | None, *, currency: str, quantum: Decimal) -> str:
    """``AUD 1,234.50``; negatives with a minus sign (``-AUD 1,234.50``), blanks empty.

    ``quantum`` is the book's (the currency's); the figure is already quantized to it."""
    return format_money(value, currency)


class _Builder:
    def __init__(self, book: Book, request: ReportRequest):
        self.book = book
        self.request = request
        self.quantum = book.quantum

    def figure(self, value: Decimal | None) -> Figure:
        if value is not None:
            value = value.quantize(self.quantum)
        return Figure(value, money_text(value, currency=self.book.currency, quantum=self.quantum))

    def row(self, cells, values, *, style="", depth=0, account_id=None) -> TableRow:
        return TableRow(
            cells=list(cells),
            figures=[self.figure(value) for value in values],
            style=style,
            depth=depth,
            account_id=account_id,
        )


def _currency_column(label: str, currency: str) -> str:
    return f"{label} ({currency})"


def build_table(*, practice, book: Book, request: ReportRequest) -> Table:
    """Run the report and lay it out. A handful of queries whatever the size of the book."""
    builder = _Builder(book, request)
    currency = book.currency
    client_name = book.client.name if book.client_id else book.practice.name
    if request.kind == GENERAL_LEDGER:
        return _general_ledger_table(practice, book, request, builder, client_name)
    if request.kind in (AGED_RECEIVABLES, AGED_PAYABLES):
        return _aged_table(practice, book, request, builder, client_name)
    if request.kind == PROFIT_AND_LOSS:
        compare = reports.previous_period(request.start, request.end) if request.compare else None
        report = reports.profit_and_loss(
            practice=practice, book=book, start=request.start, end=request.end, compare=compare
        )
        totals = (("net_profit", _("Net profit")),)
        section_totals = {"income": _("Total income"), "expense": _("Total expenses")}
    else:
        compare_as_of = reports.previous_date(request.as_of) if request.compare else None
        run = reports.trial_balance if request.kind == TRIAL_BALANCE else reports.balance_sheet
        report = run(practice=practice, book=book, as_of=request.as_of, compare_as_of=compare_as_of)
        totals = (
            (("debit", _("Total")),)
            if request.kind == TRIAL_BALANCE
            else (("liabilities_and_equity", _("Total liabilities and equity")),)
        )
        section_totals = {
            "assets": _("Total assets"),
            "liabilities": _("Total liabilities"),
            "equity": _("Total equity"),
        }
    if request.kind == TRIAL_BALANCE:
        figure_columns = [
            _currency_column(_("Debit"), currency),
            _currency_column(_("Credit"), currency),
        ]
        if report.has_comparison:
            figure_columns += [
                _currency_column(_("Debit, %(when)s") % {"when": report.compare_label}, currency),
                _currency_column(_("Credit, %(when)s") % {"when": report.compare_label}, currency),
            ]
    else:
        figure_columns = [_currency_column(report.label, currency)]
        if report.has_comparison:
            figure_columns.append(_currency_column(report.compare_label, currency))
    table = Table(
        kind=request.kind,
        title=report.title,
        book_name=book.name,
        client_name=client_name,
        currency=currency,
        period=report.label,
        compare_period=report.compare_label,
        text_columns=[_("Code"), _("Account")],
        figure_columns=figure_columns,
    )
    compare = report.has_comparison
    for section in report.sections:
        if request.kind != TRIAL_BALANCE:
            table.rows.append(builder.row(["", section.title], [], style="section"))
        for row in section.rows:
            if request.kind == TRIAL_BALANCE:
                values = [row.debit, row.credit]
                if compare:
                    values += [row.compare_debit, row.compare_credit]
            else:
                values = [row.amount] + ([row.compare] if compare else [])
            table.rows.append(
                builder.row(
                    [row.code, row.name], values, depth=row.depth, account_id=row.account_id
                )
            )
        if request.kind != TRIAL_BALANCE:
            label = section_totals.get(section.key, _("Total"))
            values = [section.total] + ([section.compare_total] if compare else [])
            table.rows.append(builder.row(["", label], values, style="total"))
    for key, label in totals:
        if request.kind == TRIAL_BALANCE:
            values = [report.totals["debit"], report.totals["credit"]]
            if compare:
                values += [report.compare_totals["debit"], report.compare_totals["credit"]]
        else:
            values = [report.totals[key]] + ([report.compare_totals[key]] if compare else [])
        table.rows.append(builder.row(["", label], values, style="grand-total"))
    return table


def _general_ledger_table(practice, book, request, builder, client_name) -> Table:
    account = request.account
    # Page 0 means every line (exports); pages count from 1.
    if request.page:
        offset, limit = (request.page - 1) * GENERAL_LEDGER_PAGE, GENERAL_LEDGER_PAGE
    else:
        offset, limit = 0, MAX_EXPORT_LINES
    ledger = reports.general_ledger(
        practice=practice,
        book=book,
        account=account,
        start=request.start,
        end=request.end,
        offset=offset,
        limit=limit,
    )
    currency = book.currency
    table = Table(
        kind=GENERAL_LEDGER,
        title=_("General ledger: %(account)s") % {"account": f"{account.code} {account.name}"},
        book_name=book.name,
        client_name=client_name,
        currency=currency,
        period=_("%(start)s to %(end)s")
        % {"start": request.start.isoformat(), "end": request.end.isoformat()},
        compare_period=None,
        text_columns=[_("Date"), _("Entry"), _("Description"), _("Contact")],
        figure_columns=[
            _currency_column(_("Debit"), currency),
            _currency_column(_("Credit"), currency),
            _currency_column(_("Balance"), currency),
        ],
        line_count=ledger.count,
    )
    table.page = max(request.page, 1)
    table.pages = max(1, -(-ledger.count // GENERAL_LEDGER_PAGE))
    table.rows.append(
        builder.row(
            [request.start.isoformat(), "", _("Opening balance"), ""],
            [None, None, ledger.opening],
            style="total",
        )
    )
    for line in ledger.lines:
        table.rows.append(
            builder.row(
                [
                    line.date.isoformat(),
                    f"#{line.entry.number}" if line.entry.number else "",
                    line.description or line.entry.memo,
                    line.contact.name if line.contact_id else "",
                ],
                [line.debit or None, line.credit or None, line.running],
            )
        )
    table.rows.append(
        builder.row(
            [request.end.isoformat(), "", _("Closing balance"), ""],
            [None, None, ledger.closing],
            style="grand-total",
        )
    )
    return table


def _aged_table(practice, book, request, builder, client_name) -> Table:
    receivable = request.kind == AGED_RECEIVABLES
    rows = reports.aged_balances(
        practice=practice,
        book=book,
        as_of=request.as_of,
        role=AccountRole.RECEIVABLE if receivable else AccountRole.PAYABLE,
    )
    currency = book.currency
    table = Table(
        kind=request.kind,
        title=_("Aged receivables") if receivable else _("Aged payables"),
        book_name=book.name,
        client_name=client_name,
        currency=currency,
        period=_("as of %(date)s") % {"date": request.as_of.isoformat()},
        compare_period=None,
        text_columns=[_("Contact")],
        figure_columns=[
            _currency_column(label, currency)
            for label in (_("0–30 days"), _("31–60 days"), _("61–90 days"), _("Over 90 days"))
        ]
        + [_currency_column(_("Total"), currency)],
    )
    totals = [Decimal(0)] * (len(reports.AGE_BUCKETS) + 1)
    for aged in rows:
        values = [*aged.buckets, aged.total]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        table.rows.append(builder.row([aged.name], values))
    table.rows.append(builder.row([_("Total")], totals, style="grand-total"))
    return table


# --- Exports ------------------------------------------------------------------------------------


def export_filename(book: Book, request: ReportRequest, extension: str) -> str:
    book_part = slugify(book.name) or "book"
    return f"{book_part}-{request.kind.replace('_', '-')}-{request.period_slug}.{extension}"


def _header_block(table: Table) -> list[list[str]]:
    rows = [
        [_("Book"), table.book_name],
        [_("Report"), table.title],
        [_("Period"), table.period],
    ]
    if table.compare_period:
        rows.append([_("Compared with"), table.compare_period])
    rows.append([_("Currency"), table.currency])
    return rows


def _plain_number(figure: Figure) -> str:
    return "" if figure.value is None else str(figure.value)


def table_csv(table: Table) -> str:
    """The table as CSV: the header block, a blank line, the columns and the rows (numbers
    plain, a dot for decimals, no thousands separators)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _header_block(table):
        writer.writerow(row)
    writer.writerow([])
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(
            [*row.cells, *(_plain_number(f) for f in row.figures)]
            + [""] * (len(table.figure_columns) - len(row.figures))
        )
    return out.getvalue()


def table_xlsx(table: Table) -> bytes:
    """The table as an Excel workbook: numbers are numbers with two decimals."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    number_format = "#,##0.00;-#,##0.00"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31].replace("/", "-").replace(":", " ") or "Report"
    for row in _header_block(table):
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    sheet.append(table.columns)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    first_figure = len(table.text_columns) + 1
    for index in range(first_figure, len(table.columns) + 1):
        sheet.cell(row=header_row, column=index).alignment = Alignment(horizontal="right")
    for row in table.rows:
        sheet.append([*row.cells, *(figure.value for figure in row.figures)])
        current = sheet.max_row
        for offset in range(len(row.figures)):
            cell = sheet.cell(row=current, column=first_figure + offset)
            cell.number_format = number_format
        if row.style:
            for cell in sheet[current]:
                cell.font = Font(bold=True)
    for index, width in enumerate([14] * len(table.text_columns), start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.column_dimensions["B"].width = 40
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_response(*, book: Book, request: ReportRequest, table: Table, fmt: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            table_xlsx(table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    name = export_filename(book, request, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def table_context(table: Table) -> dict:
    """The table as plain strings, for a document template (the PDF renderer)."""
    return {
        "title": table.title,
        "book": table.book_name,
        "client_name": table.client_name,
        "currency": table.currency,
        "period": table.period,
        "compare_period": table.compare_period or "",
        "text_columns": list(table.text_columns),
        "figure_columns": list(table.figure_columns),
        "rows": [
            {
                "cells": list(row.cells),
                "figures": [
                    {"text": figure.text, "negative": figure.negative} for figure in row.figures
                ],
                "style": row.style,
                "indent": str(row.depth),
            }
            for row in table.rows
        ],
    }


# --- Books, report documents --------------------------------------------------------------------


def books_for(*, practice, client=None) -> list[Book]:
    books = Book.objects.for_practice(practice).select_related("client")
    if client is not None:
        books = books.filter(client=client)
    return list(books.order_by("name", "id"))


BOOK_SUBJECT = "billing.book"
# PDFs longer than this many general-ledger lines are refused (the renderer stops at 200 pages).
PDF_MAX_LINES = 4000


def book_document_get(*, practice, book: Book, document_id: int, portal: bool = False):
    """A report or month-end-pack document of ``book``; Http404 otherwise (and, for the
    portal, unless its contacts may see it)."""
    from django.http import Http404

    from documents.models import Document, DocumentKind
    from secretary.limits import parse_id

    if parse_id(str(document_id)) is None:
        raise Http404
    document = (
        Document.objects.for_practice(practice)
        .filter(
            pk=document_id,
            subject_type=BOOK_SUBJECT,
            subject_id=book.pk,
            kind__in=[DocumentKind.LEDGER_REPORT, DocumentKind.MONTH_END_PACK],
        )
        .first()
    )
    if document is None:
        raise Http404
    if portal and not document_visible_in_portal(practice=practice, book=book, document=document):
        raise Http404
    return document


def document_visible_in_portal(*, practice, book: Book, document) -> bool:
    """Reports the portal offers, and month-end packs once published."""
    from billing.models import MonthEndPack, PackStatus
    from documents.models import DocumentKind

    if book.client_id is None or document.client_id != book.client_id:
        return False
    if document.kind == DocumentKind.LEDGER_REPORT:
        return (document.context or {}).get("report_kind") in PORTAL_KINDS
    return (
        MonthEndPack.objects.for_practice(practice)
        .filter(book=book, document=document, status=PackStatus.PUBLISHED)
        .exists()
    )


def document_filename(book: Book, document) -> str:
    context = document.context or {}
    kind = str(context.get("report_kind") or document.kind).replace("_", "-")
    period = str(context.get("period_slug") or document.pk)
    return f"{slugify(book.name) or 'book'}-{kind}-{period}.pdf"


def report_pdf_request(*, practice, book: Book, request: ReportRequest, user=None):
    """Ask the renderer for the report as a PDF (returns the Document; the same report asked
    again returns the same document)."""
    from documents.models import DocumentKind
    from documents.services import document_request_render
    from secretary.errors import ApplicationError

    if request.kind == GENERAL_LEDGER:
        request = ReportRequest(**{**request.__dict__, "page": 1})
        count = reports.general_ledger(
            practice=practice,
            book=book,
            account=request.account,
            start=request.start,
            end=request.end,
            limit=0,
        ).count
        if count > PDF_MAX_LINES:
            message = _(
                "%(count)s lines are too many for a PDF (at most %(max)s): choose a shorter "
                "period or download the CSV."
            ) % {"count": count, "max": PDF_MAX_LINES}
            raise ApplicationError(message, errors={"end": message})
        request.page = 0
    table = build_table(practice=practice, book=book, request=request)
    context = table_context(table)
    context["report_kind"] = request.kind
    context["period_slug"] = request.period_slug
    return document_request_render(
        practice=practice,
        kind=DocumentKind.LEDGER_REPORT,
        title=f"{table.title} — {book.name} — {table.period}",
        client=book.client,
        subject_type=BOOK_SUBJECT,
        subject_id=book.pk,
        context=context,
        requested_by=user,
    )
