"""Checks of a document's kind-specific content (its ``fields``) before it is rendered.

A template cannot refuse its data: given a card sheet with nobody on it or a brochure with four
panels, it lays out something useless. ``content_problems(kind, fields)`` says what is wrong,
field by field, in words fit for the person who asked; ``content_check`` raises it as an
``ApplicationError`` for a service to pass on. Kinds register their check with
``register_content_check``; a kind without one accepts any fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from secretary.errors import ApplicationError

ContentCheck = Callable[[Mapping[str, Any]], dict[str, str]]

CONTENT_CHECKS: dict[str, ContentCheck] = {}

BROCHURE_PANELS = 6
CARD_SIZES = ("85x55", "3.5x2")
HANDOUT_LAYOUTS = ("3up", "1up")
MAX_PEOPLE = 50
MAX_CHAPTERS = 40
MAX_SLIDES = 150


def register_content_check(kind: str, check: ContentCheck) -> None:
    """Check ``fields`` of documents of ``kind`` with ``check`` (field → message)."""
    CONTENT_CHECKS[kind] = check


def content_problems(kind: str, fields: Any) -> dict[str, str]:
    """What keeps ``fields`` from making a useful document of ``kind``: field → message
    (empty when nothing does)."""
    check = CONTENT_CHECKS.get(str(kind))
    if check is None:
        return {}
    if not isinstance(fields, Mapping):
        return {"fields": _("The document's fields must be an object.")}
    return check(fields)


def content_check(kind: str, fields: Any) -> None:
    """Raise ``ApplicationError`` with every problem of ``content_problems``."""
    problems = content_problems(kind, fields)
    if problems:
        raise ApplicationError(
            _("This document cannot be made: %(problems)s")
            % {"problems": " ".join(problems.values())},
            errors=problems,
        )


def _items(value: Any) -> list | None:
    """``value`` as a list when it is a list (or tuple), else None."""
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)
    return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def brochure_problems(fields: Mapping[str, Any]) -> dict[str, str]:
    panels = _items(fields.get("panels"))
    if panels is None or len(panels) != BROCHURE_PANELS:
        return {
            "panels": _(
                "A tri-fold brochure has six panels (front cover, inside flap, three inside "
                "panels, back cover); this one has %(count)s."
            )
            % {"count": len(panels) if panels is not None else 0}
        }
    for number, panel in enumerate(panels, start=1):
        if not isinstance(panel, Mapping) or _items(panel.get("blocks", ())) is None:
            return {"panels": _("Panel %(n)s must hold a list of blocks.") % {"n": number}}
    return {}


def business_cards_problems(fields: Mapping[str, Any]) -> dict[str, str]:
    # The sheet is the document's paper (A4 or US Letter: a card sheet is never A5).
    problems = {}
    if fields.get("card_size", "85x55") not in CARD_SIZES:
        problems["card_size"] = _("A card is 85x55 (millimetres) or 3.5x2 (inches).")
    people = _items(fields.get("people"))
    if not people:
        problems["people"] = _("A card sheet with nobody on it cannot be printed: add a person.")
    elif len(people) > MAX_PEOPLE:
        problems["people"] = _("At most %(max)s people (one sheet each) at a time.") % {
            "max": MAX_PEOPLE
        }
    else:
        for number, person in enumerate(people, start=1):
            if not isinstance(person, Mapping) or not _text(person.get("name")):
                problems["people"] = _("Person %(n)s has no name.") % {"n": number}
                break
    return problems


def booklet_problems(fields: Mapping[str, Any]) -> dict[str, str]:
    problems = {}
    cover = fields.get("cover", {})
    if cover and not isinstance(cover, Mapping):
        problems["cover"] = _("The cover must be an object with a title.")
    chapters = _items(fields.get("chapters"))
    if not chapters:
        problems["chapters"] = _("A booklet needs at least one chapter.")
    elif len(chapters) > MAX_CHAPTERS:
        problems["chapters"] = _("A booklet has at most %(max)s chapters.") % {"max": MAX_CHAPTERS}
    else:
        for number, chapter in enumerate(chapters, start=1):
            if not isinstance(chapter, Mapping) or not _text(chapter.get("title")):
                problems["chapters"] = _("Chapter %(n)s has no title.") % {"n": number}
                break
    return problems


def presentation_handout_problems(fields: Mapping[str, Any]) -> dict[str, str]:
    problems = {}
    if fields.get("layout", "3up") not in HANDOUT_LAYOUTS:
        problems["layout"] = _("A handout shows three slides a page (3up) or one (1up).")
    slides = _items(fields.get("slides"))
    if not slides:
        problems["slides"] = _("A handout needs at least one slide.")
    elif len(slides) > MAX_SLIDES:
        problems["slides"] = _("A handout has at most %(max)s slides.") % {"max": MAX_SLIDES}
    else:
        for number, slide in enumerate(slides, start=1):
            image = slide.get("image") if isinstance(slide, Mapping) else None
            has_image = isinstance(image, Mapping) and bool(image.get("src") or image.get("asset"))
            if not isinstance(slide, Mapping) or not (_text(slide.get("title")) or has_image):
                problems["slides"] = _("Slide %(n)s has neither a title nor an image.") % {
                    "n": number
                }
                break
    return problems


register_content_check("brochure", brochure_problems)
register_content_check("business_cards", business_cards_problems)
register_content_check("booklet", booklet_problems)
register_content_check("presentation_handout", presentation_handout_problems)
