"""Logging a call: the row, its message for the client (emailed on the worker, shown in the
portal), its follow-up task (source ``phone``) and its billable time under the engagement's
rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, Contact
from clients.playbook.selectors import clients_visible_to, playbook_of
from clients.selectors import can_work_on, engagement_active
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.limits import date_in_range, date_range_message
from secretary.models import Membership, Practice
from tasks.calls.models import Call, Urgency
from tasks.models import Priority, Source, Status, Task
from tasks.services import task_create, task_transition
from tasks.timekeeping import MAX_ENTRY_MINUTES, billing_zone, time_entry_add

MAX_CALL_MINUTES = 8 * 60
TEXT_FIELDS = (
    "caller_name",
    "caller_number",
    "caller_company",
    "reason",
    "inquiry",
    "answer_given",
    "message",
    "message_for_name",
)


def _invalid(field: str, message) -> ApplicationError:
    return ApplicationError(message, errors={field: message})


def key_people(*, practice: Practice, client: Client) -> list[str]:
    """The names of the key people in the client's playbook."""
    playbook = playbook_of(practice=practice, client=client)
    people = (playbook.content.get("people") or []) if playbook else []
    return [person.get("name", "") for person in people if person.get("name")]


def billed_minutes(*, practice: Practice, client: Client, minutes: int) -> int:
    """A call's billable minutes: at least the active engagement's minimum per call."""
    engagement = engagement_active(practice=practice, client=client)
    minimum = engagement.call_minimum_minutes if engagement is not None else 0
    return max(minutes, minimum or 0)


def _message_recipient(practice: Practice, client: Client, data: dict) -> tuple:
    contact = data.get("message_for_contact")
    name = (data.get("message_for_name") or "").strip()
    if contact is not None and name:
        raise _invalid("message_for", _("Choose one person for the message."))
    if contact is not None:
        if not isinstance(contact, Contact):
            contact = (
                Contact.objects.for_practice(practice)
                .filter(pk=contact if str(contact).isdigit() else None)
                .first()
            )
        if contact is None or contact.practice_id != practice.pk or contact.client_id != client.pk:
            raise _invalid(
                "message_for", _("The message must be for a contact or key person of this client.")
            )
    if name and name not in key_people(practice=practice, client=client):
        raise _invalid(
            "message_for", _("The message must be for a contact or key person of this client.")
        )
    return contact, name


def _visible(client: Client, actor: Membership) -> bool:
    """Whether ``actor`` may log calls for ``client``: a query only for a regulated client
    seen by a member who is not an owner or admin (``clients_visible_to``)."""
    if actor.is_admin or not client.is_regulated:
        return True
    return clients_visible_to(membership=actor).filter(pk=client.pk).exists()


def _minutes(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise _invalid("duration_minutes", _("Enter whole minutes.")) from None
    if minutes < 1 or minutes > MAX_CALL_MINUTES:
        raise _invalid(
            "duration_minutes",
            _("Enter between 1 and %(n)s minutes.") % {"n": MAX_CALL_MINUTES},
        )
    return minutes


@transaction.atomic
def call_log(
    *,
    practice: Practice,
    actor: Membership,
    client: Client,
    data: dict[str, Any],
    request=None,
) -> Call:
    """Record a call for ``client``; checks everything before writing anything."""
    if actor is None or not actor.is_staff:
        raise ApplicationError(_("Only staff of the practice can log calls."))
    if (
        client.practice_id != practice.pk
        or actor.practice_id != practice.pk
        or not _visible(client, actor)
    ):
        raise _invalid("client", _("Choose a client of this practice."))
    values = {name: str(data.get(name) or "").strip() for name in TEXT_FIELDS}
    if not values["caller_name"]:
        raise _invalid("caller_name", _("Who called? Enter the caller's name."))
    received_at: datetime = data.get("received_at") or timezone.now()
    if timezone.is_naive(received_at) or not date_in_range(received_at):
        raise _invalid("received_at", date_range_message())
    if received_at > timezone.now() + timedelta(minutes=5):
        raise _invalid("received_at", _("A call cannot be logged in the future."))
    contact, values["message_for_name"] = _message_recipient(practice, client, data)
    message_to_client = bool(data.get("message_to_client"))
    if (message_to_client or contact or values["message_for_name"]) and not values["message"]:
        raise _invalid("message", _("Write the message to pass on."))
    urgency = data.get("urgency") or Urgency.NORMAL
    if urgency not in Urgency.values:
        raise _invalid("urgency", _("Choose a valid urgency."))
    minutes = _minutes(data.get("duration_minutes"))
    billable = bool(data.get("billable"))
    if billable and minutes is None:
        raise _invalid("duration_minutes", _("Enter the call's duration to bill it."))
    call = Call(
        practice=practice,
        client=client,
        received_at=received_at,
        message_for_contact=contact,
        message_to_client=message_to_client,
        urgency=urgency,
        follow_up=bool(data.get("follow_up")),
        duration_minutes=minutes,
        billable=billable,
        taken_by=actor,
        taken_by_name=(actor.user.full_name or actor.user.email)[:150],
        **values,
    )
    try:
        # The practice, client and member are the objects checked above: no query to find
        # them again.
        call.full_clean(exclude=["practice", "client", "taken_by"])
    except ValidationError as error:
        raise ApplicationError(
            _("Please correct the errors below."), errors=error.message_dict
        ) from error
    call.save()
    if call.follow_up:
        call.task = _follow_up_task(practice, actor, call, data, request)
    if billable:
        task = call.task or _call_task(practice, actor, call, request)
        if call.task is None:
            call.task = task
        billed = billed_minutes(practice=practice, client=client, minutes=minutes)
        call.time_entry = time_entry_add(
            practice=practice,
            membership=actor,
            task=task,
            day=received_at.astimezone(billing_zone(client)).date(),
            minutes=min(billed, MAX_ENTRY_MINUTES),
            description=_("Phone call from %(caller)s") % {"caller": call.caller_name},
            billable=True,
            request=request,
        )
    if call.task_id or call.time_entry_id:
        call.save(update_fields=["task", "time_entry"])
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="call.logged",
        target=client,
        data={"call": call.pk, "follow_up": call.follow_up, "message": message_to_client},
        request=request,
    )
    if message_to_client:
        from tasks.calls.tasks import send_call_message

        enqueue_on_commit(send_call_message, practice_id=practice.pk, call_id=call.pk)
    return call


def _description(call: Call) -> str:
    lines = [
        _("Caller: %(name)s") % {"name": call.caller_name},
        *([_("Number: %(n)s") % {"n": call.caller_number}] if call.caller_number else []),
        *([_("Company: %(c)s") % {"c": call.caller_company}] if call.caller_company else []),
        *([_("Reason: %(r)s") % {"r": call.reason}] if call.reason else []),
        *([_("Answer given: %(a)s") % {"a": call.answer_given}] if call.answer_given else []),
        *([_("Message: %(m)s") % {"m": call.message}] if call.message else []),
    ]
    return "\n".join(lines)


def _follow_up_task(practice, actor, call: Call, data, request) -> Task:
    return task_create(
        practice=practice,
        actor=actor,
        client=call.client,
        title=_("Follow up the call from %(caller)s") % {"caller": call.caller_name},
        description=_description(call),
        priority=Priority.URGENT if call.urgency == Urgency.URGENT else Priority.NORMAL,
        assignee=actor if can_work_on(client=call.client, membership=actor) else None,
        client_visible=False,
        source=Source.PHONE,
        request=request,
    )


def _call_task(practice, actor, call: Call, request) -> Task:
    """A done task that holds a billable call's time (time entries belong to a task)."""
    task = task_create(
        practice=practice,
        actor=actor,
        client=call.client,
        title=_("Phone call from %(caller)s") % {"caller": call.caller_name},
        description=_description(call),
        client_visible=False,
        source=Source.PHONE,
        status=Status.IN_PROGRESS,
        request=request,
    )
    return task_transition(
        practice=practice, actor=actor, task=task, status=Status.DONE, request=request
    )
