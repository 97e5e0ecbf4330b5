"""Writes of the tasks app: requests and tasks, transitions, the SLA clock, comments,
attachments, checklists, templates and recurring rules (time entries live in
``tasks.timekeeping``, calendar events and feeds in ``tasks.events``)."""

from django.utils.translation import gettext_lazy

from secretary.audit import register_verbs

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
        "tasks.exported": gettext_lazy("exported tasks or time entries"),
        "event.saved": gettext_lazy("saved a calendar event"),
        "event.deleted": gettext_lazy("deleted a calendar event"),
        "feed.created": gettext_lazy("created a calendar feed link"),
        "feed.revoked": gettext_lazy("revoked a calendar feed link"),
    }
)

from tasks.services.attachments import (  # noqa: E402
    ALLOWED_EXTENSIONS,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS_PER_UPLOAD,
    attachment_add,
    attachment_limits_text,
    attachment_problems,
)
from tasks.services.recurring import recurring_task_save, recurring_tasks_run  # noqa: E402
from tasks.services.sla_clock import sla_breaches_mark, task_sla_compute  # noqa: E402
from tasks.services.templates import (  # noqa: E402
    DEFAULT_TEMPLATES,
    task_template_save,
    task_templates_seed,
)
from tasks.services.work import (  # noqa: E402
    checklist_item_add,
    checklist_item_toggle,
    comment_add,
    task_assign,
    task_convert,
    task_create,
    task_move_blocker,
    task_request_submit,
    task_transition,
    task_update,
    tasks_bulk_change,
)

__all__ = [
    "ALLOWED_EXTENSIONS",
    "DEFAULT_TEMPLATES",
    "MAX_ATTACHMENTS_PER_UPLOAD",
    "MAX_ATTACHMENT_BYTES",
    "attachment_add",
    "attachment_limits_text",
    "attachment_problems",
    "checklist_item_add",
    "checklist_item_toggle",
    "comment_add",
    "recurring_task_save",
    "recurring_tasks_run",
    "sla_breaches_mark",
    "task_assign",
    "task_convert",
    "task_create",
    "task_move_blocker",
    "task_request_submit",
    "task_sla_compute",
    "task_template_save",
    "task_templates_seed",
    "task_transition",
    "task_update",
    "tasks_bulk_change",
]
