from django.contrib import admin

from secretary.admin import TenantAdmin
from tasks.models import (
    Attachment,
    CalendarEvent,
    CalendarFeed,
    Comment,
    NotificationPreference,
    RecurringTask,
    Task,
    TaskTemplate,
    TimeEntry,
)


@admin.register(Task)
class TaskAdmin(TenantAdmin):
    list_display = ("title", "practice", "client", "status", "assignee", "due_at", "sla_due_at")
    list_filter = ("practice", "status", "source")
    search_fields = ("title",)
    raw_id_fields = ("client", "assignee", "requested_by", "category", "template", "recurrence")


@admin.register(TaskTemplate)
class TaskTemplateAdmin(TenantAdmin):
    list_display = ("name", "practice", "category", "archived")


@admin.register(RecurringTask)
class RecurringTaskAdmin(TenantAdmin):
    list_display = (
        "title",
        "practice",
        "client",
        "frequency",
        "interval",
        "active",
        "last_occurrence",
    )
    raw_id_fields = ("client", "assignee", "category", "template")


@admin.register(Comment)
class CommentAdmin(TenantAdmin):
    list_display = ("task", "practice", "author", "internal", "from_client", "created_at")
    raw_id_fields = ("task", "author_membership")


@admin.register(Attachment)
class AttachmentAdmin(TenantAdmin):
    list_display = ("original_name", "practice", "task", "size", "internal", "created_at")
    raw_id_fields = ("task", "comment")


@admin.register(TimeEntry)
class TimeEntryAdmin(TenantAdmin):
    list_display = (
        "task",
        "practice",
        "membership",
        "started_at",
        "minutes",
        "billable",
        "locked_at",
    )
    raw_id_fields = ("task", "client", "membership")


@admin.register(CalendarEvent)
class CalendarEventAdmin(TenantAdmin):
    list_display = ("title", "practice", "client", "starts_at", "time_zone", "cancelled")
    raw_id_fields = ("client", "task", "secretary")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(TenantAdmin):
    list_display = ("hint", "practice", "client", "membership", "created_at", "revoked_at")
    exclude = ("token_hash",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(TenantAdmin):
    list_display = ("membership", "practice", "on_assignment", "on_client_reply", "on_sla_breach")
