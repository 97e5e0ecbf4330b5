"""Showing instants in a named time zone (``zoned`` is the core's, loadable from here too)."""

from django import template
from django.utils import timezone

from secretary.templatetags.secretary_tags import zoned

register = template.Library()
register.simple_tag(zoned)


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
