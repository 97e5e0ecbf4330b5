"""Rendering documents in the background (the ``documents`` queue, see CELERY_TASK_ROUTES)."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init
from django.db import DatabaseError
from django.utils.translation import gettext as _

from documents import rendering, services
from documents.builtins import builtin_template
from documents.models import RENDER_TIME_LIMIT

# Registered with the worker through this module (Celery finds ``documents.tasks``); its name
# keeps it on the default queue, with the other email.
from documents.newsletter_send import send_newsletter_test
from documents.template_library_store import (
    is_practice_template_version,
    template_source_for_document,
)
from secretary import scope
from secretary.errors import ApplicationError
from secretary.models import Practice
from secretary.outbox import TRANSIENT_ERRORS
from secretary.tenancy import practice_scope

logger = logging.getLogger(__name__)

__all__ = [
    "notify_approval_requested",
    "render_document",
    "render_preview",
    "requeue_stalled_documents",
    "send_newsletter_test",
]

MAX_RETRIES = 5


def _in_practice(practice_id: int, step, /, **kwargs):
    """One database step of a rendering, in its own transaction of the practice."""
    with practice_scope(practice_id):
        return step(**kwargs)


@worker_init.connect
def _import_weasyprint(**kwargs) -> None:
    """Import WeasyPrint in the worker's main process, before the pool forks: children start
    with it loaded, instead of each paying the import within Celery's start-up timeout (on a
    busy host they missed it and were replaced in a loop)."""
    rendering.warm_up()


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=RENDER_TIME_LIMIT - 30,
    time_limit=RENDER_TIME_LIMIT,
    # The claim must commit before the (long) rendering, and the result after it: each step
    # enters the practice on its own (see secretary.rls.PracticeTask).
    in_practice_transaction=False,
)
def render_document(self, *, practice_id: int, document_id: int) -> str:
    """Render one queued document and store its PDF (its preview follows, ``render_preview``).

    Idempotent: only the run that moves the row from queued to rendering does the work, so a
    ready document is never rendered again and two concurrent runs make one file. A run that
    finds another one's live claim (a redelivered message whose worker died, or a duplicate)
    comes back when that lease expires, and then renders or finds the document done. Template
    and data problems end as ``failed`` with a readable reason (retryable by a user); transient
    storage, database and broker errors are retried with backoff.
    """
    document = _in_practice(
        practice_id, services.document_claim, practice_id=practice_id, document_id=document_id
    )
    if document is None:
        lease_left = services.document_lease_left(practice_id=practice_id, document_id=document_id)
        if lease_left is not None and not self.request.is_eager:
            raise self.retry(countdown=lease_left + 1, max_retries=None)
        return "skipped"
    practice = document.practice
    with scope.practice_scope(practice):
        try:
            if is_practice_template_version(document.template_version):
                source = template_source_for_document(document)
            else:
                source = builtin_template(document.kind).source
            result = rendering.render_document(
                template_source=source,
                context=document.context,
                brand=services.brand_from_json(document.brand),
                media_folder=rendering.practice_media_folder(practice_id),
            )
            _in_practice(
                practice_id, services.document_store_result, document=document, result=result
            )
            logger.info("Document %s (%s) rendered", document_id, document.kind)
        except (rendering.RenderError, ApplicationError) as error:
            _in_practice(
                practice_id, services.document_fail, document=document, reason=error.message
            )
            return "failed"
        except SoftTimeLimitExceeded:
            _in_practice(
                practice_id,
                services.document_fail,
                document=document,
                reason=_("Rendering took too long. Shorten the document and try again."),
            )
            return "failed"
        except TRANSIENT_ERRORS:
            if self.request.retries >= MAX_RETRIES:
                logger.exception("Document %s: giving up after transient errors", document_id)
                _in_practice(
                    practice_id,
                    services.document_fail,
                    document=document,
                    reason=_("A temporary problem stopped the rendering. Try again."),
                )
                return "failed"
            try:
                _in_practice(practice_id, services.document_release, document=document)
            except DatabaseError:
                pass  # the database is away: the retry comes back when the lease expires
            raise  # autoretry_for: retried with backoff
        except Exception:
            logger.exception("Document %s could not be rendered", document_id)
            _in_practice(
                practice_id,
                services.document_fail,
                document=document,
                reason=_(
                    "The document could not be rendered because of an unexpected error. "
                    "Try again; if it fails again, contact support."
                ),
            )
            return "failed"
    return "ready"


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=MAX_RETRIES,
    soft_time_limit=RENDER_TIME_LIMIT - 30,
    time_limit=RENDER_TIME_LIMIT,
)
def render_preview(*, practice_id: int, document_id: int) -> str:
    """The PNG of a ready document's first page (idempotent; the preview view makes one itself
    if this never ran)."""
    document = services.document_make_preview(practice_id=practice_id, document_id=document_id)
    return "skipped" if document is None else "ready"


@shared_task
def notify_approval_requested(*, practice_id: int, version_id: int) -> bool:
    """Email the client's contacts who may approve documents: a version awaits them (once)."""
    from django.conf import settings as django_settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from clients.models import Contact
    from clients.tasks import send_once
    from documents.models import CompositionVersion

    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is None:
        return False
    version = (
        CompositionVersion.objects.for_practice(practice)
        .select_related("composition__client")
        .filter(pk=version_id)
        .first()
    )
    if version is None or version.sent_for_approval_at is None:
        return False
    composition = version.composition
    recipients = [
        contact.email
        for contact in Contact.objects.for_practice(practice).filter(
            client_id=composition.client_id, portal_documents=True, membership__isnull=False
        )
        if contact.email
    ]
    context = {
        "practice": practice,
        "composition": composition,
        "version": version,
        "url": django_settings.SITE_URL
        + reverse(
            "portal_composition",
            kwargs={"practice_slug": practice.slug, "composition_id": composition.pk},
        ),
    }
    with translation.override(django_settings.LANGUAGE_CODE):
        subject = render_to_string("documents/emails/approval_requested_subject.txt", context)
        body = render_to_string("documents/emails/approval_requested.txt", context)
    message = EmailMessage(subject=" ".join(subject.split()), body=body, to=recipients)
    key = f"composition-approval:{version.pk}:{version.sent_for_approval_at.isoformat()}"
    return send_once(practice, key, [message])


@shared_task
def requeue_stalled_documents() -> int:
    """Beat: queue again every document whose rendering worker died (its lease expired)."""
    requeued = 0
    for practice in Practice.objects.order_by("pk"):
        with practice_scope(practice):
            requeued += len(services.documents_requeue_stalled(practice=practice))
    if requeued:
        logger.warning("Re-queued %s document(s) left rendering by a lost worker", requeued)
    return requeued
