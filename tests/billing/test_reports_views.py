"""Staff report pages: the picker, the table, the comparison, exports and the PDF."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.db import connection
from django.urls import reverse

from billing import reporting
from documents.models import Document, DocumentKind, DocumentStatus
from tests.conftest import client_for

FEBRUARY = {"report": "profit_and_loss", "start": "2026-02-01", "end": "2026-02-28"}


def _url(name, world, *args):
    return reverse(name, args=[world.practice.slug, *args])


def _post_activity(ledger):
    ledger.post(date(2026, 1, 15), ("1010", "4010", "100.00"))
    ledger.post(date(2026, 2, 15), ("1010", "4010", "1250.00"), ("6080", "1010", "50.00"))


@pytest.fixture
def staff_client(admin_client_):
    """The practice's own books are read by owners and admins (a secretary gets 403)."""
    return admin_client_


def test_it_checks_ownership(world, ledger, outsider_client, contact_client, staff_client):
    secretary_client = client_for(world.secretary.user)
    # Given the practice's books
    page = _url("ledger_reports", world, ledger.book.pk)
    export = _url("ledger_report_export", world, ledger.book.pk, "csv")
    # Then an outsider and a client contact get 404, with practice A's slug or their own
    assert outsider_client.get(page).status_code == 404
    other = reverse("ledger_reports", args=[world.other_practice.slug, ledger.book.pk])
    assert outsider_client.get(other).status_code == 404
    assert contact_client.get(page).status_code == 404
    assert contact_client.get(export).status_code == 404
    # And the settings page is for admins: a secretary gets 403
    assert secretary_client.get(_url("billing_settings", world)).status_code == 403
    # And the practice's own books are for owners and admins
    assert secretary_client.get(page).status_code == 403
    assert staff_client.get(page).status_code == 200


def test_it_shows_the_profit_and_loss_with_the_previous_month_beside(world, ledger, staff_client):
    # Given activity in January and February
    _post_activity(ledger)
    currency = ledger.book.currency
    # When February's profit and loss is shown
    response = staff_client.get(_url("ledger_reports", world, ledger.book.pk), FEBRUARY)
    # Then February's figures stand beside January's, each with the book's currency
    table = response.context["table"]
    assert table.compare_period and "2026-01-01" in table.compare_period
    body = response.content.decode()
    assert f"{currency}\xa01,250.00" in body and f"{currency}\xa0100.00" in body
    assert f"{currency}\xa01,200.00" in body  # net profit
    assert 'class="num"' in body


def test_it_hides_the_comparison_when_asked(world, ledger, staff_client):
    _post_activity(ledger)
    response = staff_client.get(
        _url("ledger_reports", world, ledger.book.pk), {**FEBRUARY, "hide_compare": "on"}
    )
    table = response.context["table"]
    assert table.compare_period is None
    assert len(table.figure_columns) == 1


def test_it_shows_negative_figures_clearly(world, ledger, staff_client):
    # Given a month whose expenses exceed its income
    ledger.post(date(2026, 2, 3), ("6070", "1010", "900.00"), ("1010", "4010", "100.00"))
    response = staff_client.get(_url("ledger_reports", world, ledger.book.pk), FEBRUARY)
    # Then the net loss is negative and marked as such
    net = response.context["table"].rows[-1]
    assert net.figures[0].value == Decimal("-800.00") and net.figures[0].negative
    assert 'class="num negative"' in response.content.decode()


def test_it_picks_periods_from_presets(ledger):
    # Given books whose fiscal year starts in July
    ledger.book.fiscal_year_start_month = 7
    today = date(2026, 2, 17)
    # Then the presets name whole months, calendar quarters and fiscal years
    assert reporting.preset_period(ledger.book, "this_month", today) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert reporting.preset_period(ledger.book, "last_month", today) == (
        date(2026, 1, 1),
        date(2026, 1, 31),
    )
    assert reporting.preset_period(ledger.book, "this_quarter", today) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    assert reporting.preset_period(ledger.book, "last_quarter", today) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
    )
    assert reporting.preset_period(ledger.book, "this_year", today) == (
        date(2025, 7, 1),
        date(2026, 6, 30),
    )
    assert reporting.preset_period(ledger.book, "last_year", today) == (
        date(2024, 7, 1),
        date(2025, 6, 30),
    )


def test_it_compares_a_balance_sheet_with_a_year_earlier(world, ledger, staff_client):
    ledger.post(date(2025, 3, 1), ("1010", "3010", "500.00"))
    ledger.post(date(2026, 3, 1), ("1010", "3010", "700.00"))
    response = staff_client.get(
        _url("ledger_reports", world, ledger.book.pk),
        {"report": "balance_sheet", "as_of": "2026-03-31"},
    )
    table = response.context["table"]
    assert "2025-03-31" in table.compare_period
    totals = {row.cells[1]: row.figures for row in table.rows if row.style == "total"}
    assert [f.value for f in totals["Total assets"]] == [Decimal("1200.00"), Decimal("500.00")]


def test_it_pages_the_general_ledger_in_a_constant_number_of_queries(world, ledger, staff_client):
    # Given an account with 3 lines, then with 120
    account = ledger.account("1010")
    url = _url("ledger_reports", world, ledger.book.pk)
    params = {
        "report": "general_ledger",
        "account": account.pk,
        "start": "2026-01-01",
        "end": "2026-12-31",
    }

    def queries(page):
        statements = []

        def count(execute, sql, *args):
            statements.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            response = staff_client.get(url, {**params, "page": page})
        assert response.status_code == 200
        return len(statements), response

    for day in range(1, 4):
        ledger.post(date(2026, 1, day), ("1010", "4010", "10.00"))
    few, _response = queries(1)
    for index in range(117):
        ledger.post(date(2026, 2, 1 + index % 28), ("1010", "4010", "1.00"))
    first, response = queries(1)
    last, last_response = queries(3)
    # Then the count of queries does not grow with the lines, nor with the page
    assert few == first == last > 0
    # And pages hold 50 lines with the running balance carried over
    table = response.context["table"]
    assert table.pages == 3 and len(table.rows) == 52  # opening, 50 lines, closing
    last_table = last_response.context["table"]
    assert len(last_table.rows) == 22
    assert last_table.rows[-2].figures[2].value == Decimal("147.00")  # 30 + 117
    assert last_table.rows[-1].figures[2].value == Decimal("147.00")


def test_it_asks_for_the_account_of_the_general_ledger(world, ledger, staff_client):
    response = staff_client.get(
        _url("ledger_reports", world, ledger.book.pk), {"report": "general_ledger"}
    )
    assert response.context["table"] is None
    assert "account" in response.context["form"].errors


def test_it_exports_csv_with_a_header_block(world, ledger, staff_client):
    _post_activity(ledger)
    response = staff_client.get(
        _url("ledger_report_export", world, ledger.book.pk, "csv"), FEBRUARY
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="harbour-desk-profit-and-loss-2026-02-01_2026-02-28.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Book", "Harbour Desk"]
    assert rows[1] == ["Report", "Profit and loss"]
    assert rows[2][0] == "Period" and "2026-02-01" in rows[2][1]
    figures = {row[1]: row[2:] for row in rows if len(row) > 2}
    assert figures["Service income"] == ["1250.00", "100.00"]
    assert figures["Net profit"] == ["1200.00", "100.00"]


def test_it_exports_xlsx_with_numbers_as_numbers(world, ledger, staff_client):
    _post_activity(ledger)
    response = staff_client.get(
        _url("ledger_report_export", world, ledger.book.pk, "xlsx"),
        {"report": "trial_balance", "as_of": "2026-02-28", "hide_compare": "on"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('trial-balance-2026-02-28.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Book" and sheet["B1"].value == "Harbour Desk"
    assert sheet["B2"].value == "Trial balance"
    cells = {row[1].value: row for row in sheet.iter_rows() if len(row) > 3}
    checking = cells["Checking account"]
    assert checking[2].value == 1300 and isinstance(checking[2].value, int | float)
    assert checking[2].number_format == "#,##0.00;-#,##0.00"
    assert cells["Total"][2].value == cells["Total"][3].value == 1350


def test_it_refuses_an_unknown_export_format(world, ledger, staff_client):
    url = _url("ledger_report_export", world, ledger.book.pk, "pdf")
    assert staff_client.get(url, FEBRUARY).status_code == 404


def test_it_renders_the_report_as_a_pdf_and_shows_its_status(
    world, client_ledger, django_capture_on_commit_callbacks
):
    # Given the client's books with a February
    _post_activity(client_ledger)
    secretary = client_for(world.secretary.user)
    # When the secretary asks for the PDF (the renderer runs after commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary.post(
            _url("ledger_report_pdf", world, client_ledger.book.pk),
            FEBRUARY,
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    document = Document.objects.for_practice(world.practice).get()
    assert document.kind == DocumentKind.LEDGER_REPORT
    assert (document.subject_type, document.subject_id) == ("billing.book", client_ledger.book.pk)
    # Then the status fragment shows it ready with its download link
    status = secretary.get(
        _url("ledger_report_document", world, client_ledger.book.pk, document.pk),
        HTTP_HX_REQUEST="true",
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    download = _url("document_download", world, document.pk)
    assert download in status.content.decode()
    # And the PDF holds the client, the period and the figures
    text = "".join(p.extract_text() for p in pypdf.PdfReader(document.file).pages)
    assert "Northwind Legal" in text and "2026-02-01" in text
    assert "AUD 1,250.00" in text
    assert secretary.get(download).status_code == 200


def test_it_polls_while_the_pdf_is_queued(world, ledger, staff_client):
    # Given a PDF asked for but not rendered (nothing runs outside a committed transaction)
    response = staff_client.post(
        _url("ledger_report_pdf", world, ledger.book.pk), FEBRUARY, HTTP_HX_REQUEST="true"
    )
    document = Document.objects.for_practice(world.practice).get()
    assert document.status == DocumentStatus.QUEUED
    # Then the fragment polls its own status URL
    body = response.content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert _url("ledger_report_document", world, ledger.book.pk, document.pk) in body


def test_it_records_who_reads_a_regulated_clients_books(world, client_ledger, staff_client):
    from secretary.models import ActivityEvent

    client = client_ledger.book.client
    client.is_regulated = True
    client.save(update_fields=["is_regulated"])
    staff_client.get(_url("ledger_reports", world, client_ledger.book.pk), FEBRUARY)
    assert (
        ActivityEvent.objects.for_practice(world.practice)
        .filter(verb="client.records_viewed")
        .exists()
    )
