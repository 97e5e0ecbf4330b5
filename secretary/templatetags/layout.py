"""The layout's slots that feature apps fill (the core's templates never name an app), and
the parts of the layout every staff page shows the same for the same practice and language,
rendered once per process (the navigation, the shortcuts dialog)."""

from django import template
from django.template import Context
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from secretary.navigation import STAFF_SHORTCUTS, STAFF_TOPBAR
from secretary.templatetags.secretary_tags import staff_nav_links

register = template.Library()

# Rendered parts by what they are made of; emptied when full (a process serves a few
# practices in a few languages, and the navigation has a handful of states per role).
_RENDERED: dict[tuple, str] = {}
_RENDERED_MAX = 2048


def _rendered(key: tuple, render) -> str:
    html = _RENDERED.get(key)
    if html is None:
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        html = _RENDERED[key] = mark_safe(render())  # noqa: S308 - a rendered template
    return html


@register.simple_tag(takes_context=True)
def staff_nav(context) -> str:
    """The staff navigation's entries after "Dashboard": the same markup for the same links,
    language and page section."""
    links = staff_nav_links(context)
    key = ("nav", get_language(), tuple((link["url"], link["active"]) for link in links))
    return _rendered(key, lambda: render_to_string("partials/staff_nav.html", {"links": links}))


@register.simple_tag(takes_context=True)
def staff_shortcuts_dialog(context) -> str:
    """The keyboard shortcuts' dialog of the request's practice."""
    practice = getattr(context.get("request"), "practice", None)
    if practice is None:
        return ""
    key = ("shortcuts", practice.slug, get_language(), get_urlconf(), get_script_prefix())
    return _rendered(
        key,
        lambda: render_to_string(
            "partials/shortcuts_dialog.html", {"shortcuts": staff_shortcuts(context)}
        ),
    )


@register.simple_tag(takes_context=True)
def staff_topbar(context) -> str:
    """The registered parts of the staff top bar, each rendered with the page's context (once
    per practice and language for a part that shows nothing else)."""
    engine = context.template.engine
    practice = context.get("practice")
    parts = []
    with context.push():
        for part in STAFF_TOPBAR:
            template = engine.get_template(part.template_name)
            if part.per_practice and practice is not None:
                key = (
                    part.template_name,
                    practice.slug,
                    get_language(),
                    get_urlconf(),
                    get_script_prefix(),
                )
                parts.append(
                    _rendered(key, lambda t=template: t.render(Context({"practice": practice})))
                )
            else:
                parts.append(template.render(context))
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
