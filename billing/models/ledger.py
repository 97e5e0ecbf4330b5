"""The double-entry ledger: books, accounts, journal entries and their lines.

A ``Book`` is one set of books: the practice's own, or one client's that the practice keeps.
Posted entries are immutable and balanced; on PostgreSQL the database itself enforces that
(constraint triggers in ``billing/migrations/0002_ledger_integrity.py``), on every database the
posting services check the same rules first so people get a clear message.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from secretary import limits
from secretary.limits import text_field, validate_date_in_range
from secretary.models import CURRENCIES, currency_quantum
from secretary.tenancy import TenantModel

# Money columns: every currency we offer has at most two minor digits (services quantize to the
# currency's own exponent, so JPY amounts are whole).
MONEY = {"max_digits": 18, "decimal_places": 2}
ZERO = Decimal("0")


class AccountType(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    EQUITY = "equity", _("Equity")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


class NormalBalance(models.TextChoices):
    DEBIT = "debit", _("Debit")
    CREDIT = "credit", _("Credit")


NORMAL_BALANCE = {
    AccountType.ASSET: NormalBalance.DEBIT,
    AccountType.EXPENSE: NormalBalance.DEBIT,
    AccountType.LIABILITY: NormalBalance.CREDIT,
    AccountType.EQUITY: NormalBalance.CREDIT,
    AccountType.INCOME: NormalBalance.CREDIT,
}


class AccountRole(models.TextChoices):
    """What the product itself uses an account for (at most one account per role and book)."""

    NONE = "", _("—")
    RECEIVABLE = "receivable", _("Accounts receivable")
    PAYABLE = "payable", _("Accounts payable")
    TAX_COLLECTED = "tax_collected", _("Tax collected")
    TAX_PAID = "tax_paid", _("Tax paid")
    RETAINED_EARNINGS = "retained_earnings", _("Retained earnings")
    OPENING_BALANCE = "opening_balance", _("Opening balance equity")
    UNCATEGORISED = "uncategorised", _("Suspense (uncategorised)")
    TRUST_LIABILITY = "trust_liability", _("Trust liability (client money)")


class Book(TenantModel):
    """One set of books: the practice's own (``client`` empty) or one client's."""

    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        # A client's books are history: the client is archived, never deleted under them.
        on_delete=models.RESTRICT,
        related_name="books",
        verbose_name=_("client"),
    )
    name = models.CharField(_("name"), max_length=160)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    lock_date = models.DateField(
        _("lock date"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("Nothing can be posted on or before this date."),
    )
    chart_template = models.CharField(_("chart of accounts"), max_length=40, blank=True)
    # Posted entries are numbered per book in posting order (drafts have no number).
    next_entry_number = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("book")
        verbose_name_plural = _("books")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client"],
                condition=Q(client__isnull=False),
                name="book_one_per_client",
            ),
            # The practice keeps one set of books per currency it works in.
            models.UniqueConstraint(
                fields=["practice", "currency"],
                condition=Q(client__isnull=True),
                name="book_one_practice_book_per_currency",
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="book_fiscal_month_valid",
            ),
        ]
        indexes = [models.Index(fields=["practice", "client"], name="book_client_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def quantum(self) -> Decimal:
        return currency_quantum(self.currency)

    @property
    def is_practice_book(self) -> bool:
        return self.client_id is None


class TaxCode(TenantModel):
    """A tax treatment lines can carry (e.g. GST 10%, GST free, input taxed)."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="tax_codes")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=120)
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=7,
        decimal_places=4,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(100))],
    )
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("tax code")
        verbose_name_plural = _("tax codes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "book", "code"], name="taxcode_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Account(TenantModel):
    """An account of one book's chart of accounts."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="accounts")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=160)
    type = models.CharField(_("type"), max_length=16, choices=AccountType.choices)
    normal_balance = models.CharField(
        _("normal balance"), max_length=6, choices=NormalBalance.choices
    )
    role = models.CharField(
        _("used for"), max_length=24, choices=AccountRole.choices, default="", blank=True
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    description = text_field(_("description"), blank=True, max_length=limits.TEXT_SHORT)
    is_bank = models.BooleanField(_("bank account"), default=False)
    is_trust = models.BooleanField(
        _("trust account"),
        default=False,
        help_text=_("Client money: every line carries a matter, no matter may go below zero."),
    )
    default_tax_code = models.ForeignKey(
        TaxCode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default tax code"),
    )
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "book", "code"], name="account_unique_code"
            ),
            models.UniqueConstraint(
                fields=["practice", "book", "role"],
                condition=~Q(role=""),
                name="account_one_per_role",
            ),
        ]
        indexes = [models.Index(fields=["practice", "book", "type"], name="account_type_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def debit_normal(self) -> bool:
        return self.normal_balance == NormalBalance.DEBIT


class LedgerContact(TenantModel):
    """A customer or supplier lines can be tagged with (for aged receivables and payables).

    In the practice's own books a contact may stand for one of the practice's clients.
    """

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=160)
    email = models.EmailField(_("email"), blank=True)
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("client"),
    )
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "book", "name"], name="ledgercontact_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EntrySource(models.TextChoices):
    MANUAL = "manual", _("Manual")
    INVOICE = "invoice", _("Invoice")
    PAYMENT = "payment", _("Payment")
    BANK_IMPORT = "bank_import", _("Bank import")
    REVERSAL = "reversal", _("Reversal")
    OPENING_BALANCE = "opening_balance", _("Opening balance")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")


class JournalEntry(TenantModel):
    """A dated set of lines whose debits equal their credits once posted."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="entries")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    date = models.DateField(_("date"), validators=[validate_date_in_range])
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=EntrySource.choices, default=EntrySource.MANUAL
    )
    # What the entry came from, e.g. ("billing.statementline", 42) or ("billing.invoice", 7).
    source_type = models.CharField(max_length=64, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    reversal_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("reversal of"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "book", "number"],
                condition=Q(number__isnull=False),
                name="entry_unique_number",
            ),
            models.UniqueConstraint(
                fields=["practice", "source_type", "source_id"],
                condition=Q(source_id__isnull=False) & ~Q(source=EntrySource.REVERSAL),
                name="entry_one_per_source",
            ),
            models.CheckConstraint(
                condition=Q(status=EntryStatus.DRAFT)
                | Q(number__isnull=False, posted_at__isnull=False),
                name="entry_posted_has_number",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "book", "-date", "-id"], name="entry_book_date_idx"),
            models.Index(fields=["practice", "book", "status"], name="entry_status_idx"),
        ]

    def __str__(self) -> str:
        label = f"#{self.number}" if self.number else _("draft")
        return f"{label} {self.date} {self.memo}".strip()

    @property
    def is_posted(self) -> bool:
        return self.status == EntryStatus.POSTED


class JournalLine(TenantModel):
    """One debit or one credit of an entry.

    ``book``, ``date`` and ``posted`` repeat the entry's so reports aggregate the lines table
    alone (one scan per book, no join); the database checks they agree with the entry.
    """

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lines")
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="lines", verbose_name=_("account")
    )
    date = models.DateField(_("date"), validators=[validate_date_in_range])
    posted = models.BooleanField(default=False)
    debit = models.DecimalField(_("debit"), default=ZERO, **MONEY)
    credit = models.DecimalField(_("credit"), default=ZERO, **MONEY)
    description = models.CharField(_("description"), max_length=300, blank=True)
    contact = models.ForeignKey(
        LedgerContact,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
        verbose_name=_("contact"),
    )
    tax_code = models.ForeignKey(
        TaxCode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tax code"),
    )
    matter = models.ForeignKey(
        "billing.TrustMatter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
        verbose_name=_("matter"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        ordering = ["entry_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gte=0) & Q(credit__gte=0), name="line_amounts_not_negative"
            ),
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(debit=0) & Q(credit__gt=0)),
                name="line_debit_xor_credit",
            ),
        ]
        indexes = [
            # Reports: per book and account over posted lines by date; with the amounts, a
            # book's balances (the book page, the trial balance) are read from the index alone.
            models.Index(
                fields=["practice", "book", "account", "date"],
                include=["debit", "credit"],
                name="line_account_date_idx",
                condition=Q(posted=True),
            ),
            models.Index(fields=["practice", "entry"], name="line_entry_idx"),
            models.Index(
                fields=["practice", "contact"],
                name="line_contact_idx",
                condition=Q(contact__isnull=False),
            ),
            models.Index(
                fields=["practice", "matter", "date"],
                name="line_matter_idx",
                condition=Q(matter__isnull=False),
            ),
        ]

    @property
    def amount(self) -> Decimal:
        """Signed: debits positive, credits negative."""
        return self.debit - self.credit
