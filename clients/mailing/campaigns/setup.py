"""What campaigns register with the project when the clients app is ready: menus, audit-log
verbs, the beat job, the tasks and the webhook receiver."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

BEAT_SCHEDULE = {
    "campaigns-sweep": {
        "task": "clients.mailing.campaigns.tasks.campaigns_sweep",
        "schedule": 60.0,
        "options": {"expires": 60, "queue": "default"},
    },
}


def ready() -> None:
    from anymail.signals import tracking

    from clients.mailing.campaigns import tasks  # noqa: F401  (registers the jobs)
    from clients.mailing.campaigns.webhooks import record_tracking_event
    from secretary.audit import register_verbs
    from secretary.models import Role
    from secretary.navigation import register_portal_nav, register_staff_nav

    tracking.connect(record_tracking_event, dispatch_uid="clients.mailing.campaigns.tracking")
    settings.CELERY_BEAT_SCHEDULE.update(BEAT_SCHEDULE)
    register_staff_nav("campaign_list", _("Campaigns"), order=26)
    register_staff_nav(
        "sending_settings", _("Sending email"), min_role=Role.ADMIN, order=84, group="settings"
    )
    register_portal_nav("portal_campaigns", _("Newsletters"), order=51, part="documents")
    register_verbs(
        {
            "campaign.created": _("started a campaign"),
            "campaign.updated": _("changed a campaign"),
            "campaign.approval_requested": _("asked the client to approve a campaign"),
            "campaign.approved": _("approved a campaign"),
            "campaign.declined": _("declined a campaign"),
            "campaign.scheduled": _("scheduled a campaign"),
            "campaign.sent": _("started sending a campaign"),
            "campaign.cancelled": _("cancelled a campaign"),
            "subscriber.unsubscribed": _("unsubscribed from a mailing list"),
            "mailing.settings_changed": _("changed the sending settings"),
        }
    )
