from celery.schedules import crontab
from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The beat jobs of this app, merged into CELERY_BEAT_SCHEDULE when the app loads.
BEAT_SCHEDULE = {
    # Bank statements: queue again imports whose worker died (their lease expired).
    "billing-requeue-stalled-imports": {
        "task": "billing.bank.tasks.requeue_stalled_imports",
        "schedule": 60.0,
        "options": {"expires": 60, "queue": "default"},
    },
    # Month end: remind people of books whose previous month is left open (daily, 06:15 UTC).
    "billing-send-close-reminders": {
        "task": "billing.tasks.send_close_reminders",
        "schedule": crontab(hour=6, minute=15),
    },
    # Invoice runs: the draft of each engagement period just closed in its time zone (hourly).
    "billing-run-invoices": {
        "task": "billing.tasks.run_invoices",
        "schedule": crontab(minute=5),
        "options": {"expires": 3000, "queue": "default"},
    },
    # Invoicing: reminders of open invoices by the practice's rules (daily, 07:00 UTC).
    "billing-send-invoice-reminders": {
        "task": "billing.tasks.send_invoice_reminders",
        "schedule": crontab(hour=7, minute=0),
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

        # Reports, the portal's books and month end.
        from documents.subjects import register_subject_type
        from secretary.models import Role
        from secretary.navigation import register_portal_nav

        settings.CELERY_BEAT_SCHEDULE.update(BEAT_SCHEDULE)
        register_subject_type("billing.book", model="billing.Book")
        register_staff_nav("report_books", _("Reports"), order=45)
        register_staff_nav(
            "billing_settings", _("Bookkeeping"), min_role=Role.ADMIN, order=85, group="settings"
        )
        register_portal_nav("portal_books", _("Books"), order=40, part="billing")
        register_verbs(
            {
                "ledger.month_end_pack_generated": _("generated a month-end pack"),
                "ledger.month_end_pack_published": _("published a month-end pack"),
                "ledger.month_closed": _("closed a month of books"),
                "billing.settings_changed": _("changed the bookkeeping settings"),
            }
        )

        # Invoice runs, hour blocks and expenses.
        from django.db.models.signals import post_save

        from billing.invoicing.guards import billing_period_closed, time_changed
        from tasks.models import TimeEntry
        from tasks.timekeeping import register_period_guard

        register_period_guard(billing_period_closed)
        post_save.connect(time_changed, sender=TimeEntry, dispatch_uid="billing.block_alert")
        # Only saves: a deleted entry gives hours back, and deleting a whole practice must not
        # queue work for it.
        register_staff_nav("expense_list", _("Expenses"), order=47)
        register_portal_nav("portal_hour_blocks", _("Your hours"), order=41, part="billing")
        register_verbs(
            {
                "billing.expense_created": _("recorded an expense"),
                "billing.expense_updated": _("changed an expense"),
                "billing.expense_deleted": _("deleted an expense"),
                "billing.block_purchased": _("added a block of hours"),
            }
        )

        # Invoicing: drafts, issue, credit notes, payments and client credit.
        register_verbs(
            {
                "invoice.drafted": _("drafted an invoice"),
                "invoice.draft_deleted": _("deleted a draft invoice"),
                "invoice.issued": _("issued an invoice"),
                "invoice.sent": _("marked an invoice as sent"),
                "invoice.credited": _("credited an invoice"),
                "payment.recorded": _("recorded a payment"),
                "payment.credit_applied": _("applied a client's credit to an invoice"),
            }
        )

        # Invoicing: documents, sending, reminders and online payment.
        register_subject_type("billing.invoice", model="billing.Invoice")
        # A statement of account is about the client itself.
        register_subject_type("billing.client_statement", model="clients.Client", client_field="pk")
        register_portal_nav("portal_invoices", _("Invoices"), order=42, part="billing")
        register_staff_nav(
            "invoice_reminders",
            _("Invoice reminders"),
            min_role=Role.ADMIN,
            order=86,
            group="settings",
        )
        register_verbs(
            {
                "invoice.send_requested": _("sent an invoice"),
                "invoice.reminder_rule_changed": _("changed an invoice reminder"),
                "invoice.paid_online": _("recorded an online payment of an invoice"),
            }
        )

        # Invoicing staff pages: the dashboard, invoices, the setup and the client's section.
        from clients.sections import register_client_section

        register_staff_nav("billing_dashboard", _("Billing"), order=44)
        register_staff_nav(
            "invoicing_settings", _("Invoicing"), min_role=Role.ADMIN, order=87, group="settings"
        )
        register_staff_nav(
            "tax_rate_list", _("Tax rates"), min_role=Role.ADMIN, order=88, group="settings"
        )
        register_staff_nav(
            "series_list", _("Invoice numbering"), min_role=Role.ADMIN, order=89, group="settings"
        )
        register_verbs(
            {
                "invoice.tax_rate_saved": _("saved a tax rate"),
                "invoice.series_saved": _("saved an invoice numbering series"),
            }
        )

        def client_billing(request, client):
            from billing.views.invoices import client_billing_context

            return client_billing_context(request, client)

        def open_invoices(request, client):
            from billing.views.invoices import client_open_invoice_count

            return client_open_invoice_count(request, client)

        register_client_section(
            "billing",
            _("Billing"),
            template="billing/partials/client_billing.html",
            context=client_billing,
            count=open_invoices,
            order=60,
        )
