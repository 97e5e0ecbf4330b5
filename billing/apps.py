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
                # Trust (client) money
                "trust.matter_opened": _("opened a trust matter"),
                "trust.matter_updated": _("changed a trust matter"),
                "trust.matter_closed": _("closed a trust matter"),
                "trust.reconciled": _("recorded a three-way trust reconciliation"),
                # Books and journal pages
                "ledger.book_updated": _("changed the settings of books"),
                "ledger.account_saved": _("saved an account"),
                "ledger.account_archived": _("archived an account"),
                "ledger.account_restored": _("restored an account"),
                "ledger.tax_code_saved": _("saved a tax code"),
                "ledger.contact_saved": _("saved a ledger contact"),
            }
        )

        from secretary.navigation import register_staff_nav

        register_staff_nav("book_list", _("Books"), order=45)
