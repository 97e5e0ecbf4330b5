"""API of invoicing: invoices and credit notes, their lines, issue, send and credit; payments
and the client's credit applied to invoices; expenses. (Tax rates, numbering series and
invoicing settings: ``billing.api.invoicing_setup``.)

Who may do what:
- staff (secretary and up) draft, edit, issue and send invoices of the practice's clients,
  record payments and expenses, and apply a client's credit to its invoices;
- owners and admins also credit invoices (credit notes);
- a client contact who may see billing (``portal_billing``) reads its own client's issued
  invoices and credit notes and its payments; anything else answers 404 (drafts included),
  and contacts never write (403).
A broken invoicing rule answers 400 ``{"message", "errors"}`` with the field it concerns, and
nothing is saved. Issued invoices never change: correct them with a credit note.
Expenses are recorded as JSON, without a receipt (receipts are uploaded on the staff page).
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.invoicing import services
from billing.invoicing.expense_lines import invoice_expense_bill
from billing.invoicing.expenses import expense_create
from billing.invoicing.pricing import tax_summary
from billing.invoicing.sending import invoice_send
from billing.models import (
    Expense,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceLineTime,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
)
from billing.serializers.credit_apply import (
    CreditApplyInputSerializer,
    CreditApplyResultSerializer,
)
from billing.serializers.invoices import (
    CreditInputSerializer,
    ExpenseCreateSerializer,
    ExpenseSerializer,
    InvoiceCreateSerializer,
    InvoiceDetailSerializer,
    InvoiceLineInputSerializer,
    InvoiceLineUpdateSerializer,
    InvoiceSerializer,
    InvoiceUpdateSerializer,
    IssueInputSerializer,
    PaymentCreateSerializer,
    PaymentSerializer,
    SendResultSerializer,
)
from billing.views.invoices_portal import SHOWN_STATUSES
from clients.access import ContactPartMixin
from secretary.api_base import PracticeScopedMixin
from secretary.api_filters import BooleanFilter, DateFilter, FilterSet, IdFilter
from secretary.idempotency import IdempotentCreateMixin
from secretary.models import CURRENCIES, Role

TAGS = ["invoicing"]


# --- Scoping --------------------------------------------------------------------------------


class BillingScopedMixin(ContactPartMixin, PracticeScopedMixin):
    """Staff see every client's rows; a client contact with ``portal_billing`` reads its own
    client's (404 for anything else, and for contacts without it)."""

    allow_clients = True
    portal_part = "billing"


class InvoiceScopedMixin(BillingScopedMixin):
    queryset = Invoice.objects.none()

    def invoices(self):
        invoices = Invoice.objects.for_practice(self.request.practice)
        if self.contact is not None:
            invoices = invoices.filter(client_id=self.contact.client_id, status__in=SHOWN_STATUSES)
        return invoices

    def get_invoice(self) -> Invoice:
        cached = getattr(self, "_invoice", None)
        if cached is None:
            cached = self.invoices().filter(pk=self.kwargs["invoice_id"]).first()
            if cached is None:
                raise Http404
            self._invoice = cached
        return cached

    def invoice_detail(self, invoice_id: int) -> Invoice:
        practice = self.request.practice
        return (
            self.invoices()
            .prefetch_related(
                Prefetch(
                    "lines",
                    queryset=InvoiceLine.objects.for_practice(practice)
                    .order_by("position", "pk")
                    .prefetch_related(
                        Prefetch(
                            "time_links",
                            queryset=InvoiceLineTime.objects.for_practice(practice).order_by("pk"),
                        )
                    ),
                ),
                Prefetch(
                    "allocations",
                    queryset=PaymentAllocation.objects.for_practice(practice)
                    .select_related("payment")
                    .order_by("payment__date", "pk"),
                ),
            )
            .get(pk=invoice_id)
        )

    def detail_response(self, invoice_id: int, *, status_code=status.HTTP_200_OK) -> Response:
        invoice = self.invoice_detail(invoice_id)
        context = {"request": self.request, "tax_summary": tax_summary(invoice)}
        return Response(InvoiceDetailSerializer(invoice, context=context).data, status=status_code)


class StaffInvoiceMixin(InvoiceScopedMixin):
    """Routes that only write: client contacts get 404."""

    allow_clients = False


# --- Invoices -------------------------------------------------------------------------------


class InvoiceFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=InvoiceStatus.choices)
    kind = django_filters.ChoiceFilter(choices=InvoiceKind.choices)
    client = IdFilter(field_name="client_id", label=_("Invoices of this client"))
    date_from = DateFilter(
        field_name="issue_date", lookup_expr="gte", label=_("Issued on or after (date)")
    )
    date_to = DateFilter(
        field_name="issue_date", lookup_expr="lte", label=_("Issued on or before (date)")
    )

    class Meta:
        model = Invoice
        fields = ["status", "kind", "client", "date_from", "date_to"]


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary=_("Invoices and credit notes"),
        description=_(
            "Newest first; the date range is on the issue date (drafts have none). A client "
            "contact who may see billing sees its own client's issued ones only."
        ),
    ),
    post=extend_schema(
        tags=TAGS,
        summary=_("Draft an invoice"),
        description=_("Then add lines, and issue it."),
        request=InvoiceCreateSerializer,
        responses={201: InvoiceDetailSerializer},
    ),
)
class InvoiceListView(IdempotentCreateMixin, InvoiceScopedMixin, generics.ListCreateAPIView):
    serializer_class = InvoiceSerializer
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = InvoiceFilter

    def get_queryset(self):
        return self.invoices().order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = InvoiceCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        invoice = services.invoice_create(
            practice=request.practice,
            client=data["client"],
            engagement=data.get("engagement"),
            currency=data.get("currency"),
            payment_terms=data.get("payment_terms"),
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
            series=data.get("series"),
            notes=data.get("notes", ""),
            user=request.user,
            request=request,
        )
        return self.detail_response(invoice.pk, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary=_("An invoice with its lines, tax summary and payments"),
        responses=InvoiceDetailSerializer,
    ),
    patch=extend_schema(
        tags=TAGS,
        summary=_("Change a draft's terms, series, period or notes"),
        description=_("Issued invoices never change: credit them instead (400)."),
        request=InvoiceUpdateSerializer,
        responses=InvoiceDetailSerializer,
    ),
    delete=extend_schema(
        tags=TAGS,
        summary=_("Delete a draft"),
        description=_("Its time and expenses can be billed again. Issued invoices: 400."),
        responses={204: None},
    ),
)
class InvoiceDetailView(InvoiceScopedMixin, generics.GenericAPIView):
    serializer_class = InvoiceDetailSerializer

    def get(self, request, *args, **kwargs):
        return self.detail_response(self.get_invoice().pk)

    def patch(self, request, *args, **kwargs):
        invoice = self.get_invoice()
        serializer = InvoiceUpdateSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        services.invoice_update(
            practice=request.practice,
            invoice=invoice,
            user=request.user,
            request=request,
            **serializer.validated_data,
        )
        return self.detail_response(invoice.pk)

    def delete(self, request, *args, **kwargs):
        services.invoice_delete_draft(
            practice=request.practice,
            invoice=self.get_invoice(),
            user=request.user,
            request=request,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Lines ----------------------------------------------------------------------------------


class InvoiceLineListView(IdempotentCreateMixin, StaffInvoiceMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Add a line to a draft"),
        description=_(
            "Quantity times unit price, taxed at `tax_rate`; `time_entries` links the time it "
            "bills, `expense` bills an expense. Answers with the invoice and its new totals. "
            "Issued invoices: 400."
        ),
        request=InvoiceLineInputSerializer,
        responses={201: InvoiceDetailSerializer},
    )
    def post(self, request, *args, **kwargs):
        invoice = self.get_invoice()
        serializer = InvoiceLineInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        expense = data.get("expense")
        if expense is not None:
            invoice_expense_bill(
                practice=request.practice,
                invoice=invoice,
                expense=expense,
                description=data.get("description"),
                quantity=data.get("quantity"),
                unit_price=data.get("unit_price"),
                **({"tax_rate": data["tax_rate"]} if "tax_rate" in data else {}),
                service_from=data.get("service_from"),
                service_to=data.get("service_to"),
                user=request.user,
            )
        else:
            services.invoice_line_add(
                practice=request.practice,
                invoice=invoice,
                kind=data.get("kind") or "other",
                description=data["description"],
                quantity=data["quantity"],
                unit_price=data["unit_price"],
                tax_rate=data.get("tax_rate"),
                service_from=data.get("service_from"),
                service_to=data.get("service_to"),
                time_entries=data.get("time_entries", ()),
                user=request.user,
            )
        return self.detail_response(invoice.pk, status_code=status.HTTP_201_CREATED)


class InvoiceLineDetailView(StaffInvoiceMixin, APIView):
    def get_line(self) -> InvoiceLine:
        line = (
            InvoiceLine.objects.for_practice(self.request.practice)
            .filter(invoice=self.get_invoice(), pk=self.kwargs["line_id"])
            .select_related("invoice", "tax_rate")
            .first()
        )
        if line is None:
            raise Http404
        return line

    @extend_schema(
        tags=TAGS,
        summary=_("Change a draft's line"),
        description=_(
            "What is left out stays as it is; the line is priced again and the totals follow. "
            "Issued invoices: 400."
        ),
        request=InvoiceLineUpdateSerializer,
        responses=InvoiceDetailSerializer,
    )
    def patch(self, request, *args, **kwargs):
        line = self.get_line()
        serializer = InvoiceLineUpdateSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.invoice_line_update(
            practice=request.practice,
            line=line,
            description=data.get("description", line.description),
            quantity=data.get("quantity", line.quantity),
            unit_price=data.get("unit_price", line.unit_price),
            tax_rate=data.get("tax_rate", line.tax_rate),
            service_from=data.get("service_from", line.service_from),
            service_to=data.get("service_to", line.service_to),
            user=request.user,
        )
        return self.detail_response(line.invoice_id)

    @extend_schema(
        tags=TAGS,
        summary=_("Remove a draft's line"),
        description=_("Its time and expense can be billed again. Issued invoices: 400."),
        responses={204: None},
    )
    def delete(self, request, *args, **kwargs):
        services.invoice_line_delete(
            practice=request.practice, line=self.get_line(), user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Issue, send, credit --------------------------------------------------------------------


class InvoiceIssueView(StaffInvoiceMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Issue a draft"),
        description=_(
            "Numbers it, sets its due date from its terms, copies the seller's and the client's "
            "details and posts it to the practice's books. A draft without lines: 400."
        ),
        request=IssueInputSerializer,
        responses=InvoiceDetailSerializer,
    )
    def post(self, request, *args, **kwargs):
        invoice = self.get_invoice()
        serializer = IssueInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.invoice_issue(
            practice=request.practice,
            invoice=invoice,
            issue_date=serializer.validated_data.get("issue_date"),
            user=request.user,
            request=request,
        )
        return self.detail_response(invoice.pk)


class InvoiceSendView(IdempotentCreateMixin, StaffInvoiceMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Email an issued invoice to the client"),
        description=_(
            "Renders its PDF and emails it to the client's billing address and contacts who "
            "may see invoices, in the background; each call is one more send."
        ),
        request=None,
        responses={202: SendResultSerializer},
    )
    def post(self, request, *args, **kwargs):
        invoice = self.get_invoice()
        send_id = invoice_send(
            practice=request.practice, invoice=invoice, user=request.user, request=request
        )
        invoice = self.invoices().get(pk=invoice.pk)
        return Response(
            {"send_id": send_id, "invoice": InvoiceSerializer(invoice).data},
            status=status.HTTP_202_ACCEPTED,
        )


class InvoiceCreditView(IdempotentCreateMixin, StaffInvoiceMixin, APIView):
    min_role = Role.ADMIN

    @extend_schema(
        tags=TAGS,
        summary=_("Credit an issued invoice (owners and admins)"),
        description=_(
            "In whole (leave out `lines`) or given lines, each in whole or up to what is left "
            "of it; the credit note is issued at once and is the answer."
        ),
        request=CreditInputSerializer,
        responses={201: InvoiceDetailSerializer},
    )
    def post(self, request, *args, **kwargs):
        invoice = self.get_invoice()
        serializer = CreditInputSerializer(
            data=request.data, context={"request": request, "invoice": invoice}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lines = None
        if data.get("lines"):
            lines = {}
            for row in data["lines"]:
                if row["line"] in lines:
                    message = _("Name each line once.")
                    raise services.InvoiceError(message, errors={"lines": message})
                lines[row["line"]] = row.get("amount")
        note = services.credit_note_create(
            practice=request.practice,
            invoice=invoice,
            lines=lines,
            reason=data.get("reason", ""),
            issue_date=data.get("issue_date"),
            user=request.user,
            request=request,
        )
        return self.detail_response(note.pk, status_code=status.HTTP_201_CREATED)


class InvoiceCreditApplyView(IdempotentCreateMixin, StaffInvoiceMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Apply the client's credit to an open invoice"),
        description=_(
            "The client's credit is what its payments left unallocated: money kept as credit, "
            "and what credit notes gave back. It is applied oldest payment first, up to "
            "`amount` (as much as the credit and the balance allow when left out), in the "
            "invoice's currency only. Nothing more is posted: the money is already in the "
            "books. No credit, an amount above the credit or the balance, another currency or "
            "an invoice that is not open: 400."
        ),
        request=CreditApplyInputSerializer,
        responses=CreditApplyResultSerializer,
    )
    def post(self, request, *args, **kwargs):
        invoice = self.get_invoice()
        serializer = CreditApplyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        applied = services.credit_apply(
            practice=request.practice,
            invoice=invoice,
            amount=data.get("amount"),
            currency=data.get("currency"),
            required=True,
            user=request.user,
            request=request,
        )
        detail = self.invoice_detail(invoice.pk)
        context = {"request": request, "tax_summary": tax_summary(detail)}
        result = {"applied": applied, "invoice": detail}
        return Response(CreditApplyResultSerializer(result, context=context).data)


# --- Payments -------------------------------------------------------------------------------


class PaymentFilter(FilterSet):
    client = IdFilter(field_name="client_id", label=_("Payments of this client"))
    currency = django_filters.ChoiceFilter(choices=CURRENCIES)
    date_from = DateFilter(field_name="date", lookup_expr="gte", label=_("From (date)"))
    date_to = DateFilter(field_name="date", lookup_expr="lte", label=_("To (date)"))

    class Meta:
        model = Payment
        fields = ["client", "currency", "date_from", "date_to"]


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary=_("Payments received, with their allocations"),
        description=_("A client contact who may see billing sees its own client's."),
    ),
    post=extend_schema(
        tags=TAGS,
        summary=_("Record a payment"),
        description=_(
            "Posted to the practice's books (bank against receivable). Allocate it to invoices "
            "of the client in its currency, or leave `allocations` out to pay the oldest due "
            "first; more than the open balance is refused unless `keep_as_credit`."
        ),
        request=PaymentCreateSerializer,
        responses={201: PaymentSerializer},
    ),
)
class PaymentListView(IdempotentCreateMixin, BillingScopedMixin, generics.ListCreateAPIView):
    serializer_class = PaymentSerializer
    queryset = Payment.objects.none()
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = PaymentFilter

    def get_queryset(self):
        practice = self.request.practice
        payments = Payment.objects.for_practice(practice)
        if self.contact is not None:
            payments = payments.filter(client_id=self.contact.client_id)
        return payments.prefetch_related(
            Prefetch(
                "allocations",
                queryset=PaymentAllocation.objects.for_practice(practice).order_by("pk"),
            )
        ).order_by("-date", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = PaymentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        allocations = None
        if "allocations" in data:
            allocations = {row["invoice"]: row["amount"] for row in data["allocations"]}
        payment = services.payment_record(
            practice=request.practice,
            client=data["client"],
            date=data["date"],
            amount=data["amount"],
            currency=data["currency"],
            method=data["method"],
            reference=data.get("reference", ""),
            allocations=allocations,
            keep_as_credit=data["keep_as_credit"],
            user=request.user,
            request=request,
        )
        return Response(
            PaymentSerializer(self.get_queryset().get(pk=payment.pk)).data,
            status=status.HTTP_201_CREATED,
        )


# --- Expenses -------------------------------------------------------------------------------


class ExpenseFilter(FilterSet):
    client = IdFilter(field_name="client_id", label=_("Expenses of this client"))
    billable = BooleanFilter()
    billed = BooleanFilter(
        field_name="invoice_line", lookup_expr="isnull", exclude=True, label=_("On an invoice")
    )
    date_from = DateFilter(field_name="date", lookup_expr="gte", label=_("From (date)"))
    date_to = DateFilter(field_name="date", lookup_expr="lte", label=_("To (date)"))

    class Meta:
        model = Expense
        fields = ["client", "billable", "billed", "date_from", "date_to"]


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary=_("Expenses spent for clients")),
    post=extend_schema(
        tags=TAGS,
        summary=_("Record an expense"),
        description=_(
            "JSON, without a receipt (receipts are uploaded on the expenses page). A billable "
            "expense is billed by the next invoice run of its client, or as a line (`expense`)."
        ),
        request=ExpenseCreateSerializer,
        responses={201: ExpenseSerializer},
    ),
)
class ExpenseListView(IdempotentCreateMixin, PracticeScopedMixin, generics.ListCreateAPIView):
    serializer_class = ExpenseSerializer
    queryset = Expense.objects.none()
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = ExpenseFilter

    def get_queryset(self):
        return Expense.objects.for_practice(self.request.practice).order_by("-date", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = ExpenseCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        expense = expense_create(
            practice=request.practice,
            client=data["client"],
            date=data["date"],
            description=data["description"],
            amount=data["amount"],
            currency=data.get("currency"),
            tax_rate=data.get("tax_rate"),
            markup_percent=data["markup_percent"],
            billable=data["billable"],
            user=request.user,
            request=request,
        )
        return Response(ExpenseSerializer(expense).data, status=status.HTTP_201_CREATED)


_INVOICE = "invoices/<int:invoice_id>/"

api_patterns: list = [
    path("invoices/", InvoiceListView.as_view(), name="api_invoice_list"),
    path(_INVOICE, InvoiceDetailView.as_view(), name="api_invoice_detail"),
    path(f"{_INVOICE}lines/", InvoiceLineListView.as_view(), name="api_invoice_line_list"),
    path(
        f"{_INVOICE}lines/<int:line_id>/",
        InvoiceLineDetailView.as_view(),
        name="api_invoice_line_detail",
    ),
    path(f"{_INVOICE}issue/", InvoiceIssueView.as_view(), name="api_invoice_issue"),
    path(f"{_INVOICE}send/", InvoiceSendView.as_view(), name="api_invoice_send"),
    path(f"{_INVOICE}credit/", InvoiceCreditView.as_view(), name="api_invoice_credit"),
    path(
        f"{_INVOICE}apply-credit/",
        InvoiceCreditApplyView.as_view(),
        name="api_invoice_credit_apply",
    ),
    path("payments/", PaymentListView.as_view(), name="api_payment_list"),
    path("expenses/", ExpenseListView.as_view(), name="api_expense_list"),
]
