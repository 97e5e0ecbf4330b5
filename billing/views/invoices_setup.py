"""Invoicing setup (owners and admins): tax rates, numbering series, what invoices print."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.forms.invoices import InvoicingSettingsForm, SeriesForm, TaxRateForm
from billing.invoicing import setup
from billing.invoicing.documents import billing_settings
from billing.invoicing.issuing import practice_today
from billing.models import InvoiceSeries, PaymentTerms, TaxRate
from secretary.access import admin_view
from secretary.errors import ApplicationError, form_submit
from secretary.limits import parse_id


def _render_form(request, template, context, *, failed):
    return render(request, template, context, status=400 if failed else 200)


# --- Tax rates --------------------------------------------------------------------------------


@admin_view
@require_http_methods(["GET", "HEAD", "POST"])
def tax_rate_list(request: HttpRequest) -> HttpResponse:
    """The practice's tax rates, with a form to add one."""
    form = TaxRateForm(request.POST or None)
    if request.method == "POST":
        done, _rate = form_submit(
            request,
            form,
            lambda data: setup.tax_rate_save(
                practice=request.practice, user=request.user, request=request, **data
            ),
            success=_("Tax rate saved."),
        )
        if done:
            return redirect("tax_rate_list", request.practice.slug)
    rates = TaxRate.objects.for_practice(request.practice).order_by("archived", "name")
    return _render_form(
        request,
        "billing/invoice_tax_rates.html",
        {"form": form, "rates": rates},
        failed=request.method == "POST",
    )


def _tax_rate(request, rate_id) -> TaxRate:
    rate = TaxRate.objects.for_practice(request.practice).filter(pk=parse_id(rate_id)).first()
    if rate is None:
        raise Http404
    return rate


@admin_view
@require_http_methods(["GET", "HEAD", "POST"])
def tax_rate_edit(request: HttpRequest, rate_id: int) -> HttpResponse:
    rate = _tax_rate(request, rate_id)
    initial = {"name": rate.name, "rate": rate.rate, "inclusive": rate.inclusive}
    form = TaxRateForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done, _rate = form_submit(
            request,
            form,
            lambda data: setup.tax_rate_save(
                practice=request.practice, tax_rate=rate, user=request.user, request=request, **data
            ),
            success=_("Tax rate saved."),
        )
        if done:
            return redirect("tax_rate_list", request.practice.slug)
    return _render_form(
        request,
        "billing/invoice_tax_rate_form.html",
        {"form": form, "rate": rate},
        failed=request.method == "POST",
    )


@admin_view
@require_POST
def tax_rate_archive(request: HttpRequest, rate_id: int) -> HttpResponse:
    rate = _tax_rate(request, rate_id)
    setup.tax_rate_archive(
        practice=request.practice,
        tax_rate=rate,
        archived=not rate.archived,
        user=request.user,
        request=request,
    )
    messages.success(
        request, _("Tax rate archived.") if not rate.archived else _("Tax rate restored.")
    )
    return redirect("tax_rate_list", request.practice.slug)


# --- Numbering series -------------------------------------------------------------------------


def _preview(request, pattern, next_number) -> str:
    try:
        pattern = setup.pattern_check(pattern)
    except ApplicationError as error:
        return str(error.message)
    return setup.series_preview(
        pattern=pattern, next_number=next_number or 1, today=practice_today(request.practice)
    )


@admin_view
@require_http_methods(["GET", "HEAD", "POST"])
def series_list(request: HttpRequest) -> HttpResponse:
    form = SeriesForm(
        request.POST or None, initial={"next_number": 1, "pattern": "INV-{yyyy}-{seq:05}"}
    )
    if request.method == "POST":
        done, _series = form_submit(
            request,
            form,
            lambda data: setup.series_save(
                practice=request.practice, user=request.user, request=request, **data
            ),
            success=_("Numbering series saved."),
        )
        if done:
            return redirect("series_list", request.practice.slug)
    series = list(InvoiceSeries.objects.for_practice(request.practice).order_by("kind", "name"))
    for row in series:
        row.preview = _preview(request, row.pattern, row.next_number)
    return _render_form(
        request,
        "billing/invoice_series.html",
        {"form": form, "series": series},
        failed=request.method == "POST",
    )


@admin_view
@require_http_methods(["GET", "HEAD", "POST"])
def series_edit(request: HttpRequest, series_id: int) -> HttpResponse:
    series = (
        InvoiceSeries.objects.for_practice(request.practice).filter(pk=parse_id(series_id)).first()
    )
    if series is None:
        raise Http404
    initial = {
        "kind": series.kind,
        "name": series.name,
        "pattern": series.pattern,
        "next_number": series.next_number,
        "is_default": series.is_default,
    }
    form = SeriesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done, _saved = form_submit(
            request,
            form,
            lambda data: setup.series_save(
                practice=request.practice, series=series, user=request.user, request=request, **data
            ),
            success=_("Numbering series saved."),
        )
        if done:
            return redirect("series_list", request.practice.slug)
    return _render_form(
        request,
        "billing/invoice_series_form.html",
        {
            "form": form,
            "series": series,
            "preview": _preview(request, series.pattern, series.next_number),
        },
        failed=request.method == "POST",
    )


@admin_view
@require_GET
def series_preview(request: HttpRequest) -> HttpResponse:
    """The next number a pattern gives (an HTMX fragment beside the pattern field)."""
    pattern = (request.GET.get("pattern") or "")[:60]
    next_number = parse_id(request.GET.get("next_number")) or 1
    return render(
        request,
        "billing/partials/invoice_series_preview.html",
        {"preview": _preview(request, pattern, next_number)},
    )


# --- What invoices print ----------------------------------------------------------------------


@admin_view
@require_http_methods(["GET", "HEAD", "POST"])
def invoicing_settings(request: HttpRequest) -> HttpResponse:
    row = billing_settings(practice=request.practice)
    initial = {
        "tax_number": row.tax_number if row else "",
        "invoice_address": row.invoice_address if row else "",
        "payment_instructions": row.payment_instructions if row else "",
        "default_payment_terms": row.default_payment_terms if row else PaymentTerms.NET_14,
    }
    form = InvoicingSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done, _saved = form_submit(
            request,
            form,
            lambda data: setup.invoicing_settings_update(
                practice=request.practice, user=request.user, request=request, **data
            ),
            success=_("Invoicing settings saved."),
        )
        if done:
            return redirect("invoicing_settings", request.practice.slug)
    return _render_form(
        request,
        "billing/invoice_settings.html",
        {"form": form},
        failed=request.method == "POST",
    )


staff_patterns: list = [
    path("settings/invoicing/", invoicing_settings, name="invoicing_settings"),
    path("settings/invoicing/tax-rates/", tax_rate_list, name="tax_rate_list"),
    path("settings/invoicing/tax-rates/<int:rate_id>/", tax_rate_edit, name="tax_rate_edit"),
    path(
        "settings/invoicing/tax-rates/<int:rate_id>/archive/",
        tax_rate_archive,
        name="tax_rate_archive",
    ),
    path("settings/invoicing/series/", series_list, name="series_list"),
    path("settings/invoicing/series/<int:series_id>/", series_edit, name="series_edit"),
    path("settings/invoicing/series/preview/", series_preview, name="series_preview"),
]
portal_patterns: list = []
