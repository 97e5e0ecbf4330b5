"""Prepaid hours: the balance for staff (an HTMX fragment for a client's page) and the
client's "Your hours" page in the portal."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from billing.invoicing.blocks import block_status
from clients.access import contact_view
from clients.selectors import client_get
from secretary.access import staff_view


def _context(practice, client) -> dict:
    return {"client": client, "status": block_status(practice=practice, client=client)}


@staff_view
@require_GET
def hour_block_balance(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_get(practice=request.practice, client_id=client_id)
    return render(
        request,
        "billing/partials/hour_block_balance.html",
        _context(request.practice, client),
    )


@contact_view("billing")
@require_GET
def portal_hour_blocks(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "billing/portal_hour_blocks.html",
        _context(request.practice, request.client),
    )


staff_patterns: list = [
    path("billing/clients/<int:client_id>/hours/", hour_block_balance, name="hour_block_balance"),
]
portal_patterns: list = [
    path("billing/hours/", portal_hour_blocks, name="portal_hour_blocks"),
]
