import logging

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The beat jobs of this app, merged into CELERY_BEAT_SCHEDULE when the app loads.
BEAT_SCHEDULE = {
    "documents-requeue-stalled": {
        "task": "documents.tasks.requeue_stalled_documents",
        "schedule": 60.0,
        "options": {"expires": 60, "queue": "default"},
    },
}


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from clients.agreement_wording import register_agreement_wording
        from clients.sections import register_client_section
        from documents import (
            client_tab,
            receivers,  # noqa: F401  (the service agreement on proposal)
            search,
        )
        from documents.agreements import agreement_wording
        from documents.subjects import register_subject_type
        from secretary.audit import register_verbs
        from secretary.search import register_search_provider

        register_search_provider(
            "documents",
            rows=search.document_rows,
            columns=search.DOCUMENT_COLUMNS,
            fields=search.DOCUMENT_FIELDS,
            hits=search.document_hits,
            label=_("Documents"),
            order=50,
            newest="created_at",
        )
        from secretary.navigation import register_portal_nav, register_staff_nav

        register_client_section(
            "documents",
            _("Documents"),
            template="documents/client_tab/documents.html",
            context=client_tab.documents_context,
            count=client_tab.documents_count,
            order=40,
        )
        register_subject_type(
            "clients.engagement", model="clients.Engagement", client_field="client"
        )
        register_subject_type(
            "documents.composition_version",
            model="documents.CompositionVersion",
            client_field="composition__client",
        )
        # The portal shows an engagement's terms in its agreement's words.
        register_agreement_wording(agreement_wording)
        settings.CELERY_BEAT_SCHEDULE.update(BEAT_SCHEDULE)
        register_staff_nav("documents", _("Documents"), order=60)
        register_staff_nav("template_library", _("Templates"), order=61)
        register_portal_nav("portal_compositions", _("Documents"), order=50, part="documents")
        register_verbs(
            {
                "document.requested": _("asked for a document"),
                "document.retried": _("retried a document"),
                "composition.created": _("started a document"),
                "composition.sent_for_approval": _("sent a document for approval"),
                "composition.approved": _("approved a document"),
                "composition.changes_requested": _("asked for changes to a document"),
                "composition.template_changed": _("chose a document's template"),
                "composition.email_test_sent": _("sent themselves a test of a newsletter's email"),
                "document_template.created": _("added a document template"),
                "document_template.saved": _("saved a document template"),
                "document_template.restored": _("restored a document template's version"),
                "document_template.archived": _("archived a document template"),
                "document_template.unarchived": _("brought back a document template"),
            }
        )
        # WeasyPrint reports every layout step at INFO; keep its progress out of the logs
        # unless the deployment configures that logger itself.
        progress = logging.getLogger("weasyprint.progress")
        if progress.level == logging.NOTSET:
            progress.setLevel(logging.WARNING)
