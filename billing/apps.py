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
            }
        )
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
