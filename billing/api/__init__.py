"""API routes of this app, mounted under /api/v1/practices/<practice_slug>/, one module per
area (each exposes ``api_patterns``)."""

from billing.api import bank, invoices, invoicing_setup, ledger, reports

api_patterns: list = [
    *ledger.api_patterns,
    *reports.api_patterns,
    *bank.api_patterns,
    *invoices.api_patterns,
    *invoicing_setup.api_patterns,
]
