"""Rendering documents in the background (the ``documents`` queue, see CELERY_TASK_ROUTES)."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init
from django.utils.translation import gettext as _

from documents import rendering, services
from documents.builtins import builtin_template
from documents.models import RENDER_TIME_LIMIT
from secretary import scope
from secretary.errors import ApplicationError
from secretary.models import Practice
from secretary.tenancy import practice_scope

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


def _in_practice(practice_id: int, step, /, **kwargs):
    """One database step of a rendering, in its own transaction of the practice."""
    with practice_scope(practice_id):
        return step(**kwargs)


@worker_process_init.connect
def _import_weasyprint(**kwargs) -> None:
    """Pay WeasyPrint's import once per worker process, not on its first document."""
    rendering.warm_up()


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=RENDER_TIME_LIMIT - 30,
    time_limit=RENDER_TIME_LIMIT,
    # The claim must commit before the (long) rendering, and the result after it: each step
    # enters the practice on its own (see secretary.rls.PracticeTask).
    in_practice_transaction=False,
)
def render_document(self, *, practice_id: int, document_id: int) -> str:
    """Render one queued document and store its PDF and preview.

    Idempotent: only the run that moves the row from queued to rendering does the work, so a
    ready document is never rendered again and two concurrent runs make one file. Template and
    data problems end as ``failed`` with a readable reason (retryable by a user); storage
    errors (OSError) are retried with backoff.
    """
    document = _in_practice(
        practice_id, services.document_claim, practice_id=practice_id, document_id=document_id
    )
    if document is None:
        return "skipped"
    practice = Practice.objects.get(pk=practice_id)
    with scope.practice_scope(practice):
        try:
            template = builtin_template(document.kind)
            result = rendering.render_document(
                template_source=template.source,
                context=document.context,
                brand=services.brand_from_json(document.brand),
            )
            _in_practice(
                practice_id, services.document_store_result, document=document, result=result
            )
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
        except OSError:
            if self.request.retries >= MAX_RETRIES:
                logger.exception("Document %s: giving up after transient errors", document_id)
                _in_practice(
                    practice_id,
                    services.document_fail,
                    document=document,
                    reason=_("A temporary problem stopped the rendering. Try again."),
                )
                return "failed"
            _in_practice(practice_id, services.document_release, document=document)
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
