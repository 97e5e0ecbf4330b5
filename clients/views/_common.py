"""Helpers shared by the HTML views of the clients app."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import render

from clients import selectors, services
from clients.models import Client
from clients.usage import Usage


def client_for(request: HttpRequest, client_id) -> Client:
    """The practice's client (404 otherwise); a staff view of a regulated client is audited."""
    client = selectors.client_get(practice=request.practice, client_id=client_id)
    services.regulated_view_record(request=request, client=client)
    return client


def render_form(request, template: str, context: dict, *, failed: bool):
    """Render a page with a form; a rejected submission answers 400 (nothing was saved)."""
    return render(request, template, context, status=400 if failed else 200)


def usage_chart(usage: Usage | None, threshold: int | None = None) -> dict | None:
    """Bar geometry (percentages of the widest bar) for the hours-used chart."""
    if usage is None:
        return None
    scale = max(usage.available_hours, usage.used_hours, 1)

    def pct(value) -> float:
        return round(float(value) * 100 / float(scale), 2)

    return {
        "usage": usage,
        "rows": [
            {
                "key": "included",
                "available": pct(usage.included_hours),
                "used": pct(usage.from_included),
                "hours": usage.from_included,
                "of": usage.included_hours,
            },
            {
                "key": "rollover",
                "available": pct(usage.rollover_hours),
                "used": pct(usage.from_rollover),
                "hours": usage.from_rollover,
                "of": usage.rollover_hours,
            },
            {
                "key": "overage",
                "available": 0,
                "used": pct(usage.overage_hours),
                "hours": usage.overage_hours,
                "of": None,
            },
        ],
        "threshold": threshold,
        "threshold_at": pct(usage.included_hours * threshold / 100) if threshold else None,
        "level": "over"
        if usage.overage_hours
        else ("warn" if threshold and usage.percent >= threshold else ""),
    }
