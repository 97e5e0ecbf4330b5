"""Onboarding: the intake questionnaire a contact answers (or a secretary fills in on a call)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import (
    Channel,
    Client,
    ClientStatus,
    Contact,
    Questionnaire,
    QuestionnaireStatus,
)
from clients.services._common import apply_fields, invalid, validated_save
from clients.services.catalog import set_categories
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.models import Membership, Practice

ANSWER_FIELDS = (
    "expected_hours_per_month",
    "coverage_needs",
    "coverage_time_zone",
    "needs_on_call",
    "response_expectations",
    "preferred_channels",
    "tools",
    "confidentiality",
    "confidentiality_notes",
    "start_date",
    "other_notes",
)


class AlreadySubmitted(ApplicationError):
    pass


@transaction.atomic
def questionnaire_send(
    *, practice: Practice, actor: Membership, client: Client, contact: Contact | None, request=None
) -> Questionnaire:
    """Start onboarding: send the intake questionnaire to a contact of the client.

    An unanswered questionnaire is re-sent rather than duplicated. The contact is emailed a
    portal link when they have a portal login.
    """
    if contact is not None and contact.client_id != client.pk:
        raise invalid({"contact": [_("Choose a contact of this client.")]})
    questionnaire = (
        Questionnaire.objects.for_practice(practice)
        .select_for_update()
        .filter(client=client)
        .exclude(status=QuestionnaireStatus.SUBMITTED)
        .first()
    )
    if questionnaire is None:
        questionnaire = Questionnaire(practice=practice, client=client)
    questionnaire.contact = contact
    questionnaire.sent_by = actor.user
    questionnaire.sent_at = timezone.now()
    if not questionnaire.coverage_time_zone:
        questionnaire.coverage_time_zone = client.time_zone
    validated_save(questionnaire)
    if client.status == ClientStatus.PROSPECT:
        client.status = ClientStatus.ONBOARDING
        client.save(update_fields=["status", "updated_at"])
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="onboarding.sent",
        target=client,
        data={"contact": contact.name if contact else ""},
        request=request,
    )
    if contact is not None and contact.membership_id is not None:
        from clients.tasks import send_questionnaire

        enqueue_on_commit(
            send_questionnaire, practice_id=practice.pk, questionnaire_id=questionnaire.pk
        )
    return questionnaire


def _clean_answers(data: dict) -> dict:
    data = dict(data)
    channels = data.get("preferred_channels")
    if channels is not None:
        if not isinstance(channels, list | tuple) or any(c not in Channel.values for c in channels):
            raise invalid({"preferred_channels": [_("Choose channels from the list.")]})
        data["preferred_channels"] = list(dict.fromkeys(channels))
    return data


def _save_answers(
    practice: Practice, questionnaire: Questionnaire, data: dict, services, user, by_staff: bool
) -> None:
    apply_fields(questionnaire, _clean_answers(data), ANSWER_FIELDS)
    if by_staff:
        questionnaire.filled_by_staff = True
    validated_save(questionnaire)
    if services is not None:
        set_categories(
            practice=practice, owner=questionnaire, categories=services, field="services"
        )


def _lock(practice: Practice, questionnaire: Questionnaire) -> Questionnaire:
    locked = (
        Questionnaire.objects.for_practice(practice).select_for_update().get(pk=questionnaire.pk)
    )
    if locked.is_submitted:
        raise AlreadySubmitted(
            _("This questionnaire was already submitted on %(date)s; it cannot be changed.")
            % {"date": timezone.localtime(locked.submitted_at).strftime("%Y-%m-%d %H:%M")}
        )
    return locked


@transaction.atomic
def questionnaire_save(
    *,
    practice: Practice,
    questionnaire: Questionnaire,
    data: dict,
    services=None,
    user,
    by_staff: bool = False,
    request=None,
) -> Questionnaire:
    """Save answers so far (save and continue later)."""
    questionnaire = _lock(practice, questionnaire)
    questionnaire.status = QuestionnaireStatus.IN_PROGRESS
    _save_answers(practice, questionnaire, data, services, user, by_staff)
    return questionnaire


@transaction.atomic
def questionnaire_submit(
    *,
    practice: Practice,
    questionnaire: Questionnaire,
    data: dict,
    services=None,
    user,
    by_staff: bool = False,
    request=None,
) -> Questionnaire:
    """Save the final answers and submit them; a second submission is refused."""
    questionnaire = _lock(practice, questionnaire)
    _save_answers(practice, questionnaire, data, services, user, by_staff)
    errors = {}
    if not questionnaire.services.exists():
        errors["services"] = [_("Choose at least one service.")]
    if questionnaire.expected_hours_per_month is None:
        errors["expected_hours_per_month"] = [_("Give an estimate, even a rough one.")]
    if errors:
        raise invalid(errors, _("A few answers are still needed before you submit."))
    questionnaire.status = QuestionnaireStatus.SUBMITTED
    questionnaire.submitted_at = timezone.now()
    questionnaire.submitted_by = user
    questionnaire.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    activity_record(
        practice=practice,
        actor=user,
        verb="onboarding.answered",
        target=questionnaire.client,
        data={"by_staff": by_staff},
        request=request,
    )
    if not by_staff:
        from clients.tasks import notify_questionnaire_answered

        enqueue_on_commit(
            notify_questionnaire_answered,
            practice_id=practice.pk,
            questionnaire_id=questionnaire.pk,
        )
    return questionnaire
