import functools
import zoneinfo

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from secretary import selectors
from secretary.navigation import PORTAL_NAV, STAFF_NAV

register = template.Library()


@register.simple_tag(takes_context=True)
def user_memberships(context, user):
    """The practices of the switcher: those a practice's page read with its own (no query),
    else read now."""
    from secretary.views import membership_home_url

    request = context.get("request")
    memberships = getattr(request, "user_memberships", None)
    if memberships is None or getattr(request, "user", None) != user:
        memberships = selectors.user_memberships(user=user)
    for membership in memberships:
        membership.home_url = membership_home_url(membership)
    return memberships


@functools.lru_cache(maxsize=4096)
def _nav_url(urlconf, script_prefix: str, url_name: str, slug: str) -> str:
    # The same few addresses on every page of a practice: reversed once per process (keyed by
    # what reverse() reads besides its arguments: the URLconf and the script prefix).
    return reverse(url_name, urlconf=urlconf, args=[slug])


def _links(context, items, allowed):
    request = context["request"]
    practice = getattr(request, "practice", None)
    if practice is None:
        return []
    urlconf, prefix = get_urlconf(), get_script_prefix()
    links = []
    for item in items:
        if not allowed(item):
            continue
        url = _nav_url(urlconf, prefix, item.url_name, practice.slug)
        active = request.path.startswith(url) and url.rstrip("/").count("/") > 2
        links.append({"url": url, "label": item.label, "active": active, "group": item.group})
    return links


@register.simple_tag(takes_context=True)
def staff_nav_links(context):
    membership = getattr(context["request"], "membership", None)
    if membership is None:
        return []
    return _links(context, STAFF_NAV, lambda item: membership.has_role_at_least(item.min_role))


@register.simple_tag(takes_context=True)
def portal_nav_links(context):
    return _links(context, PORTAL_NAV, lambda item: True)


@register.filter
def in_time_zone(value, tz_name):
    """Show an aware datetime in a named time zone (e.g. the client's)."""
    if value is None or not tz_name:
        return value
    try:
        return timezone.localtime(value, zoneinfo.ZoneInfo(str(tz_name)))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return value


@register.filter
def nav_group(links, group):
    """The navigation links of one group ("main" or "settings")."""
    return [link for link in links if link["group"] == group]
