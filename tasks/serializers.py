"""API serializers. Fields that take ids are scoped to the request's practice; writes go
through the services."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.models import Client, ServiceCategory
from secretary.api_fields import ApiDateTimeField
from secretary.limits import MAX_ID, in_zone, validate_date_in_range
from secretary.models import Membership
from tasks.events import EVENT_FIELDS_FOR_STAFF, MAX_ATTENDEES, event_fields
from tasks.models import (
    Attachment,
    CalendarEvent,
    CalendarFeed,
    ChecklistItem,
    Comment,
    Status,
    Task,
    TimeEntry,
)
from tasks.timekeeping import MAX_ENTRY_MINUTES

# Items a task may bring with it when created through the API.
MAX_CHECKLIST_ITEMS = 200


def _practice(serializer):
    request = serializer.context.get("request")
    return getattr(request, "practice", None)


class PracticeScopedField(serializers.PrimaryKeyRelatedField):
    """An id of a row of the request's practice; any other id is "not found" (400)."""

    def __init__(self, model=None, **kwargs):
        self.model = model
        self.extra_filter = kwargs.pop("extra_filter", {})
        super().__init__(**kwargs)

    def get_queryset(self):
        practice = _practice(self.root) if self.root is not None else None
        if practice is None:
            return self.model.objects.none()
        return self.model.objects.for_practice(practice).filter(**self.extra_filter)


def scoped(model, **kwargs):
    kwargs.setdefault("queryset", model.objects.none())
    return PracticeScopedField(model=model, **kwargs)


class ChecklistItemSerializer(serializers.ModelSerializer):
    done = serializers.SerializerMethodField()

    class Meta:
        model = ChecklistItem
        fields = ["id", "text", "position", "done", "done_at"]

    def get_done(self, item) -> bool:
        return item.done_at is not None


class TaskSerializer(serializers.ModelSerializer):
    client = scoped(Client)
    category = scoped(ServiceCategory, required=False, allow_null=True)
    assignee = scoped(
        Membership,
        required=False,
        allow_null=True,
        extra_filter={"role__in": ("owner", "admin", "secretary")},
    )
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    checklist = ChecklistItemSerializer(many=True, read_only=True)
    checklist_items = serializers.ListField(
        child=serializers.CharField(max_length=200),
        max_length=MAX_CHECKLIST_ITEMS,
        write_only=True,
        required=False,
        help_text=_("Checklist items to create with the task."),
    )
    sla_state = serializers.CharField(read_only=True)
    client_time_zone = serializers.CharField(source="client.time_zone", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "client",
            "client_time_zone",
            "source",
            "title",
            "description",
            "category",
            "status",
            "priority",
            "assignee",
            "due_at",
            "wanted_by",
            "client_visible",
            "sla_due_at",
            "sla_state",
            "responded_at",
            "created_at",
            "updated_at",
            "completed_at",
            "checklist",
            "checklist_items",
        ]
        read_only_fields = [
            "source",
            "wanted_by",
            "sla_due_at",
            "responded_at",
            "created_at",
            "updated_at",
            "completed_at",
        ]


# The field every model date-time of the API is shown through (``SecretaryConfig.ready``).
_MOMENT = ApiDateTimeField()


def task_representations(tasks) -> list[dict]:
    """``TaskSerializer(tasks, many=True).data`` for a page of tasks (with their client and
    checklist at hand), written directly: DRF's fields cost about 0.1 ms a task, a sixth of the
    API's task list. Moments go through the serializer's own field, so they read the same.
    ``tests/tasks/test_api_rows.py`` compares the two."""

    def at(value):
        return None if value is None else _MOMENT.to_representation(value)

    return [
        {
            "id": task.pk,
            "client": task.client_id,
            "client_time_zone": task.client.time_zone,
            "source": task.source,
            "title": task.title,
            "description": task.description,
            "category": task.category_id,
            "status": task.status,
            "priority": task.priority,
            "assignee": task.assignee_id,
            "due_at": at(task.due_at),
            "wanted_by": None if task.wanted_by is None else task.wanted_by.isoformat(),
            "client_visible": task.client_visible,
            "sla_due_at": at(task.sla_due_at),
            "sla_state": task.sla_state,
            "responded_at": at(task.responded_at),
            "created_at": at(task.created_at),
            "updated_at": at(task.updated_at),
            "completed_at": at(task.completed_at),
            "checklist": [
                {
                    "id": item.pk,
                    "text": item.text,
                    "position": item.position,
                    "done": item.done_at is not None,
                    "done_at": at(item.done_at),
                }
                for item in task.checklist.all()
            ],
        }
        for task in tasks
    ]


class ClientTaskSerializer(serializers.ModelSerializer):
    """What a client contact sees and sends: their request, never staff-only fields."""

    category = scoped(ServiceCategory, required=False, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "description",
            "category",
            "status",
            "status_label",
            "wanted_by",
            "created_at",
            "updated_at",
            "completed_at",
        ]
        read_only_fields = ["status", "created_at", "updated_at", "completed_at"]


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "task",
            "comment",
            "original_name",
            "content_type",
            "size",
            "internal",
            "created_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str:
        return reverse(
            "api_attachment_download", args=[self.context["request"].practice.slug, attachment.pk]
        )


class AttachmentUploadSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)
    internal = serializers.BooleanField(default=False)
    comment = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("A comment of the same task."),
    )


class CommentSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "body",
            "internal",
            "from_client",
            "author_name",
            "created_at",
            "attachments",
        ]
        read_only_fields = ["from_client", "created_at"]

    def get_author_name(self, comment) -> str:
        return str(comment.author) if comment.author else ""


class TimeEntrySerializer(serializers.ModelSerializer):
    task = scoped(Task)
    day = serializers.DateField(
        write_only=True, required=False, validators=[validate_date_in_range]
    )
    minutes = serializers.IntegerField(
        required=False,
        min_value=-(10**6),
        max_value=10**6,
        help_text=_("1 to %(max)s.") % {"max": MAX_ENTRY_MINUTES},
    )
    running = serializers.BooleanField(source="is_running", read_only=True)
    member = serializers.CharField(source="member_label", read_only=True)

    class Meta:
        model = TimeEntry
        fields = [
            "id",
            "task",
            "client",
            "member",
            "started_at",
            "ended_at",
            "minutes",
            "day",
            "description",
            "billable",
            "manual",
            "running",
            "locked_at",
        ]
        read_only_fields = ["client", "started_at", "ended_at", "manual", "locked_at"]


class TimerStartSerializer(serializers.Serializer):
    task = scoped(Task)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)


class AttendeeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254)


class EventSerializer(serializers.ModelSerializer):
    client = scoped(Client)
    task = scoped(Task, required=False, allow_null=True)
    secretary = scoped(Membership, required=False, allow_null=True)
    attendees = AttendeeSerializer(many=True, required=False, max_length=MAX_ATTENDEES)
    starts_in_client_zone = serializers.SerializerMethodField()

    class Meta:
        model = CalendarEvent
        fields = list(EVENT_FIELDS_FOR_STAFF)
        read_only_fields = ["updated_at"]

    @extend_schema_field(serializers.DateTimeField())
    def get_starts_in_client_zone(self, event):
        return in_zone(event.starts_at, event.client.time_zone).isoformat()


class ClientEventSerializer(EventSerializer):
    """An event as a client contact sees it: the fields of ``EVENT_FIELDS_FOR_CLIENTS``, as in
    the portal and the client's feed (no notes, no attendees)."""

    class Meta(EventSerializer.Meta):
        fields = [
            name for name in EventSerializer.Meta.fields if name in event_fields(for_client=True)
        ]
        read_only_fields = fields


class FeedSerializer(serializers.ModelSerializer):
    client = scoped(Client, required=False, allow_null=True)

    class Meta:
        model = CalendarFeed
        fields = [
            "id",
            "client",
            "membership",
            "issued_by",
            "hint",
            "created_at",
            "revoked_at",
            "last_used_at",
        ]
        read_only_fields = [
            "membership",
            "issued_by",
            "hint",
            "created_at",
            "revoked_at",
            "last_used_at",
        ]
        extra_kwargs = {
            "issued_by": {
                "help_text": _(
                    "Membership that made the link; it works only while that member is staff "
                    "or a contact of this client."
                )
            }
        }
