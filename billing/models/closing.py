"""Month-end: the practice's bookkeeping settings, month-end packs published to clients, and
the reminders of months left open."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.models.invoicing import PaymentTerms
from billing.models.ledger import Book
from secretary import limits
from secretary.limits import text_field, validate_date_in_range
from secretary.tenancy import TenantModel


class BillingSettings(TenantModel):
    """Per-practice settings of bookkeeping (and, later, invoicing)."""

    close_by_day = models.PositiveSmallIntegerField(
        _("close each month by day"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Secretaries are reminded of books whose previous month is still open."),
    )
    # Invoicing: what every invoice prints and the defaults it starts from.
    tax_number = models.CharField(_("tax number (ABN, EIN, VAT no.)"), max_length=64, blank=True)
    invoice_address = text_field(_("address on invoices"), blank=True, max_length=limits.TEXT_SHORT)
    payment_instructions = text_field(
        _("payment instructions"),
        blank=True,
        max_length=limits.TEXT_SHORT,
        help_text=_("Bank details or how to pay, printed on every invoice."),
    )
    default_payment_terms = models.CharField(
        _("default payment terms"),
        max_length=12,
        choices=PaymentTerms.choices,
        default=PaymentTerms.NET_14,
    )

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="billingsettings_one_per_practice")
        ]


class PackStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class MonthEndPack(TenantModel):
    """P&L, balance sheet and bank reconciliation summary of one month, with a note, as a PDF
    the client's billing contacts read once the secretary publishes it."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="month_end_packs")
    period_start = models.DateField(_("from"), validators=[validate_date_in_range])
    period_end = models.DateField(_("to"), validators=[validate_date_in_range])
    note = text_field(_("note from your secretary"), blank=True, max_length=limits.TEXT_NOTES)
    status = models.CharField(
        _("status"), max_length=10, choices=PackStatus.choices, default=PackStatus.DRAFT
    )
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("month-end pack")
        verbose_name_plural = _("month-end packs")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "book", "period_end"], name="monthendpack_one_per_month"
            )
        ]


class CloseReminder(TenantModel):
    """A reminder sent for one book and month (at most one each)."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month left open
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "book", "month"], name="closereminder_once_per_month"
            )
        ]
