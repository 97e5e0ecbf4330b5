"""Writes of the tasks app: requests and tasks, transitions, SLA, comments, attachments,
checklists, templates and recurring rules. Time and calendar writes live in
``tasks.timekeeping`` and ``tasks.calendar``."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client, ServiceCategory
from clients.selectors import can_work_on, engagement_active
from secretary.audit import activity_record, register_verbs
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.models import Membership, Practice
from tasks import sla
from tasks.models import (
    CLOSED_STATUSES,
    TRANSITIONS,
    Attachment,
    ChecklistItem,
    Comment,
    Priority,
    RecurringTask,
    Source,
    Status,
    Task,
    TaskTemplate,
)
from tasks.recurrence import occurrences, rule_problems

register_verbs(
    {
        "task.requested": gettext_lazy("sent a request"),
        "task.created": gettext_lazy("created a task"),
        "task.status_changed": gettext_lazy("changed the status"),
        "task.reassigned": gettext_lazy("reassigned the task"),
        "task.due_moved": gettext_lazy("moved the due date"),
        "task.updated": gettext_lazy("edited the task"),
        "task.replied": gettext_lazy("replied to the client"),
        "task.noted": gettext_lazy("added an internal note"),
        "task.client_replied": gettext_lazy("replied"),
        "task.sla_breached": gettext_lazy("missed the response time"),
        "task.attached": gettext_lazy("attached a file"),
        "time.logged": gettext_lazy("logged time"),
        "time.changed": gettext_lazy("changed a time entry"),
        "time.deleted": gettext_lazy("deleted a time entry"),
        "event.saved": gettext_lazy("saved a calendar event"),
        "event.deleted": gettext_lazy("deleted a calendar event"),
        "feed.created": gettext_lazy("created a calendar feed link"),
        "feed.revoked": gettext_lazy("revoked a calendar feed link"),
    }
)

# --- attachments -------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_UPLOAD = 10
ALLOWED_EXTENSIONS = (
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".txt",
    ".csv",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".odt",
    ".ods",
    ".odp",
    ".rtf",
    ".ics",
    ".zip",
)


def attachment_limits_text() -> str:
    return _("Up to %(count)s files of at most %(size)s MB each: %(types)s.") % {
        "count": MAX_ATTACHMENTS_PER_UPLOAD,
        "size": MAX_ATTACHMENT_BYTES // (1024 * 1024),
        "types": ", ".join(ext.lstrip(".").upper() for ext in ALLOWED_EXTENSIONS),
    }


def attachment_problems(files: Sequence) -> list[str]:
    """Readable reasons these uploads are refused, naming the limit broken."""
    problems = []
    if len(files) > MAX_ATTACHMENTS_PER_UPLOAD:
        problems.append(
            _("Attach at most %(count)s files at a time.") % {"count": MAX_ATTACHMENTS_PER_UPLOAD}
        )
    for upload in files:
        name = os.path.basename(upload.name or "")
        extension = os.path.splitext(name)[1].lower()
        if extension not in ALLOWED_EXTENSIONS:
            problems.append(
                _("“%(name)s” is not an allowed file type. Allowed: %(types)s.")
                % {
                    "name": name,
                    "types": ", ".join(e.lstrip(".").upper() for e in ALLOWED_EXTENSIONS),
                }
            )
        elif upload.size > MAX_ATTACHMENT_BYTES:
            problems.append(
                _("“%(name)s” is larger than the %(size)s MB limit.")
                % {"name": name, "size": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
            )
        elif upload.size == 0:
            problems.append(_("“%(name)s” is empty.") % {"name": name})
    return problems


def _check_files(files: Sequence, field: str = "attachments") -> None:
    problems = attachment_problems(files)
    if problems:
        raise ApplicationError(problems[0], errors={field: problems})


def _store_attachments(
    *, task: Task, comment: Comment | None, files: Iterable, user, internal: bool
) -> list[Attachment]:
    stored = []
    for upload in files:
        name = os.path.basename(upload.name)[:200]
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        attachment = Attachment(
            practice_id=task.practice_id,
            task=task,
            comment=comment,
            original_name=name,
            content_type=content_type,
            size=upload.size,
            internal=internal,
            uploaded_by=user,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


@transaction.atomic
def attachment_add(
    *,
    practice: Practice,
    task: Task,
    files: Sequence,
    user,
    internal: bool,
    comment: Comment | None = None,
    request=None,
) -> list[Attachment]:
    """Attach files to a task, or to one of its comments (then as visible as the comment)."""
    if not files:
        raise ApplicationError(
            _("Choose a file to attach."), errors={"attachments": _("Choose a file to attach.")}
        )
    if comment is not None:
        if comment.task_id != task.pk:
            raise ApplicationError(
                _("Choose a comment of this task."),
                errors={"comment": _("Choose a comment of this task.")},
            )
        internal = comment.internal
    _check_files(files)
    stored = _store_attachments(
        task=task, comment=comment, files=files, user=user, internal=internal
    )
    activity_record(
        practice=practice,
        actor=user,
        verb="task.attached",
        target=task,
        data={"files": [a.original_name for a in stored]},
        request=request,
    )
    return stored


# --- SLA ---------------------------------------------------------------------------------------


def _pauses(task: Task) -> list[tuple[datetime, datetime]]:
    return [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in task.sla_pauses]


def _sla_compute(task: Task) -> None:
    """Set ``sla_due_at`` from the client's active engagement (portal and email requests)."""
    if task.source == Source.STAFF or task.responded_at is not None:
        return
    engagement = engagement_active(practice=task.practice_id, client=task.client)
    if engagement is None or engagement.response_target_hours is None:
        task.sla_due_at = None
        return
    task.sla_hours = Decimal(engagement.response_target_hours)
    try:
        task.sla_due_at = sla.due_at(
            start=task.created_at,
            hours=task.sla_hours,
            coverage=engagement.coverage(),
            paused=_pauses(task),
        )
    except sla.NoCoverage:
        task.sla_due_at = None


def _sla_pause(task: Task, now: datetime) -> None:
    if task.sla_due_at is not None and task.responded_at is None and task.sla_paused_since is None:
        task.sla_paused_since = now


def _sla_resume(task: Task, now: datetime) -> None:
    if task.sla_paused_since is None:
        return
    task.sla_pauses = [*task.sla_pauses, [task.sla_paused_since.isoformat(), now.isoformat()]]
    task.sla_paused_since = None
    _sla_compute(task)


def _sla_respond(task: Task, now: datetime) -> None:
    if task.responded_at is None and task.sla_due_at is not None:
        _sla_resume(task, now)
        task.responded_at = now


SLA_FIELDS = ["sla_due_at", "sla_hours", "sla_paused_since", "sla_pauses", "responded_at"]


@transaction.atomic
def sla_breaches_mark(*, practice: Practice | int, now: datetime | None = None) -> list[int]:
    """Mark open, unanswered, running tasks past their response time; notify each assignee once."""
    from tasks.tasks import notify_sla_breach

    now = now or timezone.now()
    practice_id = practice if isinstance(practice, int) else practice.pk
    due = list(
        Task.objects.for_practice(practice_id)
        .select_for_update()
        .filter(
            sla_due_at__lt=now,
            responded_at__isnull=True,
            sla_breached_at__isnull=True,
            sla_paused_since__isnull=True,
        )
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("pk")
    )
    for task in due:
        task.sla_breached_at = now
        task.save(update_fields=["sla_breached_at"])
        activity_record(
            practice=Practice(pk=practice_id),
            verb="task.sla_breached",
            target=task,
            data={"due": task.sla_due_at.isoformat()},
        )
        enqueue_on_commit(notify_sla_breach, practice_id=practice_id, task_id=task.pk)
    return [task.pk for task in due]


# --- tasks -------------------------------------------------------------------------------------


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


def _check_category(practice: Practice, category: ServiceCategory | None) -> None:
    if category is not None and category.practice_id != practice.pk:
        raise ApplicationError(
            _("Choose a service of this practice."),
            errors={"category": _("Choose a service of this practice.")},
        )


def _check_due(due_at: datetime | None, created_at: datetime) -> None:
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
    now = timezone.now()
    if wanted_by is not None and wanted_by < now.astimezone(ZoneInfo(client.time_zone)).date():
        raise ApplicationError(
            _("The wanted-by date cannot be in the past."),
            errors={"wanted_by": _("The wanted-by date cannot be in the past.")},
        )
    assignee = client.primary_secretary
    if assignee is not None and not can_work_on(client=client, membership=assignee):
        assignee = None
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
    _sla_compute(task)
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
    _sla_compute(task)
    task.full_clean()
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
        task.client = fields["client"]
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


# --- comments and checklists -------------------------------------------------------------------


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


# --- templates ---------------------------------------------------------------------------------

# name, task title, words that find the matching service, checklist
DEFAULT_TEMPLATES = [
    (
        gettext_lazy("Travel booking"),
        gettext_lazy("Book travel"),
        ("travel",),
        [
            gettext_lazy("Flights"),
            gettext_lazy("Hotel"),
            gettext_lazy("Ground transport"),
            gettext_lazy("Itinerary sent"),
        ],
    ),
    (
        gettext_lazy("Conference call"),
        gettext_lazy("Set up a conference call"),
        ("conference-calls", "conference", "call"),
        [
            gettext_lazy("Invitations sent"),
            gettext_lazy("Dial-in tested"),
            gettext_lazy("Agenda"),
            gettext_lazy("Minutes"),
        ],
    ),
    (
        gettext_lazy("Proofreading"),
        gettext_lazy("Proofread a document"),
        ("proofreading", "proof"),
        [
            gettext_lazy("Spelling and grammar"),
            gettext_lazy("Consistency and style"),
            gettext_lazy("Facts, names and figures checked"),
            gettext_lazy("Corrected copy returned"),
        ],
    ),
    (
        gettext_lazy("Business-card order"),
        gettext_lazy("Order business cards"),
        ("supplies", "card"),
        [
            gettext_lazy("Details confirmed"),
            gettext_lazy("Proof approved by the client"),
            gettext_lazy("Order placed"),
            gettext_lazy("Delivery confirmed"),
        ],
    ),
    (
        gettext_lazy("Monthly bookkeeping close"),
        gettext_lazy("Close the month's books"),
        ("bookkeeping", "books"),
        [
            gettext_lazy("Bank statements imported"),
            gettext_lazy("Transactions reconciled"),
            gettext_lazy("Receipts filed"),
            gettext_lazy("Invoices and bills reviewed"),
            gettext_lazy("Reports sent to the client"),
        ],
    ),
]


def _match_category(categories: list[ServiceCategory], words: Sequence[str]):
    by_slug = {category.slug: category for category in categories}
    for word in words:
        if word in by_slug:
            return by_slug[word]
    for word in words:
        for category in categories:
            if word in category.slug.lower() or word in category.name.lower():
                return category
    return None


@transaction.atomic
def task_templates_seed(*, practice: Practice) -> list[TaskTemplate]:
    """Create the default templates a practice lacks (by name), linked to matching services.

    Idempotent: running it again creates nothing new and links templates whose service was
    created since.
    """
    categories = list(ServiceCategory.objects.for_practice(practice).filter(archived=False))
    existing = {t.name: t for t in TaskTemplate.objects.for_practice(practice)}
    created = []
    for name, title, words, checklist in DEFAULT_TEMPLATES:
        category = _match_category(categories, words)
        template = existing.get(str(name))
        if template is None:
            created.append(
                TaskTemplate.objects.create(
                    practice=practice,
                    name=str(name),
                    title=str(title),
                    category=category,
                    checklist=[str(item) for item in checklist],
                )
            )
        elif template.category_id is None and category is not None:
            template.category = category
            template.save(update_fields=["category"])
    return created


def _template_fields(checklist) -> list[str]:
    if isinstance(checklist, str):
        checklist = checklist.splitlines()
    return [str(item).strip()[:200] for item in checklist or [] if str(item).strip()]


@transaction.atomic
def task_template_save(
    *,
    practice: Practice,
    template: TaskTemplate | None = None,
    name: str,
    title: str,
    description: str = "",
    category: ServiceCategory | None = None,
    priority: int = Priority.NORMAL,
    checklist=(),
    archived: bool = False,
) -> TaskTemplate:
    name, title = (name or "").strip(), (title or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("This field is required.")
    if not title:
        errors["title"] = _("This field is required.")
    clash = TaskTemplate.objects.for_practice(practice).filter(name__iexact=name)
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if name and clash.exists():
        errors["name"] = _("A template with this name already exists.")
    if errors:
        raise ApplicationError(_("Please correct the errors below."), errors=errors)
    _check_category(practice, category)
    template = template or TaskTemplate(practice=practice)
    template.name, template.title, template.description = name, title, description or ""
    template.category, template.priority, template.archived = category, priority, archived
    template.checklist = _template_fields(checklist)
    template.full_clean()
    template.save()
    return template


# --- recurring tasks ---------------------------------------------------------------------------


@transaction.atomic
def recurring_task_save(
    *, practice: Practice, actor: Membership, recurring: RecurringTask | None = None, **fields
) -> RecurringTask:
    recurring = recurring or RecurringTask(practice=practice)
    for name, value in fields.items():
        setattr(recurring, name, value)
    _check_client(practice, recurring.client)
    _check_category(practice, recurring.category)
    assignee = _staff_member(practice, recurring.assignee_id)
    _check_assignable(recurring.client, assignee)
    problems = rule_problems(recurring.rule())
    if recurring.frequency != "weekly":
        recurring.weekday = None
    if recurring.frequency != "monthly":
        recurring.month_day = None
    if problems:
        raise ApplicationError(_("Please correct the errors below."), errors=problems)
    if recurring.lead_days > 60:
        raise ApplicationError(
            _("Create tasks at most 60 days ahead."),
            errors={"lead_days": _("Create tasks at most 60 days ahead.")},
        )
    recurring.full_clean()
    recurring.save()
    return recurring


def recurring_tasks_run(*, practice: Practice | int, now: datetime | None = None) -> list[Task]:
    """Create the tasks of every active rule whose next occurrences are within their lead time.

    Each rule is locked while it runs and remembers its last occurrence; the unique constraint
    on (practice, rule, occurrence date) is the last word, so no occurrence is created twice.
    """
    now = now or timezone.now()
    practice_id = practice if isinstance(practice, int) else practice.pk
    practice = Practice.objects.get(pk=practice_id)
    created: list[Task] = []
    rule_ids = list(
        RecurringTask.objects.for_practice(practice_id)
        .filter(active=True)
        .values_list("pk", flat=True)
    )
    for rule_id in rule_ids:
        with transaction.atomic():
            rule = (
                RecurringTask.objects.for_practice(practice_id)
                .select_for_update(of=("self",))
                .select_related("client", "template", "assignee")
                .filter(pk=rule_id)
                .first()
            )
            if rule is None or not rule.active:
                continue
            zone = ZoneInfo(rule.client.time_zone)
            today = now.astimezone(zone).date()
            # Never backfill before the rule existed.
            floor = rule.last_occurrence or (
                rule.created_at.astimezone(zone).date() - timedelta(days=1)
            )
            dates = occurrences(
                rule.rule(), after=floor, until=today + timedelta(days=rule.lead_days)
            )
            existing = set(
                Task.objects.for_practice(practice_id)
                .filter(recurrence=rule, occurrence_date__in=dates)
                .values_list("occurrence_date", flat=True)
            )
            for day in dates:
                if day in existing:
                    continue
                due = datetime.combine(day, rule.due_time, tzinfo=zone)
                assignee = rule.assignee
                if assignee is not None and not can_work_on(
                    client=rule.client, membership=assignee
                ):
                    assignee = None
                created.append(
                    task_create(
                        practice=practice,
                        actor=None,
                        client=rule.client,
                        title=rule.title,
                        description=rule.description,
                        category=rule.category,
                        assignee=assignee,
                        due_at=max(due, now),
                        template=rule.template,
                        recurrence=rule,
                        occurrence_date=day,
                        created_at=now,
                    )
                )
            if dates:
                rule.last_occurrence = dates[-1]
                rule.save(update_fields=["last_occurrence"])
    return created


__all__ = [
    "ALLOWED_EXTENSIONS",
    "MAX_ATTACHMENT_BYTES",
    "attachment_add",
    "attachment_limits_text",
    "comment_add",
    "recurring_task_save",
    "recurring_tasks_run",
    "sla_breaches_mark",
    "task_assign",
    "task_create",
    "task_request_submit",
    "task_template_save",
    "task_templates_seed",
    "task_transition",
    "task_update",
    "tasks_bulk_change",
]
