"""Showing instants in a named time zone.

Django's ``date`` filter converts aware datetimes to the active zone first, so
``value|in_time_zone:zone|date:fmt`` prints the viewer's time again. ``zoned`` formats in the
zone it is given.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.utils import dateformat, timezone

from secretary.limits import in_zone

register = template.Library()


@register.simple_tag
def zoned(value, zone_name, fmt="D j M, H:i T"):
    if value is None or not zone_name:
        return ""
    try:
        zone = ZoneInfo(str(zone_name))
    except (ZoneInfoNotFoundError, ValueError):
        return ""
    return dateformat.format(in_zone(value, zone), fmt)


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
