"""What the editor asks for each kind of document: its fields (``documents.fieldspec``) around
the main blocks, and what a new document of the kind starts with.

The names are those the kind's built-in template reads (``documents/builtin_templates``);
``documents/samples/`` shows real content of each. ``before`` comes above the main blocks and
``after`` below them, in the order a reader meets them on the page; ``blocks`` names what the
main blocks are on this kind (None where the template does not use them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from documents.fieldspec import FieldSpec, group, items
from documents.kinds import BROCHURE_PANELS, MAX_CHAPTERS, MAX_PEOPLE, MAX_SLIDES
from documents.models import DocumentKind, PaperSize

CONTENT = _("Content")


@dataclass(frozen=True)
class KindForm:
    before: tuple[FieldSpec, ...] = ()
    after: tuple[FieldSpec, ...] = ()
    blocks: Any = CONTENT

    @property
    def specs(self) -> tuple[FieldSpec, ...]:
        return self.before + self.after


def text(name: str, label: Any, **options) -> FieldSpec:
    return FieldSpec(name, label, "text", **options)


def textarea(name: str, label: Any, **options) -> FieldSpec:
    return FieldSpec(name, label, "textarea", **options)


def markdown(name: str, label: Any, **options) -> FieldSpec:
    return FieldSpec(name, label, "markdown", **options)


def lines(name: str, label: Any, **options) -> FieldSpec:
    return FieldSpec(name, label, "lines", **options)


def choice(name: str, label: Any, choices, **options) -> FieldSpec:
    return FieldSpec(name, label, "choice", choices=tuple(choices), **options)


def image(name: str, label: Any, **options) -> FieldSpec:
    return FieldSpec(name, label, "image", **options)


def blocks(name: str, label: Any, **options) -> FieldSpec:
    return FieldSpec(name, label, "blocks", **options)


LETTER = KindForm(
    before=(
        choice(
            "letterhead",
            _("Letterhead"),
            (("practice", _("The practice's")), ("client", _("The client's (written for them)"))),
        ),
        choice(
            "envelope",
            _("Window envelope"),
            (
                ("", _("The usual one for the paper")),
                ("DL", _("DL (A4 folded in three)")),
                ("10", _("#10 (US Letter folded in three)")),
            ),
        ),
        lines(
            "recipient_lines",
            _("Recipient's name and address"),
            help=_("One line each; it shows through the envelope's window."),
            rows=4,
        ),
        text("reference", _("Reference"), max_length=120),
        text("salutation", _("Salutation"), placeholder=_("Dear Ms Reyes,")),
    ),
    blocks=_("Body of the letter"),
    after=(
        text("closing", _("Closing"), placeholder=_("Kind regards,")),
        text("signer_name", _("Signed by"), max_length=200),
        text("signer_title", _("Signer's title"), max_length=200),
    ),
)

NEWSLETTER = KindForm(
    before=(
        text("masthead_title", _("Masthead"), placeholder=_("The Northwind Brief")),
        text("issue_number", _("Issue"), placeholder=_("Issue 14"), max_length=60),
        text("issue_date", _("Issue date"), placeholder=_("December 2026"), max_length=60),
        markdown("intro", _("Introduction")),
        text(
            "email_subject",
            _("Email subject"),
            help=_("For the email version; empty: the masthead, issue and date."),
            max_length=200,
        ),
        text(
            "preheader",
            _("Email preview line"),
            help=_("What inboxes show after the subject; empty: the start of the introduction."),
            max_length=200,
        ),
    ),
    blocks=_("Articles"),
    after=(
        markdown(
            "contact",
            _("Contact footer"),
            help=_("Address, phone, website; how to stop receiving the newsletter."),
        ),
    ),
)

FLIER = KindForm(
    before=(
        image("hero", _("Hero image")),
        text("headline", _("Headline"), max_length=200),
        textarea("subheadline", _("Subheadline"), rows=2),
    ),
    blocks=_("Body"),
    after=(
        text("cta_text", _("Call to action"), placeholder=_("Book your free session")),
        textarea(
            "cta_detail",
            _("Below the call to action"),
            help=_("Phone, web address, place: one per line."),
            rows=2,
        ),
    ),
)

BROCHURE = KindForm(
    before=(
        items(
            "panels",
            _("Panels"),
            blocks("blocks", _("Content")),
            item_names=(
                _("Panel 1: front cover"),
                _("Panel 2: inside flap"),
                _("Panel 3: inside left"),
                _("Panel 4: inside middle"),
                _("Panel 5: inside right"),
                _("Panel 6: back cover"),
            ),
            help=_(
                "Folded as a letter: the cover and the back are outside, with the flap that "
                "folds in; panels 3 to 5 are the inside spread."
            ),
        ),
    ),
    blocks=None,
)

BOOKLET = KindForm(
    before=(
        group(
            "cover",
            _("Cover"),
            text("title", _("Title"), max_length=200),
            text("subtitle", _("Subtitle"), max_length=300),
            image("image", _("Cover image")),
        ),
    ),
    blocks=_("Introduction (after the contents)"),
    after=(
        items(
            "chapters",
            _("Chapters"),
            text("title", _("Title"), max_length=200),
            blocks("blocks", _("Content")),
            item_label=_("Chapter %(n)s"),
            max_items=MAX_CHAPTERS,
        ),
    ),
)

BUSINESS_CARDS = KindForm(
    before=(
        choice(
            "card_size",
            _("Card size"),
            (("85x55", _("85 × 55 mm")), ("3.5x2", _("3.5 × 2 in"))),
            help=_("Each person gets a sheet of cards with bleed and crop marks."),
        ),
        items(
            "people",
            _("People"),
            text("name", _("Name"), max_length=120),
            text("title", _("Title"), max_length=120),
            text("phone", _("Phone"), max_length=60),
            text("email", _("Email"), max_length=200),
            text("website", _("Website"), max_length=200),
            textarea("address", _("Address"), rows=2),
            item_label=_("Person %(n)s"),
            max_items=MAX_PEOPLE,
        ),
    ),
    blocks=None,
)

PRESENTATION_HANDOUT = KindForm(
    before=(
        choice(
            "layout",
            _("Layout"),
            (
                ("3up", _("Three slides a page, with lines for notes")),
                ("1up", _("One slide a page, with the speaker's notes")),
            ),
        ),
        items(
            "slides",
            _("Slides"),
            text("title", _("Title"), max_length=200),
            image("image", _("Picture of the slide")),
            markdown("notes", _("Notes")),
            item_label=_("Slide %(n)s"),
            max_items=MAX_SLIDES,
        ),
    ),
    blocks=None,
)

TRAVEL_ITINERARY = KindForm(
    before=(
        text("trip", _("Trip"), max_length=200),
        lines("travellers", _("Travellers"), help=_("One per line."), rows=2),
        items(
            "days",
            _("Days"),
            text("label", _("Day"), placeholder=_("Sun 6 December 2026"), max_length=120),
            items(
                "items",
                _("Plans"),
                choice(
                    "kind",
                    _("Kind"),
                    (
                        ("flight", _("Flight")),
                        ("hotel", _("Hotel")),
                        ("meeting", _("Meeting")),
                        ("dial_in", _("Call")),
                        ("transport", _("Transport")),
                        ("other", _("Other")),
                    ),
                ),
                text("time", _("From"), placeholder=_("09:35 AEDT"), max_length=40),
                text("end", _("Until"), max_length=40),
                text("title", _("What"), max_length=200),
                text("location", _("Where"), max_length=300),
                text("confirmation", _("Confirmation number"), max_length=80),
                textarea("dial_in", _("Dial-in"), rows=1),
                textarea("details", _("Details"), rows=2),
                item_label=_("Plan %(n)s"),
                max_items=30,
            ),
            item_label=_("Day %(n)s"),
            max_items=60,
        ),
        markdown("emergency", _("In an emergency")),
    ),
    blocks=_("Notes"),
)


def _meeting_items(*, minutes: bool) -> FieldSpec:
    outcome = (
        markdown("notes", _("Notes")),
        lines("decisions", _("Decisions"), help=_("One per line.")),
        items(
            "actions",
            _("Actions"),
            text("what", _("What"), max_length=300),
            text("who", _("Who"), max_length=120),
            text("due", _("By"), max_length=60),
            item_label=_("Action %(n)s"),
            max_items=30,
        ),
    )
    return items(
        "items",
        _("Items"),
        text("title", _("Title"), max_length=200),
        text("owner", _("Led by"), max_length=120),
        text("duration", _("Time"), placeholder=_("15 min"), max_length=40),
        *(outcome if minutes else ()),
        item_label=_("Item %(n)s"),
        max_items=60,
    )


MEETING = group(
    "meeting",
    _("Meeting"),
    text("title", _("Title"), max_length=200),
    text("date", _("Date"), placeholder=_("Thursday 3 December 2026"), max_length=80),
    text("time", _("Time"), placeholder=_("9:30 to 11:00 am AEDT"), max_length=80),
    text("location", _("Location"), max_length=300),
    textarea("dial_in", _("Dial-in"), rows=1),
    text("chair", _("Chair"), max_length=120),
    lines("attendees", _("Attendees"), help=_("One per line.")),
    lines("apologies", _("Apologies"), help=_("One per line.")),
)

KIND_FORMS: dict[str, KindForm] = {
    DocumentKind.LETTER: LETTER,
    DocumentKind.NEWSLETTER: NEWSLETTER,
    DocumentKind.FLIER: FLIER,
    DocumentKind.BROCHURE: BROCHURE,
    DocumentKind.BOOKLET: BOOKLET,
    DocumentKind.BUSINESS_CARDS: BUSINESS_CARDS,
    DocumentKind.PRESENTATION_HANDOUT: PRESENTATION_HANDOUT,
    DocumentKind.TRAVEL_ITINERARY: TRAVEL_ITINERARY,
    DocumentKind.MEETING_AGENDA: KindForm(
        before=(MEETING, _meeting_items(minutes=False)), blocks=_("Notes")
    ),
    DocumentKind.MEETING_MINUTES: KindForm(
        before=(MEETING, _meeting_items(minutes=True)), blocks=_("Notes")
    ),
}


def kind_form(kind: str) -> KindForm:
    """The form of ``kind`` (a kind without one edits its fields as JSON only)."""
    return KIND_FORMS.get(str(kind), KindForm())


def initial_fields(kind: str, paper: str) -> dict[str, Any]:
    """What a new document of ``kind`` starts with: the brochure's six panels, the card size
    and envelope usual for the paper."""
    letter_paper = paper == PaperSize.LETTER
    if kind == DocumentKind.BROCHURE:
        return {"panels": [{"blocks": []} for _ in range(BROCHURE_PANELS)]}
    if kind == DocumentKind.BUSINESS_CARDS:
        return {"card_size": "3.5x2" if letter_paper else "85x55", "people": []}
    if kind == DocumentKind.LETTER:
        return {"letterhead": "practice", "envelope": "10" if letter_paper else "DL"}
    if kind == DocumentKind.PRESENTATION_HANDOUT:
        return {"layout": "3up", "slides": []}
    return {}
