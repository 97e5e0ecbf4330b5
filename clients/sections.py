"""The tabs other apps add to a client's page: tasks, time, documents, billing...

The client page is the hub of a client's work: its first tab, "Overview", is this app's own
(plan, onboarding, contacts, team, details, activity); every other tab is registered by the app
that owns its data, in its ``AppConfig.ready``, with

- ``template`` and ``context`` (a callable ``(request, client) -> dict``), rendered only when
  the tab is open;
- ``count`` (a callable ``(request, client) -> int | str | None``), shown beside the label on
  every visit: one cheap query per tab.

This app never imports the apps that register tabs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OVERVIEW = "overview"


@dataclass(frozen=True)
class ClientSection:
    key: str
    label: Any
    template: str
    context: Callable[[Any, Any], dict]
    order: int = 50
    count: Callable[[Any, Any], Any] | None = None


CLIENT_SECTIONS: list[ClientSection] = []


def register_client_section(
    key: str,
    label: Any,
    *,
    template: str,
    context: Callable[[Any, Any], dict],
    count: Callable[[Any, Any], Any] | None = None,
    order: int = 50,
) -> None:
    """Add a tab to every client's page (once per key)."""
    if key == OVERVIEW or any(section.key == key for section in CLIENT_SECTIONS):
        return
    CLIENT_SECTIONS.append(ClientSection(key, label, template, context, order, count))
    CLIENT_SECTIONS.sort(key=lambda section: section.order)


def section_keys() -> list[str]:
    return [OVERVIEW, *(section.key for section in CLIENT_SECTIONS)]


def client_tabs(request, client, active: str) -> tuple[list[dict], dict | None]:
    """The tabs of ``client``'s page with their counts, and the open registered tab with its
    rendered context (None for the overview)."""
    tabs, opened = [], None
    for section in CLIENT_SECTIONS:
        tab = {
            "key": section.key,
            "label": section.label,
            "count": section.count(request, client) if section.count else None,
        }
        if section.key == active:
            opened = {
                **tab,
                "template": section.template,
                "context": section.context(request, client),
            }
        tabs.append(tab)
    return tabs, opened
