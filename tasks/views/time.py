"""Staff pages of time keeping: timers, manual entries and their edits."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from secretary.access import staff_view
from secretary.durations import format_duration
from secretary.errors import ApplicationError, form_submit
from secretary.limits import parse_id
from tasks import selectors, timekeeping
from tasks.forms import (
    TimeEntryForm,
    TimerStartForm,
    TimerStopForm,
)
from tasks.models import (
    Task,
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


def _back(request, fallback: str) -> str:
    """Where a timer form sends the person back: the page they were on (``next``, a path of
    this site), else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _stopped_message(entry) -> str:
    return _("Timer stopped: %(duration)s logged.") % {"duration": format_duration(entry.minutes)}


def _start(request, task) -> None:
    try:
        timekeeping.timer_start(
            practice=request.practice, membership=request.membership, task=task, request=request
        )
    except ApplicationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Timer started on “%(task)s”.") % {"task": task.title})


@staff_view
@require_http_methods(["GET", "POST"])
def timer(request):
    """The person's timer from any page: stop it (asking what was done) while it runs, else
    start it on one of their open tasks. The top bar loads this panel; without JavaScript it
    is a page of its own."""
    practice, membership = request.practice, request.membership
    running = selectors.running_timer(practice=practice, membership=membership)
    current = None
    current_id = parse_id(request.GET.get("task"))
    if current_id is not None:
        current = Task.objects.for_practice(practice).filter(pk=current_id).first()
    form = TimerStartForm(
        request.POST if request.method == "POST" else None,
        practice=practice,
        membership=membership,
        current=current,
        # Loaded into the top bar of any page, its ids must not meet this page's own form.
        auto_id="id_topbar_timer_start_%s" if request.htmx else "id_timer_start_%s",
    )
    if request.method == "POST":
        if form.is_valid():
            task = form.cleaned_data["task"]
            _start(request, task)
            return redirect(_back(request, _task_url(request, task)))
        status = 400
    else:
        status = 200
    context = {
        "running": running,
        "start_form": form,
        "stop_form": TimerStopForm(auto_id="id_panel_timer_%s"),
        "next": _back(request, ""),
    }
    template = "tasks/partials/timer_panel.html" if request.htmx else "tasks/timer.html"
    return render(request, template, context, status=status)


@staff_view
@require_POST
def timer_start(request, task_id: int):
    task = _staff_task(request, task_id)
    _start(request, task)
    return redirect(_back(request, _task_url(request, task) + "#time"))


@staff_view
@require_POST
def timer_stop(request, entry_id: int):
    entry = _entry(request, entry_id)
    form = TimerStopForm(request.POST)
    back = _back(request, _task_url(request, entry.task) + "#time")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    try:
        entry = timekeeping.timer_stop(
            practice=request.practice,
            membership=request.membership,
            entry=entry,
            # Left empty, the entry keeps the description it was started with.
            description=form.cleaned_data["description"],
            # An unticked box is not posted: the answer counts when the form was shown (its
            # description field always comes, even empty).
            billable=form.cleaned_data["billable"] if "description" in request.POST else None,
            request=request,
        )
    except ApplicationError as error:
        _fail(request, error)
    else:
        messages.success(request, _stopped_message(entry))
    return redirect(back)


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
    else:
        messages.success(request, _("Timer discarded: nothing was logged."))
    return redirect(_back(request, _task_url(request, entry.task) + "#time"))


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
