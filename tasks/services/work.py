"""Requests and tasks: creation, transitions, assignment, edits, bulk changes, comments and
checklists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, ServiceCategory
from clients.selectors import can_work_on
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.limits import dates_out_of_range
from secretary.models import Membership, Practice
from tasks.models import (
    CLOSED_STATUSES,
    TRANSITIONS,
    ChecklistItem,
    Comment,
    Priority,
    RecurringTask,
    Source,
    Status,
    Task,
    TaskTemplate,
)
from tasks.roster.routing import request_assignee
from tasks.services.attachments import _check_files, _store_attachments
from tasks.services.sla_clock import (
    SLA_FIELDS,
    _sla_pause,
    _sla_respond,
    _sla_resume,
    task_sla_compute,
)

INITIAL_STATUSES = (Status.REQUESTED, Status.TODO, Status.IN_PROGRESS)


def _staff_member(practice: Practice, membership_id) -> Membership | None:
    if membership_id is None:
        return None
    member = (
        Membership.objects.for_practice(practice)
        .filter(pk=getattr(membership_id, "pk", membership_id))
        .select_related("user")
        .first()
    )
    if member is None or not member.is_staff:
        raise ApplicationError(
            _("Choose a member of this practice's staff."),
            errors={"assignee": _("Choose a member of this practice's staff.")},
        )
    return member


def _check_assignable(task_client: Client, assignee: Membership | None) -> None:
    if assignee is not None and not can_work_on(client=task_client, membership=assignee):
        message = _(
            "%(name)s cannot work on %(client)s: a signed confidentiality agreement is "
            "required for this client."
        ) % {"name": assignee.user, "client": task_client}
        raise ApplicationError(message, errors={"assignee": message})


def _check_client(practice: Practice, client: Client) -> None:
    if client is None or client.practice_id != practice.pk:
        raise ApplicationError(
            _("Choose a client of this practice."),
            errors={"client": _("Choose a client of this practice.")},
        )


def task_move_blocker(task: Task) -> str | None:
    """Why the task must stay with its client, or None when it may move.

    A task whose history the client has seen (its own request, a reply, a file it may
    download) stays with that client: moving it would hand the conversation to another one.
    """
    if task.source == Source.PORTAL:
        reason = _("This request was sent by %(client)s through the portal.")
    elif task.comments.filter(internal=False).exists():
        reason = _("%(client)s has replies on this task.")
    elif task.attachments.filter(internal=False).exists():
        reason = _("%(client)s can see files attached to this task.")
    else:
        return None
    reason = reason % {"client": task.client}
    return _(
        "%(reason)s Its client cannot change: create a new task for the other client instead."
    ) % {"reason": reason}


def _check_movable(task: Task) -> None:
    message = task_move_blocker(task)
    if message is not None:
        raise ApplicationError(message, errors={"client": message})


def _check_category(practice: Practice, category: ServiceCategory | None) -> None:
    if category is not None and category.practice_id != practice.pk:
        raise ApplicationError(
            _("Choose a service of this practice."),
            errors={"category": _("Choose a service of this practice.")},
        )


def _check_dates(**values) -> None:
    errors = dates_out_of_range(**values)
    if errors:
        raise ApplicationError(next(iter(errors.values())), errors=errors)


def _check_due(due_at: datetime | None, created_at: datetime) -> None:
    _check_dates(due_at=due_at)
    if due_at is not None and due_at < created_at:
        message = _("The due date cannot be before the task was created (%(created)s).") % {
            "created": timezone.localtime(created_at).strftime("%Y-%m-%d %H:%M")
        }
        raise ApplicationError(message, errors={"due_at": message})


def _notify_assignment(task: Task, event_id: int, actor: Membership | None = None) -> None:
    """Email the new assignee after commit, unless they assigned the task to themselves."""
    from tasks.tasks import notify_assignment

    if task.assignee_id and (actor is None or actor.pk != task.assignee_id):
        enqueue_on_commit(
            notify_assignment,
            practice_id=task.practice_id,
            task_id=task.pk,
            membership_id=task.assignee_id,
            event_id=event_id,
        )


@transaction.atomic
def task_request_submit(
    *,
    practice: Practice,
    contact,
    membership: Membership,
    subject: str,
    details: str = "",
    category: ServiceCategory | None = None,
    wanted_by: date | None = None,
    files: Sequence = (),
    request=None,
) -> Task:
    """A client contact asks for something through the portal."""
    subject = (subject or "").strip()
    if not subject:
        raise ApplicationError(
            _("Give your request a subject."), errors={"subject": _("This field is required.")}
        )
    client = contact.client
    _check_category(practice, category)
    _check_files(files)
    _check_dates(wanted_by=wanted_by)
    now = timezone.now()
    if wanted_by is not None and wanted_by < now.astimezone(ZoneInfo(client.time_zone)).date():
        raise ApplicationError(
            _("The wanted-by date cannot be in the past."),
            errors={"wanted_by": _("The wanted-by date cannot be in the past.")},
        )
    assignee = client.primary_secretary
    if assignee is not None and not can_work_on(client=client, membership=assignee):
        assignee = None
    assignee = request_assignee(practice=practice, client=client, default=assignee, at=now)
    task = Task(
        practice=practice,
        client=client,
        source=Source.PORTAL,
        title=subject[:200],
        description=details or "",
        category=category,
        status=Status.REQUESTED,
        requested_by=membership,
        created_by=membership.user,
        wanted_by=wanted_by,
        client_visible=True,
        assignee=assignee,
        created_at=now,
    )
    task_sla_compute(task)
    task.full_clean()
    task.save()
    _store_attachments(task=task, comment=None, files=files, user=membership.user, internal=False)
    event = activity_record(
        practice=practice,
        actor=membership.user,
        verb="task.requested",
        target=task,
        request=request,
    )
    _notify_assignment(task, event.pk, membership)
    return task


def _apply_template(task: Task, template: TaskTemplate | None, checklist: Sequence[str] | None):
    items = (
        list(checklist) if checklist is not None else list(template.checklist if template else [])
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(practice_id=task.practice_id, task=task, text=str(text)[:200], position=i)
            for i, text in enumerate(item for item in items if str(item).strip())
        ]
    )


# Fields of a new task whose objects ``task_create`` checks itself (or receives as objects).
RELATED_CHECKED = [
    "practice",
    "client",
    "category",
    "template",
    "assignee",
    "created_by",
    "recurrence",
]


@transaction.atomic
def task_create(
    *,
    practice: Practice,
    actor: Membership,
    client: Client,
    title: str,
    description: str = "",
    category: ServiceCategory | None = None,
    priority: int = Priority.NORMAL,
    assignee: Membership | None = None,
    due_at: datetime | None = None,
    client_visible: bool = True,
    template: TaskTemplate | None = None,
    checklist: Sequence[str] | None = None,
    source: str = Source.STAFF,
    status: str = Status.TODO,
    recurrence: RecurringTask | None = None,
    occurrence_date: date | None = None,
    created_at: datetime | None = None,
    request=None,
) -> Task:
    title = (title or "").strip()
    if not title:
        raise ApplicationError(
            _("Give the task a title."), errors={"title": _("This field is required.")}
        )
    _check_client(practice, client)
    _check_category(practice, category)
    if template is not None and template.practice_id != practice.pk:
        raise ApplicationError(
            _("Choose a template of this practice."),
            errors={"template": _("Choose a template of this practice.")},
        )
    assignee = _staff_member(practice, assignee)
    _check_assignable(client, assignee)
    created_at = created_at or timezone.now()
    _check_due(due_at, created_at)
    if source not in Source.values:
        raise ApplicationError(
            _("Choose a valid source."), errors={"source": _("Choose a valid source.")}
        )
    if status not in INITIAL_STATUSES:
        # Later statuses are reached through transitions, which keep the clock and history.
        message = _("A new task starts as requested, to do or in progress.")
        raise ApplicationError(message, errors={"status": message})
    task = Task(
        practice=practice,
        client=client,
        title=title[:200],
        description=description or "",
        category=category,
        priority=priority,
        assignee=assignee,
        due_at=due_at,
        client_visible=client_visible,
        template=template,
        source=source,
        status=status,
        recurrence=recurrence,
        occurrence_date=occurrence_date,
        created_by=actor.user if actor else None,
        created_at=created_at,
    )
    if template is not None and not description:
        task.description = template.description
    task_sla_compute(task)
    # The related objects were checked above (or come from the caller as objects): validating
    # them again would read each one back.
    task.full_clean(exclude=RELATED_CHECKED)
    task.save()
    _apply_template(task, template, checklist)
    event = activity_record(
        practice=practice,
        actor=actor.user if actor else None,
        verb="task.created",
        target=task,
        request=request,
        data={"source": source, "status": status},
    )
    _notify_assignment(task, event.pk, actor)
    return task


def _lock(task: Task) -> Task:
    return (
        Task.objects.for_practice(task.practice_id)
        .select_for_update()
        .select_related("client")
        .get(pk=task.pk)
    )


def _transition(task: Task, status: str, now: datetime) -> list[str]:
    if status not in Status.values:
        raise ApplicationError(
            _("Choose a valid status."), errors={"status": _("Choose a valid status.")}
        )
    if status == task.status:
        return []
    if status not in TRANSITIONS[task.status]:
        message = _("A task cannot go from “%(old)s” to “%(new)s”.") % {
            "old": Status(task.status).label,
            "new": Status(status).label,
        }
        raise ApplicationError(message, errors={"status": message})
    changed = ["status", *SLA_FIELDS, "completed_at"]
    if task.status == Status.WAITING:
        _sla_resume(task, now)
    if status == Status.WAITING:
        _sla_pause(task, now)
    if status in CLOSED_STATUSES:
        _sla_respond(task, now)
        task.completed_at = now
    else:
        task.completed_at = None
    task.status = status
    return changed


@transaction.atomic
def task_transition(
    *, practice: Practice, actor: Membership, task: Task, status: str, request=None
) -> Task:
    task = _lock(task)
    old = task.status
    changed = _transition(task, status, timezone.now())
    if changed:
        task.save(update_fields=[*changed, "updated_at"])
        activity_record(
            practice=practice,
            actor=actor.user,
            verb="task.status_changed",
            target=task,
            data={"from": old, "to": status},
            request=request,
        )
    return task


@transaction.atomic
def task_assign(
    *, practice: Practice, actor: Membership, task: Task, assignee: Membership | None, request=None
) -> Task:
    task = _lock(task)
    assignee = _staff_member(practice, assignee)
    _check_assignable(task.client, assignee)
    if task.assignee_id == (assignee.pk if assignee else None):
        return task
    old = task.assignee_id
    task.assignee = assignee
    task.save(update_fields=["assignee", "updated_at"])
    event = activity_record(
        practice=practice,
        actor=actor.user,
        verb="task.reassigned",
        target=task,
        request=request,
        data={
            "from": old,
            "to": assignee.pk if assignee else None,
            "to_name": str(assignee.user) if assignee else "",
        },
    )
    _notify_assignment(task, event.pk, actor)
    return task


@transaction.atomic
def task_update(
    *, practice: Practice, actor: Membership, task: Task, request=None, **fields
) -> Task:
    """Edit a task's fields. ``status`` and ``assignee`` go through their own rules."""
    task = _lock(task)
    now = timezone.now()
    if "client" in fields and fields["client"] != task.client:
        _check_client(practice, fields["client"])
        if task.time_entries.exists():
            raise ApplicationError(
                _("Time has been logged on this task; its client cannot change."),
                errors={"client": _("Time has been logged on this task.")},
            )
        _check_movable(task)
        task.client = fields["client"]
        task_sla_compute(task)  # the response time follows the new client's engagement
    if "category" in fields:
        _check_category(practice, fields["category"])
        task.category = fields["category"]
    if "title" in fields:
        title = (fields["title"] or "").strip()
        if not title:
            raise ApplicationError(
                _("Give the task a title."), errors={"title": _("This field is required.")}
            )
        task.title = title[:200]
    for name in ("description", "priority", "client_visible"):
        if name in fields:
            setattr(task, name, fields[name] if fields[name] is not None else getattr(task, name))
    old_due = task.due_at
    if "due_at" in fields:
        _check_due(fields["due_at"], task.created_at)
        task.due_at = fields["due_at"]
    old_status, old_assignee = task.status, task.assignee_id
    if "assignee" in fields:
        assignee = _staff_member(practice, fields["assignee"])
        _check_assignable(task.client, assignee)
        task.assignee = assignee
    elif "client" in fields:
        _check_assignable(task.client, task.assignee)
    if fields.get("status"):
        _transition(task, fields["status"], now)
    task.full_clean()
    task.save()
    user = actor.user
    if task.due_at != old_due:
        activity_record(
            practice=practice,
            actor=user,
            verb="task.due_moved",
            target=task,
            request=request,
            data={
                "from": old_due.isoformat() if old_due else None,
                "to": task.due_at.isoformat() if task.due_at else None,
            },
        )
    if task.status != old_status:
        activity_record(
            practice=practice,
            actor=user,
            verb="task.status_changed",
            target=task,
            data={"from": old_status, "to": task.status},
            request=request,
        )
    if task.assignee_id != old_assignee:
        event = activity_record(
            practice=practice,
            actor=user,
            verb="task.reassigned",
            target=task,
            request=request,
            data={
                "from": old_assignee,
                "to": task.assignee_id,
                "to_name": str(task.assignee.user) if task.assignee else "",
            },
        )
        _notify_assignment(task, event.pk, actor)
    activity_record(
        practice=practice,
        actor=user,
        verb="task.updated",
        target=task,
        request=request,
        data={"fields": sorted(fields)},
    )
    return task


@transaction.atomic
def task_convert(
    *,
    practice: Practice,
    actor: Membership,
    task: Task,
    template: TaskTemplate | None = None,
    request=None,
    **fields,
) -> Task:
    """Accept a request as a task of the practice: triage its fields (as ``task_update``) and
    give it the checklist of the chosen template, or else of its service's template.

    A task that already has a checklist keeps it: converting never doubles the items.
    """
    from tasks.selectors import template_for_category

    if template is not None and template.practice_id != practice.pk:
        raise ApplicationError(
            _("Choose a template of this practice."),
            errors={"template": _("Choose a template of this practice.")},
        )
    task = task_update(practice=practice, actor=actor, task=task, request=request, **fields)
    template = template or template_for_category(practice=practice, category=task.category)
    if template is not None and not task.checklist.exists():
        _apply_template(task, template, None)
        task.template = template
        changed = ["template", "updated_at"]
        if not task.description and template.description:
            task.description = template.description
            changed.append("description")
        task.save(update_fields=changed)
    return task


def tasks_bulk_change(
    *,
    practice: Practice,
    actor: Membership,
    task_ids: Sequence[int],
    status: str | None = None,
    assignee: Membership | None = None,
    unassign: bool = False,
    request=None,
) -> tuple[int, list[str]]:
    """Apply one status and/or assignee to many tasks; each task changes or is reported."""
    if status is None and assignee is None and not unassign:
        raise ApplicationError(_("Choose a status or an assignee to apply."))
    tasks = list(Task.objects.for_practice(practice).filter(pk__in=list(task_ids)).order_by("pk"))
    if not tasks:
        raise ApplicationError(_("Select at least one task."))
    changed, problems = 0, []
    for task in tasks:
        try:
            with transaction.atomic():
                if status:
                    task = task_transition(
                        practice=practice, actor=actor, task=task, status=status, request=request
                    )
                if assignee is not None or unassign:
                    task = task_assign(
                        practice=practice,
                        actor=actor,
                        task=task,
                        assignee=None if unassign else assignee,
                        request=request,
                    )
            changed += 1
        except ApplicationError as error:
            problems.append(f"{task.title}: {error.message}")
    return changed, problems


@transaction.atomic
def comment_add(
    *,
    practice: Practice,
    author: Membership,
    task: Task,
    body: str,
    internal: bool = False,
    files: Sequence = (),
    request=None,
) -> Comment:
    """A staff note or reply, or a client's reply (``author`` is then the contact's membership)."""
    from tasks.tasks import notify_client_reply, notify_staff_of_reply

    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("Write a message."), errors={"body": _("This field is required.")})
    _check_files(files)
    task = _lock(task)
    from_client = author.is_client
    if from_client:
        internal = False
        if not task.client_visible:
            raise ApplicationError(_("This request is not available."))
    now = timezone.now()
    comment = Comment.objects.create(
        practice=practice,
        task=task,
        author=author.user,
        author_membership=author,
        body=body,
        internal=internal,
        from_client=from_client,
        created_at=now,
    )
    _store_attachments(task=task, comment=comment, files=files, user=author.user, internal=internal)
    if from_client:
        verb = "task.client_replied"
        enqueue_on_commit(notify_staff_of_reply, practice_id=practice.pk, comment_id=comment.pk)
        if task.status == Status.WAITING:
            # The client answered: the task is no longer waiting on them (the clock resumes).
            changed = _transition(task, Status.IN_PROGRESS, now)
            task.save(update_fields=[*changed, "updated_at"])
            activity_record(
                practice=practice,
                actor=author.user,
                verb="task.status_changed",
                target=task,
                request=request,
                data={"from": Status.WAITING, "to": Status.IN_PROGRESS},
            )
    elif internal:
        verb = "task.noted"
    else:
        verb = "task.replied"
        if task.responded_at is None:
            _sla_respond(task, now)
            task.save(update_fields=[*SLA_FIELDS, "updated_at"])
        if task.client_visible:
            enqueue_on_commit(notify_client_reply, practice_id=practice.pk, comment_id=comment.pk)
    activity_record(
        practice=practice,
        actor=author.user,
        verb=verb,
        target=task,
        request=request,
        data={"comment": comment.pk},
    )
    return comment


@transaction.atomic
def checklist_item_add(*, practice: Practice, task: Task, text: str) -> ChecklistItem:
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Write the item."), errors={"text": _("This field is required.")})
    position = task.checklist.count()
    return ChecklistItem.objects.create(
        practice=practice, task=task, text=text[:200], position=position
    )


@transaction.atomic
def checklist_item_toggle(*, practice: Practice, item: ChecklistItem, user) -> ChecklistItem:
    if item.done_at is None:
        item.done_at, item.done_by = timezone.now(), user
    else:
        item.done_at, item.done_by = None, None
    item.save(update_fields=["done_at", "done_by"])
    return item
