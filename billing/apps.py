from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Bookkeeping and billing")

    def ready(self) -> None:
        from secretary.audit import register_verbs

        register_verbs(
            {
                "ledger.book_created": _("opened books"),
                "ledger.book_locked": _("changed the lock date of books"),
                "ledger.entry_drafted": _("drafted a journal entry"),
                "ledger.entry_posted": _("posted a journal entry"),
                # Ledger API (chart of accounts).
                "ledger.account_created": _("added an account to a chart"),
                "ledger.account_changed": _("changed an account of a chart"),
            }
        )
