"""``client_rows`` writes the rows of the client list (``partials/client_rows.html``) itself: a
``{% for %}`` of them cost the template language most of the page's time. The markup is the
loop's that it replaced, byte for byte (``tests/clients/test_rows.py`` keeps the loop and
compares).
"""

import functools

from django import template
from django.utils.formats import localize
from django.utils.translation import gettext

from secretary.durations import format_hours
from secretary.money import format_money
from secretary.rows import choice_labels, joined, text
from secretary.templatetags.secretary_tags import row_url

register = template.Library()

_STATUS_BADGE_CLASSES = {"active": "success", "ended": "neutral", "paused": "warning"}

_CLIENT_ROW = (
    "\n    <tr>\n"
    '      <td><a href="{url}">{name}</a>{regulated}</td>\n'
    '      <td><span class="badge {status_class}">{status}</span></td>\n'
    "      <td>{specialty}</td>\n"
    "      <td>{secretary}</td>\n"
    "      <td>{plan}</td>\n"
    '      <td class="meter-cell">{usage}</td>\n'
    "    </tr>\n  "
)

_USAGE = (
    '<div class="meter{level}" role="img" aria-label="{label}">'
    '<span style="width: {percent}%"></span></div>'
    '<span class="small muted">{used} / {included}</span>'
)

_NONE = '<span class="muted">—</span>'


@register.simple_tag(takes_context=True)
def client_rows(context, rows):
    """The ``<tr>`` of each client of the list, with its plan and hours this month (the view
    sets ``active_engagement`` and ``usage_chart`` on each)."""
    from clients.models import Client

    statuses = choice_labels(Client, "status")
    specialties = choice_labels(Client, "specialty")
    regulated = (
        f' <span class="badge warning" title="{text(gettext("Regulated records"))}">'
        f"{text(gettext('Regulated'))}</span>"
    )
    hours_of = gettext("%(used)s of %(of)s")
    # Plans share their fees and hours: each amount is written once for the list.
    money, hours = functools.cache(format_money), functools.cache(format_hours)
    lines = []
    for client in rows:
        secretary = client.primary_secretary
        engagement = getattr(client, "active_engagement", None)
        chart = getattr(client, "usage_chart", None)
        if chart:
            usage = chart["usage"]
            used = text(hours(usage.used_hours))
            included = text(hours(usage.included_hours))
            level = chart["level"]
            meter = _USAGE.format(
                level=f" {text(level)}" if level else "",
                # As {% blocktranslate %} did: the durations escaped, the translation as it is.
                label=hours_of % {"used": used, "of": included},
                percent=text(usage.included_percent),
                used=used,
                included=included,
            )
        else:
            meter = _NONE
        lines.append(
            _CLIENT_ROW.format(
                url=text(row_url(context, "client_detail", client.pk)),
                name=text(client.name),
                regulated=regulated if client.is_regulated else "",
                status_class=_STATUS_BADGE_CLASSES.get(client.status, ""),
                status=text(statuses.get(client.status, client.status)),
                specialty=text(specialties.get(client.specialty, client.specialty)),
                secretary=text(secretary.user) if secretary is not None else "—",
                plan=f"{text(money(engagement.monthly_fee, engagement.currency))}"
                f" · v{text(engagement.version)}"
                if engagement
                else _NONE,
                usage=meter,
            )
        )
    return joined(lines)


_USAGE_BAR = (
    "<li>\n"
    '        <div class="label"><span>{name}</span><span>{hours}</span></div>\n'
    "        {meter}\n"
    "      </li>"
)

_USAGE_METER = (
    '<div class="meter{level}" role="meter" aria-valuemin="0" aria-valuemax="100" '
    'aria-valuenow="{percent}" aria-label="{label}"><span style="width: {width}%"></span></div>'
)


@register.simple_tag
def usage_bars(usage):
    """The dashboard's "Hours this period": a bar per ``(client, usage)`` (``usage`` None
    without an active plan)."""
    no_plan = f'<span class="muted">{text(gettext("no active plan"))}</span>'
    used_by = gettext("Hours used by %(name)s")
    hours = functools.cache(format_hours)
    lines = []
    for client, spent in usage:
        name = text(client.name)
        if spent is None:
            lines.append(_USAGE_BAR.format(name=name, hours=no_plan, meter=""))
            continue
        percent = spent.percent
        level = " over" if percent >= 100 else " warn" if percent >= 80 else ""
        shown_percent = text(localize(percent))
        meter = _USAGE_METER.format(
            level=level,
            percent=shown_percent,
            label=used_by % {"name": name},  # the name escaped, the sentence as translated
            width="100" if percent > 100 else shown_percent,
        )
        shown = f"{text(hours(spent.used_hours))} / {text(hours(spent.included_hours))}"
        lines.append(_USAGE_BAR.format(name=name, hours=shown, meter=meter))
    return joined(lines)
