from celery.schedules import crontab
from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The beat jobs of this app, merged into CELERY_BEAT_SCHEDULE when the app loads.
BEAT_SCHEDULE = {
    # Month end: remind people of books whose previous month is left open (daily, 06:15 UTC).
    "billing-send-close-reminders": {
        "task": "billing.tasks.send_close_reminders",
        "schedule": crontab(hour=6, minute=15),
    },
}


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
            }
        )

        # Reports, the portal's books and month end.
        from documents.subjects import register_subject_type
        from secretary.models import Role
        from secretary.navigation import register_portal_nav, register_staff_nav

        settings.CELERY_BEAT_SCHEDULE.update(BEAT_SCHEDULE)
        register_subject_type("billing.book", model="billing.Book")
        register_staff_nav("report_books", _("Reports"), order=45)
        register_staff_nav(
            "billing_settings", _("Bookkeeping"), min_role=Role.ADMIN, order=85, group="settings"
        )
        register_portal_nav("portal_books", _("Books"), order=40)
        register_verbs(
            {
                "ledger.month_end_pack_generated": _("generated a month-end pack"),
                "ledger.month_end_pack_published": _("published a month-end pack"),
                "ledger.month_closed": _("closed a month of books"),
                "billing.settings_changed": _("changed the bookkeeping settings"),
            }
        )
