"""Invoicing: tax rates, numbering series, invoices and credit notes with their lines, the time
and expenses they bill, prepaid hour blocks, payments and their allocation, reminders.

Issued invoices are immutable (a service rule, and a trigger on PostgreSQL); corrections are
credit notes. Numbers are given at issue from a series' counter row, locked in the issuing
transaction, so they are unique and gap-free per practice and series.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.models.ledger import MONEY, ZERO, JournalEntry
from secretary import limits
from secretary.limits import text_field, validate_date_in_range
from secretary.models import CURRENCIES
from secretary.tenancy import TenantModel

HOURS = {"max_digits": 9, "decimal_places": 2}


class TaxRate(TenantModel):
    """A tax a practice charges (GST 10 %, GST-free, VAT 20 %...), exclusive or inclusive."""

    name = models.CharField(_("name"), max_length=80)
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(100))],
    )
    inclusive = models.BooleanField(
        _("prices include this tax"),
        default=False,
        help_text=_("When on, line prices already hold the tax and it is taken out of them."),
    )
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="taxrate_unique_name"),
            models.CheckConstraint(
                condition=Q(rate__gte=0, rate__lte=100), name="taxrate_rate_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceSeries(TenantModel):
    """A numbering series: a pattern such as ``INV-{yyyy}-{seq:05}`` and its counter row."""

    kind = models.CharField(_("for"), max_length=12, choices=InvoiceKind.choices)
    name = models.CharField(_("name"), max_length=80)
    pattern = models.CharField(
        _("pattern"),
        max_length=60,
        help_text=_("{yyyy} the year of issue, {yy} its last two digits, {seq:05} the number."),
    )
    next_number = models.PositiveIntegerField(_("next number"), default=1)
    is_default = models.BooleanField(_("default for its kind"), default=False)

    class Meta:
        verbose_name = _("numbering series")
        verbose_name_plural = _("numbering series")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="invoiceseries_unique_name"),
            models.UniqueConstraint(
                fields=["practice", "kind"],
                condition=Q(is_default=True),
                name="invoiceseries_one_default_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PaymentTerms(models.TextChoices):
    ON_RECEIPT = "on_receipt", _("Due on receipt")
    NET_7 = "net_7", _("Net 7 days")
    NET_14 = "net_14", _("Net 14 days")
    NET_30 = "net_30", _("Net 30 days")


TERMS_DAYS = {
    PaymentTerms.ON_RECEIPT: 0,
    PaymentTerms.NET_7: 7,
    PaymentTerms.NET_14: 14,
    PaymentTerms.NET_30: 30,
}


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    SENT = "sent", _("Sent")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void (credited in full)")


OPEN_INVOICE_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.SENT, InvoiceStatus.PARTLY_PAID)


class Invoice(TenantModel):
    """An invoice or a credit note to one client, in one currency.

    The seller's and the client's details are copied at issue, so a later change of address
    never rewrites an issued invoice. ``amount_paid`` and ``amount_credited`` are kept by the
    payment and credit-note services (the only fields that change after issue, with the status,
    the sent time and the rendered document).
    """

    client = models.ForeignKey("clients.Client", on_delete=models.RESTRICT, related_name="invoices")
    engagement = models.ForeignKey(
        "clients.Engagement",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="invoices",
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    series = models.ForeignKey(
        InvoiceSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    sequence = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(_("number"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    payment_terms = models.CharField(
        _("payment terms"),
        max_length=12,
        choices=PaymentTerms.choices,
        default=PaymentTerms.NET_14,
    )
    issue_date = models.DateField(
        _("issue date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    due_date = models.DateField(
        _("due date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    # The billing period an invoice run built this for (in the engagement's time zone).
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    credit_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("credits invoice"),
    )
    subtotal = models.DecimalField(_("subtotal"), default=ZERO, **MONEY)
    tax_total = models.DecimalField(_("tax"), default=ZERO, **MONEY)
    total = models.DecimalField(_("total"), default=ZERO, **MONEY)
    amount_paid = models.DecimalField(_("paid"), default=ZERO, **MONEY)
    amount_credited = models.DecimalField(_("credited"), default=ZERO, **MONEY)
    notes = text_field(_("notes to the client"), blank=True, max_length=limits.TEXT_NOTES)
    # Copied at issue.
    seller_name = models.CharField(max_length=160, blank=True)
    seller_address = text_field(blank=True, max_length=limits.TEXT_SHORT)
    seller_tax_number = models.CharField(max_length=64, blank=True)
    bill_to_name = models.CharField(max_length=160, blank=True)
    bill_to_address = text_field(blank=True, max_length=limits.TEXT_SHORT)
    bill_to_tax_id = models.CharField(max_length=64, blank=True)
    journal_entry = models.OneToOneField(
        JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "series", "sequence"],
                condition=Q(sequence__isnull=False),
                name="invoice_unique_sequence",
            ),
            models.UniqueConstraint(
                fields=["practice", "number"], condition=~Q(number=""), name="invoice_unique_number"
            ),
            # An invoice run makes one invoice per engagement and period, however often it runs.
            models.UniqueConstraint(
                fields=["practice", "engagement", "period_start"],
                condition=Q(kind="invoice", engagement__isnull=False, period_start__isnull=False),
                name="invoice_one_per_engagement_period",
            ),
            models.CheckConstraint(
                condition=Q(status=InvoiceStatus.DRAFT) | ~Q(number=""),
                name="invoice_issued_has_number",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "client", "-issue_date"], name="invoice_client_idx"),
            models.Index(fields=["practice", "status", "due_date"], name="invoice_status_idx"),
            # The invoice list: drafts (no date yet) first, then the latest issued.
            models.Index(fields=["practice", "-issue_date", "-id"], name="invoice_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft %(kind)s") % {"kind": self.get_kind_display().lower()}

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def balance_due(self) -> Decimal:
        if self.kind == InvoiceKind.CREDIT_NOTE or self.is_draft:
            return ZERO
        return self.total - self.amount_paid - self.amount_credited


class LineKind(models.TextChoices):
    RETAINER = "retainer", _("Retainer")
    INCLUDED_HOURS = "included_hours", _("Included hours used")
    OVERAGE = "overage", _("Hours beyond the plan")
    HOURLY = "hourly", _("Hours")
    SURCHARGE = "surcharge", _("Surcharge")
    EXPENSE = "expense", _("Expense")
    BLOCK = "block", _("Block of hours")
    CREDIT = "credit", _("Client credit applied")
    ADJUSTMENT = "adjustment", _("Adjustment")
    OTHER = "other", _("Other")


class InvoiceLine(TenantModel):
    """One line: quantity times unit price, rounded half-up to the currency; its tax per line."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=16, choices=LineKind.choices, default="other")
    description = models.CharField(_("description"), max_length=300)
    service_from = models.DateField(null=True, blank=True, validators=[validate_date_in_range])
    service_to = models.DateField(null=True, blank=True, validators=[validate_date_in_range])
    quantity = models.DecimalField(
        _("quantity"), default=Decimal(1), max_digits=12, decimal_places=2
    )
    unit_price = models.DecimalField(_("unit price"), default=ZERO, **MONEY)
    tax_rate = models.ForeignKey(
        TaxRate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The rate and its treatment as they were when the line was priced.
    tax_percent = models.DecimalField(default=ZERO, max_digits=7, decimal_places=4)
    tax_inclusive = models.BooleanField(default=False)
    amount = models.DecimalField(_("amount"), default=ZERO, **MONEY)  # net of tax
    tax_amount = models.DecimalField(_("tax"), default=ZERO, **MONEY)
    position = models.PositiveSmallIntegerField(default=0)
    # On a credit note: the invoice line it credits (what is left to credit is counted by it).
    credits_line = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credited_by"
    )

    class Meta:
        ordering = ["invoice_id", "position", "id"]
        indexes = [models.Index(fields=["practice", "invoice"], name="invoiceline_invoice_idx")]


class InvoiceLineTime(TenantModel):
    """A time entry billed by a line; an entry is billed once."""

    line = models.ForeignKey(InvoiceLine, on_delete=models.CASCADE, related_name="time_links")
    time_entry = models.ForeignKey("tasks.TimeEntry", on_delete=models.RESTRICT, related_name="+")
    billed_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "time_entry"], name="invoicelinetime_entry_once"
            )
        ]
        indexes = [models.Index(fields=["practice", "line"], name="invoicelinetime_line_idx")]


def _receipt_upload_to(instance: Expense, filename: str) -> str:
    return f"receipts/{instance.practice_id}/{filename}"


class Expense(TenantModel):
    """Money spent for a client; billed (with its markup) when ``billable``."""

    client = models.ForeignKey("clients.Client", on_delete=models.RESTRICT, related_name="+")
    date = models.DateField(_("date"), validators=[validate_date_in_range])
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    tax_rate = models.ForeignKey(
        TaxRate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    markup_percent = models.DecimalField(
        _("markup (%)"),
        default=ZERO,
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(1000))],
    )
    receipt = models.FileField(_("receipt"), upload_to=_receipt_upload_to, blank=True)
    billable = models.BooleanField(_("billable"), default=True)
    invoice_line = models.ForeignKey(
        InvoiceLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="expenses"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")
        ]
        indexes = [models.Index(fields=["practice", "client", "date"], name="expense_client_idx")]


class HourBlock(TenantModel):
    """A prepaid block of hours a client bought; time draws it down across months."""

    client = models.ForeignKey("clients.Client", on_delete=models.RESTRICT, related_name="+")
    engagement = models.ForeignKey(
        "clients.Engagement", null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    hours = models.DecimalField(_("hours"), **HOURS)
    purchased_on = models.DateField(_("bought on"), validators=[validate_date_in_range])
    invoice_line = models.OneToOneField(
        InvoiceLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="hour_block"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("block of hours")
        verbose_name_plural = _("blocks of hours")
        ordering = ["purchased_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="hourblock_positive")]
        indexes = [models.Index(fields=["practice", "client"], name="hourblock_client_idx")]


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Card")
    ONLINE = "online", _("Online checkout")
    CHEQUE = "cheque", _("Cheque")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class Payment(TenantModel):
    """Money received from a client; what is not allocated to invoices is the client's credit."""

    client = models.ForeignKey("clients.Client", on_delete=models.RESTRICT, related_name="+")
    date = models.DateField(_("date"), validators=[validate_date_in_range])
    method = models.CharField(
        _("method"), max_length=16, choices=PaymentMethod.choices, default="bank_transfer"
    )
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    # An online payment: the provider and its event, recorded once.
    provider = models.CharField(max_length=20, blank=True)
    provider_reference = models.CharField(max_length=120, blank=True)
    journal_entry = models.OneToOneField(
        JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(
                fields=["practice", "provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="payment_provider_once",
            ),
        ]
        indexes = [models.Index(fields=["practice", "client", "date"], name="payment_client_idx")]


class PaymentAllocation(TenantModel):
    """The part of a payment (or of a client's credit) applied to one invoice."""

    payment = models.ForeignKey(Payment, on_delete=models.RESTRICT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.RESTRICT, related_name="allocations")
    amount = models.DecimalField(_("amount"), **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive")
        ]
        indexes = [
            models.Index(fields=["practice", "invoice"], name="allocation_invoice_idx"),
            models.Index(fields=["practice", "payment"], name="allocation_payment_idx"),
        ]


class ReminderRule(TenantModel):
    """When to remind a client of an open invoice, in days from its due date (negative: before)."""

    days_from_due = models.SmallIntegerField(
        _("days from the due date"),
        validators=[MinValueValidator(-60), MaxValueValidator(365)],
        help_text=_("-3 = three days before, 0 = on the day, 7 = a week overdue."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = text_field(_("message"), max_length=limits.TEXT_NOTES)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["days_from_due"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "days_from_due"], name="reminderrule_unique_day"
            )
        ]


class ReminderSent(TenantModel):
    """A reminder sent for one invoice (at most once per rule)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="reminders")
    rule = models.ForeignKey(ReminderRule, on_delete=models.SET_NULL, null=True, related_name="+")
    days_from_due = models.SmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "invoice", "days_from_due"], name="remindersent_once"
            )
        ]


class ProviderEvent(models.Model):
    """A payment provider's webhook event, handled once (its id is global to the provider)."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    practice = models.ForeignKey(
        "secretary.Practice", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="providerevent_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"
