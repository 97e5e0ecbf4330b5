"""Routes of this app, mounted by the root urlconf under the practice prefixes."""

from django.urls import path

from tasks import views
from tasks.calls import urls as call_urls
from tasks.inbound import urls as inbound_urls
from tasks.roster import urls as roster_urls
from tasks.transcription import urls as transcription_urls
from tasks.views import exports as export_views

# Under /app/<practice_slug>/ (staff).
staff_patterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/new/template-preview/", views.task_template_preview, name="task_template_preview"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/convert/", views.task_convert, name="task_convert"),
    path("tasks/<int:task_id>/status/", views.task_status, name="task_status"),
    path("tasks/<int:task_id>/comments/", views.task_comment, name="task_comment"),
    path("tasks/<int:task_id>/attachments/", views.task_attach, name="task_attach"),
    path("tasks/<int:task_id>/checklist/", views.checklist_add, name="checklist_add"),
    path("tasks/<int:task_id>/timer/", views.timer_start, name="timer_start"),
    path("tasks/<int:task_id>/time/", views.time_add, name="time_add"),
    path("checklist/<int:item_id>/toggle/", views.checklist_toggle, name="checklist_toggle"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("timer/", views.timer, name="timer"),
    path("time/<int:entry_id>/stop/", views.timer_stop, name="timer_stop"),
    path("time/<int:entry_id>/discard/", views.timer_discard, name="timer_discard"),
    path("time/<int:entry_id>/edit/", views.time_edit, name="time_edit"),
    path("time/<int:entry_id>/delete/", views.time_delete, name="time_delete"),
    path("task-templates/", views.task_template_list, name="task_template_list"),
    path("task-templates/new/", views.task_template_edit, name="task_template_new"),
    path("task-templates/<int:template_id>/", views.task_template_edit, name="task_template_edit"),
    path("recurring/", views.recurring_list, name="recurring_list"),
    path("recurring/new/", views.recurring_edit, name="recurring_new"),
    path("recurring/<int:rule_id>/", views.recurring_edit, name="recurring_edit"),
    path("exports/", export_views.export_page, name="task_export"),
    path("calendar/", views.event_list, name="event_list"),
    path("calendar/new/", views.event_edit, name="event_new"),
    path("calendar/<int:event_id>/", views.event_edit, name="event_edit"),
    path("calendar/<int:event_id>/delete/", views.event_delete, name="event_delete"),
    # Token-authenticated (calendar apps): the secret in the URL is the credential.
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("notifications/", views.notification_preferences, name="notification_preferences"),
    *roster_urls.staff_patterns,
    *transcription_urls.staff_patterns,
    *inbound_urls.staff_patterns,
    *call_urls.staff_patterns,
]
# Under /portal/<practice_slug>/ (client contacts).
portal_patterns: list = [
    path("", views.portal_home, name="portal_home"),
    path("requests/", views.portal_request_list, name="portal_request_list"),
    path("requests/new/", views.portal_request_new, name="portal_request_new"),
    path("requests/<int:task_id>/", views.portal_request_detail, name="portal_request_detail"),
    path(
        "requests/<int:task_id>/replies/",
        views.portal_request_replies,
        name="portal_request_replies",
    ),
    path("attachments/<int:attachment_id>/", views.portal_attachment, name="portal_attachment"),
    path("calendar/", views.portal_calendar, name="portal_calendar"),
    *transcription_urls.portal_patterns,
    *call_urls.portal_patterns,
]

# Outside the practice prefix (mounted under /mail/ by the root urlconf): providers' webhooks.
public_patterns: list = [*inbound_urls.public_patterns]
