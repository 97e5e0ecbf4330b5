"""The invoicing setup API: numbering series and the practice's invoicing settings (staff read,
owners and admins write), through the services of the settings pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from billing.invoicing.numbering import series_default
from billing.models import BillingSettings, InvoiceKind, InvoiceSeries
from secretary.models import ActivityEvent
from tests.billing.invoicing_helpers import billed_client, issued

pytestmark = pytest.mark.django_db

JSON = "application/json"


def url(world, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"practice_slug": world.practice.slug, **kwargs})


def series_body(**extra) -> dict:
    return {"kind": "invoice", "name": "Projects", "pattern": "PRJ-{yy}-{seq:04}", **extra}


def all_series(world) -> list[tuple]:
    rows = InvoiceSeries.objects.for_practice(world.practice).order_by("pk")
    return list(rows.values_list("kind", "name", "pattern", "next_number", "is_default"))


def test_it_checks_ownership(
    world, outsider_client, contact_client, secretary_client, admin_client_, owner_client
):
    # Given the practice's default series
    series = series_default(practice=world.practice, kind=InvoiceKind.INVOICE)
    routes = [
        url(world, "api_invoice_series_list"),
        url(world, "api_invoice_series_detail", series_id=series.pk),
        url(world, "api_invoicing_settings"),
    ]
    for route in routes:
        # Then an outsider and a client contact get 404, staff read
        assert outsider_client.get(route).status_code == 404
        assert contact_client.get(route).status_code == 404
        assert contact_client.patch(route, {}, content_type=JSON).status_code == 404
        assert secretary_client.get(route).status_code == 200
    # And a secretary may not write (403), an admin and the owner may
    list_url, detail_url, settings_url = routes
    assert secretary_client.post(list_url, series_body(), content_type=JSON).status_code == 403
    assert (
        secretary_client.patch(detail_url, {"name": "Mine"}, content_type=JSON).status_code == 403
    )
    assert (
        secretary_client.patch(settings_url, {"tax_number": "1"}, content_type=JSON).status_code
        == 403
    )
    assert not BillingSettings.objects.for_practice(world.practice).exists()
    assert all_series(world) == [("invoice", "Invoices", "INV-{yyyy}-{seq:05}", 1, True)]
    assert admin_client_.post(list_url, series_body(), content_type=JSON).status_code == 201
    assert (
        owner_client.patch(settings_url, {"tax_number": "1"}, content_type=JSON).status_code == 200
    )


# --- Numbering series -------------------------------------------------------------------------


def test_it_adds_a_series_and_shows_the_number_it_gives_next(
    world, admin_client_, secretary_client
):
    # Given the practice's first invoice series, and an admin
    series_default(practice=world.practice, kind=InvoiceKind.INVOICE)
    series_list = url(world, "api_invoice_series_list")

    # When a default series for invoices is added, counting from 42
    response = admin_client_.post(
        series_list, series_body(next_number=42, is_default=True), content_type=JSON
    )

    # Then it is saved through the setup service, with the next number it gives
    assert response.status_code == 201, response.json()
    data = response.json()
    year = data["preview"].split("-")[1]
    assert data["preview"] == f"PRJ-{year}-0042" and len(year) == 2
    assert (data["kind"], data["next_number"], data["is_default"]) == ("invoice", 42, True)
    event = ActivityEvent.objects.get(practice=world.practice, verb="invoice.series_saved")
    assert event.actor == world.admin.user
    # And it took over as the default for invoices from the first series
    assert all_series(world) == [
        ("invoice", "Invoices", "INV-{yyyy}-{seq:05}", 1, False),
        ("invoice", "Projects", "PRJ-{yy}-{seq:04}", 42, True),
    ]
    # And staff read both in the list
    names = [row["name"] for row in secretary_client.get(series_list).json()["results"]]
    assert names == ["Invoices", "Projects"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (series_body(pattern="INV-{yyyy}"), "pattern"),  # no number
        (series_body(pattern="INV-{mm}-{seq}"), "pattern"),  # an unknown placeholder
        (series_body(pattern="INV-{seq"), "pattern"),  # a brace left open
        (series_body(pattern="   "), "pattern"),
        (series_body(pattern="I" * 56 + "{seq}"), "pattern"),  # 61 characters
        (series_body(name=""), "name"),
        (series_body(name="N" * 81), "name"),
        (series_body(kind="receipt"), "kind"),
        (series_body(next_number=0), "next_number"),
        (series_body(next_number=10**9 + 1), "next_number"),
        (series_body(is_default="yes"), "is_default"),
        ({"name": "Projects", "pattern": "P-{seq}"}, "kind"),
    ],
)
def test_it_refuses_a_bad_series_and_saves_nothing(world, admin_client_, body, field):
    # Given the practice's default series
    series_default(practice=world.practice, kind=InvoiceKind.INVOICE)
    before = all_series(world)
    # When a bad series is added
    response = admin_client_.post(url(world, "api_invoice_series_list"), body, content_type=JSON)
    # Then it is a 400 on the field at fault, and nothing is saved
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    assert all_series(world) == before


def test_it_refuses_a_name_taken_by_another_series(world, admin_client_):
    # Given the default series "Invoices"
    series_default(practice=world.practice, kind=InvoiceKind.INVOICE)
    # When another is added under that name, then it is refused on the name
    response = admin_client_.post(
        url(world, "api_invoice_series_list"), series_body(name="Invoices"), content_type=JSON
    )
    assert response.status_code == 400 and "name" in response.json()["errors"]
    assert InvoiceSeries.objects.for_practice(world.practice).count() == 1


def test_it_changes_a_series_keeping_what_is_left_out(world, admin_client_):
    # Given the default invoice series
    series = series_default(practice=world.practice, kind=InvoiceKind.INVOICE)
    detail = url(world, "api_invoice_series_detail", series_id=series.pk)

    # When only its pattern is changed
    response = admin_client_.patch(detail, {"pattern": "{yyyy}/{seq}"}, content_type=JSON)

    # Then the pattern changed and the rest stayed (the default included)
    assert response.status_code == 200, response.json()
    assert all_series(world) == [("invoice", "Invoices", "{yyyy}/{seq}", 1, True)]
    assert response.json()["preview"].endswith("/1")
    # And a bad pattern is refused the same way, leaving it as it was
    response = admin_client_.patch(detail, {"pattern": "{yyyy}/{n}"}, content_type=JSON)
    assert response.status_code == 400 and "pattern" in response.json()["errors"]
    assert all_series(world) == [("invoice", "Invoices", "{yyyy}/{seq}", 1, True)]


def test_it_keeps_a_used_series_counting_forward_in_its_kind(world, admin_client_):
    # Given a series that numbered two invoices (its next number is 3)
    client = billed_client(world.practice)
    issued(world.practice, client, ("Work", "1", "10.00", None))
    invoice = issued(world.practice, client, ("Work", "1", "10.00", None))
    detail = url(world, "api_invoice_series_detail", series_id=invoice.series_id)
    before = all_series(world)

    # When its counter is moved back, or its kind changed
    back = admin_client_.patch(detail, {"next_number": 2}, content_type=JSON)
    kind = admin_client_.patch(detail, {"kind": "credit_note"}, content_type=JSON)

    # Then both are refused on their field, and the series is as it was
    assert back.status_code == 400 and "next_number" in back.json()["errors"]
    assert kind.status_code == 400 and "kind" in kind.json()["errors"]
    assert all_series(world) == before
    # And it may move forward
    response = admin_client_.patch(detail, {"next_number": 10}, content_type=JSON)
    assert response.status_code == 200 and response.json()["next_number"] == 10


def test_it_answers_404_for_another_practices_series(world, admin_client_):
    # Given a series of another practice
    other = series_default(practice=world.other_practice, kind=InvoiceKind.INVOICE)
    # When practice A's admin names it, then it is not found and stays as it was
    detail = url(world, "api_invoice_series_detail", series_id=other.pk)
    assert admin_client_.get(detail).status_code == 404
    assert admin_client_.patch(detail, {"name": "Taken"}, content_type=JSON).status_code == 404
    other.refresh_from_db()
    assert other.name == "Invoices"


def test_it_adds_one_series_for_one_idempotency_key(world, admin_client_):
    # When the same series is added twice with one key
    headers = {"Idempotency-Key": "series-1"}
    series_list = url(world, "api_invoice_series_list")
    first = admin_client_.post(series_list, series_body(), content_type=JSON, headers=headers)
    second = admin_client_.post(series_list, series_body(), content_type=JSON, headers=headers)
    # Then one series is made and the second answer replays the first
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true" and second.json() == first.json()
    assert InvoiceSeries.objects.for_practice(world.practice).count() == 1


def test_it_lists_series_in_constant_queries(
    world, secretary_client, django_assert_max_num_queries
):
    # Given two series, then six
    series_list = url(world, "api_invoice_series_list")
    for kind in InvoiceKind.values:
        series_default(practice=world.practice, kind=kind)
    secretary_client.get(series_list)  # warm the session and the practice lookups
    with django_assert_max_num_queries(50) as few:
        assert secretary_client.get(series_list).json()["count"] == 2
    for n in range(4):
        InvoiceSeries.objects.create(
            practice=world.practice, kind="invoice", name=f"S{n}", pattern=f"S{n}-{{seq}}"
        )
    # When they are listed, then the queries do not grow with the rows
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert secretary_client.get(series_list).json()["count"] == 6


# --- What invoices print ----------------------------------------------------------------------


def test_it_reads_the_settings_before_they_are_saved(world, secretary_client):
    # Given a practice that never saved its invoicing settings
    # When staff read them, then they get the defaults a new practice starts from
    response = secretary_client.get(url(world, "api_invoicing_settings"))
    assert response.status_code == 200
    assert response.json() == {
        "tax_number": "",
        "invoice_address": "",
        "payment_instructions": "",
        "default_payment_terms": "net_14",
    }
    assert not BillingSettings.objects.for_practice(world.practice).exists()


def test_it_changes_the_settings_that_new_drafts_and_invoices_take(world, admin_client_):
    # Given saved settings
    settings_url = url(world, "api_invoicing_settings")
    first = {
        "tax_number": "51 824 753 556",
        "invoice_address": "1 Harbour St\nSydney NSW 2000",
        "payment_instructions": "BSB 062-000, account 1234 5678",
    }
    assert admin_client_.patch(settings_url, first, content_type=JSON).status_code == 200

    # When only the default terms change
    response = admin_client_.patch(
        settings_url, {"default_payment_terms": "net_30"}, content_type=JSON
    )

    # Then they changed and the rest stayed, through the settings service
    assert response.status_code == 200, response.json()
    assert response.json() == {**first, "default_payment_terms": "net_30"}
    row = BillingSettings.objects.for_practice(world.practice).get()
    assert (row.tax_number, row.default_payment_terms) == ("51 824 753 556", "net_30")
    changes = ActivityEvent.objects.for_practice(world.practice).filter(
        verb="billing.settings_changed"
    )
    assert changes.count() == 2
    # And a new draft starts on net 30, and an issued invoice prints the tax number
    client = billed_client(world.practice)
    invoice = issued(world.practice, client, ("Work", "1", "10.00", None))
    assert (invoice.payment_terms, invoice.seller_tax_number) == ("net_30", "51 824 753 556")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"default_payment_terms": "net_90"}, "default_payment_terms"),
        ({"default_payment_terms": None}, "default_payment_terms"),
        ({"tax_number": "1" * 65}, "tax_number"),
        ({"tax_number": 51824753556}, "tax_number"),
        ({"invoice_address": "a" * 2001}, "invoice_address"),
        ({"payment_instructions": None}, "payment_instructions"),
    ],
)
def test_it_refuses_bad_settings_and_saves_nothing(world, admin_client_, body, field):
    # Given saved settings
    BillingSettings.objects.create(practice=world.practice, tax_number="51 824 753 556")
    # When a bad value is sent with a good one
    response = admin_client_.patch(
        url(world, "api_invoicing_settings"),
        {"invoice_address": "2 Quay St", **body},
        content_type=JSON,
    )
    # Then it is a 400 on the field at fault, and nothing is saved
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    row = BillingSettings.objects.for_practice(world.practice).get()
    assert (row.tax_number, row.invoice_address) == ("51 824 753 556", "")
