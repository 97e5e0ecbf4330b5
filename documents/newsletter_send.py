"""A test of a newsletter's email, sent to the staff member who asks for it.

``newsletter_test_send`` checks the newsletter, takes the sender's slot (one test a minute per
person and newsletter: a double click or an impatient hand sends one) and enqueues
``send_newsletter_test`` after commit. The job builds the email of the version asked for and
sends it once per request (a ``NoticeSent`` row keyed by the request's id), on the ``default``
queue: its name is outside ``documents.tasks``, which the ``documents`` queue takes.
"""

from __future__ import annotations

import logging
import secrets
from email.utils import formataddr, parseaddr

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from documents.models import Composition, CompositionVersion
from documents.newsletter_email import newsletter_email, newsletter_message, newsletter_version
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.models import STAFF_ROLES, Membership, Practice

logger = logging.getLogger(__name__)

TEST_INTERVAL_SECONDS = 60


def _error(message: str) -> ApplicationError:
    return ApplicationError(message, errors={"email": message})


def _slot_key(*, practice, composition: Composition, user) -> str:
    return f"documents:newsletter-test:{practice.pk}:{composition.pk}:{user.pk}"


def newsletter_test_send(*, practice, composition: Composition, user, request=None) -> str:
    """Send ``user`` the email of the newsletter's latest version, marked as a test, in the
    background; returns the request's id. ApplicationError for a document that is not a
    newsletter or is empty, a user without an email address, or a second test within a
    minute."""
    if not (user.email or "").strip():
        raise _error(_("Your account has no email address to send the test to."))
    version = newsletter_version(composition=composition)
    key = _slot_key(practice=practice, composition=composition, user=user)
    if not cache.add(key, 1, timeout=TEST_INTERVAL_SECONDS):
        raise _error(
            _(
                "A test of this newsletter was sent to you less than a minute ago; wait a "
                "minute before sending another."
            )
        )
    send_id = secrets.token_hex(8)
    try:
        with transaction.atomic():
            activity_record(
                practice=practice,
                actor=user,
                verb="composition.email_test_sent",
                target=composition,
                data={"version": version.number},
                request=request,
            )
            enqueue_on_commit(
                send_newsletter_test,
                practice_id=practice.pk,
                composition_id=composition.pk,
                version_id=version.pk,
                user_id=user.pk,
                send_id=send_id,
            )
    except Exception:
        cache.delete(key)  # nothing was sent: the slot is free again
        raise
    return send_id


def sender_address(composition: Composition) -> str:
    """The From of a test: the client's name at the product's sending address."""
    return formataddr((composition.client.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


@shared_task(name="documents.newsletter_send.send_newsletter_test", acks_late=True)
def send_newsletter_test(
    *, practice_id: int, composition_id: int, version_id: int, user_id: int, send_id: str
) -> str:
    """Email one test of a newsletter's version to a staff member (once per ``send_id``)."""
    from clients.tasks import send_once

    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is None:
        return "gone"
    composition = (
        Composition.objects.for_practice(practice)
        .select_related("client", "practice", "created_by", "task")
        .filter(pk=composition_id)
        .first()
    )
    version = (
        CompositionVersion.objects.for_practice(practice)
        .filter(pk=version_id, composition_id=composition_id)
        .first()
    )
    member = (
        Membership.objects.for_practice(practice)
        .select_related("user")
        .filter(user_id=user_id, user__is_active=True, role__in=STAFF_ROLES)
        .first()
    )
    if composition is None or version is None or member is None or not member.user.email:
        return "gone"
    try:
        with translation.override(settings.LANGUAGE_CODE):
            email = newsletter_email(practice=practice, composition=composition, version=version)
            email.subject = _("[Test] %(subject)s") % {"subject": email.subject}
    except ApplicationError as error:
        logger.warning("Newsletter %s: no test sent (%s)", composition_id, error.message)
        return "failed"
    message = newsletter_message(
        email, to=member.user.email, from_email=sender_address(composition)
    )
    sent = send_once(practice, f"newsletter-test:{composition_id}:{send_id}", [message])
    return "sent" if sent else "skipped"
