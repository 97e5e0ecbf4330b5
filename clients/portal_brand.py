"""The portal in the practice's colours: its brand kit turned into the few colours a page uses,
each readable on what it sits on (WCAG contrast), and what the layout needs to wear them.

``portal_brand`` (a context processor, listed in settings) gives every template a lazy
``portal_brand``: nothing is read from the database unless a page uses it. It is about the
portal of the request's practice for a client contact, and on the account pages (which have
no practice in their URL) about the portal of a person who is a client contact only.
"""

from __future__ import annotations

from functools import cached_property

from django.urls import reverse

from clients.models import BrandKit
from clients.selectors import brand_for
from secretary import rls

WHITE, INK = "#ffffff", "#111827"
READABLE = 4.5  # WCAG AA for text


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0, min(255, c))):02x}" for c in rgb)


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` (0..1) of ``other`` mixed in."""
    a, b = _rgb(colour), _rgb(other)
    return _hex(tuple(x + (y - x) * share for x, y in zip(a, b, strict=True)))


def readable_on_white(colour: str) -> str:
    """``colour``, darkened just enough for text (or white text on it) to read at 4.5:1."""
    for step in range(11):
        candidate = mix(colour, "#000000", step / 10)
        if contrast(candidate, WHITE) >= READABLE:
            return candidate
    return INK


def text_on(colour: str) -> str:
    return WHITE if contrast(colour, WHITE) >= contrast(colour, INK) else INK


def theme(kit: BrandKit) -> dict[str, str]:
    """CSS custom properties of the portal in ``kit``'s colours: the top bar in the primary
    colour, links and buttons in the accent (darkened when too light to read on white)."""
    accent = readable_on_white(kit.accent_color)
    return {
        "--portal-bar": kit.primary_color,
        "--portal-bar-text": text_on(kit.primary_color),
        "--primary": accent,
        "--primary-dark": mix(accent, "#000000", 0.2),
        "--primary-soft": mix(accent, WHITE, 0.9),
    }


class PortalBrand:
    """What a page needs to wear the practice's brand in the portal; everything is lazy."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def practice(self):
        """The practice whose portal this page belongs to, or None (staff pages, visitors)."""
        request = self.request
        membership = getattr(request, "membership", None)
        if membership is not None:
            return membership.practice if membership.is_client else None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not request.path.startswith("/accounts/"):
            return None
        from secretary.selectors import user_memberships

        memberships = user_memberships(user=user)
        if not memberships or any(m.is_staff for m in memberships):
            return None
        return memberships[0].practice

    @cached_property
    def kit(self) -> BrandKit | None:
        if self.practice is None:
            return None
        # The account pages run outside any practice's transaction: open one for this read.
        with rls.practice_transaction(self.practice):
            return brand_for(practice=self.practice, client=None)

    @cached_property
    def css(self) -> str:
        """``:root{…}`` for a ``<style>`` element (colours are validated as #rrggbb)."""
        if self.kit is None:
            return ""
        return ":root{" + "".join(f"{k}:{v};" for k, v in theme(self.kit).items()) + "}"

    @cached_property
    def logo_url(self) -> str:
        if self.kit is None or not self.kit.logo:
            return ""
        url = reverse("portal_brand_logo", kwargs={"practice_slug": self.practice.slug})
        return f"{url}?v={int(self.kit.updated_at.timestamp())}"

    @cached_property
    def hide_sign_up(self) -> bool:
        """A visitor on their way into a portal (signing in to it, or joining a practice as
        a client contact) is not offered an account of their own."""
        request = self.request
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            return False
        next_url = request.GET.get("next") or request.POST.get("next") or ""
        if next_url.startswith("/portal/"):
            return True
        from secretary.adapters import pending_invitation
        from secretary.models import Role

        invitation = pending_invitation(request)
        return invitation is not None and invitation.role == Role.CLIENT


def portal_brand(request) -> dict:
    return {"portal_brand": PortalBrand(request)}
