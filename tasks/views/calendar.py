"""Calendar events, private feed links, and the token-authenticated ICS feed."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.selectors import client_get, client_names, default_scope
from secretary import rls
from secretary.access import staff_view
from secretary.errors import ApplicationError
from secretary.idempotency import submit_once
from secretary.models import Membership
from secretary.prepared import prepared
from tasks import calendar_grid, selectors
from tasks import events as event_services
from tasks.forms import (
    EventForm,
)
from tasks.models import (
    CalendarEvent,
)
from tasks.views.common import _feed_url

LIST_EVENTS = 100
LIST_FIELDS = (
    "practice",
    "title",
    "kind",
    "cancelled",
    "starts_at",
    "ends_at",
    "time_zone",
    "location",
    "video_link",
    "dial_in",
    "client__name",
    "client__time_zone",
)
# A month of a busy practice: past this the grid says so and the list view narrows.
GRID_EVENTS = 600


@prepared()
def _upcoming(*, practice: int, since, member=None):
    """The calendar's list: events from a day ago on, the practice's or the member's, with
    what its rows show (``event_rows``): no task, no member, no notes."""
    membership = None if member is None else Membership(pk=member, practice_id=practice)
    events = selectors.events_for(practice=practice, since=since, membership=membership)
    return events.select_related(None).select_related("client").only(*LIST_FIELDS)[:LIST_EVENTS]


@prepared()
def _my_feeds(*, practice: int, member: int):
    return selectors.feeds_for(practice=practice, membership=member).order_by("pk")[:1]


@staff_view
@require_http_methods(["GET", "POST"])
def event_list(request):
    practice, membership = request.practice, request.membership
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        client = None
        if request.POST.get("client"):
            client = client_get(practice=practice, client_id=request.POST["client"])
        owner = {"client": client} if client else {"membership": membership}
        if action == "create":
            feed, new_token = event_services.feed_create(
                practice=practice, actor=membership, request=request, **owner
            )
            messages.success(
                request, _("New private calendar link created. Copy it now: it is shown only once.")
            )
        elif action == "revoke":
            for feed in selectors.feeds_for(practice=practice, **owner):
                event_services.feed_revoke(
                    practice=practice, actor=membership, feed=feed, request=request
                )
            messages.success(request, _("The calendar link no longer works."))
        else:
            raise Http404
    scope = request.GET.get("scope") or default_scope(membership)
    calendar = _calendar_view(request, scope)
    if request.htmx and request.method == "GET":
        return render(request, "tasks/partials/calendar_view.html", calendar)
    return render(
        request,
        "tasks/event_list.html",
        {
            **calendar,
            "new_token": new_token,
            "feed_url": _feed_url(request, new_token) if new_token else None,
            "my_feed": next(iter(_my_feeds(practice=practice.pk, member=membership.pk)), None),
            # Every client of the practice (hundreds in a large one): options written at once.
            "client_options": format_html_join(
                "",
                '<option value="{}">{}</option>',
                ((client.pk, client.name) for client in client_names(practice=practice.pk)),
            ),
        },
    )


def _calendar_view(request, scope: str) -> dict:
    """The upcoming events as a list, or the week or month around ``?start=`` as a grid, in
    the viewer's time zone; one query either way."""
    practice, membership = request.practice, request.membership
    view = request.GET.get("view")
    view = view if view in calendar_grid.VIEWS else "list"
    mine = membership if scope == "mine" else None
    context = {
        "scope": scope,
        "view": view,
        "view_choices": [("list", _("List")), ("week", _("Week")), ("month", _("Month"))],
        "grid": None,
        "truncated": False,
    }
    if view == "list":
        context["events"] = _upcoming(
            practice=practice.pk,
            since=timezone.now() - timedelta(days=1),
            member=mine.pk if mine else None,
        )
        return context
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    anchor = calendar_grid.parse_anchor(request.GET.get("start"), today)
    build = calendar_grid.week_grid if view == "week" else calendar_grid.month_grid
    grid = build(anchor, today=today, zone=zone)
    events = list(
        selectors.events_for(practice=practice, since=grid.since, until=grid.until, membership=mine)
        .select_related(None)
        .select_related("client")
        .only(*LIST_FIELDS)[: GRID_EVENTS + 1]
    )
    context["truncated"] = len(events) > GRID_EVENTS
    context["grid_empty"] = not events
    grid.place(events[:GRID_EVENTS])
    context["grid"] = grid
    return context


@staff_view
@require_http_methods(["GET", "POST"])
def event_edit(request, event_id: int | None = None):
    event = None
    if event_id is not None:
        event = CalendarEvent.objects.for_practice(request.practice).filter(pk=event_id).first()
        if event is None:
            raise Http404
    initial = {
        "time_zone": timezone.get_current_timezone_name(),
        "secretary": request.membership.pk,
        "client": request.GET.get("client"),
        "task": request.GET.get("task"),
    }
    form = EventForm(
        request.POST or None,
        instance=event,
        practice=request.practice,
        initial=initial if event is None else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            submit_once(
                request,
                form,
                lambda: event_services.event_save(
                    practice=request.practice,
                    actor=request.membership,
                    event=event,
                    request=request,
                    **form.event_fields(),
                ),
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Event saved."))
            return redirect("event_list", practice_slug=request.practice.slug)
    return render(request, "tasks/event_form.html", {"form": form, "event": event})


@staff_view
@require_POST
def event_delete(request, event_id: int):
    event = CalendarEvent.objects.for_practice(request.practice).filter(pk=event_id).first()
    if event is None:
        raise Http404
    event_services.event_delete(
        practice=request.practice, actor=request.membership, event=event, request=request
    )
    messages.success(request, _("Event deleted."))
    return redirect("event_list", practice_slug=request.practice.slug)


@require_GET
def calendar_feed(request, practice_slug: str, token: str):
    """The private ICS feed: the secret in the URL is the only credential (calendar apps)."""
    with rls.practice_transaction_for_slug(practice_slug):
        feed = event_services.feed_by_token(practice_slug=practice_slug, token=token)
        if feed is None:
            raise Http404
        body = event_services.feed_body(
            practice=feed.practice, client=feed.client, membership=feed.membership
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
