"""What the playbook registers when the clients app loads: its client tab, portal entry, the
quick switcher in the staff top bar and its shortcut, and its audit verbs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    from clients.playbook import services, views
    from clients.sections import register_client_section
    from secretary.audit import register_verbs
    from secretary.navigation import (
        register_portal_nav,
        register_staff_shortcut,
        register_staff_topbar,
    )

    register_client_section(
        "playbook",
        _("Playbook"),
        template="clients/playbook/client_tab.html",
        context=views.client_tab_context,
        count=views.client_tab_count,
        order=15,
    )
    register_portal_nav("portal_playbook", _("How we answer"), order=50, part=services.PORTAL_PART)
    register_staff_topbar("clients/playbook/partials/switcher_topbar.html", per_practice=True)
    register_staff_shortcut("k", "client_switcher", _("Find a client (also Ctrl+K)"))
    register_verbs(
        {
            "playbook.saved": _("saved a playbook version"),
            "playbook.proposed": _("proposed a change to the playbook"),
            "playbook.proposal_accepted": _("accepted a playbook proposal"),
            "playbook.proposal_declined": _("declined a playbook proposal"),
        }
    )
