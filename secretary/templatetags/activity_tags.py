"""Describing audit-log entries on the Activity page."""

from datetime import datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from secretary.audit import verb_label as _verb_label
from secretary.models import Role

register = template.Library()


def _role(value) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return readable_moment(value)


@register.filter
def readable_moment(value) -> str:
    """A moment the log keeps as ISO text ("2026-12-03T12:00:00+00:00") as people read it, in
    the viewer's time zone ("Thu 3 Dec 2026, 23:00 AEDT"); anything else as it is."""
    if value is None:
        return "—"
    text = str(value)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) == 10:  # a day ("2026-12-03")
        return dateformat.format(moment, "D j M Y")
    if timezone.is_naive(moment):
        return dateformat.format(moment, "D j M Y, H:i")
    return dateformat.format(timezone.localtime(moment), "D j M Y, H:i T")


@register.filter
def verb_label(verb: str) -> str:
    return _verb_label(verb)


@register.simple_tag
def activity_details(event) -> str:
    """A short human line from the entry's data (roles, addresses); never secrets, which the
    audit log does not hold."""
    data = event.data if isinstance(event.data, dict) else {}
    parts = []
    if "from" in data and "to" in data:
        parts.append(
            _("%(old)s → %(new)s") % {"old": _role(data["from"]), "new": _role(data["to"])}
        )
    elif "role" in data:
        parts.append(_role(data["role"]))
    if data.get("email"):
        parts.append(str(data["email"]))
    return " · ".join(parts)
