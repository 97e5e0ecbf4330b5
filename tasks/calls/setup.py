"""What the call log registers when the tasks app loads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    from clients.sections import register_client_section
    from secretary.audit import register_verbs
    from secretary.navigation import (
        register_portal_nav,
        register_staff_nav,
        register_staff_shortcut,
    )
    from tasks.calls import views

    register_staff_nav("call_list", _("Calls"), order=22)
    register_staff_shortcut("c", "call_new", _("Log a call"))
    register_portal_nav("portal_call_messages", _("Messages"), order=15, part="requests")
    register_client_section(
        "calls",
        _("Calls"),
        template="tasks/calls/client_tab.html",
        context=views.client_tab_context,
        count=views.client_tab_count,
        order=25,
    )
    register_verbs({"call.logged": _("logged a call")})
