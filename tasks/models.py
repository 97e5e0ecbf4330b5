"""Work tracking: tasks (from the portal, email or staff), checklists, templates, recurring
rules, comments, attachments, time entries, calendar events and their private feeds."""

from __future__ import annotations

import os
import secrets
import uuid
from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from secretary import limits
from secretary.limits import text_field, validate_date_in_range
from secretary.models import hash_secret, validate_time_zone
from secretary.tenancy import TenantModel, rows_written
from tasks.recurrence import WEEKDAY_NAMES, Frequency, Rule


class Source(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    STAFF = "staff", _("Staff")
    PHONE = "phone", _("Phone")


class Status(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting on client")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.REQUESTED, Status.TODO, Status.IN_PROGRESS, Status.WAITING)
CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)


def urgency():
    """The nearer of a task's due time and its response due time, the latter only while the
    response is still owed (an answered request is no more urgent for its old deadline).

    Lists of open tasks sort by it through ``task_open_urgency_idx``: a query uses that index
    only while it orders by this very expression and filters on ``status__in=OPEN_STATUSES``.
    """
    owed = Case(
        When(responded_at__isnull=True, then=F("sla_due_at")),
        default=Value(None),
        output_field=models.DateTimeField(),
    )
    # Each side falls back on the other, so LEAST never sees a NULL (SQLite's MIN would
    # answer NULL) and a task with neither deadline sorts last.
    return Least(Coalesce(owed, "due_at"), Coalesce("due_at", owed))


# The only moves a task may make. Done and cancelled tasks can be reopened.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.REQUESTED: (Status.TODO, Status.IN_PROGRESS, Status.WAITING, Status.CANCELLED),
    Status.TODO: (Status.IN_PROGRESS, Status.WAITING, Status.DONE, Status.CANCELLED),
    Status.IN_PROGRESS: (Status.TODO, Status.WAITING, Status.DONE, Status.CANCELLED),
    Status.WAITING: (Status.TODO, Status.IN_PROGRESS, Status.DONE, Status.CANCELLED),
    Status.DONE: (Status.IN_PROGRESS,),
    Status.CANCELLED: (Status.TODO,),
}


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class TaskTemplate(TenantModel):
    """A reusable task for a service: title, description and checklist. Admins manage them."""

    category = models.ForeignKey(
        "clients.ServiceCategory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("service"),
    )
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("task title"), max_length=200)
    description = text_field(_("description"), blank=True, max_length=limits.TEXT_LONG)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="tasktemplate_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class RecurringTask(TenantModel):
    """A rule that creates a task for each occurrence (weekly newsletter, monthly books)."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    title = models.CharField(_("title"), max_length=200)
    description = text_field(_("description"), blank=True, max_length=limits.TEXT_LONG)
    category = models.ForeignKey(
        "clients.ServiceCategory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("service"),
    )
    template = models.ForeignKey(
        TaskTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("template"),
    )
    assignee = models.ForeignKey(
        "secretary.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee"),
    )
    frequency = models.CharField(
        _("repeat every"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    interval = models.PositiveSmallIntegerField(_("interval"), default=1)
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True)
    month_day = models.PositiveSmallIntegerField(_("day of month"), null=True, blank=True)
    start_date = models.DateField(_("starts on"), validators=[validate_date_in_range])
    due_time = models.TimeField(
        _("due at"), default=time(17, 0), help_text=_("In the client's time zone.")
    )
    lead_days = models.PositiveSmallIntegerField(
        _("create ahead (days)"),
        default=2,
        help_text=_("How many days before the due date the task appears."),
    )
    active = models.BooleanField(_("active"), default=True)
    last_occurrence = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["practice", "active"], name="recurring_active_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def weekday_name(self) -> str:
        return str(WEEKDAY_NAMES[self.weekday]) if self.weekday is not None else ""

    def rule(self) -> Rule:
        return Rule(
            self.frequency,
            start=self.start_date,
            interval=self.interval,
            weekday=self.weekday,
            month_day=self.month_day,
        )


class Task(TenantModel):
    # RESTRICT (the client's other history rows too): a client with work on record is archived
    # (status "ended"), never deleted. Unlike PROTECT, deleting the whole practice still works:
    # these rows go with it through their own ``practice``.
    client = models.ForeignKey(
        "clients.Client", on_delete=models.RESTRICT, related_name="tasks", verbose_name=_("client")
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.STAFF
    )
    title = models.CharField(_("title"), max_length=200)
    description = text_field(_("description"), blank=True, max_length=limits.TEXT_LONG)
    category = models.ForeignKey(
        "clients.ServiceCategory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("service"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.TODO
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        "secretary.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee"),
    )
    requested_by = models.ForeignKey(
        "secretary.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    wanted_by = models.DateField(
        _("wanted by"), null=True, blank=True, validators=[validate_date_in_range]
    )
    due_at = models.DateTimeField(
        _("due"), null=True, blank=True, validators=[validate_date_in_range]
    )
    client_visible = models.BooleanField(_("visible to the client"), default=True)
    template = models.ForeignKey(
        TaskTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recurrence = models.ForeignKey(
        RecurringTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    occurrence_date = models.DateField(null=True, blank=True)
    # The SLA clock: due time of the first response, pauses while waiting on the client.
    sla_due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    sla_hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    sla_paused_since = models.DateTimeField(null=True, blank=True)
    sla_pauses = models.JSONField(default=list, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    sla_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "recurrence", "occurrence_date"],
                condition=Q(recurrence__isnull=False),
                name="task_unique_occurrence",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "status", "due_at"], name="task_status_due_idx"),
            models.Index(fields=["practice", "assignee", "status"], name="task_assignee_idx"),
            models.Index(fields=["practice", "client", "status"], name="task_client_idx"),
            models.Index(fields=["practice", "sla_due_at"], name="task_sla_idx"),
            # Newest first (the model's order, the API's list, the portal's requests).
            models.Index(fields=["practice", "-created_at", "-id"], name="task_recent_idx"),
            # The dashboard's lists and the task list: open tasks, soonest first (an index
            # scan that stops after a page instead of sorting every open task).
            models.Index(
                F("practice"),
                urgency(),
                name="task_open_urgency_idx",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            # The dashboard's lists: a member's open tasks (their own; the unassigned ones,
            # under a null assignee) soonest first.
            models.Index(
                F("practice"),
                F("assignee"),
                urgency(),
                name="task_open_assignee_idx",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            # ... and the unassigned ones alone (the triage queue), soonest first.
            models.Index(
                F("practice"),
                urgency(),
                name="task_open_unassigned_idx",
                condition=Q(status__in=OPEN_STATUSES, assignee__isnull=True),
            ),
            # The dashboard's counts of a member's open tasks (theirs; the unassigned ones of
            # their clients): index-only scans, every column they test is in the index.
            models.Index(
                fields=["practice", "assignee", "client"],
                include=[
                    "status",
                    "due_at",
                    "sla_due_at",
                    "responded_at",
                    "sla_breached_at",
                    "sla_paused_since",
                ],
                name="task_open_mine_idx",
                condition=Q(status__in=OPEN_STATUSES),
            ),
        ]

    def delete(self, *args, **kwargs):
        # A receiver of post_delete would stop the fast deletes of a practice's tasks (each
        # row loaded to be signalled); a task deleted on its own says so here.
        deleted = super().delete(*args, **kwargs)
        rows_written.send(sender=Task, practice_ids={self.practice_id})
        return deleted

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def allowed_statuses(self) -> list[tuple[str, str]]:
        return [(s, Status(s).label) for s in TRANSITIONS[self.status]]

    @property
    def sla_state(self) -> str:
        """none, met, paused, breached or running."""
        if self.sla_due_at is None:
            return "none"
        if self.responded_at is not None:
            return "met" if self.responded_at <= self.sla_due_at else "late"
        if self.sla_paused_since is not None:
            return "paused"
        if self.sla_breached_at is not None or (self.is_open and self.sla_due_at < timezone.now()):
            return "breached"
        return "running" if self.is_open else "none"

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()


class ChecklistItem(TenantModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("item"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Comment(TenantModel):
    """An internal note (staff only) or a reply the client sees."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_membership = models.ForeignKey(
        "secretary.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = text_field(_("message"), max_length=limits.TEXT_LONG)
    internal = models.BooleanField(_("internal note"), default=False)
    from_client = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    client_notified_at = models.DateTimeField(null=True, blank=True)
    staff_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["practice", "task", "created_at"], name="comment_task_idx"),
            # Search's recency window: the practice's newest comments, read from the top.
            models.Index(fields=["practice", "-created_at", "-id"], name="comment_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random name: the original is kept in the row, never trusted as a path.
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"attachments/{instance.practice_id}/{uuid.uuid4().hex}{extension}"


class Attachment(TenantModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    internal = models.BooleanField(_("internal"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class TimeEntry(TenantModel):
    """Time spent on a task: a running timer (no end yet) or a finished/manual entry."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="time_entries")
    client = models.ForeignKey("clients.Client", on_delete=models.RESTRICT, related_name="+")
    # Logged time outlives the member's removal: the link is cleared and their name kept in
    # ``member_name`` (written when the membership is deleted, see tasks.signals).
    membership = models.ForeignKey(
        "secretary.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    member_name = models.CharField(_("member"), max_length=150, blank=True, editable=False)
    started_at = models.DateTimeField(validators=[validate_date_in_range])
    ended_at = models.DateTimeField(null=True, blank=True, validators=[validate_date_in_range])
    minutes = models.PositiveIntegerField(null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    billable = models.BooleanField(_("billable"), default=True)
    manual = models.BooleanField(default=False)
    # Set when the period is invoiced or locked by hand; such entries never change again.
    locked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "membership"],
                condition=Q(ended_at__isnull=True, manual=False),
                name="timeentry_one_running_timer",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "client", "started_at"], name="timeentry_client_idx"),
            models.Index(fields=["practice", "task"], name="timeentry_task_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.minutes or 0} min"

    @property
    def is_running(self) -> bool:
        return self.ended_at is None and not self.manual

    @property
    def member_label(self) -> str:
        """Who logged it: the member, or the name they had when they were removed."""
        if self.membership_id is not None:
            return str(self.membership.user)
        return self.member_name or gettext("Former member")


class EventKind(models.TextChoices):
    CALL = "call", _("Conference or video call")
    MEETING = "meeting", _("Meeting")
    TRAVEL = "travel", _("Travel")
    OTHER = "other", _("Other")


# An event's length (its end less its start).
EVENT_LENGTH = models.ExpressionWrapper(
    F("ends_at") - F("starts_at"), output_field=models.DurationField()
)


class CalendarEvent(TenantModel):
    client = models.ForeignKey(
        "clients.Client", on_delete=models.RESTRICT, related_name="+", verbose_name=_("client")
    )
    task = models.ForeignKey(
        Task,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("task"),
    )
    secretary = models.ForeignKey(
        "secretary.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("secretary"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=EventKind.choices, default=EventKind.CALL
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"), validators=[validate_date_in_range])
    ends_at = models.DateTimeField(_("ends"), validators=[validate_date_in_range])
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    location = models.CharField(_("location"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    dial_in = models.CharField(_("dial-in"), max_length=200, blank=True)
    attendees = models.JSONField(_("attendees"), default=list, blank=True)
    notes = text_field(_("notes"), blank=True, max_length=limits.TEXT_NOTES)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["practice", "starts_at"], name="event_start_idx"),
            models.Index(fields=["practice", "client", "starts_at"], name="event_client_idx"),
            # The practice's longest event, in one step: how long before a day an event
            # that reaches into it may start (``selectors.events_for``).
            models.Index(F("practice"), EVENT_LENGTH, name="event_length_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class CalendarFeed(TenantModel):
    """A private, revocable ICS URL for one client or one secretary; the secret is hashed."""

    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    membership = models.ForeignKey(
        "secretary.Membership", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Who made the link: it works only while that membership exists and still qualifies (staff,
    # or a contact of this client), since they hold the secret.
    issued_by = models.ForeignKey(
        "secretary.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False, membership__isnull=True)
                | Q(client__isnull=True, membership__isnull=False),
                name="calendarfeed_one_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "client"], name="feed_client_idx"),
            models.Index(fields=["practice", "membership"], name="feed_member_idx"),
        ]

    def __str__(self) -> str:
        return f"feed {self.hint}…"

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, hash_secret(token)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class NotificationPreference(TenantModel):
    """Which emails a member wants; a member without a row gets them all."""

    membership = models.OneToOneField(
        "secretary.Membership", on_delete=models.CASCADE, related_name="+"
    )
    on_assignment = models.BooleanField(_("a task is assigned to me"), default=True)
    on_client_reply = models.BooleanField(_("a client replies on my task"), default=True)
    on_sla_breach = models.BooleanField(
        _("a task of mine breaches its response time"), default=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "membership"], name="notificationpref_unique_member"
            )
        ]


class NotificationSent(TenantModel):
    """One row per email sent for an event, so a retried job never sends it twice."""

    key = models.CharField(max_length=120)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "key"], name="notificationsent_unique_key")
        ]


class RequestRead(TenantModel):
    """How far a client contact has read a request's conversation: replies after ``read_at``
    by anyone else are new to them (the portal marks those requests)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey("clients.Contact", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "contact", "task"], name="requestread_unique_contact_task"
            )
        ]


from tasks.calls.models import Call, Urgency  # noqa: E402,F401  (the call log's rows)
from tasks.inbound.models import (  # noqa: E402,F401  (inbound email's rows live in this app)
    EmailReply,
    EmailThread,
    InboundAddress,
    InboundMessage,
)
from tasks.roster.models import (  # noqa: E402,F401  (the roster's rows live in this app)
    AvailabilityWindow,
    Handover,
    RosterSettings,
    Rotation,
    RotationMember,
    Shift,
    ShiftException,
    StaffAvailability,
    TimeOff,
)
from tasks.transcription.models import (  # noqa: E402,F401  (transcription rows live in this app)
    TranscriptionJob,
    Turnaround,
)
