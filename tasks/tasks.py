"""Celery jobs of the tasks app: notification emails and the two beat sweeps.

Every job takes ids, re-reads state and is idempotent: a retried or duplicated job finds the
row it already marked (or the ``NotificationSent`` key it already wrote) and sends nothing.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from secretary.models import Membership, Practice
from secretary.tenancy import practice_scope
from tasks.models import (
    Comment,
    EmailThread,
    NotificationPreference,
    NotificationSent,
    Source,
    Task,
)
from tasks.roster.routing import breach_recipients


def _wants(membership: Membership, kind: str) -> bool:
    preference = (
        NotificationPreference.objects.for_practice(membership.practice_id)
        .filter(membership=membership)
        .first()
    )
    return preference is None or getattr(preference, kind)


def _send(template: str, context: dict, recipients: list[str]) -> None:
    subject = render_to_string(f"tasks/emails/{template}_subject.txt", context).strip()
    body = render_to_string(f"tasks/emails/{template}.txt", context)
    send_mail(subject, body, None, recipients)


def _answered_by_email(task: Task) -> set[str]:
    """Who gets staff replies on this email request as the reply itself (in its thread)."""
    if task.source != Source.EMAIL:
        return set()
    thread = EmailThread.objects.for_practice(task.practice_id).filter(task=task).first()
    return {thread.email} if thread else set()


def _task_url(task: Task) -> str:
    return settings.SITE_URL + reverse("task_detail", args=[task.practice.slug, task.pk])


def _once(practice_id: int, key: str) -> bool:
    """Claim a notification key; False when it was already sent."""
    try:
        with transaction.atomic():
            NotificationSent.objects.create(practice_id=practice_id, key=key)
    except IntegrityError:
        return False
    return True


@shared_task
def notify_assignment(*, practice_id: int, task_id: int, membership_id: int, event_id: int) -> bool:
    with transaction.atomic():
        task = (
            Task.objects.for_practice(practice_id)
            .select_related("practice", "client")
            .filter(pk=task_id)
            .first()
        )
        member = (
            Membership.objects.for_practice(practice_id)
            .select_related("user")
            .filter(pk=membership_id)
            .first()
        )
        if task is None or member is None or task.assignee_id != member.pk:
            return False
        if not _wants(member, "on_assignment"):
            return False
        if not _once(practice_id, f"assign:{event_id}"):
            return False
        with practice_scope(task.practice):
            _send(
                "assignment",
                {"task": task, "member": member, "url": _task_url(task)},
                [member.user.email],
            )
    return True


@shared_task
def notify_client_reply(*, practice_id: int, comment_id: int) -> bool:
    """Email the client's portal contacts that the practice replied on their request."""
    from clients.models import Contact

    with transaction.atomic():
        comment = (
            Comment.objects.for_practice(practice_id)
            .select_for_update()
            .filter(pk=comment_id)
            .first()
        )
        if comment is None or comment.internal or comment.client_notified_at is not None:
            return False
        task = (
            Task.objects.for_practice(practice_id)
            .select_related("practice", "client")
            .get(pk=comment.task_id)
        )
        contacts = list(
            Contact.objects.for_practice(practice_id)
            # Only contacts who still have a portal login: a removed contact hears no more.
            .filter(client_id=task.client_id, portal_requests=True, membership__isnull=False)
            .exclude(email="")
        )
        recipients = sorted({c.email for c in contacts} - _answered_by_email(task))
        comment.client_notified_at = timezone.now()
        comment.save(update_fields=["client_notified_at"])
        if not recipients or not task.client_visible:
            return False
        with practice_scope(task.practice):
            url = settings.SITE_URL + reverse(
                "portal_request_detail", args=[task.practice.slug, task.pk]
            )
            _send("client_reply", {"task": task, "comment": comment, "url": url}, recipients)
    return True


@shared_task
def notify_staff_of_reply(*, practice_id: int, comment_id: int) -> bool:
    """Email the assignee (or the primary secretary) that the client replied."""
    with transaction.atomic():
        comment = (
            Comment.objects.for_practice(practice_id)
            .select_for_update()
            .filter(pk=comment_id)
            .first()
        )
        if comment is None or comment.staff_notified_at is not None:
            return False
        task = (
            Task.objects.for_practice(practice_id)
            .select_related(
                "practice", "client", "assignee__user", "client__primary_secretary__user"
            )
            .get(pk=comment.task_id)
        )
        member = task.assignee or task.client.primary_secretary
        comment.staff_notified_at = timezone.now()
        comment.save(update_fields=["staff_notified_at"])
        if member is None or not _wants(member, "on_client_reply"):
            return False
        with practice_scope(task.practice):
            _send(
                "staff_reply",
                {"task": task, "comment": comment, "url": _task_url(task)},
                [member.user.email],
            )
    return True


@shared_task
def notify_sla_breach(*, practice_id: int, task_id: int) -> bool:
    """Tell the assignee (or the primary secretary) once that a response is late."""
    with transaction.atomic():
        task = Task.objects.for_practice(practice_id).select_for_update().filter(pk=task_id).first()
        if task is None or task.sla_notified_at is not None or task.sla_breached_at is None:
            return False
        task = (
            Task.objects.for_practice(practice_id)
            .select_related(
                "practice", "client", "assignee__user", "client__primary_secretary__user"
            )
            .get(pk=task_id)
        )
        task.sla_notified_at = timezone.now()
        task.save(update_fields=["sla_notified_at"])
        member = task.assignee or task.client.primary_secretary
        with practice_scope(task.practice):
            # Whoever is on duty for the client now, and their backup, hear of it too.
            on_duty = breach_recipients(practice=task.practice, client=task.client)
            recipients = list({m.pk: m for m in [member, *on_duty] if m is not None}.values())
            recipients = [m for m in recipients if _wants(m, "on_sla_breach")]
            for recipient in recipients:
                _send(
                    "sla_breach",
                    {"task": task, "url": _task_url(task), "member": recipient},
                    [recipient.user.email],
                )
    return bool(recipients)


@shared_task
def mark_sla_breaches() -> int:
    """Beat: every practice's late, unanswered requests are marked and their assignees told."""
    from tasks.services import sla_breaches_mark

    marked = 0
    for practice in Practice.objects.order_by("pk"):
        with practice_scope(practice):
            marked += len(sla_breaches_mark(practice=practice))
    return marked


@shared_task
def create_recurring_tasks() -> int:
    """Beat: create the tasks recurring rules call for (never the same occurrence twice)."""
    from tasks.services import recurring_tasks_run

    created = 0
    for practice in Practice.objects.order_by("pk"):
        with practice_scope(practice):
            created += len(recurring_tasks_run(practice=practice))
    return created
