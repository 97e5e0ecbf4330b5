"""The layout's slots that feature apps fill (the core's templates never name an app)."""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from secretary.navigation import STAFF_SHORTCUTS, STAFF_TOPBAR

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_topbar(context) -> str:
    """The registered parts of the staff top bar, each rendered with the page's context."""
    engine = context.template.engine
    with context.push():
        parts = [engine.get_template(name).render(context) for name in STAFF_TOPBAR]
    return mark_safe("".join(parts))  # noqa: S308 - rendered templates, escaped by the engine


@register.simple_tag(takes_context=True)
def staff_shortcuts(context) -> list[dict]:
    """The registered keyboard shortcuts with their addresses in the current practice."""
    practice = getattr(context.get("request"), "practice", None)
    if practice is None:
        return []
    return [
        {
            "keys": item.keys.split(),
            "data": item.keys,
            "url": reverse(item.url_name, args=[practice.slug]),
            "label": item.label,
        }
        for item in STAFF_SHORTCUTS
    ]
