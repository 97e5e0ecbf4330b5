"""Sections other apps add to a client's page (billing adds its invoices and balance).

An app registers ``(key, label, template, context)`` in its ``AppConfig.ready``; ``context`` is
a callable ``(request, client) -> dict`` run when the page renders. This app never imports the
apps that register sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ClientSection:
    key: str
    label: Any
    template: str
    context: Callable[[Any, Any], dict]
    order: int = 50


CLIENT_SECTIONS: list[ClientSection] = []


def register_client_section(
    key: str, label: Any, *, template: str, context: Callable[[Any, Any], dict], order: int = 50
) -> None:
    """Add a section to every client's page (once per key)."""
    if any(section.key == key for section in CLIENT_SECTIONS):
        return
    CLIENT_SECTIONS.append(ClientSection(key, label, template, context, order))
    CLIENT_SECTIONS.sort(key=lambda section: section.order)


def client_sections(request, client) -> list[dict]:
    """The registered sections of ``client``'s page, each with its rendered context."""
    return [
        {
            "key": s.key,
            "label": s.label,
            "template": s.template,
            "context": s.context(request, client),
        }
        for s in CLIENT_SECTIONS
    ]
