"""Showing instants in a named time zone, and the badges of task rows.

``zoned`` (the core's) formats in the zone it is given, or the viewer's.

``when`` and ``sla_badge`` render what ``partials/when.html`` and ``partials/sla_badge.html``
did, as one tag each: lists call them for every row, where an include costs a template render.
"""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from secretary import moments
from secretary.templatetags.secretary_tags import row_url, zoned

register = template.Library()

_NOTHING = mark_safe('<span class="muted">—</span>')

# sla_state → (badge class, label)
_SLA_BADGES = {
    "breached": ("badge danger", _("Response late")),
    "paused": ("badge neutral", _("Clock paused")),
    "met": ("badge success", _("Answered in time")),
    "late": ("badge warning", _("Answered late")),
    "running": ("badge", _("Response due")),
}


# ``zoned`` is the core's (the viewer's zone when none is given), loadable from here too.
register.simple_tag(zoned)


@register.simple_tag
def when(value, other_zone=""):
    """A moment in the viewer's time zone (a ``<time>``), and in ``other_zone`` (the
    client's) after it when that zone is another; a dash for none or one the viewer's zone
    cannot show (see ``viewable``)."""
    if value is None:
        return _NOTHING
    try:
        local = timezone.localtime(value)
    except (OverflowError, ValueError):
        return _NOTHING
    shown = format_html('<time datetime="{}">{}</time>', local.isoformat(), moments.short(local))
    if other_zone and other_zone != timezone.get_current_timezone_name():
        return format_html(
            '{}<span class="other-zone">{} · {}</span>',
            shown,
            zoned(value, other_zone),
            other_zone,
        )
    return shown


_STATUS_BADGE_CLASSES = {
    "done": "success",
    "cancelled": "neutral",
    "waiting": "warning",
    "requested": "info",  # informational: red is for problems only
}


@register.simple_tag
def status_badge(status, label):
    """A task status as a badge (``partials/status_badge.html``)."""
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        _STATUS_BADGE_CLASSES.get(status, ""),
        status,
        label,
    )


@register.simple_tag(takes_context=True)
def task_url(context, task):
    """``{% url 'task_detail' practice.slug task.pk %}`` for a list's rows (``row_url``)."""
    return row_url(context, "task_detail", task.pk)


@register.simple_tag
def sla_badge(task):
    """The badge of a task's response clock (nothing when it has none)."""
    badge = _SLA_BADGES.get(task.sla_state)
    if badge is None:
        return ""
    return format_html('<span class="{}">{}</span>', badge[0], badge[1])


@register.filter
def viewable(value):
    """``value`` when the viewer's time zone can show it, else None: a moment stored outside
    the years dates may take (before that rule) shows as absent instead of failing the page."""
    if value is None:
        return None
    try:
        timezone.localtime(value)
    except (OverflowError, ValueError):
        return None
    return value


@register.filter
def status_label(value):
    """The readable name of a task status value (as stored in the history)."""
    from tasks.models import Status

    try:
        return Status(value).label
    except ValueError:
        return value
