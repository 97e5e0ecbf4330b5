"""Navigation entries. Feature apps register theirs in ``AppConfig.ready`` so the core layout
never names a feature app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from secretary.models import Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any
    min_role: str = Role.SECRETARY
    order: int = 50
    # "main" items sit in the top bar; "settings" items (people, logs, tokens, templates) sit in
    # one Settings menu so the bar stays on one line.
    group: str = "main"
    # Portal entries: the part of the portal a contact must be allowed ("requests",
    # "documents", "billing"), and a test of the request for entries that come and go.
    part: str | None = None
    shown: Callable[[Any], bool] | None = None


STAFF_NAV: list[NavItem] = []
PORTAL_NAV: list[NavItem] = []


def register_staff_nav(
    url_name: str,
    label: Any,
    *,
    min_role: str = Role.SECRETARY,
    order: int = 50,
    group: str = "main",
) -> None:
    if group not in ("main", "settings"):
        raise ValueError(f"Unknown navigation group {group!r}.")
    if all(item.url_name != url_name for item in STAFF_NAV):
        STAFF_NAV.append(NavItem(url_name, label, min_role, order, group))
        STAFF_NAV.sort(key=lambda item: item.order)


def register_portal_nav(
    url_name: str,
    label: Any,
    *,
    order: int = 50,
    part: str | None = None,
    shown: Callable[[Any], bool] | None = None,
) -> None:
    """A portal menu entry, listed for contacts allowed ``part`` (when given) and when
    ``shown(request)`` says so (when given); the request carries ``contact`` and ``client``."""
    if all(item.url_name != url_name for item in PORTAL_NAV):
        PORTAL_NAV.append(NavItem(url_name, label, Role.CLIENT, order, part=part, shown=shown))
        PORTAL_NAV.sort(key=lambda item: item.order)


@dataclass(frozen=True)
class TopbarPart:
    template_name: str
    # The same markup for every page of a practice in a language (no person's or page's
    # state): rendered once per process for each.
    per_practice: bool = False


# Parts of the staff top bar that feature apps add (the tasks app's timer): templates rendered
# with the page's context, between the menu and the person's own links.
STAFF_TOPBAR: list[TopbarPart] = []


def register_staff_topbar(template_name: str, *, per_practice: bool = False) -> None:
    """Add a part to the staff top bar; ``per_practice`` when it shows nothing of the person or
    the page (only the practice's addresses and translated text)."""
    if all(part.template_name != template_name for part in STAFF_TOPBAR):
        STAFF_TOPBAR.append(TopbarPart(template_name, per_practice))


@dataclass(frozen=True)
class Shortcut:
    keys: str  # keys pressed in turn, space-separated: "g d"
    url_name: str  # a staff route taking the practice slug
    label: Any


STAFF_SHORTCUTS: list[Shortcut] = []


def register_staff_shortcut(keys: str, url_name: str, label: Any) -> None:
    """A keyboard shortcut of the staff pages that opens ``url_name``; "/" names the page that
    searches when the current page has no search field of its own."""
    if all(item.keys != keys for item in STAFF_SHORTCUTS):
        STAFF_SHORTCUTS.append(Shortcut(keys, url_name, label))
