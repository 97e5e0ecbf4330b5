"""API of the practice's invoicing setup: tax rates, numbering series and what every invoice
prints (tax number, address, payment instructions, default payment terms).

Staff (secretary and up) read them; owners and admins add and change them (403 for others),
through the same services as the settings pages (``billing.invoicing.setup``). Client contacts
get 404. A broken rule answers 400 ``{"message", "errors"}`` on the field it concerns, and
nothing is saved.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.invoicing.documents import billing_settings
from billing.invoicing.issuing import practice_today
from billing.invoicing.setup import (
    invoicing_settings_update,
    series_preview,
    series_save,
    tax_rate_archive,
    tax_rate_save,
)
from billing.models import InvoiceSeries, PaymentTerms, TaxRate
from billing.serializers.invoices import TaxRateSerializer
from billing.serializers.invoicing_setup import (
    InvoicingSettingsSerializer,
    SeriesInputSerializer,
    SeriesSerializer,
)
from secretary.api_base import PracticeScopedMixin
from secretary.idempotency import IdempotentCreateMixin
from secretary.models import Role

TAGS = ["invoicing"]


# --- Tax rates ------------------------------------------------------------------------------


class TaxRateMixin(PracticeScopedMixin):
    """Staff read the practice's tax rates; owners and admins add and change them."""

    write_role = Role.ADMIN
    queryset = TaxRate.objects.none()

    def get_queryset(self):
        return TaxRate.objects.for_practice(self.request.practice).order_by("name", "pk")


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary=_("Tax rates of the practice")),
    post=extend_schema(
        tags=TAGS,
        summary=_("Add a tax rate (owners and admins)"),
        description=_("A rate from 0 to 100 %; names are unique in the practice."),
        request=TaxRateSerializer,
        responses={201: TaxRateSerializer},
    ),
)
class TaxRateListView(IdempotentCreateMixin, TaxRateMixin, generics.ListCreateAPIView):
    serializer_class = TaxRateSerializer
    filter_backends: list = []

    def create(self, request, *args, **kwargs):
        serializer = TaxRateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        rate = _tax_rate_write(request, None, serializer.validated_data)
        return Response(TaxRateSerializer(rate).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary=_("A tax rate")),
    patch=extend_schema(
        tags=TAGS,
        summary=_("Change a tax rate (owners and admins)"),
        description=_(
            "Lines keep the rate they were priced at; a new rate applies to lines priced after."
        ),
    ),
)
class TaxRateDetailView(TaxRateMixin, generics.RetrieveUpdateAPIView):
    serializer_class = TaxRateSerializer
    lookup_url_kwarg = "tax_rate_id"
    http_method_names = ["get", "patch", "head", "options"]

    def update(self, request, *args, **kwargs):
        rate = self.get_object()
        serializer = TaxRateSerializer(
            rate, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        rate = _tax_rate_write(request, rate, serializer.validated_data)
        return Response(TaxRateSerializer(rate).data)


def _tax_rate_write(request, rate, data: dict):
    """Add or change a tax rate through the setup services; what is left out stays as it is."""
    data = dict(data)
    archived = data.pop("archived", None)
    if rate is None or data:
        rate = tax_rate_save(
            practice=request.practice,
            tax_rate=rate,
            name=data.get("name", rate.name if rate else ""),
            rate=data.get("rate", rate.rate if rate else 0),
            inclusive=data.get("inclusive", rate.inclusive if rate else False),
            user=request.user,
            request=request,
        )
    if archived is not None and archived != rate.archived:
        rate = tax_rate_archive(
            practice=request.practice,
            tax_rate=rate,
            archived=archived,
            user=request.user,
            request=request,
        )
    return rate


# --- Numbering series -----------------------------------------------------------------------


class SeriesMixin(PracticeScopedMixin):
    """Staff read the numbering series; owners and admins add and change them."""

    write_role = Role.ADMIN
    queryset = InvoiceSeries.objects.none()

    def get_queryset(self):
        return InvoiceSeries.objects.for_practice(self.request.practice).order_by(
            "kind", "name", "pk"
        )

    def get_serializer_context(self):
        today = practice_today(self.request.practice)
        return {
            **super().get_serializer_context(),
            "preview": lambda series: series_preview(
                pattern=series.pattern, next_number=series.next_number, today=today
            ),
        }

    def series_response(self, series, *, status_code=status.HTTP_200_OK) -> Response:
        context = self.get_serializer_context()
        return Response(SeriesSerializer(series, context=context).data, status=status_code)


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary=_("Numbering series of invoices and credit notes"),
        description=_("Each with the number it gives next."),
    ),
    post=extend_schema(
        tags=TAGS,
        summary=_("Add a numbering series (owners and admins)"),
        description=_(
            "Names are unique in the practice; the pattern holds {seq} and only the known "
            "placeholders. A new default takes over from the kind's previous default."
        ),
        request=SeriesInputSerializer,
        responses={201: SeriesSerializer},
    ),
)
class SeriesListView(IdempotentCreateMixin, SeriesMixin, generics.ListCreateAPIView):
    serializer_class = SeriesSerializer
    filter_backends: list = []

    def create(self, request, *args, **kwargs):
        serializer = SeriesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        series = series_save(
            practice=request.practice,
            user=request.user,
            request=request,
            **serializer.validated_data,
        )
        return self.series_response(series, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary=_("A numbering series")),
    patch=extend_schema(
        tags=TAGS,
        summary=_("Change a numbering series (owners and admins)"),
        description=_(
            "What is left out stays as it is. Once the series has numbered an invoice its "
            "counter only moves forward and its kind stays (numbers stay unique and gap-free)."
        ),
        request=SeriesInputSerializer,
        responses=SeriesSerializer,
    ),
)
class SeriesDetailView(SeriesMixin, generics.RetrieveAPIView):
    serializer_class = SeriesSerializer
    lookup_url_kwarg = "series_id"

    def patch(self, request, *args, **kwargs):
        series = self.get_object()
        serializer = SeriesInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        series = series_save(
            practice=request.practice,
            series=series,
            kind=data.get("kind", series.kind),
            name=data.get("name", series.name),
            pattern=data.get("pattern", series.pattern),
            next_number=data.get("next_number", series.next_number),
            is_default=data.get("is_default", series.is_default),
            user=request.user,
            request=request,
        )
        return self.series_response(series)


# --- What invoices print --------------------------------------------------------------------


def _settings_values(practice) -> dict:
    """The practice's invoicing settings, or what they are until first saved."""
    row = billing_settings(practice=practice)
    if row is None:
        return {
            "tax_number": "",
            "invoice_address": "",
            "payment_instructions": "",
            "default_payment_terms": PaymentTerms.NET_14,
        }
    return {name: getattr(row, name) for name in InvoicingSettingsSerializer().fields}


class InvoicingSettingsView(PracticeScopedMixin, APIView):
    """What every invoice prints and the terms a new draft starts from: one per practice."""

    write_role = Role.ADMIN

    @extend_schema(
        tags=TAGS,
        summary=_("Invoicing settings of the practice"),
        responses=InvoicingSettingsSerializer,
    )
    def get(self, request, *args, **kwargs):
        return Response(InvoicingSettingsSerializer(_settings_values(request.practice)).data)

    @extend_schema(
        tags=TAGS,
        summary=_("Change the invoicing settings (owners and admins)"),
        description=_(
            "What is left out stays as it is. Invoices already issued keep what they printed; "
            "new drafts start from the default payment terms."
        ),
        request=InvoicingSettingsSerializer,
        responses=InvoicingSettingsSerializer,
    )
    def patch(self, request, *args, **kwargs):
        serializer = InvoicingSettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {**_settings_values(request.practice), **serializer.validated_data}
        invoicing_settings_update(
            practice=request.practice, user=request.user, request=request, **values
        )
        return Response(InvoicingSettingsSerializer(_settings_values(request.practice)).data)


api_patterns: list = [
    path("tax-rates/", TaxRateListView.as_view(), name="api_taxrate_list"),
    path("tax-rates/<int:tax_rate_id>/", TaxRateDetailView.as_view(), name="api_taxrate_detail"),
    path("invoice-series/", SeriesListView.as_view(), name="api_invoice_series_list"),
    path(
        "invoice-series/<int:series_id>/",
        SeriesDetailView.as_view(),
        name="api_invoice_series_detail",
    ),
    path("invoicing-settings/", InvoicingSettingsView.as_view(), name="api_invoicing_settings"),
]
