"""Demo documents: what the practice composes for Northwind Legal (idempotent).

- Northwind's brand kit when it has none, and two pictures of its own (generated PNGs) uploaded
  as the client's files.
- A business letter (approved by the portal contact, with the approval on record), a newsletter
  issue (sent for approval, awaiting it), a tri-fold brochure, a business-card sheet for two
  people, and the travel itinerary of the Tokyo roadshow task, built from the task's calendar
  events (the flight of the demo calendar is linked to the task; the hotel, a meeting and the
  flight home are added to it).
- Every document is rendered through the queue (``version_render``): the worker of
  ``make run`` makes the PDFs, nothing is rendered while seeding.

Compositions are found by client and title, files by name, events by title: seeding again
creates nothing.
"""

from __future__ import annotations

import base64
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents import compose
from documents.models import Composition, DocumentAsset, DocumentKind
from documents.samples.print_kinds import sample_png
from documents.samples.text_kinds import sample_image

CLIENT_NAME = "Northwind Legal"
ROADSHOW_TASK = "Book flights and hotel for the Tokyo roadshow"
ROADSHOW_FLIGHT = "Flight QF25 Sydney to Tokyo"

LETTER_TITLE = "Renewal of our lease at 100 Market Street"
NEWSLETTER_TITLE = "The Northwind Brief, issue 7"
BROCHURE_TITLE = "Starting a business in California"
CARDS_TITLE = "Business cards: Jordan Avery and Priya Raman"
ITINERARY_TITLE = "Travel itinerary: Tokyo roadshow"

BRAND = {
    "primary_color": "#0b3d2e",
    "secondary_color": "#4a5a55",
    "accent_color": "#c8a24a",
    "font": "Source Serif",
    "tagline": "Counsel, on time",
    "address_block": "Northwind Legal LLP\n100 Market Street\nSan Francisco, CA 94105",
}

# name of the client's file → the generated picture
PICTURES = {
    "bay-at-dusk.png": lambda: sample_image(480, 270, "harbour"),
    "market-street-desk.png": lambda: sample_image(480, 200, "desk"),
    "team.png": lambda: sample_png("people"),
}


def _png(data_uri: str) -> bytes:
    return base64.b64decode(data_uri.split(",", 1)[1])


def _brand_kit(demo, client) -> None:
    from clients.models import BrandKit
    from clients.services.brand import brand_kit_save

    if not BrandKit.objects.for_practice(demo.practice).filter(client=client).exists():
        brand_kit_save(practice=demo.practice, actor=demo.secretary, client=client, data=BRAND)


def _assets(demo, client) -> dict[str, int]:
    """The client's demo pictures by file name (uploaded once)."""
    practice = demo.practice
    found = dict(
        DocumentAsset.objects.for_practice(practice)
        .filter(client=client, original_name__in=PICTURES)
        .values_list("original_name", "pk")
    )
    for name, picture in PICTURES.items():
        if name not in found:
            upload = SimpleUploadedFile(name, _png(picture()), content_type="image/png")
            asset = compose.asset_upload(
                practice=practice, client=client, upload=upload, user=demo.secretary.user
            )
            found[name] = asset.pk
    return found


def _text(markdown: str) -> dict:
    return {"type": "text", "markdown": markdown}


def _heading(text: str, level: int = 2) -> dict:
    return {"type": "heading", "text": text, "level": level}


def _image(asset: int, alt: str, caption: str = "") -> dict:
    return {"type": "image", "asset": asset, "alt": alt, "caption": caption, "width": "full"}


# --- Content (adapted from ``documents.samples`` for Northwind's San Francisco office) -------


def letter_content() -> dict:
    return {
        "blocks": [
            _text(
                "Our lease of Suite 1200 at 100 Market Street ends on **31 March**. We would "
                "like to renew it for a further five years and write, as the lease asks, "
                "at least ninety days before it ends."
            ),
            _text(
                "The suite has served us well. Before we sign a renewal we would ask you to "
                "consider the following:\n\n"
                "1. The rent for the first year held at the current rate, with the annual "
                "increase capped at 3 %.\n"
                "2. The carpet in the reception and the two meeting rooms replaced during "
                "the first year, at the landlord's cost.\n"
                "3. Two further parking spaces in the building's garage on the same terms "
                "as our present ones.\n"
                "4. The right to end the lease after three years on six months' notice."
            ),
            {
                "type": "table",
                "header": True,
                "rows": [
                    ["Item", "Current", "Proposed"],
                    ["Monthly rent", "USD 18,450.00", "USD 18,450.00 in year one"],
                    ["Annual increase", "4 %", "At most 3 %"],
                    ["Parking spaces", "4", "6"],
                ],
            },
            _text(
                "We would be glad to meet at the building office in the week of 12 January. "
                "Our office manager, Jordan Avery, arranges our diary and can be reached on "
                "(415) 555-0142 or at client@northwind.example."
            ),
            _text("We look forward to many more years at Market Street."),
        ],
        "fields": {
            "letterhead": "client",
            "recipient_lines": [
                "Ms Rachel Moreno",
                "Building manager, Market Street Properties",
                "100 Market Street, Suite 300",
                "San Francisco, CA 94105",
            ],
            "reference": "NW/ADMIN/2026-14",
            "salutation": "Dear Ms Moreno,",
            "closing": "Sincerely,",
            "signer_name": "Jordan Avery",
            "signer_title": "Office manager, Northwind Legal",
            "envelope": "10",
        },
    }


def newsletter_content(assets: dict[str, int]) -> dict:
    return {
        "blocks": [
            _heading("New rules for employee handbooks in California", 1),
            _text(
                "From **1 January** California employers must tell staff in writing about "
                "their new rights to leave for family reproductive loss, and the state's "
                "workplace violence prevention plans are now enforced.\n\n"
                "Small businesses often keep a handbook written years ago. The new rules are "
                "a good moment to read it again with fresh eyes."
            ),
            {
                "type": "quote",
                "text": "A handbook that matches the law is the cheapest insurance an employer "
                "can buy.",
                "cite": "Northwind Legal, employment team",
            },
            _text(
                "### What employers should do now\n\n"
                "- Update the leave policy and share it with every employee.\n"
                "- Write down the workplace violence prevention plan and train staff on it.\n"
                "- Keep a signed acknowledgment from each employee."
            ),
            _image(assets["bay-at-dusk.png"], "The bay at dusk", "The view from Market Street."),
            _heading("Meet Priya Raman, our paralegal", 1),
            _text(
                "Priya joined us in the spring from a litigation firm in Oakland. She prepares "
                "our employment and contract matters, and she is the person to call about "
                "documents you have sent us."
            ),
            _image(
                assets["market-street-desk.png"],
                "Priya's desk",
                "Priya's desk on the twelfth floor.",
            ),
            _heading("Our office over the holidays", 1),
            {
                "type": "table",
                "header": True,
                "rows": [
                    ["Date", "Office"],
                    ["Wed 24 December", "Open until 12:00"],
                    ["25 Dec to 1 Jan", "Closed (after-hours line)"],
                    ["Fri 2 January", "Open from 8:30"],
                ],
            },
            {"type": "cta", "text": "Book a handbook review", "url": "https://northwind.example"},
        ],
        "fields": {
            "masthead_title": "The Northwind Brief",
            "issue_number": "Issue 7",
            "issue_date": "December",
            "intro": (
                "This month: new rules for employee handbooks, a new face on the twelfth "
                "floor, and when to reach us over the holidays."
            ),
            "contact": (
                "**Northwind Legal** · 100 Market Street, San Francisco, CA 94105 · "
                "(415) 555-0100 · [northwind.example](https://northwind.example)\n\n"
                "This newsletter is general information, not legal advice."
            ),
        },
    }


def brochure_content(assets: dict[str, int]) -> dict:
    panels = [
        [
            _text(
                "Forming a company, signing your first lease and hiring your first employee, "
                "explained in plain English by San Francisco business lawyers."
            ),
            _image(assets["bay-at-dusk.png"], "The bay at dusk"),
        ],
        [
            _heading("Why get it right now?"),
            _text(
                "Most disputes we see in young businesses began with a document nobody read "
                "closely.\n\n"
                "- Protect the founders\n- Keep investors confident\n"
                "- Avoid penalties from the state\n- Hire with confidence"
            ),
            {
                "type": "quote",
                "text": "They made our first year simple.",
                "cite": "A founder, Mission District",
            },
        ],
        [
            _heading("What we do"),
            _text(
                "**Formation.** LLC or corporation, operating agreements and bylaws.\n\n"
                "**Contracts.** Terms of service, supplier and customer agreements.\n\n"
                "**Leases.** Office and retail leases read and negotiated.\n\n"
                "**Employment.** Offer letters, handbooks and contractor agreements."
            ),
            _image(assets["team.png"], "Two lawyers meeting a client", "Our team"),
        ],
        [
            _heading("How it works"),
            _text(
                "1. **A free 20-minute call** about your business.\n"
                "2. **A meeting** at Market Street or by video.\n"
                "3. **Your documents** within ten working days.\n"
                "4. **Signing**, and a reminder when something needs renewing."
            ),
        ],
        [
            _heading("Fixed fees"),
            {
                "type": "table",
                "header": True,
                "rows": [
                    ["Package", "Fee"],
                    ["LLC formation", "USD 950"],
                    ["Founders' package", "USD 2,400"],
                    ["Lease review", "USD 1,200"],
                    ["Employee handbook", "from USD 1,800"],
                ],
            },
            _text("No hourly billing and no surprises: the fee we quote is the fee."),
            {"type": "cta", "text": "Book your free call", "url": "https://northwind.example"},
        ],
        [
            _heading("Talk to us"),
            _text(
                "**Phone** (415) 555-0100\n\n**Email** hello@northwind.example\n\n"
                "**Hours** Monday to Friday, 8.30 am to 5.30 pm."
            ),
            _heading("Finding us", 3),
            _text("100 Market Street, two minutes' walk from Embarcadero station."),
        ],
    ]
    return {"blocks": [], "fields": {"panels": [{"blocks": blocks} for blocks in panels]}}


def business_cards_content() -> dict:
    common = {
        "website": "northwind.example",
        "address": "100 Market Street, Suite 1200, San Francisco, CA 94105",
    }
    return {
        "blocks": [],
        "fields": {
            "card_size": "3.5x2",
            "people": [
                {
                    "name": "Jordan Avery",
                    "title": "Office manager",
                    "phone": "(415) 555-0142",
                    "email": "client@northwind.example",
                    **common,
                },
                {
                    "name": "Priya Raman",
                    "title": "Paralegal",
                    "phone": "(415) 555-0147",
                    "email": "priya@northwind.example",
                    **common,
                },
            ],
        },
    }


# --- The roadshow's calendar -------------------------------------------------------------------


def _roadshow_task(practice, client):
    from tasks.models import Task

    return (
        Task.objects.for_practice(practice)
        .filter(client=client, title=ROADSHOW_TASK)
        .order_by("pk")
        .first()
    )


def _roadshow_events(demo, client, task) -> None:
    """The flight of the demo calendar on the task, with the stay, a meeting and the flight
    home after it (each event once)."""
    from tasks.events import event_save
    from tasks.models import CalendarEvent, EventKind

    practice = demo.practice
    events = CalendarEvent.objects.for_practice(practice).filter(client=client)
    flight = events.filter(title__startswith=ROADSHOW_FLIGHT).order_by("pk").first()
    if flight is not None and flight.task_id is None:
        events.filter(pk=flight.pk).update(task=task)
    tokyo = ZoneInfo("Asia/Tokyo")
    if flight is not None:
        arrival = flight.ends_at.astimezone(tokyo).date()
    else:
        arrival = timezone.localdate(timezone=tokyo) + timedelta(days=3)
    travellers = [
        {"name": "Jordan Avery", "email": "client@northwind.example"},
        {"name": "Priya Raman", "email": "priya@northwind.example"},
    ]
    planned = [
        (
            "Check in: Hotel Marunouchi Garden",
            EventKind.TRAVEL,
            arrival,
            time(21, 0),
            60,
            "1-6-4 Marunouchi, Chiyoda-ku, Tokyo",
            "Two deluxe king rooms, breakfast included. Confirmation: HMG-4471093",
        ),
        (
            "Roadshow meeting with Sakura Capital",
            EventKind.MEETING,
            arrival + timedelta(days=1),
            time(10, 0),
            120,
            "18F Marunouchi Building, 2-4-1 Marunouchi",
            "Ask for Mr Kenji Sato at the 18th-floor reception.",
        ),
        (
            "Flight QF26 Tokyo to Sydney",
            EventKind.TRAVEL,
            arrival + timedelta(days=2),
            time(21, 55),
            595,
            "Haneda Terminal 3",
            "Business class, seats 1A and 1C. Booking ref QF7KLM2P",
        ),
    ]
    for title, kind, day, start, minutes, location, notes in planned:
        if events.filter(task=task, title=title).exists():
            continue
        starts = datetime.combine(day, start, tzinfo=tokyo)
        event_save(
            practice=practice,
            actor=demo.secretary,
            client=client,
            task=task,
            secretary=demo.secretary,
            title=title,
            kind=kind,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
            time_zone="Asia/Tokyo",
            location=location,
            attendees=travellers,
            notes=notes,
        )


# --- Seed --------------------------------------------------------------------------------------


def _composition(demo, client, *, kind: str, title: str, content=None, task=None):
    """The composition ``title`` of the client: (found or created, created?)."""
    practice = demo.practice
    existing = Composition.objects.for_practice(practice).filter(client=client, title=title).first()
    if existing is not None:
        return existing, False
    composition = compose.composition_create(
        practice=practice,
        client=client,
        kind=kind,
        title=title,
        user=demo.secretary.user,
        task=task,
        content=content,
    )
    return composition, True


def seed(demo) -> None:
    from clients.models import Client

    practice = demo.practice
    client = Client.objects.for_practice(practice).filter(name=CLIENT_NAME).first()
    if client is None:
        return
    _brand_kit(demo, client)
    assets = _assets(demo, client)
    user = demo.secretary.user

    # Approved by the portal contact: sent, then approved as the contact would in the portal.
    letter, created = _composition(
        demo, client, kind=DocumentKind.LETTER, title=LETTER_TITLE, content=letter_content()
    )
    if created:
        version = compose.composition_send_for_approval(
            practice=practice, composition=letter, user=user
        )
        contact = demo.client_contact.user
        compose.composition_decide(
            practice=practice,
            composition=letter,
            version_id=version.pk,
            user=contact,
            decision="approved",
            name=contact.get_full_name() or contact.email,
            ip_address="203.0.113.24",
            user_agent="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15",
        )

    # Sent for approval, awaiting it.
    newsletter, created = _composition(
        demo,
        client,
        kind=DocumentKind.NEWSLETTER,
        title=NEWSLETTER_TITLE,
        content=newsletter_content(assets),
    )
    if created:
        compose.composition_send_for_approval(practice=practice, composition=newsletter, user=user)

    # Drafts, rendered for the staff to look at.
    drafts = [
        (DocumentKind.BROCHURE, BROCHURE_TITLE, brochure_content(assets)),
        (DocumentKind.BUSINESS_CARDS, CARDS_TITLE, business_cards_content()),
    ]
    for kind, title, content in drafts:
        draft, created = _composition(demo, client, kind=kind, title=title, content=content)
        if created:
            compose.version_render(practice=practice, composition=draft, user=user)

    task = _roadshow_task(practice, client)
    if task is not None:
        _roadshow_events(demo, client, task)
        itinerary, created = _composition(
            demo, client, kind=DocumentKind.TRAVEL_ITINERARY, title=ITINERARY_TITLE, task=task
        )
        if created:
            compose.version_render(practice=practice, composition=itinerary, user=user)
