"""The draft editor without JavaScript and with HTMX: a line opened for editing comes in the
whole page (or as the fragment for HTMX), its form with ids of its own beside the form that
adds a line."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse

from tests.billing.invoicing_helpers import billed_client, draft

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def line(world):
    invoice = draft(world.practice, billed_client(world.practice), ("Filing", "1", "50.00", None))
    return invoice.lines.get()


def edit_url(world, line):
    return reverse("invoice_line_edit", args=[world.practice.slug, line.invoice_id, line.pk])


def test_it_checks_ownership(world, line, outsider_client, contact_client, secretary_client):
    # Then another practice's member and a client contact see nothing; staff see the form
    assert outsider_client.get(edit_url(world, line)).status_code == 404
    assert contact_client.get(edit_url(world, line)).status_code == 404
    assert secretary_client.get(edit_url(world, line)).status_code == 200


def test_it_opens_a_line_in_the_whole_page_without_javascript(world, line, secretary_client):
    # When a browser without JavaScript follows the line's Edit link
    response = secretary_client.get(edit_url(world, line))
    # Then it gets the editor page with the line's form in place, not a bare fragment
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body and "Save line" in body and "Add line" in body and "Header" in body
    # And no two elements share an id (each label names its own field)
    ids = Counter(re.findall(r'\bid="([^"]+)"', body))
    assert [name for name, count in ids.items() if count > 1] == []
    assert f'id="id_line{line.pk}_quantity"' in body and 'id="id_quantity"' in body


def test_it_gives_htmx_the_fragment_and_saves_the_line(world, line, secretary_client):
    # When HTMX asks for the line's form
    fragment = secretary_client.get(edit_url(world, line), **HTMX).content.decode()
    # Then it gets the lines fragment only
    assert 'id="invoice-lines"' in fragment and "<html" not in fragment
    assert f'for="id_line{line.pk}_unit_price"' in fragment
    # And the form posts the usual field names
    response = secretary_client.post(
        edit_url(world, line),
        {"kind": "other", "description": "Filing", "quantity": "2", "unit_price": "50.00"},
        **HTMX,
    )
    assert response.status_code == 200 and "AUD\xa0100.00" in response.content.decode()
