"""What inbound email registers when the tasks app is ready: the webhook receiver, staff replies
by email, the quarantine's menu entry, the client page's tab and audit-log verbs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    from anymail.signals import inbound
    from django.db.models.signals import post_save

    from clients.sections import register_client_section
    from secretary.audit import register_verbs
    from secretary.navigation import register_staff_nav
    from tasks.inbound import (
        tasks,  # noqa: F401  (registers the jobs)
        views,
    )
    from tasks.inbound.receivers import send_reply_by_email
    from tasks.inbound.webhooks import receive_inbound_event
    from tasks.models import Comment

    inbound.connect(receive_inbound_event, dispatch_uid="tasks.inbound.receive")
    post_save.connect(
        send_reply_by_email, sender=Comment, dispatch_uid="tasks.inbound.reply_by_email"
    )
    register_staff_nav("inbound_quarantine", _("Held email"), order=22)
    register_client_section(
        "email",
        _("Email"),
        template="tasks/inbound/client_tab.html",
        context=views.client_tab_context,
        count=views.client_tab_count,
        order=25,
    )
    register_verbs(
        {
            "inbound.address_rotated": _("changed the client's email address"),
            "inbound.accepted": _("accepted a held email"),
            "inbound.discarded": _("discarded a held email"),
        }
    )
