"""The service agreement: an engagement turned into plain data and rendered to a PDF.

``clients`` sends ``engagement_proposed`` inside the propose transaction; the receiver here
reads the engagement, builds a context of display-ready text (no model reaches the template)
and asks for the document. The worker renders it after commit.
"""

from __future__ import annotations

import logging
import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.coverage import Coverage
from clients.models import BrandKit, Engagement
from clients.selectors import brand_for
from documents.models import Document, DocumentKind
from documents.rendering import Brand
from documents.services import document_request_render
from secretary.money import format_money

logger = logging.getLogger(__name__)

SUBJECT_TYPE = "clients.engagement"
# The context key of an accepted copy: the proposed agreement plus its acceptance page.
ACCEPTANCE_KEY = "acceptance"
EN_DASH = "\u2013"  # between days and hours of a range, as in "Mon\u2013Fri 09:00\u201317:00"


def hours(value: Decimal) -> str:
    """``20``, ``7.5``: a number of hours without trailing zeros."""
    return f"{Decimal(value).normalize():f}"


def hours_phrase(value: Decimal) -> str:
    count = Decimal(value)
    return ngettext("%(hours)s hour", "%(hours)s hours", 1 if count == 1 else 2) % {
        "hours": hours(count)
    }


def _clock(value: time, *, is_end: bool = False) -> str:
    return "24:00" if is_end and value == time(0, 0) else value.strftime("%H:%M")


def _day_ranges(weekdays: list[int], *, ring: bool = False) -> str:
    """``[0, 1, 2, 3, 4]`` → ``Mon-Fri`` (with an en dash); ``[0, 2]`` → ``Mon, Wed``.

    With ``ring``, the days come in the order given and Sunday runs on into Monday
    (``[6, 0, 1]`` → ``Sun-Tue``)."""
    runs: list[list[int]] = []
    for day in weekdays if ring else sorted(weekdays):
        if runs and day == (runs[-1][-1] + 1) % (7 if ring else 8):
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{WEEKDAYS_ABBR[run[0]]}{EN_DASH}{WEEKDAYS_ABBR[run[-1]]}")
        else:
            parts.extend(str(WEEKDAYS_ABBR[day]) for day in run)
    return ", ".join(parts)


def coverage_lines(coverage: Coverage) -> list[str]:
    """The coverage as text in its own time zone: ``Mon-Fri 09:00-17:00 Australia/Sydney``.

    Days sharing the same hours are grouped; a 24/7 on-call coverage reads ``24/7 on-call``.
    """
    if coverage.always_on:
        return [_("24/7 on-call")]
    days_by_span: dict[tuple[time, time], list[int]] = {}
    for window in coverage.windows:
        days_by_span.setdefault((window.start, window.end), []).append(window.weekday)
    ordered = sorted(days_by_span.items(), key=lambda item: (min(item[1]), item[0]))
    return [
        f"{_day_ranges(days)} {_clock(start)}{EN_DASH}{_clock(end, is_end=True)} "
        f"{coverage.time_zone}"
        for (start, end), days in ordered
    ]


def _ring_order(weekdays: list[int]) -> list[int]:
    """The days in week order, starting after a gap so that Sun, Mon … Thu stay together."""
    days = sorted(set(weekdays))
    if len(days) == 7:
        return days
    first = next(day for day in days if (day - 1) % 7 not in days)
    return sorted(days, key=lambda day: (day - first) % 7)


WEEK_MINUTES = 7 * 24 * 60


def _merged_on_the_week(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge (start minute of the week, length) spans that touch or overlap, Sunday night
    running on into Monday morning."""
    merged: list[list[int]] = []
    for start, length in sorted(spans):
        if merged and start <= merged[-1][0] + merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], start + length - merged[-1][0])
        else:
            merged.append([start, length])
    if len(merged) > 1 and merged[-1][0] + merged[-1][1] >= WEEK_MINUTES + merged[0][0]:
        first = merged.pop(0)
        last = merged[-1]
        last[1] = max(last[1], WEEK_MINUTES + first[0] + first[1] - last[0])
    return [(start, length) for start, length in merged]


def coverage_lines_in_zone(coverage: Coverage, time_zone: str, *, week_of: date) -> list[str]:
    """The coverage windows as they fall in another time zone, in the week of ``week_of``.

    ``Sun–Thu 14:00–22:00 America/Los_Angeles`` for Sydney's weekday business hours; a span
    that ends after midnight says so. Empty when there is nothing to convert (24/7, no
    windows, or the same zone).
    """
    if coverage.always_on or not coverage.windows or time_zone == coverage.time_zone:
        return []
    source, target = zoneinfo.ZoneInfo(coverage.time_zone), zoneinfo.ZoneInfo(time_zone)
    monday = week_of - timedelta(days=week_of.weekday())
    spans: list[tuple[int, int]] = []
    for window in coverage.windows:
        day = monday + timedelta(days=window.weekday)
        end_day = day + timedelta(days=1) if window.ends_at_midnight else day
        start = datetime.combine(day, window.start, tzinfo=source).astimezone(target)
        end = datetime.combine(end_day, window.end, tzinfo=source).astimezone(target)
        # Wall-clock minutes on the target's clock, counted from its Monday 00:00.
        start_minute = start.weekday() * 1440 + start.hour * 60 + start.minute
        length = int((end.replace(tzinfo=None) - start.replace(tzinfo=None)).total_seconds() // 60)
        spans.append((start_minute, length))
    merged = _merged_on_the_week(spans)
    if any(length >= WEEK_MINUTES for _start, length in merged):
        return [_("Around the clock, every day")]
    days_by_span: dict[tuple, list[int]] = {}
    for start_minute, length in merged:
        weekday, minute = divmod(start_minute, 1440)
        end_minute = minute + length
        days_over, end_of_day = divmod(end_minute, 1440)
        if end_of_day == 0 and days_over == 1:
            key = (minute, 1440, 0, None)
        elif days_over <= 1:
            key = (minute, end_of_day, days_over, None)
        else:  # longer than a day: its own line, from one day and time to another
            key = (minute, end_of_day, days_over, weekday)
        days_by_span.setdefault(key, []).append(weekday)
    lines = []
    for (minute, end, days_over, _own), days in sorted(
        days_by_span.items(), key=lambda item: (_ring_order(item[1])[0], item[0][:3])
    ):
        start_text, end_text = _clock_minutes(minute), _clock_minutes(end)
        if days_over > 1:
            last_day = WEEKDAYS_ABBR[(days[0] + days_over) % 7]
            span = f"{WEEKDAYS_ABBR[days[0]]} {start_text} {EN_DASH} {last_day} {end_text}"
            lines.append(f"{span} {time_zone}")
            continue
        span = f"{start_text}{EN_DASH}{end_text}"
        if days_over:
            span = _("%(span)s (ending the next day)") % {"span": span}
        lines.append(f"{_day_ranges(_ring_order(days), ring=True)} {span} {time_zone}")
    return lines


def _clock_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _date(value) -> str:
    return formats.date_format(value, "j F Y") if value else ""


def _billing_terms(engagement: Engagement) -> list[dict[str, str]]:
    terms = []
    if engagement.rounding_minutes:
        terms.append(
            {
                "label": _("Time rounding"),
                "text": _(
                    "Each time entry is rounded up to %(rule)s when billed; raw durations are kept."
                )
                % {"rule": engagement.get_rounding_minutes_display()},
            }
        )
    else:
        terms.append(
            {
                "label": _("Time rounding"),
                "text": _("Time is billed as recorded, without rounding."),
            }
        )
    if engagement.rush_notice_hours is not None and engagement.rush_multiplier > 1:
        terms.append(
            {
                "label": _("Rush work"),
                "text": _(
                    "Work requested with less than %(notice)s of notice is billed at %(multiplier)s times "
                    "the rate."
                )
                % {
                    "notice": hours_phrase(engagement.rush_notice_hours),
                    "multiplier": hours(engagement.rush_multiplier),
                },
            }
        )
    else:
        terms.append({"label": _("Rush work"), "text": _("No rush surcharge.")})
    if engagement.after_hours_multiplier > 1 and not engagement.on_call:
        terms.append(
            {
                "label": _("Outside coverage hours"),
                "text": _(
                    "Work done outside the coverage hours is billed at %(multiplier)s times the rate."
                )
                % {"multiplier": hours(engagement.after_hours_multiplier)},
            }
        )
    else:
        terms.append({"label": _("Outside coverage hours"), "text": _("No surcharge.")})
    if engagement.alert_threshold_percent:
        terms.append(
            {
                "label": _("Usage alert"),
                "text": _(
                    "You and your secretary are told once a month when %(percent)s%% of the included "
                    "hours are used."
                )
                % {"percent": engagement.alert_threshold_percent},
            }
        )
    return terms


def agreement_context(engagement: Engagement) -> dict[str, Any]:
    """Everything the service agreement shows, as display-ready plain values."""
    client = engagement.client
    practice = client.practice
    currency = engagement.currency
    rollover = (
        _("Up to %(hours)s of unused included hours carry over to the next month only.")
        % {"hours": hours_phrase(engagement.rollover_max_hours)}
        if engagement.rollover_max_hours > 0
        else _("Unused hours do not carry over.")
    )
    plan_name = (
        engagement.title or (engagement.plan.name if engagement.plan_id else "") or _("Custom plan")
    )
    return {
        "title": agreement_title(engagement),
        "practice": {"name": practice.name},
        "client": {
            "name": client.name,
            "address_lines": [line for line in client.address.splitlines() if line.strip()],
        },
        # No proposal date: proposing the same version again must give the same file.
        "agreement": {"version": engagement.version},
        "plan": {"name": plan_name, "billing_model": engagement.get_billing_model_display()},
        "fees": {
            "currency": currency,
            "monthly_fee": format_money(engagement.monthly_fee, currency),
            "included_hours": hours_phrase(engagement.included_hours),
            "hourly_rate": _("%(amount)s per hour")
            % {"amount": format_money(engagement.hourly_rate, currency)},
            "overage_rate": _("%(amount)s per hour")
            % {"amount": format_money(engagement.overage_rate, currency)},
            "rollover": rollover,
        },
        "coverage": {
            "lines": coverage_lines(engagement.coverage()),
            "time_zone": engagement.coverage_time_zone,
            # The same hours on the client's clock, in the week the agreement starts.
            "client_lines": coverage_lines_in_zone(
                engagement.coverage(), client.time_zone, week_of=engagement.start_date
            ),
            "client_note": _(
                "In the week of %(date)s. These local times move by an hour when daylight "
                "saving time starts or ends in either place."
            )
            % {"date": _date(engagement.start_date)},
            "response_target": _("Within %(hours)s of coverage time")
            % {"hours": hours_phrase(engagement.response_target_hours)},
        },
        "services": [category.name for category in engagement.categories.all()],
        "term": {
            "start": _date(engagement.start_date),
            "end": _date(engagement.end_date) or _("Until either party ends the agreement"),
        },
        "billing_terms": _billing_terms(engagement),
        "scope_notes": engagement.scope_notes,
    }


def agreement_title(engagement: Engagement) -> str:
    return _("Service agreement \u2013 %(client)s, version %(version)s") % {
        "client": engagement.client.name,
        "version": engagement.version,
    }


def accepted_agreement_title(engagement: Engagement) -> str:
    return _("Accepted service agreement \u2013 %(client)s, version %(version)s") % {
        "client": engagement.client.name,
        "version": engagement.version,
    }


def moment_in_zone(moment: datetime, time_zone: str) -> str:
    """``14 March 2026, 10:32 Australia/Sydney (UTC+11:00)``: an instant on a given clock."""
    local = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    offset = local.strftime("%z")
    text = f"{formats.date_format(local, 'j F Y')}, {local:%H:%M} {time_zone}"
    if time_zone != "UTC":
        text += f" (UTC{offset[:3]}:{offset[3:]})"
    return text


def acceptance_context(*, engagement: Engagement, approval, agreement_hash: str) -> dict[str, Any]:
    """The acceptance page: who accepted (the typed name), for whom, when on the client's
    clock, from where, and which agreement (version and SHA-256 of the proposed PDF)."""
    client = engagement.client
    when = moment_in_zone(approval.decided_at, client.time_zone)
    ip_address = approval.ip_address or _("unknown")
    return {
        "name": approval.name,
        "client": client.name,
        "when": when,
        "ip_address": ip_address,
        "version": engagement.version,
        "sha256": agreement_hash,
        "user_agent": approval.user_agent,
        "statement": _(
            "Accepted by %(name)s for %(client)s on %(when)s from IP %(ip)s; agreement "
            "version %(version)s, SHA-256 %(hash)s"
        )
        % {
            "name": approval.name,
            "client": client.name,
            "when": when,
            "ip": ip_address,
            "version": engagement.version,
            "hash": agreement_hash,
        },
    }


def brand_from_kit(kit: BrandKit | None) -> Brand:
    """The renderer's plain brand from a brand kit (defaults when there is none)."""
    if kit is None:
        return Brand()
    logo = None
    if kit.logo:
        try:
            with kit.logo.open("rb") as handle:
                logo = handle.read()
        except OSError:
            # A lost logo must not stop the agreement; it is rendered without one.
            logger.warning("Brand kit %s: logo %s cannot be read", kit.pk, kit.logo.name)
    return Brand(
        primary=kit.primary_color,
        secondary=kit.secondary_color,
        accent=kit.accent_color,
        font=kit.font,
        tagline=kit.tagline,
        address_block=kit.address_block,
        logo=logo,
    )


def _loaded(engagement: Engagement) -> Engagement:
    return (
        Engagement.objects.for_practice(engagement.client.practice)
        .select_related("client__practice", "plan")
        .prefetch_related("windows", "categories")
        .get(pk=engagement.pk)
    )


def agreement_wording(engagement: Engagement) -> dict[str, Any]:
    """The agreement's text of the engagement's terms, for the client portal (registered with
    ``clients.agreement_wording``): the same words as the PDF."""
    return agreement_context(_loaded(engagement))


def service_agreement_request(*, engagement: Engagement, user=None) -> Document:
    """Ask for the engagement's service agreement PDF (deduplicated by its content)."""
    engagement = _loaded(engagement)
    context = agreement_context(engagement)
    return _request(engagement=engagement, context=context, user=user)


def accepted_agreement_request(
    *, engagement: Engagement, approval, agreement_hash: str, user=None
) -> Document:
    """Ask for the accepted copy of the agreement: the proposed text, the client's typed name
    in the signature block and an acceptance page at the end. It is kept on the engagement
    beside the proposed PDF."""
    engagement = _loaded(engagement)
    context = agreement_context(engagement)
    context["title"] = accepted_agreement_title(engagement)
    context[ACCEPTANCE_KEY] = acceptance_context(
        engagement=engagement, approval=approval, agreement_hash=agreement_hash
    )
    return _request(engagement=engagement, context=context, user=user)


def _request(*, engagement: Engagement, context: dict[str, Any], user) -> Document:
    practice = engagement.client.practice
    return document_request_render(
        practice=practice,
        kind=DocumentKind.SERVICE_AGREEMENT,
        title=context["title"],
        client=engagement.client,
        subject_type=SUBJECT_TYPE,
        subject_id=engagement.pk,
        context=context,
        brand=brand_from_kit(brand_for(practice=practice, client=None)),
        requested_by=user,
    )
