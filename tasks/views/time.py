"""Staff pages of time keeping: timers, manual entries and their edits."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from secretary.access import staff_view
from secretary.errors import ApplicationError, form_submit
from tasks import timekeeping
from tasks.forms import (
    TimeEntryForm,
)
from tasks.models import (
    TimeEntry,
)
from tasks.views.common import _fail, _staff_task, _task_url
from tasks.views.work import _detail_submit


def _entry(request, entry_id) -> TimeEntry:
    entry = (
        TimeEntry.objects.for_practice(request.practice)
        .select_related("task", "client")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


@staff_view
@require_POST
def timer_start(request, task_id: int):
    task = _staff_task(request, task_id)
    try:
        timekeeping.timer_start(
            practice=request.practice, membership=request.membership, task=task, request=request
        )
    except ApplicationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Timer started."))
    return redirect(_task_url(request, task) + "#time")


@staff_view
@require_POST
def timer_stop(request, entry_id: int):
    entry = _entry(request, entry_id)
    try:
        entry = timekeeping.timer_stop(
            practice=request.practice, membership=request.membership, entry=entry, request=request
        )
    except ApplicationError as error:
        _fail(request, error)
    else:
        messages.success(
            request,
            ngettext("Timer stopped: %(n)s minute.", "Timer stopped: %(n)s minutes.", entry.minutes)
            % {"n": entry.minutes},
        )
    return redirect(_task_url(request, entry.task) + "#time")


@staff_view
@require_POST
def timer_discard(request, entry_id: int):
    entry = _entry(request, entry_id)
    try:
        timekeeping.timer_discard(
            practice=request.practice, membership=request.membership, entry=entry
        )
    except ApplicationError as error:
        _fail(request, error)
    return redirect(_task_url(request, entry.task) + "#time")


@staff_view
@require_POST
def time_add(request, task_id: int):
    task = _staff_task(request, task_id)
    form = TimeEntryForm(request.POST)
    return _detail_submit(
        request,
        task,
        form,
        lambda data: timekeeping.time_entry_add(
            practice=request.practice,
            membership=request.membership,
            task=task,
            day=data["day"],
            minutes=data["minutes"],
            description=data["description"],
            billable=data["billable"],
            request=request,
        ),
        success=_("Time logged."),
        form_key="time_form",
        anchor="#time",
    )


@staff_view
@require_http_methods(["GET", "POST"])
def time_edit(request, entry_id: int):
    entry = _entry(request, entry_id)
    zone = timekeeping.billing_zone(entry.client)
    form = TimeEntryForm(
        request.POST or None,
        initial={
            "day": entry.started_at.astimezone(zone).date(),
            "minutes": entry.minutes,
            "description": entry.description,
            "billable": entry.billable,
        },
    )
    done, _entry_saved = form_submit(
        request,
        form,
        lambda data: timekeeping.time_entry_update(
            practice=request.practice,
            actor=request.membership,
            entry=entry,
            day=data["day"],
            minutes=data["minutes"],
            description=data["description"],
            billable=data["billable"],
            request=request,
        ),
        success=_("Time entry saved."),
    )
    if done:
        return redirect(_task_url(request, entry.task) + "#time")
    return render(
        request,
        "tasks/time_form.html",
        {"form": form, "entry": entry, "closed": timekeeping.entry_is_closed(entry)},
    )


@staff_view
@require_POST
def time_delete(request, entry_id: int):
    entry = _entry(request, entry_id)
    try:
        timekeeping.time_entry_delete(
            practice=request.practice, actor=request.membership, entry=entry, request=request
        )
    except ApplicationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Time entry deleted."))
    return redirect(_task_url(request, entry.task) + "#time")
