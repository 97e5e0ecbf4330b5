"""An engagement's terms in the words of its service agreement, for the client's eyes.

The wording belongs to the agreement: ``documents`` builds it for the PDF and registers that
builder here when it loads, so the portal shows the client the very sentences they sign
(never the staff's shorthand such as "× 1.25") without this app importing ``documents``.
The builder returns plain, display-ready values (the agreement's rendering context).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

Wording = dict[str, Any]
_builder: Callable[[Any], Wording] | None = None


def register_agreement_wording(builder: Callable[[Any], Wording]) -> None:
    """Register ``builder(engagement) -> wording`` (one builder: registering replaces it)."""
    global _builder
    _builder = builder


def agreement_wording(engagement) -> Wording | None:
    """The engagement's terms as its agreement words them, or None when no builder is
    registered (the documents app is not installed)."""
    return _builder(engagement) if _builder is not None else None


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _lines(value) -> str:
    return "\n".join(value) if isinstance(value, list | tuple) else str(value or "")


def _rows(wording: Wording) -> list[tuple[str, str]]:
    """The terms as (label, text) pairs, with the agreement's own labels."""
    fees, coverage, term = wording["fees"], wording["coverage"], wording["term"]
    rows = [
        (_("Plan"), wording["plan"]["name"]),
        (_("Billing"), wording["plan"].get("billing_model", "")),
        (_("Monthly fee"), fees["monthly_fee"]),
        (_("Included hours per month"), fees["included_hours"]),
        (_("Hourly rate"), fees["hourly_rate"]),
        (_("Overage rate"), fees["overage_rate"]),
        (_("Unused hours"), fees["rollover"]),
        (_("Hours covered"), _lines(coverage["lines"])),
        (_("Response target"), coverage["response_target"]),
        (_("Services included"), ", ".join(wording["services"]) or "\u2014"),
        (_("Starts"), term["start"]),
        (_("Ends"), term["end"]),
    ]
    rows += [(item["label"], item["text"]) for item in wording["billing_terms"]]
    rows.append((_("Scope notes"), wording.get("scope_notes") or "\u2014"))
    return [(str(label), _lines(text)) for label, text in rows]


def terms_changes(current: Wording, proposed: Wording) -> list[Change]:
    """What reads differently in ``proposed`` than in ``current``, term by term, in the
    agreement's order; a term only one of them has reads "—" in the other."""
    before = dict(_rows(current))
    after = dict(_rows(proposed))
    labels = list(after) + [label for label in before if label not in after]
    return [
        Change(label, before.get(label, "\u2014"), after.get(label, "\u2014"))
        for label in labels
        if before.get(label) != after.get(label)
    ]
