from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Bank statements: queue again imports whose worker died (their lease expired).
BANK_BEAT_SCHEDULE = {
    "billing-requeue-stalled-imports": {
        "task": "billing.bank.tasks.requeue_stalled_imports",
        "schedule": 60.0,
        "options": {"expires": 60, "queue": "default"},
    },
}


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Bookkeeping and billing")

    def ready(self) -> None:
        from secretary.audit import register_verbs
        from secretary.navigation import register_staff_nav

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

        register_staff_nav("book_list", _("Books"), order=45)
        # Bank statements.
        settings.CELERY_BEAT_SCHEDULE.update(BANK_BEAT_SCHEDULE)
        register_staff_nav("bank_home", _("Bank"), order=46)
        register_verbs(
            {
                "bank.feed_saved": _("changed the bank feed settings of"),
                "bank.statement_uploaded": _("uploaded a bank statement"),
                "bank.rule_saved": _("saved a bank rule"),
                "bank.rule_deleted": _("deleted a bank rule"),
                "bank.line_matched": _("matched a statement line"),
                "bank.line_unmatched": _("undid the match of a statement line"),
                "bank.reconciliation_closed": _("closed a bank reconciliation"),
            }
        )
