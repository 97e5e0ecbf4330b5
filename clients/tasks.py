"""Celery tasks of the clients app: they take ids, re-read state and never send twice."""

from __future__ import annotations

from decimal import Decimal

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from clients.models import Client, Contact, Engagement, NoticeSent, Questionnaire, UsageAlert
from clients.selectors import engagement_active
from clients.usage import period_usage
from secretary.background import enqueue_on_commit, practice_object
from secretary.models import Practice

MAX_PERCENT = Decimal("99999.99")  # what the alert row stores; tiny plans can go far beyond


def _url(name: str, practice: Practice, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"practice_slug": practice.slug, **kwargs})


def _message(template: str, context: dict, to: list[str]) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"clients/emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"clients/emails/{template}.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=to)


def send_once(practice: Practice, key: str, messages: list[EmailMessage]) -> bool:
    """Record ``key`` and send, in one transaction: a failed send rolls the record back (so a
    retry sends), a second run finds the record and sends nothing."""
    messages = [m for m in messages if m.to]
    if not messages:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                NoticeSent.objects.create(practice=practice, key=key[:160])
        except IntegrityError:
            return False
        get_connection().send_messages(messages)
    return True


def _staff_recipient(client: Client) -> list[str]:
    primary = client.primary_secretary
    return [primary.user.email] if primary is not None else []


@shared_task
def check_usage_alert(*, practice_id: int, client_id: int) -> bool:
    """Tell the primary secretary and the client's contacts when the hours used cross the
    engagement's alert threshold. At most once per engagement and period (a unique row)."""
    with practice_object(
        Client, practice_id=practice_id, object_id=client_id, related=("primary_secretary__user",)
    ) as (practice, client):
        if client is None:
            return False
        engagement = engagement_active(practice=practice, client=client)
        if (
            engagement is None
            or engagement.alert_threshold_percent is None
            or not engagement.included_hours
        ):
            return False
        usage = period_usage(engagement=engagement)
        if usage.percent < engagement.alert_threshold_percent:
            return False
        contacts = [
            c.email for c in Contact.objects.for_practice(practice).filter(client=client) if c.email
        ]
        context = {"practice": practice, "client": client, "engagement": engagement, "usage": usage}
        messages = [
            _message(
                "usage_alert",
                {**context, "url": _url("client_detail", practice, client_id=client.pk)},
                _staff_recipient(client),
            ),
            _message(
                "usage_alert",
                {**context, "url": _url("portal_plan", practice), "for_client": True},
                contacts,
            ),
        ]
        with transaction.atomic():
            try:
                with transaction.atomic():
                    UsageAlert.objects.create(
                        practice=practice,
                        engagement=engagement,
                        period_start=usage.period_start_date,
                        percent=min(usage.percent, MAX_PERCENT),
                    )
            except IntegrityError:
                return False
            get_connection().send_messages([m for m in messages if m.to])
    return True


@shared_task
def send_questionnaire(*, practice_id: int, questionnaire_id: int) -> bool:
    """Email the contact a link to the intake questionnaire in the portal (once per sending)."""
    with practice_object(
        Questionnaire,
        practice_id=practice_id,
        object_id=questionnaire_id,
        related=("client", "contact", "sent_by"),
    ) as (practice, questionnaire):
        if questionnaire is None or questionnaire.is_submitted or questionnaire.contact is None:
            return False
        contact = questionnaire.contact
        if not contact.email:
            return False
        context = {
            "practice": practice,
            "questionnaire": questionnaire,
            "contact": contact,
            "client": questionnaire.client,
            "url": _url("portal_onboarding", practice),
        }
        key = f"questionnaire:{questionnaire.pk}:{contact.pk}:{questionnaire.sent_at.isoformat()}"
        return send_once(practice, key, [_message("questionnaire", context, [contact.email])])


@shared_task
def notify_questionnaire_answered(*, practice_id: int, questionnaire_id: int) -> bool:
    with practice_object(
        Questionnaire,
        practice_id=practice_id,
        object_id=questionnaire_id,
        related=("client__primary_secretary__user",),
    ) as (practice, questionnaire):
        if questionnaire is None or not questionnaire.is_submitted:
            return False
        client = questionnaire.client
        context = {
            "practice": practice,
            "client": client,
            "questionnaire": questionnaire,
            "url": _url("client_onboarding", practice, client_id=client.pk),
        }
        return send_once(
            practice,
            f"questionnaire-answered:{questionnaire.pk}",
            [_message("questionnaire_answered", context, _staff_recipient(client))],
        )


@shared_task
def notify_engagement_proposed(*, practice_id: int, engagement_id: int) -> bool:
    """Tell the client's contacts who may approve that a plan awaits their review."""
    with practice_object(
        Engagement, practice_id=practice_id, object_id=engagement_id, related=("client",)
    ) as (practice, engagement):
        if engagement is None or engagement.status != "proposed":
            return False
        recipients = [
            c.email
            for c in Contact.objects.for_practice(practice).filter(
                client_id=engagement.client_id, portal_documents=True, membership__isnull=False
            )
            if c.email
        ]
        context = {
            "practice": practice,
            "engagement": engagement,
            "client": engagement.client,
            "url": _url("portal_engagement", practice, engagement_id=engagement.pk),
        }
        key = f"engagement-proposed:{engagement.pk}:{engagement.proposed_at.isoformat()}"
        return send_once(practice, key, [_message("engagement_proposed", context, recipients)])


@shared_task
def notify_changes_requested(*, practice_id: int, engagement_id: int) -> bool:
    with practice_object(
        Engagement,
        practice_id=practice_id,
        object_id=engagement_id,
        related=("client__primary_secretary__user", "changes_requested_by"),
    ) as (practice, engagement):
        if engagement is None or engagement.changes_requested_at is None:
            return False
        context = {
            "practice": practice,
            "engagement": engagement,
            "client": engagement.client,
            "url": _url("engagement_detail", practice, engagement_id=engagement.pk),
        }
        key = f"changes-requested:{engagement.pk}:{engagement.changes_requested_at.isoformat()}"
        return send_once(
            practice,
            key,
            [_message("changes_requested", context, _staff_recipient(engagement.client))],
        )


# An import stops after this long and queues the rest, well inside the task's time limit.
IMPORT_SLICE_SECONDS = 150


@shared_task(bind=True, in_practice_transaction=False)
def import_subscribers(self, *, practice_id: int, job_id: int) -> str:
    """Import a mapped file of people into an audience, in batches that commit with their
    progress (``clients.mailing.imports.import_run``). Idempotent: a finished job is skipped,
    a job another run holds is left to it, and a run that stops is resumed where it was."""
    import time

    from clients.mailing.imports import import_run
    from secretary.tenancy import practice_scope

    outcome = import_run(
        practice_id=practice_id,
        job_id=job_id,
        deadline=time.monotonic() + IMPORT_SLICE_SECONDS,
    )
    if outcome == "more":
        with practice_scope(practice_id):
            enqueue_on_commit(import_subscribers, practice_id=practice_id, job_id=job_id)
    return outcome
