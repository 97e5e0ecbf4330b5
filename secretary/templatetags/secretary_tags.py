import functools
import zoneinfo

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from secretary import moments, selectors
from secretary.limits import in_zone
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
    """The portal menu of the request's contact: the parts they may use, the entries that
    apply to their client now. A login not linked to a client has none."""
    request = context["request"]
    contact = getattr(request, "contact", None)
    if contact is None:
        return []

    def allowed(item) -> bool:
        if item.part is not None and not contact.may_use(item.part):
            return False
        return item.shown is None or item.shown(request)

    return _links(context, PORTAL_NAV, allowed)


_MARK = 9876543210  # an id no row has, replaced by each row's


def row_url(context, url_name: str, pk, parent=None) -> str:
    """``{% url url_name practice.slug pk %}`` for the rows of a list: reverse() once per
    rendering and address, then each row's id in its place. ``parent`` is an id the address
    takes before the row's, the same for every row (``{% url url_name practice.slug book.pk
    entry.pk %}``)."""
    key = ("row_url", url_name, parent)
    parts = context.render_context.get(key)
    if parts is None:
        within = [] if parent is None else [parent]
        url = reverse(url_name, args=[context["practice"].slug, *within, _MARK])
        prefix, _mark, suffix = url.rpartition(str(_MARK))
        parts = context.render_context[key] = (prefix, suffix)
    return f"{parts[0]}{pk}{parts[1]}"


register.simple_tag(row_url, takes_context=True, name="row_url")


@register.filter
def in_time_zone(value, tz_name):
    """Show an aware datetime in a named time zone (e.g. the client's)."""
    if value is None or not tz_name:
        return value
    try:
        return timezone.localtime(value, zoneinfo.ZoneInfo(str(tz_name)))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return value


# A moment as people read it: weekday, day, month, time and the zone's abbreviation, so that
# nobody wonders whose clock it is ("Tue 3 Dec, 09:00 PST").
MOMENT = moments.SHORT


@register.simple_tag
def zoned(value, zone_name=None, fmt=MOMENT):
    """``value`` formatted on the clock of ``zone_name``, or of the zone the page is shown in
    (the viewer's) when none is given. Django's ``date`` filter would convert to the active
    zone first, so ``value|in_time_zone:zone|date:fmt`` prints the viewer's time again."""
    if value is None:
        return ""
    if zone_name is None:
        zone = timezone.get_current_timezone()
    else:
        try:
            zone = zoneinfo.ZoneInfo(str(zone_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return ""
    local = in_zone(value, zone)
    return moments.format(local, fmt)


@register.filter
def nav_group(links, group):
    """The navigation links of one group ("main" or "settings")."""
    return [link for link in links if link["group"] == group]
