"""Staff pages of invoicing: the billing dashboard, the list of invoices, the drafts ready to
send (issued and sent in bulk), the draft editor (lines changed in place with HTMX, totals
rendered by the server), and the invoice page with its PDF and actions.

Staff (secretary and up) draft, edit, issue and send invoices; credit notes and the invoicing
setup are for owners and admins (see ``billing.views.payments`` and ``invoices_setup``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.forms.invoices import (
    BulkIssueForm,
    InvoiceCreateForm,
    InvoiceFilterForm,
    InvoiceHeaderForm,
    InvoiceLineForm,
)
from billing.invoicing import services
from billing.invoicing.documents import invoice_request_pdf
from billing.invoicing.issuing import practice_today
from billing.invoicing.pricing import round_money, tax_summary
from billing.invoicing.refresh import invoice_refresh_from_time
from billing.invoicing.selectors import ar_aging
from billing.invoicing.sending import invoice_send
from billing.models import (
    OPEN_INVOICE_STATUSES,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceLineTime,
    InvoiceStatus,
    PaymentAllocation,
    ReminderSent,
)
from billing.models.ledger import ZERO
from clients.models import BillingModel, Engagement, EngagementStatus
from documents.models import PENDING_STATUSES
from secretary.access import staff_view
from secretary.durations import format_duration, format_hours
from secretary.errors import ApplicationError, form_submit
from secretary.limits import parse_id
from secretary.money import format_money
from secretary.prepared import prepared_aggregate
from tasks.models import TimeEntry

PAGE_SIZE = 50
HOUR = Decimal(60)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _invoice(request, invoice_id, *related) -> Invoice:
    invoice = (
        Invoice.objects.for_practice(request.practice)
        .select_related("client", "engagement", *related)
        .filter(pk=parse_id(invoice_id))
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


def _detail(invoice: Invoice):
    return redirect("invoice_detail", invoice.practice.slug, invoice.pk)


# --- Dashboard --------------------------------------------------------------------------------


def plan_price(engagement: Engagement | None) -> str:
    """The price of the client's plan in a few words, amounts shown with the money filter:
    the hourly rate, the retainer and its overage rate, or the block and its overage rate."""
    if engagement is None:
        return "—"
    currency = engagement.currency
    if engagement.billing_model == BillingModel.HOURLY:
        return _("%(rate)s/h") % {"rate": format_money(engagement.hourly_rate, currency)}
    values = {
        "fee": format_money(engagement.monthly_fee, currency),
        "hours": format_hours(engagement.included_hours),
        "overage": format_money(engagement.overage_rate, currency),
    }
    if engagement.billing_model == BillingModel.BLOCK:
        if engagement.overage_rate:
            return _("block of %(hours)s for %(fee)s · %(overage)s/h beyond") % values
        return _("block of %(hours)s for %(fee)s") % values
    if engagement.overage_rate:
        return _("retainer %(fee)s / month · %(overage)s/h beyond %(hours)s") % values
    return _("retainer %(fee)s / month · %(hours)s included") % values


def unbilled_by_client(*, practice) -> list[dict]:
    """Billable, finished, unlocked time on no invoice, per client (one grouped query), with
    the plan of the client's active engagement (one query). Hourly time is priced at the
    hourly rate (half-up to the currency); a retainer's or a block's time is billed against its
    plan by the invoice run, so its amount is None."""
    billed = InvoiceLineTime.objects.for_practice(practice).filter(time_entry=OuterRef("pk"))
    rows = list(
        TimeEntry.objects.for_practice(practice)
        .filter(billable=True, minutes__isnull=False, locked_at__isnull=True)
        .filter(~Exists(billed))
        .values("client_id", "client__name", "client__currency")
        .annotate(minutes=Sum("minutes"))
        .order_by("client__name", "client_id")
    )
    engagements: dict[int, Engagement] = {}
    for engagement in (
        Engagement.objects.for_practice(practice)
        .filter(client_id__in=[row["client_id"] for row in rows], status=EngagementStatus.ACTIVE)
        .order_by("client_id", "-start_date", "-pk")
    ):
        engagements.setdefault(engagement.client_id, engagement)
    result = []
    for row in rows:
        engagement = engagements.get(row["client_id"])
        currency = (engagement.currency if engagement else "") or row["client__currency"]
        hours = (Decimal(row["minutes"]) / HOUR).quantize(Decimal("0.01"), ROUND_HALF_UP)
        amount = None
        if engagement is not None and engagement.billing_model == BillingModel.HOURLY:
            amount = round_money(hours * engagement.hourly_rate, currency)
        result.append(
            {
                "client_id": row["client_id"],
                "name": row["client__name"],
                "hours": hours,
                "plan": plan_price(engagement),
                "amount": amount,
                "currency": currency,
            }
        )
    return result


def money_sum(value, currency: str) -> Decimal:
    """An aggregate of amounts as a Decimal quantized half-up to ``currency`` (SQLite may
    answer a sum as an int or a float, PostgreSQL as a Decimal of any scale)."""
    if value is None:
        value = ZERO
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return round_money(value, currency)


def _balance():
    return ExpressionWrapper(
        F("total") - F("amount_paid") - F("amount_credited"),
        output_field=DecimalField(max_digits=18, decimal_places=2),
    )


@staff_view
@require_GET
def billing_dashboard(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    today = practice_today(practice)
    invoices = Invoice.objects.for_practice(practice)
    drafts = invoices.filter(status=InvoiceStatus.DRAFT, kind=InvoiceKind.INVOICE).count()
    overdue_rows = invoices.filter(
        kind=InvoiceKind.INVOICE, status__in=OPEN_INVOICE_STATUSES, due_date__lt=today
    )
    overdue = list(
        overdue_rows.values("currency")
        .annotate(count=Count("id"), total=Coalesce(Sum(_balance()), ZERO))
        .filter(total__gt=0)
        .order_by("currency")
    )
    for row in overdue:
        row["total"] = money_sum(row["total"], row["currency"])
    oldest = list(overdue_rows.select_related("client").order_by("due_date", "id")[:10])
    currencies = [row["currency"] for row in overdue] or [practice.currency]
    if practice.currency not in currencies:
        currencies.insert(0, practice.currency)
    aging = []
    for currency in currencies:
        total = ar_aging(practice=practice, currency=currency, as_of=today).total
        aging.append(
            {
                "currency": currency,
                "owed": money_sum(total.total, currency),
                "over_30": money_sum(
                    total.days_31_60 + total.days_61_90 + total.days_over_90, currency
                ),
            }
        )
    return render(
        request,
        "billing/invoice_dashboard.html",
        {
            "unbilled": unbilled_by_client(practice=practice),
            "drafts": drafts,
            "overdue": overdue,
            "oldest": oldest,
            "aging": aging,
            "today": today,
        },
    )


# --- Lists ------------------------------------------------------------------------------------


# What a row of the invoice list reads (``billing_tags.invoice_rows``).
INVOICE_LIST_FIELDS = (
    "practice",
    "client__name",
    "kind",
    "number",
    "status",
    "currency",
    "issue_date",
    "due_date",
    "total",
    "amount_paid",
    "amount_credited",
)


@staff_view
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    form = InvoiceFilterForm(request.GET or None, practice=practice)
    invoices = (
        Invoice.objects.for_practice(practice).select_related("client").only(*INVOICE_LIST_FIELDS)
    )
    if form.is_valid():
        data = form.cleaned_data
        if data.get("status"):
            invoices = invoices.filter(status=data["status"])
        if data.get("client"):
            invoices = invoices.filter(client=data["client"])
        if data.get("date_from"):
            invoices = invoices.filter(issue_date__gte=data["date_from"])
        if data.get("date_to"):
            invoices = invoices.filter(issue_date__lte=data["date_to"])
        if data.get("q"):
            invoices = invoices.filter(number__icontains=data["q"])
    invoices = invoices.order_by(F("issue_date").desc(nulls_first=True), "-id")
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "billing/invoice_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _bulk(request, invoices, *, send: bool) -> tuple[list, list]:
    """Issue (and send) each invoice in its own transaction; (done, [(invoice, reason)])."""
    done, failed = [], []
    for invoice in invoices:
        try:
            with transaction.atomic():
                issued = services.invoice_issue(
                    practice=request.practice, invoice=invoice, user=request.user, request=request
                )
                if send:
                    invoice_send(
                        practice=request.practice,
                        invoice=issued,
                        user=request.user,
                        request=request,
                    )
        except ApplicationError as error:
            failed.append((invoice, error.message))
        else:
            done.append(issued)
    return done, failed


@staff_view
@require_http_methods(["GET", "HEAD", "POST"])
def invoice_ready(request: HttpRequest) -> HttpResponse:
    """Drafts ready to send, with checkboxes: issue them, or issue and send them."""
    practice = request.practice
    form = BulkIssueForm(request.POST or None, practice=practice)
    done, failed = [], []
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["invoices"].select_related("client").order_by("id")
        done, failed = _bulk(
            request, list(chosen), send=form.cleaned_data["action"] == "issue_send"
        )
        if done:
            messages.success(
                request,
                _("%(count)d invoices issued: %(numbers)s.")
                % {"count": len(done), "numbers": ", ".join(i.number for i in done)},
            )
        if not failed:
            return redirect("invoice_ready", practice.slug)
    drafts = (
        Invoice.objects.for_practice(practice)
        .filter(status=InvoiceStatus.DRAFT, kind=InvoiceKind.INVOICE)
        .select_related("client")
        .annotate(line_count=Count("lines"))
        .order_by("client__name", "id")
    )
    page = Paginator(drafts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/invoice_ready.html",
        {"form": form, "page": page, "failed": failed},
        status=400 if request.method == "POST" and (failed or form.errors) else 200,
    )


# --- Drafts -----------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "HEAD", "POST"])
def invoice_new(request: HttpRequest) -> HttpResponse:
    practice = request.practice
    initial = {}
    client_id = parse_id(request.GET.get("client"))
    if client_id:
        initial["client"] = client_id
    from billing.invoicing.documents import billing_settings

    settings_row = billing_settings(practice=practice)
    initial["payment_terms"] = settings_row.default_payment_terms if settings_row else "net_14"
    form = InvoiceCreateForm(request.POST or None, practice=practice, initial=initial)
    if request.method == "POST":
        done, invoice = form_submit(
            request,
            form,
            lambda data: services.invoice_create(
                practice=practice,
                client=data["client"],
                engagement=data.get("engagement"),
                currency=data.get("currency") or None,
                payment_terms=data["payment_terms"],
                period_start=data.get("period_start"),
                period_end=data.get("period_end"),
                notes=data.get("notes") or "",
                user=request.user,
                request=request,
            ),
            success=_("Draft created: add its lines."),
        )
        if done:
            return redirect("invoice_edit", practice.slug, invoice.pk)
    return render(
        request,
        "billing/invoice_new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _lines_context(request, invoice: Invoice, *, form=None, editing=None, edit_form=None):
    lines = list(
        InvoiceLine.objects.for_practice(request.practice)
        .filter(invoice=invoice)
        .select_related("tax_rate")
        .order_by("position", "id")
    )
    return {
        "invoice": invoice,
        "lines": lines,
        "line_form": form or InvoiceLineForm(practice=request.practice),
        "editing": editing,
        "edit_form": edit_form,
        "taxes": tax_summary(invoice),
    }


def _render_lines(request, invoice, *, status=200, **kwargs) -> HttpResponse:
    invoice.refresh_from_db(fields=["subtotal", "tax_total", "total"])
    return render(
        request,
        "billing/partials/invoice_lines.html",
        _lines_context(request, invoice, **kwargs),
        status=status,
    )


def _draft(request, invoice_id) -> Invoice:
    invoice = _invoice(request, invoice_id)
    if not invoice.is_draft:
        raise Http404
    return invoice


@staff_view
@require_http_methods(["GET", "HEAD", "POST"])
def invoice_edit(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The draft editor: its header, and its lines (changed in place)."""
    invoice = _invoice(request, invoice_id)
    if not invoice.is_draft:
        messages.error(
            request, _("This invoice is issued and cannot be changed: credit it instead.")
        )
        return _detail(invoice)
    form = _header_form(invoice, request.POST or None)
    if request.method == "POST":
        done, _saved = form_submit(
            request,
            form,
            lambda data: services.invoice_update(
                practice=request.practice,
                invoice=invoice,
                user=request.user,
                request=request,
                **data,
            ),
            success=_("Draft saved."),
        )
        if done:
            return redirect("invoice_edit", request.practice.slug, invoice.pk)
    context = _lines_context(request, invoice)
    context["form"] = form
    return render(
        request,
        "billing/invoice_edit.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def _header_form(invoice: Invoice, data=None) -> InvoiceHeaderForm:
    initial = {
        "payment_terms": invoice.payment_terms,
        "period_start": invoice.period_start,
        "period_end": invoice.period_end,
        "notes": invoice.notes,
    }
    return InvoiceHeaderForm(data, initial=initial)


def _edit_page(request, invoice, *, status=200, **kwargs) -> HttpResponse:
    """The whole editor page (for a browser without JavaScript), lines as ``kwargs`` say."""
    context = _lines_context(request, invoice, **kwargs)
    context["form"] = _header_form(invoice)
    return render(request, "billing/invoice_edit.html", context, status=status)


def _line_data(data) -> dict:
    return {
        "description": data["description"],
        "quantity": data["quantity"],
        "unit_price": data["unit_price"],
        "tax_rate": data.get("tax_rate"),
        "service_from": data.get("service_from"),
        "service_to": data.get("service_to"),
    }


def _line_done(request, invoice, *, status=200, **kwargs) -> HttpResponse:
    if _is_htmx(request):
        # HTMX swaps only successful answers: a refused line comes back as 200 with its errors.
        return _render_lines(request, invoice, **kwargs)
    if status == 200:
        return redirect("invoice_edit", request.practice.slug, invoice.pk)
    return _edit_page(request, invoice, status=status, **kwargs)


@staff_view
@require_POST
def invoice_line_add(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    form = InvoiceLineForm(request.POST, practice=request.practice)
    done, _line = form_submit(
        request,
        form,
        lambda data: services.invoice_line_add(
            practice=request.practice,
            invoice=invoice,
            kind=data["kind"],
            user=request.user,
            **_line_data(data),
        ),
    )
    if not done:
        return _line_done(request, invoice, status=400, form=form)
    return _line_done(request, invoice)


def _line(request, invoice, line_id) -> InvoiceLine:
    line = (
        InvoiceLine.objects.for_practice(request.practice)
        .filter(invoice=invoice, pk=parse_id(line_id))
        .select_related("invoice")
        .first()
    )
    if line is None:
        raise Http404
    return line


@staff_view
@require_http_methods(["GET", "HEAD", "POST"])
def invoice_line_edit(request: HttpRequest, invoice_id: int, line_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    line = _line(request, invoice, line_id)
    initial = {
        "kind": line.kind,
        "description": line.description,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "tax_rate": line.tax_rate_id,
        "service_from": line.service_from,
        "service_to": line.service_to,
    }
    # Its own ids: the form to add a line is on the page too.
    form = InvoiceLineForm(
        request.POST or None,
        practice=request.practice,
        initial=initial,
        auto_id=f"id_line{line.pk}_%s",
    )
    if request.method == "POST":
        done, _saved = form_submit(
            request,
            form,
            lambda data: services.invoice_line_update(
                practice=request.practice, line=line, user=request.user, **_line_data(data)
            ),
        )
        if done:
            return _line_done(request, invoice)
        return _line_done(request, invoice, status=400, editing=line.pk, edit_form=form)
    if not invoice.is_draft:
        raise Http404
    if not _is_htmx(request):
        return _edit_page(request, invoice, editing=line.pk, edit_form=form)
    return _render_lines(request, invoice, editing=line.pk, edit_form=form)


@staff_view
@require_POST
def invoice_line_delete(request: HttpRequest, invoice_id: int, line_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    line = _line(request, invoice, line_id)
    try:
        services.invoice_line_delete(practice=request.practice, line=line, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _line_done(request, invoice, status=400)
    return _line_done(request, invoice)


@staff_view
@require_POST
def invoice_refresh(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id, "engagement")
    try:
        minutes = invoice_refresh_from_time(
            practice=request.practice, invoice=invoice, user=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if minutes:
            messages.success(
                request,
                _("%(duration)s of new time added.") % {"duration": format_duration(minutes)},
            )
        else:
            messages.info(request, _("No new billable time in this period."))
    return redirect("invoice_edit", request.practice.slug, invoice.pk)


@staff_view
@require_POST
def invoice_delete(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    try:
        services.invoice_delete_draft(
            practice=request.practice, invoice=invoice, user=request.user, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return _detail(invoice)
    messages.success(request, _("Draft deleted."))
    return redirect("invoice_list", request.practice.slug)


# --- The invoice page -------------------------------------------------------------------------


def invoice_timeline(*, practice, invoice: Invoice) -> list[dict]:
    """What happened to an invoice, oldest first: created, issued, sent, payments, credit notes,
    reminders (three queries)."""
    events = [{"at": invoice.created_at, "label": _("Created"), "detail": ""}]
    if invoice.issued_at:
        events.append({"at": invoice.issued_at, "label": _("Issued"), "detail": invoice.number})
    if invoice.sent_at:
        events.append({"at": invoice.sent_at, "label": _("Sent"), "detail": ""})
    for allocation in (
        PaymentAllocation.objects.for_practice(practice)
        .filter(invoice=invoice)
        .select_related("payment")
    ):
        payment = allocation.payment
        events.append(
            {
                "at": allocation.created_at,
                "label": _("Payment"),
                "detail": f"{format_money(allocation.amount, invoice.currency)} · {payment.date} · "
                f"{payment.get_method_display()} {payment.reference}".strip(),
            }
        )
    for note in (
        Invoice.objects.for_practice(practice)
        .filter(credit_of=invoice)
        .exclude(status=InvoiceStatus.DRAFT)
    ):
        events.append(
            {
                "at": note.issued_at or note.created_at,
                "label": _("Credit note"),
                "detail": f"{note.number} · {format_money(note.total, note.currency)}",
                "invoice": note,
            }
        )
    for reminder in ReminderSent.objects.for_practice(practice).filter(invoice=invoice):
        events.append({"at": reminder.sent_at, "label": _("Reminder sent"), "detail": ""})
    return sorted(events, key=lambda event: event["at"])


@staff_view
@require_GET
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    practice = request.practice
    invoice = _invoice(request, invoice_id, "document", "credit_of")
    from billing.forms.invoices import PaymentForm
    from billing.invoicing.selectors import client_credit

    open_invoice = invoice.kind == InvoiceKind.INVOICE and invoice.status in OPEN_INVOICE_STATUSES
    credit = (
        client_credit(practice=practice, client=invoice.client, currency=invoice.currency)
        if open_invoice
        else ZERO
    )
    context = _lines_context(request, invoice)
    context.update(
        {
            "timeline": invoice_timeline(practice=practice, invoice=invoice),
            "open_invoice": open_invoice,
            "credit": credit,
            "payment_form": PaymentForm(invoice=invoice) if open_invoice else None,
            "document": invoice.document,
            "pending": invoice.document is not None and invoice.document.status in PENDING_STATUSES,
            "can_credit": request.membership.is_admin
            and invoice.kind == InvoiceKind.INVOICE
            and invoice.status in (*OPEN_INVOICE_STATUSES, InvoiceStatus.PAID),
        }
    )
    return render(request, "billing/invoice_detail.html", context)


@staff_view
@require_POST
def invoice_issue(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    try:
        invoice = services.invoice_issue(
            practice=request.practice, invoice=invoice, user=request.user, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        if invoice.is_draft:
            return redirect("invoice_edit", request.practice.slug, invoice.pk)
    else:
        messages.success(request, _("Invoice %(number)s issued.") % {"number": invoice.number})
    return _detail(invoice)


@staff_view
@require_POST
def invoice_send_view(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    try:
        invoice_send(practice=request.practice, invoice=invoice, user=request.user, request=request)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invoice is on its way to the client."))
    return _detail(invoice)


def _pdf_fragment(request, invoice, document) -> HttpResponse:
    return render(
        request,
        "billing/partials/invoice_pdf.html",
        {
            "invoice": invoice,
            "document": document,
            "pending": document is not None and document.status in PENDING_STATUSES,
        },
    )


@staff_view
@require_POST
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """Ask for the PDF (the worker renders it); the fragment polls its status."""
    invoice = _invoice(request, invoice_id)
    try:
        document = invoice_request_pdf(
            practice=request.practice, invoice=invoice, user=request.user
        )
    except ApplicationError as error:
        if not _is_htmx(request):
            messages.error(request, error.message)
            return _detail(invoice)
        return HttpResponse(error.message, status=400)
    if not _is_htmx(request):
        return _detail(invoice)
    return _pdf_fragment(request, invoice, document)


@staff_view
@require_GET
def invoice_pdf_status(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id, "document")
    return _pdf_fragment(request, invoice, invoice.document)


def invoice_url(invoice: Invoice) -> str:
    view = "invoice_edit" if invoice.is_draft else "invoice_detail"
    return reverse(view, args=[invoice.practice.slug, invoice.pk])


staff_patterns: list = [
    path("billing/", billing_dashboard, name="billing_dashboard"),
    path("billing/invoices/", invoice_list, name="invoice_list"),
    path("billing/invoices/ready/", invoice_ready, name="invoice_ready"),
    path("billing/invoices/new/", invoice_new, name="invoice_new"),
    path("billing/invoices/<int:invoice_id>/", invoice_detail, name="invoice_detail"),
    path("billing/invoices/<int:invoice_id>/edit/", invoice_edit, name="invoice_edit"),
    path("billing/invoices/<int:invoice_id>/lines/", invoice_line_add, name="invoice_line_add"),
    path(
        "billing/invoices/<int:invoice_id>/lines/<int:line_id>/",
        invoice_line_edit,
        name="invoice_line_edit",
    ),
    path(
        "billing/invoices/<int:invoice_id>/lines/<int:line_id>/delete/",
        invoice_line_delete,
        name="invoice_line_delete",
    ),
    path("billing/invoices/<int:invoice_id>/refresh/", invoice_refresh, name="invoice_refresh"),
    path("billing/invoices/<int:invoice_id>/delete/", invoice_delete, name="invoice_delete"),
    path("billing/invoices/<int:invoice_id>/issue/", invoice_issue, name="invoice_issue"),
    path("billing/invoices/<int:invoice_id>/send/", invoice_send_view, name="invoice_send"),
    path("billing/invoices/<int:invoice_id>/pdf/", invoice_pdf, name="invoice_pdf"),
    path(
        "billing/invoices/<int:invoice_id>/pdf/status/",
        invoice_pdf_status,
        name="invoice_pdf_status",
    ),
]
portal_patterns: list = []


# --- The billing section of a client's page ---------------------------------------------------


def client_open_invoice_count(request, client) -> int:
    """The client's invoices still to be paid (the Billing tab's count)."""
    return _open_invoices(practice=request.practice.pk, client=client.pk)["n"]


@prepared_aggregate(n=Count("pk"))
def _open_invoices(*, practice: int, client: int):
    return Invoice.objects.for_practice(practice).filter(
        client=client, kind=InvoiceKind.INVOICE, status__in=OPEN_INVOICE_STATUSES
    )


def client_billing_context(request, client) -> dict:
    """The client's latest invoices, balance due and credit per currency, prepaid hours."""
    from billing.invoicing.blocks import block_status
    from billing.invoicing.selectors import client_credit

    practice = request.practice
    invoices = Invoice.objects.for_practice(practice).filter(client=client)
    balances = list(
        invoices.filter(kind=InvoiceKind.INVOICE, status__in=OPEN_INVOICE_STATUSES)
        .values("currency")
        .annotate(due=Coalesce(Sum(_balance()), ZERO))
        .order_by("currency")
    )
    for row in balances:
        row["due"] = money_sum(row["due"], row["currency"])
    currencies = [row["currency"] for row in balances] or [client.currency]
    credits = [
        (currency, client_credit(practice=practice, client=client, currency=currency))
        for currency in currencies
    ]
    return {
        "client": client,
        "recent": list(invoices.order_by(F("issue_date").desc(nulls_first=True), "-id")[:10]),
        "balances": balances,
        "credits": [(currency, amount) for currency, amount in credits if amount > 0],
        "blocks": block_status(practice=practice, client=client),
    }
