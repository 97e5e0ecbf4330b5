"""The person's running timer, for the top bar of every staff page."""

from django import template
from django.utils import timezone

from secretary.durations import format_clock
from tasks import selectors
from tasks.forms import TimerStopForm

register = template.Library()

_UNSET = object()


def running_timer_of(request):
    """The running timer of ``request``'s member (read once per request)."""
    running = getattr(request, "_running_timer", _UNSET)
    if running is _UNSET:
        membership = getattr(request, "membership", None)
        running = None
        # The request's membership says whether a timer runs (``running_timer_id``, read with
        # it): no query on the pages of a member without one.
        if membership is not None and membership.is_staff:
            if getattr(membership, "running_timer_id", _UNSET) is not None:
                running = selectors.running_timer(practice=request.practice, membership=membership)
        request._running_timer = running
    return running


@register.simple_tag(takes_context=True)
def topbar_timer(context):
    """``{"entry", "clock", "stop_form"}`` of the running timer, or None."""
    request = context.get("request")
    if request is None or getattr(request, "practice", None) is None:
        return None
    entry = running_timer_of(request)
    if entry is None:
        return None
    seconds = (timezone.now() - entry.started_at).total_seconds()
    return {
        "entry": entry,
        "clock": format_clock(seconds),
        "stop_form": TimerStopForm(
            auto_id="id_topbar_timer_%s",
            initial={"description": entry.description, "billable": entry.billable},
        ),
    }
