from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("Clients and plans")

    def ready(self) -> None:
        from clients import receivers  # noqa: F401  (practice seeding, contact invitations)
        from clients.mailing.campaigns import setup as campaigns_setup
        from clients.models import ClientStatus
        from secretary.audit import register_verbs
        from secretary.models import Role
        from secretary.navigation import register_portal_nav, register_staff_nav

        register_staff_nav("client_list", _("Clients"), order=20)
        from clients import search
        from clients.playbook import search as playbook_search
        from secretary.search import register_search_provider, register_shared_value

        register_shared_value("closed_clients", search.closed_to_member)
        register_search_provider(
            "clients",
            rows=search.client_rows,
            columns=search.CLIENT_COLUMNS,
            fields=search.CLIENT_FIELDS,
            sort=search.BEST_FIRST,
            hits=search.client_hits,
            label=_("Clients"),
            order=10,
            more_url=search.clients_more_url,
        )
        register_search_provider(
            "contacts",
            rows=search.contact_rows,
            columns=search.CONTACT_COLUMNS,
            fields=search.CONTACT_FIELDS,
            sort=search.BEST_FIRST,
            hits=search.contact_hits,
            label=_("Contacts"),
            order=20,
            more_url=search.clients_more_url,
        )
        register_search_provider(
            "playbooks",
            rows=playbook_search.playbook_rows,
            columns=playbook_search.PLAYBOOK_COLUMNS,
            sort=("-updated_at", "-pk"),
            hits=playbook_search.playbook_hits,
            label=_("Playbooks"),
            order=25,
            overfetch=3,  # rows that matched only the content's keys are dropped
        )
        register_staff_nav("plan_list", _("Service plans"), order=60, min_role=Role.SECRETARY)
        # Onboarding is done once the client is active (or paused, or gone).
        register_portal_nav(
            "portal_onboarding",
            _("Onboarding"),
            order=60,
            shown=lambda request: (
                request.client.status in (ClientStatus.PROSPECT, ClientStatus.ONBOARDING)
            ),
        )
        register_portal_nav("portal_plan", _("Your plan"), order=70)
        # A client's own customer lists (clients.mailing).
        register_staff_nav("audience_list", _("Mailing lists"), order=25)
        register_portal_nav("portal_audience_list", _("Mailing lists"), order=55, part="documents")
        from clients.sections import register_client_section

        def client_mailing(request, client):
            from clients.mailing.selectors import audiences_with_counts

            audiences = audiences_with_counts(practice=request.practice, client=client)
            return {"audiences": list(audiences[:20]), "client": client}

        def mailing_count(request, client):
            from clients.mailing.selectors import audience_count

            return audience_count(practice=request.practice.pk, client=client.pk)

        register_client_section(
            "mailing",
            _("Mailing lists"),
            template="clients/mailing/partials/client_section.html",
            context=client_mailing,
            count=mailing_count,
            order=45,
        )
        campaigns_setup.ready()
        from clients.playbook import setup as playbook_setup

        playbook_setup.ready()
        register_verbs(
            {
                "client.created": _("added a client"),
                "client.updated": _("updated a client"),
                "client.archived": _("archived a client"),
                "client.team_joined": _("added a member to a client's team"),
                "client.team_left": _("took a member off a client's team"),
                "client.regulation_changed": _("changed whether a client is regulated"),
                "client.agreement_recorded": _("recorded a confidentiality agreement"),
                "client.records_viewed": _("viewed a regulated client's records"),
                "clients.import_uploaded": _("uploaded a file of clients to import"),
                "clients.imported": _("imported clients and contacts"),
                "clients.exported": _("exported the clients and contacts"),
                "contact.created": _("added a contact"),
                "contact.updated": _("updated a contact"),
                "contact.deleted": _("removed a contact"),
                "contact.profile_updated": _("updated their own contact details"),
                "category.created": _("added a service category"),
                "category.updated": _("updated a service category"),
                "plan.created": _("added a service plan"),
                "plan.updated": _("updated a service plan"),
                "plan.archived": _("archived a service plan"),
                "plan.restored": _("restored a service plan"),
                "onboarding.sent": _("sent the intake questionnaire"),
                "onboarding.answered": _("answered the intake questionnaire"),
                "engagement.created": _("drafted an engagement"),
                "engagement.updated": _("changed an engagement's terms"),
                "engagement.proposed": _("proposed an engagement"),
                "engagement.withdrawn": _("withdrew a proposal"),
                "engagement.accepted": _("accepted an engagement"),
                "engagement.changes_requested": _("asked for changes to an engagement"),
                "engagement.revised": _("started a new version of an engagement"),
                "engagement.ended": _("ended an engagement"),
                "engagement.discarded": _("discarded a draft engagement"),
                "brand.updated": _("updated a brand kit"),
                "audience.created": _("added a mailing list"),
                "audience.updated": _("updated a mailing list"),
                "audience.deleted": _("deleted a mailing list"),
                "audience.exported": _("exported a mailing list"),
                "subscriber.added": _("added a person to a mailing list"),
                "subscriber.updated": _("updated a person on a mailing list"),
                "subscriber.status_changed": _("changed a subscriber's status"),
                "subscriber.deleted": _("removed a person from a mailing list"),
                "subscribers.upserted": _("added or updated people on a mailing list"),
                "subscribers.imported": _("imported people into a mailing list"),
                "subscribers.import_uploaded": _("uploaded a file to import into a mailing list"),
                "subscribers.import_started": _("started an import into a mailing list"),
                "segment.created": _("added a segment"),
                "segment.updated": _("updated a segment"),
                "segment.deleted": _("deleted a segment"),
            }
        )
