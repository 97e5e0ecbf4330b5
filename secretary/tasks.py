from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from secretary.idempotency import idempotency_keys_purge
from secretary.models import Invitation
from secretary.tenancy import practice_scope


@shared_task
def send_invitation(*, practice_id: int, invitation_id: int, token: str) -> bool:
    """Email an invitation once. Idempotent: a second run finds ``sent_at`` set and does nothing.

    The raw token travels only in the task message (never stored or logged); the database holds
    its hash.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.for_practice(practice_id)
            .select_for_update(of=("self",))
            .select_related("practice", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.sent_at is not None or not invitation.is_pending:
            return False
        with practice_scope(invitation.practice):
            url = settings.SITE_URL + reverse("invitation_accept", args=[token])
            context = {"invitation": invitation, "url": url, "practice": invitation.practice}
            subject = render_to_string("emails/invitation_subject.txt", context).strip()
            body = render_to_string("emails/invitation.txt", context)
            send_mail(subject, body, None, [invitation.email])
            invitation.sent_at = timezone.now()
            invitation.save(update_fields=["sent_at"])
    return True


@shared_task
def purge_idempotency_keys() -> int:
    """Forget the keys of creates older than a day (see ``secretary.idempotency``)."""
    return idempotency_keys_purge()


@shared_task
def relay_outbox() -> dict[str, int]:
    """Beat: publish again the jobs the broker never got or no worker finished."""
    from secretary.outbox import outbox_relay

    return outbox_relay()
