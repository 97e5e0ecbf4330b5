from celery.schedules import crontab
from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The beat jobs of this app, merged into CELERY_BEAT_SCHEDULE when the app loads.
BEAT_SCHEDULE = {
    "tasks-mark-sla-breaches": {
        "task": "tasks.tasks.mark_sla_breaches",
        "schedule": crontab(minute="*/5"),
    },
    "tasks-create-recurring": {
        "task": "tasks.tasks.create_recurring_tasks",
        "schedule": crontab(minute=7),
    },
}


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Tasks and time")

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_delete

        from clients.sections import register_client_section
        from clients.usage import register_minutes_source
        from secretary.models import Membership, Practice
        from secretary.navigation import (
            register_portal_nav,
            register_staff_nav,
            register_staff_shortcut,
            register_staff_topbar,
        )
        from secretary.services import membership_removed
        from tasks import client_tabs, signals, timekeeping

        settings.CELERY_BEAT_SCHEDULE.update(BEAT_SCHEDULE)
        register_minutes_source(timekeeping.minutes_source)
        register_staff_nav("task_list", _("Tasks"), order=20)
        from secretary.access import register_membership_extra
        from secretary.search import register_search_provider
        from tasks import search, selectors

        register_membership_extra("running_timer_id", selectors.running_timer_id)

        register_search_provider(
            "tasks",
            rows=search.task_rows,
            columns=search.TASK_COLUMNS,
            fields=search.TASK_FIELDS,
            hits=search.task_hits,
            label=_("Tasks"),
            order=30,
            more_url=search.tasks_more_url,
            newest="created_at",
        )
        register_search_provider(
            "comments",
            rows=search.comment_rows,
            columns=search.COMMENT_COLUMNS,
            fields=search.COMMENT_FIELDS,
            hits=search.comment_hits,
            label=_("Comments"),
            order=40,
            newest="created_at",
        )
        from tasks.calls import search as call_search

        register_search_provider(
            "calls",
            rows=call_search.call_rows,
            columns=call_search.COLUMNS,
            fields=call_search.FIELDS,
            hits=call_search.call_hits,
            label=_("Calls"),
            order=45,
            newest="received_at",
        )
        register_staff_nav("event_list", _("Calendar"), order=30)
        register_staff_nav("roster_week", _("Roster"), order=35)
        register_staff_nav("transcription_list", _("Transcription"), order=37)
        register_staff_nav(
            "task_template_list",
            _("Task templates"),
            min_role="admin",
            order=82,
            group="settings",
        )
        register_staff_nav(
            "task_export", _("Exports"), min_role="admin", order=84, group="settings"
        )
        register_staff_topbar("tasks/partials/topbar_timer.html")
        register_client_section(
            "tasks",
            _("Tasks"),
            template="tasks/client_tabs/tasks.html",
            context=client_tabs.tasks_context,
            count=client_tabs.tasks_count,
            order=20,
        )
        register_client_section(
            "time",
            _("Time"),
            template="tasks/client_tabs/time.html",
            context=client_tabs.time_context,
            count=client_tabs.time_count,
            order=30,
        )
        register_staff_shortcut("/", "search", _("Search this page, or the whole practice"))
        register_staff_shortcut("g d", "dashboard", _("Go to the dashboard"))
        register_staff_shortcut("g t", "task_list", _("Go to the tasks"))
        register_staff_shortcut("n", "task_new", _("New task"))
        register_portal_nav("portal_request_list", _("Requests"), order=10, part="requests")
        register_portal_nav("portal_calendar", _("Calendar"), order=40)
        register_portal_nav(
            "portal_transcription_list", _("Transcription"), order=15, part="requests"
        )
        post_save.connect(
            signals.seed_templates, sender=Practice, dispatch_uid="tasks.seed_templates"
        )
        pre_delete.connect(
            signals.keep_member_history, sender=Membership, dispatch_uid="tasks.keep_member_history"
        )
        membership_removed.connect(
            signals.revoke_feeds_of_removed_member, dispatch_uid="tasks.revoke_member_feeds"
        )
        from clients.signals import engagement_accepted
        from clients.staffing import register_staffing_check
        from tasks.roster.views import staffing_context

        register_staffing_check(
            "roster",
            template="tasks/roster/partials/staffing_check.html",
            context=staffing_context,
        )
        from tasks.calls import setup as calls_setup
        from tasks.roster.receivers import carry_roster_to_new_version

        calls_setup.ready()

        engagement_accepted.connect(
            carry_roster_to_new_version, dispatch_uid="tasks.roster.carry_to_new_version"
        )
        from tasks.inbound import setup as inbound_setup

        inbound_setup.ready()

        self._renew_cached_gaps()
        self._renew_kept_dashboards()

    def _renew_kept_dashboards(self) -> None:
        """Every write of tasks or clients renews the practice's kept dashboard figures and
        lists (``task_written``): a save, a bulk write, a task's ``delete()``. (A client with
        tasks cannot be deleted; a practice's deletion takes its dashboards with it.)"""
        from django.db.models.signals import post_save

        from clients.models import Client
        from secretary.tenancy import rows_written
        from tasks import signals
        from tasks.models import Task

        for model in (Task, Client):
            uid = f"tasks.dashboard.{model._meta.label_lower}"
            post_save.connect(signals.task_written, sender=model, dispatch_uid=f"{uid}.save")
            rows_written.connect(signals.task_written, sender=model, dispatch_uid=f"{uid}.bulk")

    def _renew_cached_gaps(self) -> None:
        """Every row the cached gaps read renews the practice's version when it changes
        (``tasks.roster.cache``); the roster's bulk writes renew it themselves."""
        from django.db.models.signals import post_delete, post_save

        from clients.models import Client, CoverageWindow, Engagement
        from secretary.models import Membership, User
        from tasks.roster import cache
        from tasks.roster.models import (
            AvailabilityWindow,
            Rotation,
            RotationMember,
            Shift,
            ShiftException,
            StaffAvailability,
            TimeOff,
        )

        for model in (
            Client,
            Engagement,
            CoverageWindow,
            Membership,
            Shift,
            ShiftException,
            Rotation,
            RotationMember,
            StaffAvailability,
            AvailabilityWindow,
            TimeOff,
        ):
            uid = f"tasks.roster.cache.{model._meta.label_lower}"
            post_save.connect(cache.changed, sender=model, dispatch_uid=f"{uid}.save")
            post_delete.connect(cache.changed, sender=model, dispatch_uid=f"{uid}.delete")
        post_save.connect(cache.user_changed, sender=User, dispatch_uid="tasks.roster.cache.user")
