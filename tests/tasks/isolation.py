"""Routes of the tasks app for the isolation harness."""

from clients.selectors import contact_for_membership
from tasks.models import CalendarFeed
from tests.tasks.calls.routes import call_routes
from tests.tasks.factories import (
    AttachmentFactory,
    CalendarEventFactory,
    ChecklistItemFactory,
    ClientFactory,
    ContactFactory,
    RecurringTaskFactory,
    TaskFactory,
    TaskTemplateFactory,
    TimeEntryFactory,
)
from tests.tasks.inbound.routes import inbound_routes
from tests.tasks.roster.routes import roster_routes
from tests.tasks.transcription.routes import transcription_routes


def routes(world) -> dict[str, dict]:
    practice = world.practice
    # The world's contact may already represent a client (another app's routes made one).
    contact = contact_for_membership(membership=world.client_contact)
    if contact is not None:
        client = contact.client
    else:
        client = ClientFactory(practice=practice, primary_secretary=world.secretary)
        ContactFactory(practice=practice, client=client, membership=world.client_contact)
    task = TaskFactory(practice=practice, client=client, assignee=world.secretary)
    item = ChecklistItemFactory(practice=practice, task=task)
    attachment = AttachmentFactory(practice=practice, task=task)
    entry = TimeEntryFactory(
        practice=practice, task=task, client=client, membership=world.secretary
    )
    template = TaskTemplateFactory(practice=practice)
    rule = RecurringTaskFactory(practice=practice, client=client)
    event = CalendarEventFactory(practice=practice, client=client, task=task)
    feed = CalendarFeed.objects.create(
        practice=practice,
        client=client,
        token_hash="x" * 64,
        hint="xxxxxx",
        issued_by=world.client_contact,
    )
    by_task = {"task_id": task.pk}
    return {
        "dashboard": {},
        "portal_home": {},
        **api_routes(world, task, attachment, entry, event, feed),
        **roster_routes(world),
        **transcription_routes(world, client),
        **inbound_routes(world),
        **call_routes(world),
        "task_list": {},
        "task_new": {},
        "task_template_preview": {},
        "task_detail": by_task,
        "task_edit": by_task,
        "task_convert": by_task,
        "task_status": by_task,
        "task_comment": by_task,
        "task_attach": by_task,
        "checklist_add": by_task,
        "timer_start": by_task,
        "time_add": by_task,
        "checklist_toggle": {"item_id": item.pk},
        "attachment_download": {"attachment_id": attachment.pk},
        "timer": {},
        "timer_stop": {"entry_id": entry.pk},
        "timer_discard": {"entry_id": entry.pk},
        "time_edit": {"entry_id": entry.pk},
        "time_delete": {"entry_id": entry.pk},
        "task_template_list": {},
        "task_template_new": {},
        "task_template_edit": {"template_id": template.pk},
        "recurring_list": {},
        "recurring_new": {},
        "recurring_edit": {"rule_id": rule.pk},
        "event_list": {},
        "task_export": {},
        "event_new": {},
        "event_edit": {"event_id": event.pk},
        "event_delete": {"event_id": event.pk},
        # A secret the outsider does not have: forged tokens answer 404.
        "calendar_feed": {"token": "forged-token-of-nobody"},
        "notification_preferences": {},
        "portal_request_list": {},
        "portal_request_new": {},
        "portal_request_detail": by_task,
        "portal_request_replies": by_task,
        "portal_attachment": {"attachment_id": attachment.pk},
        "portal_calendar": {},
    }


def api_routes(world, task, attachment, entry, event, feed) -> dict[str, dict]:
    by_task = {"task_id": task.pk}
    return {
        "api_task_list": {},
        "api_task_detail": by_task,
        "api_task_transition": by_task,
        "api_task_comments": by_task,
        "api_task_attachments": by_task,
        "api_attachment_download": {"attachment_id": attachment.pk},
        "api_time_entry_list": {},
        "api_time_entry_detail": {"entry_id": entry.pk},
        "api_timer_start": {},
        "api_timer_stop": {"entry_id": entry.pk},
        "api_event_list": {},
        "api_event_detail": {"event_id": event.pk},
        "api_calendar_ics": {},
        "api_feed_list": {},
        "api_feed_revoke": {"feed_id": feed.pk},
    }
