"""Bank statements: feeds (how a bank's files read), imports, statement lines, rules, matches
and reconciliations. Statement lines are kept apart from the ledger: reconciling never touches a
posted journal line (those are immutable), it records a ``StatementMatch``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.models.ledger import MONEY, ZERO, Account, Book, LedgerContact, TaxCode
from secretary import limits
from secretary.limits import text_field, validate_date_in_range
from secretary.tenancy import TenantModel


class BankFeed(TenantModel):
    """How statements of one bank account read: the CSV column mapping, the OFX account id."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="bank_feed")
    # The account number an OFX/QFX file names (<ACCTID>): files for another account are refused.
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    has_header = models.BooleanField(_("first row holds column names"), default=True)
    delimiter = models.CharField(_("delimiter"), max_length=1, default=",")
    date_column = models.CharField(_("date column"), max_length=80, blank=True)
    description_column = models.CharField(_("description column"), max_length=80, blank=True)
    amount_column = models.CharField(
        _("amount column"),
        max_length=80,
        blank=True,
        help_text=_("One signed amount column; leave empty to use debit and credit columns."),
    )
    debit_column = models.CharField(_("money out column"), max_length=80, blank=True)
    credit_column = models.CharField(_("money in column"), max_length=80, blank=True)
    reference_column = models.CharField(_("reference column"), max_length=80, blank=True)
    date_format = models.CharField(
        _("date format"), max_length=20, default="%Y-%m-%d", help_text=_("e.g. %d/%m/%Y")
    )
    decimal_comma = models.BooleanField(_("decimal comma (1.234,56)"), default=False)

    class Meta:
        verbose_name = _("bank feed")
        verbose_name_plural = _("bank feeds")
        constraints = [
            models.UniqueConstraint(fields=["practice", "account"], name="bankfeed_one_per_account")
        ]


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    OFX = "ofx", _("OFX / QFX")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


def _statement_upload_to(instance: StatementImport, filename: str) -> str:
    return f"statements/{instance.practice_id}/{filename}"


class StatementImport(TenantModel):
    """One uploaded statement file, read on a worker with progress."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="statement_imports")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(_("format"), max_length=4, choices=ImportFormat.choices)
    file = models.FileField(_("file"), upload_to=_statement_upload_to)
    filename = models.CharField(_("file name"), max_length=200)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    failure_reason = text_field(_("reason"), blank=True, max_length=limits.TEXT_SHORT)
    total_lines = models.PositiveIntegerField(null=True, blank=True)
    processed_lines = models.PositiveIntegerField(default=0)
    created_lines = models.PositiveIntegerField(default=0)
    duplicate_lines = models.PositiveIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("statement import")
        verbose_name_plural = _("statement imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["practice", "book", "-created_at"], name="statementimport_book_idx"
            ),
            models.Index(fields=["practice", "status"], name="statementimport_status_idx"),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def progress(self) -> int:
        """Percent done (0..100)."""
        if self.status == ImportStatus.DONE:
            return 100
        if not self.total_lines:
            return 0
        return min(100, int(self.processed_lines * 100 / self.total_lines))


class StatementLine(TenantModel):
    """One line of a bank statement. ``amount`` is signed: money in positive, out negative.

    ``line_hash`` identifies the line across files (account, date, amount, description,
    reference and its occurrence among identical lines of the same file), so importing the same
    statement again creates nothing.
    """

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="statement_lines")
    statement_import = models.ForeignKey(
        StatementImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="lines"
    )
    date = models.DateField(_("date"), validators=[validate_date_in_range])
    description = models.CharField(_("description"), max_length=300)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    line_hash = models.CharField(max_length=64)
    # Set by a rule on import: what the one-click entry will post against.
    suggested_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_tax_code = models.ForeignKey(
        TaxCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_contact = models.ForeignKey(
        LedgerContact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reconciled = models.BooleanField(_("reconciled"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "account", "line_hash"], name="statementline_unique_hash"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="statementline_amount_not_zero"),
        ]
        indexes = [
            models.Index(
                fields=["practice", "account", "reconciled", "date"],
                name="statementline_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.description} {self.amount}"


class StatementMatch(TenantModel):
    """A statement line explained by a posted ledger line (one statement line may take many)."""

    statement_line = models.ForeignKey(
        StatementLine, on_delete=models.CASCADE, related_name="matches"
    )
    journal_line = models.ForeignKey(
        "billing.JournalLine", on_delete=models.CASCADE, related_name="statement_matches"
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # A ledger line explains at most one statement line.
            models.UniqueConstraint(
                fields=["practice", "journal_line"], name="statementmatch_line_once"
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "statement_line"], name="statementmatch_stmt_idx")
        ]


class BankRule(TenantModel):
    """ "Description contains X → account Y, tax code Z", applied to lines as they are imported."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="bank_rules")
    bank_account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("bank account"),
        help_text=_("Leave empty to apply to every bank account of the book."),
    )
    contains = models.CharField(_("description contains"), max_length=120)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("post to account")
    )
    tax_code = models.ForeignKey(
        TaxCode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tax code"),
    )
    contact = models.ForeignKey(
        LedgerContact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Lower runs first; the first match wins.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("bank rule")
        verbose_name_plural = _("bank rules")
        ordering = ["priority", "id"]
        indexes = [models.Index(fields=["practice", "book", "priority"], name="bankrule_book_idx")]

    def __str__(self) -> str:
        return f"“{self.contains}” → {self.account}"


class ReconciliationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class BankReconciliation(TenantModel):
    """A bank account reconciled up to a statement date; closes only at a difference of zero."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="bank_reconciliations")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField(_("from"), validators=[validate_date_in_range])
    period_end = models.DateField(_("statement date"), validators=[validate_date_in_range])
    statement_balance = models.DecimalField(_("statement balance"), **MONEY)
    ledger_balance = models.DecimalField(_("ledger balance"), default=ZERO, **MONEY)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=ReconciliationStatus.choices,
        default=ReconciliationStatus.OPEN,
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bank reconciliation")
        verbose_name_plural = _("bank reconciliations")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "account", "period_end"], name="bankrec_one_per_date"
            ),
            models.CheckConstraint(
                condition=Q(status=ReconciliationStatus.OPEN)
                | Q(statement_balance=models.F("ledger_balance")),
                name="bankrec_closed_at_zero",
            ),
        ]

    @property
    def difference(self):
        return self.statement_balance - self.ledger_balance
