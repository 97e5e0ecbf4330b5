"""Roster pages: the week grid (everyone), my hours and time off (each staff member), a page
per engagement to edit its shifts, exceptions and rotation, and capacity (owners, admins)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.schedule import describe
from secretary.access import admin_view, staff_view
from secretary.errors import form_submit
from secretary.limits import date_in_range
from tasks.roster import selectors, services
from tasks.roster.forms import (
    AvailabilityForm,
    HandoverForm,
    RosterSettingsForm,
    RotationForm,
    ShiftExceptionForm,
    ShiftForm,
    TimeOffForm,
)
from tasks.roster.gaps import UNAVAILABLE
from tasks.roster.models import Handover
from tasks.roster.schedule import day_blocks, week_bounds, week_start

GAP_LIST_DAYS = 14
ROWS_PER_PAGE = 50
GAP_LIST_ROWS = 100  # the soonest; the count of the rest is shown
MEMBER_COLOURS = 8


def _status(request, failed: bool) -> int:
    return 400 if failed and request.method == "POST" else 200


def _week_from(request, zone: str) -> date:
    """The Monday of the week asked for (``?week=YYYY-MM-DD``), else of this week."""
    today = timezone.now().astimezone(ZoneInfo(zone)).date()
    try:
        asked = parse_date(request.GET.get("week", "")[:10])
    except ValueError:
        asked = None
    if asked is None or not date_in_range(asked) or not date_in_range(asked + timedelta(days=7)):
        asked = today
    return week_start(asked)


# --- The week ------------------------------------------------------------------------------


def _colour(member_id: int) -> str:
    return f"m{member_id % MEMBER_COLOURS}"


def _style(block) -> str:
    return f"left: {block.left}%; width: {block.width}%"


def week_rows(entries, monday: date, zone: str, names: dict[int, str], today=None) -> list[dict]:
    """One row per engagement: seven cells (the viewer's days) of duty and gap blocks, with
    every string the template prints made here (a page of 300 clients has 2,100 cells)."""
    days = [monday + timedelta(days=n) for n in range(7)]
    labels = [date_format(day, "D j M") for day in days]
    gap_labels = {UNAVAILABLE: _("Rostered but unavailable"), "uncovered": _("Nobody on duty")}
    gap_word, on_call_word = _("Gap"), _("on call")
    rows = []
    for entry in entries:
        cells: dict[date, list[tuple]] = {day: [] for day in days}
        for duty in entry.rostered:
            colour = _colour(duty.member)
            name = names.get(duty.member, "?")
            if duty.source == "rotation":
                name = f"{name} ({on_call_word})"
            for block in day_blocks(duty.span, zone):
                if block.day in cells:
                    cells[block.day].append(
                        (block.start_minute, 0, colour, _style(block), f"{block.text} {name}")
                    )
        for gap in entry.gaps:
            label = f"{gap_word}: {gap_labels.get(gap.reason, gap_labels['uncovered'])}"
            for block in day_blocks(gap.span, zone):
                if block.day in cells:
                    cells[block.day].append(
                        (
                            block.start_minute,
                            1,
                            "roster-gap",
                            _style(block),
                            f"{block.text} {label}",
                        )
                    )
        row_cells = []
        for day, label in zip(days, labels, strict=True):
            found = sorted(cells[day])
            classes = []
            if not found:
                classes.append("empty-day")
            if day == today:
                classes.append("today")
            if any(item[1] for item in found):
                classes.append("has-gap")
            row_cells.append(
                {
                    "label": label,
                    "classes": " ".join(classes),
                    "entries": [
                        {"css": css, "style": style, "text": text}
                        for _minute, _gap, css, style, text in found
                    ],
                }
            )
        rows.append({"entry": entry, "cells": row_cells, "gap_count": len(entry.gaps)})
    return rows


def _names(practice) -> dict[int, str]:
    return {m.pk: m.user.get_short_name() for m in selectors.staff_of(practice)}


@staff_view
@require_GET
def roster_week(request):
    practice, zone = request.practice, request.user.time_zone
    monday = _week_from(request, zone)
    start, end = week_bounds(monday, zone)
    now = timezone.now()
    # A page of clients in the grid; the gap list of the next 14 days covers every client.
    page = Paginator(selectors.active_engagement_ids(practice=practice), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    entries = selectors.rosters(
        practice=practice, start=start, end=end, engagement_ids=list(page.object_list)
    )
    upcoming_gaps = selectors.gap_rows(
        practice=practice, start=now, end=now + timedelta(days=GAP_LIST_DAYS)
    )
    names = _names(practice)
    context = {
        "monday": monday,
        "days": [monday + timedelta(days=n) for n in range(7)],
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "today": now.astimezone(ZoneInfo(zone)).date(),
        "viewer_zone": zone,
        "rows": week_rows(
            entries, monday, zone, names, today=now.astimezone(ZoneInfo(zone)).date()
        ),
        "upcoming_gaps": upcoming_gaps[:GAP_LIST_ROWS],
        "more_gaps": max(0, len(upcoming_gaps) - GAP_LIST_ROWS),
        "gap_list_days": GAP_LIST_DAYS,
        "page": page,
    }
    template = "tasks/roster/partials/week.html" if request.htmx else "tasks/roster/week.html"
    return render(request, template, context)


# --- My hours ------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def my_hours(request):
    practice, membership = request.practice, request.membership
    profile = selectors.availability_profile(practice=practice, membership=membership)
    windows = selectors.availability_windows(practice=practice, membership=membership)
    initial = {
        "time_zone": profile.time_zone if profile else request.user.time_zone,
        "max_weekly_hours": profile.max_weekly_hours if profile else None,
        **AvailabilityForm.initial_for(windows),
    }
    form = AvailabilityForm(request.POST or None, initial=initial)
    done, _saved = form_submit(
        request,
        form,
        lambda data: services.availability_save(
            practice=practice,
            membership=membership,
            time_zone=data["time_zone"],
            max_weekly_hours=data["max_weekly_hours"],
            windows=data["windows"],
            request=request,
        ),
        success=_("Your hours are saved."),
    )
    if done:
        return redirect("roster_my_hours", practice_slug=practice.slug)
    return _hours_page(request, form=form, time_off_form=TimeOffForm(), failed=form.is_bound)


def _hours_page(request, *, form, time_off_form, failed: bool):
    practice, membership = request.practice, request.membership
    context = {
        "form": form,
        "time_off_form": time_off_form,
        "time_off": selectors.time_off_of(practice=practice, membership=membership),
        "profile": selectors.availability_profile(practice=practice, membership=membership),
    }
    return render(request, "tasks/roster/my_hours.html", context, status=_status(request, failed))


@staff_view
@require_POST
def time_off_add(request):
    practice, membership = request.practice, request.membership
    form = TimeOffForm(request.POST)
    done, _saved = form_submit(
        request,
        form,
        lambda data: services.time_off_add(
            practice=practice, membership=membership, request=request, **data
        ),
        success=_("Time off added."),
    )
    if done:
        return redirect("roster_my_hours", practice_slug=practice.slug)
    profile = selectors.availability_profile(practice=practice, membership=membership)
    windows = selectors.availability_windows(practice=practice, membership=membership)
    hours = AvailabilityForm(
        initial={
            "time_zone": profile.time_zone if profile else request.user.time_zone,
            "max_weekly_hours": profile.max_weekly_hours if profile else None,
            **AvailabilityForm.initial_for(windows),
        }
    )
    return _hours_page(request, form=hours, time_off_form=form, failed=True)


@staff_view
@require_POST
def time_off_remove(request, time_off_id: int):
    time_off = selectors.time_off_get(practice=request.practice, time_off_id=time_off_id)
    if time_off.membership_id != request.membership.pk and not request.membership.is_admin:
        raise Http404
    services.time_off_remove(
        practice=request.practice, actor=request.membership, time_off=time_off, request=request
    )
    messages.success(request, _("Time off removed."))
    return redirect("roster_my_hours", practice_slug=request.practice.slug)


# --- Editing an engagement's roster --------------------------------------------------------


@admin_view
@require_http_methods(["GET", "POST"])
def roster_edit(request, engagement_id: int):
    practice = request.practice
    engagement = selectors.active_engagement_get(practice=practice, engagement_id=engagement_id)
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if request.method == "POST" else None
    shift_form = ShiftForm(data if action == "shift" else None, practice=practice)
    exception_form = ShiftExceptionForm(
        data if action == "exception" else None, practice=practice, engagement=engagement
    )
    rotation = next(iter(engagement.rotations.for_practice(practice)), None)
    rotation_initial = {"handover_weekday": 0, "handover_time": time(9), "length_days": 7}
    if rotation is not None:
        rotation_initial = {
            "handover_weekday": rotation.handover_weekday,
            "handover_time": rotation.handover_time,
            "length_days": rotation.length_days,
            "starts_on": rotation.starts_on,
        }
        for member in rotation.members.for_practice(practice):
            rotation_initial[f"member_{member.position}"] = member.membership_id
    else:
        rotation_initial["starts_on"] = timezone.localdate()
    rotation_form = RotationForm(
        data if action == "rotation" else None, practice=practice, initial=rotation_initial
    )
    actor = request.membership
    done = False
    if action == "shift":
        done, _result = form_submit(
            request,
            shift_form,
            lambda d: services.shift_add(
                practice=practice, actor=actor, engagement=engagement, request=request, **d
            ),
            success=_("Shift added."),
        )
    elif action == "exception":
        done, _result = form_submit(
            request,
            exception_form,
            lambda d: services.shift_exception_set(
                practice=practice, actor=actor, request=request, **d
            ),
            success=_("Saved for that day."),
        )
    elif action == "rotation":
        done, _result = form_submit(
            request,
            rotation_form,
            lambda d: services.rotation_save(
                practice=practice,
                actor=actor,
                engagement=engagement,
                members=rotation_form.members(),
                handover_weekday=d["handover_weekday"],
                handover_time=d["handover_time"],
                length_days=d["length_days"],
                starts_on=d["starts_on"],
                request=request,
            ),
            success=_("Rotation saved."),
        )
    if done:
        return redirect("roster_edit", practice_slug=practice.slug, engagement_id=engagement.pk)
    now = timezone.now()
    entry = selectors.engagement_roster(
        practice=practice,
        engagement=engagement,
        start=now,
        end=now + timedelta(days=GAP_LIST_DAYS),
    )
    exceptions = [
        (shift, exception) for shift in entry.shifts for exception in shift.exceptions.all()
    ]
    context = {
        "engagement": engagement,
        "client": engagement.client,
        "coverage_text": describe(entry.engagement.coverage()),
        "entry": entry,
        "exceptions": exceptions,
        "shift_form": shift_form,
        "exception_form": exception_form,
        "rotation_form": rotation_form if engagement.on_call or rotation else None,
        "rotation": entry.rotation,
        "gap_list_days": GAP_LIST_DAYS,
    }
    return render(
        request, "tasks/roster/edit.html", context, status=_status(request, action is not None)
    )


def _back_to(request, engagement_id: int):
    return redirect("roster_edit", practice_slug=request.practice.slug, engagement_id=engagement_id)


@admin_view
@require_POST
def shift_remove(request, shift_id: int):
    shift = selectors.shift_get(practice=request.practice, shift_id=shift_id)
    engagement_id = shift.engagement_id
    services.shift_remove(
        practice=request.practice, actor=request.membership, shift=shift, request=request
    )
    messages.success(request, _("Shift removed."))
    return _back_to(request, engagement_id)


@admin_view
@require_POST
def shift_exception_remove(request, exception_id: int):
    exception = selectors.shift_exception_get(practice=request.practice, exception_id=exception_id)
    engagement_id = exception.shift.engagement_id
    services.shift_exception_remove(
        practice=request.practice, actor=request.membership, exception=exception, request=request
    )
    messages.success(request, _("The shift runs as usual that day."))
    return _back_to(request, engagement_id)


@admin_view
@require_POST
def rotation_remove(request, rotation_id: int):
    rotation = selectors.rotation_get(practice=request.practice, rotation_id=rotation_id)
    engagement_id = rotation.engagement_id
    services.rotation_remove(
        practice=request.practice, actor=request.membership, rotation=rotation, request=request
    )
    messages.success(request, _("Rotation removed."))
    return _back_to(request, engagement_id)


# --- Capacity ------------------------------------------------------------------------------


@admin_view
@require_http_methods(["GET", "POST"])
def roster_capacity(request):
    practice, zone = request.practice, request.user.time_zone
    settings_form = RosterSettingsForm(
        request.POST or None,
        initial={
            "auto_assign_requests": selectors.roster_settings(
                practice=practice
            ).auto_assign_requests
        },
    )
    done, _saved = form_submit(
        request,
        settings_form,
        lambda data: services.roster_settings_save(
            practice=practice, actor=request.membership, request=request, **data
        ),
        success=_("Roster settings saved."),
    )
    if done:
        return redirect("roster_capacity", practice_slug=practice.slug)
    monday = _week_from(request, zone)
    start, end = week_bounds(monday, zone)
    context = {
        "capacity": selectors.capacity(practice=practice, start=start, end=end),
        "monday": monday,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "settings_form": settings_form,
        "viewer_zone": zone,
    }
    return render(request, "tasks/roster/capacity.html", context)


# --- Handover ------------------------------------------------------------------------------


@staff_view
@require_POST
def handover_leave(request):
    form = HandoverForm(request.POST, practice=request.practice)
    done, _saved = form_submit(
        request,
        form,
        lambda data: services.handover_leave(
            practice=request.practice, author=request.membership, request=request, **data
        ),
        success=_("Handover note left for the next person on duty."),
    )
    if not done:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("dashboard", practice_slug=request.practice.slug)


@staff_view
@require_POST
def handover_read(request, handover_id: int):
    handover = Handover.objects.for_practice(request.practice).filter(pk=handover_id).first()
    if handover is None:
        raise Http404
    services.handover_mark_read(
        practice=request.practice, reader=request.membership, handover=handover
    )
    return redirect("dashboard", practice_slug=request.practice.slug)


def dashboard_panel(request) -> dict:
    """What the dashboard shows the viewer: where they are on duty, their next shift, the
    handover notes for those clients, and the form to leave one."""
    practice, membership = request.practice, request.membership
    duty = selectors.duty_of(practice=practice, membership=membership)
    return {
        "duty": duty,
        "handovers": selectors.handovers_for(practice=practice, membership=membership, duty=duty),
        "handover_form": HandoverForm(
            practice=practice,
            initial={"client": duty.now[0].client.pk} if duty.now else None,
        ),
    }


# --- The engagement builder's check --------------------------------------------------------


def _span_label(span, zone: str) -> str:
    tz = ZoneInfo(zone)
    start, end = span[0].astimezone(tz), span[1].astimezone(tz)
    same_day = end.date() == start.date() or (end.time() == time(0) and end - start <= timedelta(1))
    ending = "24:00" if end.time() == time(0) and same_day else f"{end:%H:%M}"
    if not same_day:
        ending = date_format(end, "D H:i")
    return f"{date_format(start, 'D j M H:i')}–{ending}"


def staffing_context(request, engagement, coverage) -> dict | None:
    """The builder's "can we take this client?" check: the coming week's sold hours nobody
    on staff is available for, and those the client's current roster leaves open."""
    if not (coverage.windows or coverage.always_on):
        return None
    zone = coverage.time_zone
    local_today = timezone.now().astimezone(ZoneInfo(zone)).date()
    start = datetime.combine(local_today, time(0), tzinfo=ZoneInfo(zone))
    end = datetime.combine(local_today + timedelta(days=7), time(0), tzinfo=ZoneInfo(zone))
    check = selectors.staffing_check(
        practice=request.practice,
        coverage=coverage,
        client=engagement.client,
        start=start,
        end=end,
    )
    return {
        "zone": zone,
        "unavailable": [_span_label(span, zone) for span in check.unavailable],
        "unrostered": [_span_label(span, zone) for span in check.unrostered],
    }


# --- The portal ----------------------------------------------------------------------------


def _range_label(span, zone: str) -> str:
    tz = ZoneInfo(zone)
    start, end = span[0].astimezone(tz), span[1].astimezone(tz)
    if end.date() == start.date():
        return f"{date_format(start, 'D j M H:i')}–{end:%H:%M}"
    if end.time() == time(0) and end.date() == start.date() + timedelta(days=1):
        return f"{date_format(start, 'D j M H:i')}–24:00"
    return f"{date_format(start, 'D j M H:i')} – {date_format(end, 'D j M H:i')}"


def portal_cover(request, client, zone: str) -> list[dict]:
    """Who covers the contact's client this week (their week, in their zone)."""
    monday = week_start(timezone.now().astimezone(ZoneInfo(zone)).date())
    start, end = week_bounds(monday, zone)
    return [
        {
            "name": cover.first_name,
            "on_call": cover.on_call,
            "when": [_range_label(span, zone) for span in cover.spans],
        }
        for cover in selectors.client_cover(
            practice=request.practice, client=client, start=start, end=end
        )
    ]
