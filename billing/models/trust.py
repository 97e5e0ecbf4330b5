"""Trust (client) money: a ledger per matter under a trust bank account.

Every line on a trust account carries a matter; no matter's balance may go below zero, which
the database enforces on PostgreSQL at commit (see the ledger integrity migration).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.models.ledger import MONEY, Account, Book
from secretary import limits
from secretary.limits import text_field, validate_date_in_range
from secretary.tenancy import TenantModel


class TrustMatter(TenantModel):
    """One matter (a client's case) whose money is held in trust."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="matters")
    reference = models.CharField(_("matter number"), max_length=40)
    name = models.CharField(_("name"), max_length=160)
    description = text_field(_("description"), blank=True, max_length=limits.TEXT_SHORT)
    opened_on = models.DateField(_("opened on"), validators=[validate_date_in_range])
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, validators=[validate_date_in_range]
    )

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "book", "reference"], name="trustmatter_unique_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"


class TrustReconciliation(TenantModel):
    """A three-way reconciliation: bank statement = trust account = sum of the matter ledgers."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="trust_reconciliations")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField(_("as of"), validators=[validate_date_in_range])
    statement_balance = models.DecimalField(_("bank statement balance"), **MONEY)
    account_balance = models.DecimalField(_("trust account balance"), **MONEY)
    matters_total = models.DecimalField(_("sum of matter ledgers"), **MONEY)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reconciled_at = models.DateTimeField(_("reconciled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trust reconciliation")
        verbose_name_plural = _("trust reconciliations")
        ordering = ["-as_of", "-id"]
        indexes = [
            models.Index(fields=["practice", "account", "-as_of"], name="trustrec_account_idx")
        ]

    @property
    def is_balanced(self) -> bool:
        return self.statement_balance == self.account_balance == self.matters_total
