"""Describing audit-log entries on the Activity page."""

from django import template
from django.utils.translation import gettext as _

from secretary.audit import verb_label as _verb_label
from secretary.models import Role

register = template.Library()


def _role(value) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return str(value)


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
