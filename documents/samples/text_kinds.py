"""Sample contexts of the text kinds (letter, newsletter, flier, travel itinerary, meeting
agenda and minutes): realistic, plain values in the shape every kind's template receives.

The samples are written for Northwind Legal, an Australian law firm and a client of the
practice. Every image is a small PNG generated here, as a ``data:image/png;base64`` URI, so a
sample renders with no file and no network.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable
from typing import Any

PAPER_SIZES = ("A4", "letter", "A5")

CLIENT = {
    "name": "Northwind Legal",
    "address_lines": ["Level 9, 60 Martin Place", "Sydney NSW 2000"],
    "country": "AU",
}
PRACTICE = {
    "name": "Harbour Desk",
    "address_lines": ["Suite 4, 12 Kent Street", "Millers Point NSW 2000"],
    "email": "hello@harbourdesk.com.au",
    "phone": "+61 2 9000 1234",
    "website": "harbourdesk.com.au",
}
SECRETARY = {
    "name": "Priya Raman",
    "title": "Virtual secretary, Harbour Desk",
    "email": "priya@harbourdesk.com.au",
    "phone": "+61 2 9000 1235",
}
PRINCIPAL = {
    "name": "Amelia Hart",
    "title": "Principal",
    "email": "amelia.hart@northwindlegal.com.au",
    "phone": "+61 2 9000 4410",
}


def paper_of(size: str, orientation: str = "portrait") -> dict[str, str]:
    """The ``paper`` of a context: ``A4``, ``letter`` or ``A5``, portrait or landscape."""
    if size not in PAPER_SIZES:
        raise ValueError(f"Unknown paper size {size!r}; use one of {', '.join(PAPER_SIZES)}.")
    return {"size": size, "orientation": orientation}


@functools.cache
def sample_image(width: int = 480, height: int = 270, scene: str = "harbour") -> str:
    """A small generated picture (a harbour at dusk, or an office desk) as a PNG data URI."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "#1f3a5f")
    draw = ImageDraw.Draw(image)
    if scene == "desk":
        for y in range(height):  # a warm wall
            shade = int(200 + 40 * y / height)
            draw.line([(0, y), (width, y)], fill=(shade, shade - 18, shade - 40))
        desk_top = int(height * 0.68)
        draw.rectangle([0, desk_top, width, height], fill=(120, 84, 58))
        draw.rectangle(
            [int(width * 0.18), int(height * 0.30), int(width * 0.52), desk_top - 6],
            fill=(40, 48, 60),
        )  # a screen
        draw.rectangle(
            [int(width * 0.20), int(height * 0.33), int(width * 0.50), desk_top - 12],
            fill=(92, 140, 180),
        )
        draw.rectangle(
            [int(width * 0.33), desk_top - 6, int(width * 0.37), desk_top], fill=(40, 48, 60)
        )
        draw.ellipse(
            [int(width * 0.66), desk_top - 30, int(width * 0.74), desk_top], fill=(236, 236, 230)
        )  # a cup
        draw.rectangle(
            [int(width * 0.56), desk_top - 4, int(width * 0.64), desk_top], fill=(250, 250, 245)
        )
    else:
        horizon = int(height * 0.58)
        for y in range(horizon):  # the sky, from dusk blue to a warm horizon
            t = y / horizon
            draw.line(
                [(0, y), (width, y)],
                fill=(int(40 + 200 * t), int(70 + 110 * t), int(120 + 40 * t)),
            )
        sun = int(height * 0.16)
        draw.ellipse(
            [int(width * 0.68) - sun, horizon - sun, int(width * 0.68) + sun, horizon + sun],
            fill=(252, 214, 140),
        )
        for y in range(horizon, height):  # the water
            t = (y - horizon) / (height - horizon)
            draw.line([(0, y), (width, y)], fill=(int(30 + 20 * t), int(64 + 10 * t), 104))
        for x in range(0, width, 24):  # ripples
            draw.line([(x, horizon + 12), (x + 12, horizon + 12)], fill=(250, 200, 130))
        skyline = [(0.05, 0.36), (0.12, 0.24), (0.19, 0.40), (0.26, 0.30), (0.33, 0.44)]
        for left, top in skyline:  # towers on the shore
            draw.rectangle(
                [int(width * left), int(height * top), int(width * (left + 0.06)), horizon],
                fill=(28, 40, 62),
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _context(
    *, title: str, paper: str, date: str, sender: dict, blocks: list, fields: dict
) -> dict[str, Any]:
    return {
        "title": title,
        "paper": paper_of(paper),
        "date": date,
        "client": dict(CLIENT),
        "practice": dict(PRACTICE),
        "sender": dict(sender),
        "blocks": blocks,
        "fields": fields,
    }


# --- Letter --------------------------------------------------------------------------------


def sample_letter(*, paper: str = "A4") -> dict[str, Any]:
    """A two-page letter on the client's letterhead, addressed for a windowed envelope."""
    blocks = [
        {
            "type": "text",
            "markdown": (
                "We act for Ms Laura Bennett in her purchase of 14 Ocean Street, Bondi NSW 2026 "
                "(Lot 14 in Deposited Plan 20431) and refer to the contract for sale exchanged "
                "on 9 November 2026. Completion is due on **Friday 18 December 2026**."
            ),
        },
        {
            "type": "text",
            "markdown": (
                "We have now reviewed the title search, the section 10.7 planning certificate "
                "and the sewer service diagram annexed to the contract. Before we can confirm "
                "the settlement booking, we ask that your client provide the following:"
            ),
        },
        {
            "type": "text",
            "markdown": (
                "1. A copy of the occupation certificate for the rear deck, or a building "
                "information certificate if none was issued.\n"
                "2. Written confirmation that the easement for drainage noted on the title "
                "(dealing AB123456) is not affected by the new carport.\n"
                "3. The final water and council rates notices, so that adjustments can be "
                "calculated to the day of completion.\n"
                "4. The name of the mortgagee and the discharge authority reference for the "
                "existing mortgage."
            ),
        },
        {
            "type": "text",
            "markdown": (
                "Our client's lender has instructed us that funds will be available from "
                "Wednesday 16 December. To avoid any delay over the holiday period, we propose "
                "that settlement take place electronically through PEXA at 2:00 pm on the "
                "completion date, and we will send an invitation to the workspace once the "
                "items above are to hand."
            ),
        },
        {
            "type": "table",
            "header": True,
            "rows": [
                ["Item", "Amount", "Adjusted to"],
                ["Council rates (Waverley)", "AUD 1,412.60", "18 December 2026"],
                ["Water and sewerage (Sydney Water)", "AUD 286.15", "18 December 2026"],
                ["Strata levies", "Not applicable", ""],
            ],
        },
        {
            "type": "text",
            "markdown": (
                "Please also note that our client intends to carry out a pre-settlement "
                "inspection on Thursday 17 December between 9:00 am and 11:00 am. We would be "
                "grateful if your client could arrange access through the selling agent, Coastal "
                "Realty, and confirm that the inclusions listed in the contract (dishwasher, "
                "light fittings, blinds and the garden shed) will remain at the property."
            ),
        },
        {
            "type": "text",
            "markdown": (
                "If any of the documents requested cannot be supplied before Friday 11 December, "
                "please let us know as soon as possible so that we can discuss an extension of "
                "the completion date with our client and her lender. We would prefer to resolve "
                "these matters by telephone where we can: Amelia Hart is available on "
                "+61 2 9000 4410 on weekdays between 8:30 am and 5:30 pm."
            ),
        },
        {
            "type": "text",
            "markdown": (
                "We look forward to hearing from you and to a smooth settlement for both "
                "parties. This letter is sent without prejudice to our client's rights under "
                "the contract, all of which are reserved."
            ),
        },
    ]
    return _context(
        title="Purchase of 14 Ocean Street, Bondi: requisitions and settlement",
        paper=paper,
        date="30 November 2026",
        sender=PRINCIPAL,
        blocks=blocks,
        fields={
            "letterhead": "client",
            "recipient_lines": [
                "Mr Daniel Cho",
                "Cho & Associates Solicitors",
                "Level 12, 88 Phillip Street",
                "Sydney NSW 2000",
            ],
            "reference": "AH/2026/0412",
            "salutation": "Dear Mr Cho,",
            "closing": "Yours sincerely,",
            "signer_name": "Amelia Hart",
            "signer_title": "Principal, Northwind Legal",
            "envelope": "10" if paper == "letter" else "DL",
        },
    )


# --- Newsletter ----------------------------------------------------------------------------


def sample_newsletter(*, paper: str = "A4") -> dict[str, Any]:
    """A client newsletter: articles in two columns, pictures, a pull quote, a table."""
    blocks = [
        {"type": "heading", "level": 1, "text": "New rules for residential leases in NSW"},
        {
            "type": "text",
            "markdown": (
                "From **1 February 2027**, landlords in New South Wales can no longer end a "
                "periodic lease without a reason. The reforms passed Parliament in October and "
                "change how both landlords and tenants plan the end of a tenancy.\n\n"
                "The accepted reasons include the sale of the property, significant renovations, "
                "the owner or their family moving in, and a breach by the tenant. Each reason "
                "comes with its own notice period and, in most cases, supporting evidence that "
                "must be kept for twelve months."
            ),
        },
        {
            "type": "quote",
            "text": (
                "Landlords who plan ahead will find the new rules workable. The risk lies in "
                "notices given on the old forms after February."
            ),
            "cite": "Amelia Hart, Principal",
        },
        {
            "type": "text",
            "markdown": (
                "### What landlords should do now\n\n"
                "- Review any periodic leases and the reasons you may need in 2027.\n"
                "- Keep records of renovation quotes, sale listings and family circumstances.\n"
                "- Update your agent's notice templates before the start date.\n\n"
                "Tenants gain more certainty, but fixed-term leases remain unaffected until they "
                "roll over into a periodic agreement."
            ),
        },
        {
            "type": "image",
            "src": sample_image(480, 270, "harbour"),
            "alt": "Sydney harbour at dusk",
            "caption": "Our Martin Place office looks out over the harbour.",
            "width": "full",
        },
        {"type": "heading", "level": 1, "text": "Meet our new associate, Tom Nguyen"},
        {
            "type": "text",
            "markdown": (
                "Tom joins us from a mid-tier commercial firm where he spent five years on "
                "leasing and small-business disputes. He will work with Amelia on our property "
                "and retail leasing clients, and he speaks Vietnamese and Cantonese.\n\n"
                "Outside the office Tom coaches an under-12s football team in Marrickville and "
                "is, by his own account, the slowest runner on the field."
            ),
        },
        {
            "type": "image",
            "src": sample_image(480, 200, "desk"),
            "alt": "Tom's desk at Martin Place",
            "caption": "Tom's first morning at Martin Place.",
            "width": "full",
        },
        {"type": "heading", "level": 1, "text": "Our office over the holidays"},
        {
            "type": "text",
            "markdown": (
                "The office closes at noon on **Thursday 24 December** and reopens on "
                "**Monday 4 January 2027**. For urgent matters during the closure, call our "
                "after-hours line; a lawyer will return your call within four hours."
            ),
        },
        {
            "type": "table",
            "header": True,
            "rows": [
                ["Date", "Office"],
                ["Thu 24 December", "Open until 12:00"],
                ["25 Dec to 3 Jan", "Closed (after-hours line)"],
                ["Mon 4 January", "Open from 8:30"],
            ],
        },
        {"type": "cta", "text": "Book a lease review", "url": "https://northwindlegal.com.au/book"},
    ]
    return _context(
        title="The Northwind Brief, December 2026",
        paper=paper,
        date="1 December 2026",
        sender=PRINCIPAL,
        blocks=blocks,
        fields={
            "masthead_title": "The Northwind Brief",
            "issue_number": "Issue 14",
            "issue_date": "December 2026",
            "intro": (
                "Welcome to our last issue for 2026. This month: the new rules for residential "
                "leases, a new face at Martin Place, and when to reach us over the holidays."
            ),
            "contact": (
                "**Northwind Legal** · Level 9, 60 Martin Place, Sydney NSW 2000 · "
                "+61 2 9000 4410 · [northwindlegal.com.au](https://northwindlegal.com.au)\n\n"
                "This newsletter is general information, not legal advice. "
                "To stop receiving it, reply with “unsubscribe”."
            ),
        },
    )


# --- Flier ---------------------------------------------------------------------------------


def sample_flier(*, paper: str = "A4") -> dict[str, Any]:
    """A one-page flier for a free seminar, with a hero picture and a call to action."""
    blocks = [
        {
            "type": "text",
            "markdown": (
                "Running a small business means signing leases, hiring staff and chasing "
                "invoices. In 45 minutes, one of our lawyers will look over the documents that "
                "matter most and tell you, in plain English, where you stand."
            ),
        },
        {
            "type": "columns",
            "left": (
                "**We will review**\n\n"
                "- Your shop or office lease\n"
                "- Employment contracts\n"
                "- Terms of trade and invoices"
            ),
            "right": (
                "**You will leave with**\n\n"
                "- A one-page risk summary\n"
                "- Three actions, in order\n"
                "- No obligation, no cost"
            ),
        },
    ]
    return _context(
        title="Free legal health check",
        paper=paper,
        date="1 December 2026",
        sender=PRINCIPAL,
        blocks=blocks,
        fields={
            "hero": {
                "src": sample_image(640, 300, "harbour"),
                "alt": "Sydney harbour at dusk",
            },
            "headline": "Is your business legally fit for 2027?",
            "subheadline": "A free legal health check for small businesses, every Tuesday in "
            "February at our Martin Place office.",
            "cta_text": "Book your free session",
            "cta_detail": "+61 2 9000 4410 · northwindlegal.com.au/check\n"
            "Level 9, 60 Martin Place, Sydney",
        },
    )


# --- Travel itinerary ----------------------------------------------------------------------


def sample_travel_itinerary(*, paper: str = "A4") -> dict[str, Any]:
    """Four days in Tokyo for two lawyers: flights, hotel, meetings and a dial-in."""
    days = [
        {
            "label": "Sun 6 December 2026",
            "items": [
                {
                    "kind": "transport",
                    "time": "06:45 AEDT",
                    "end": "",
                    "title": "Car to Sydney Airport",
                    "location": "Pick-up at 22 Wylde Street, Potts Point",
                    "confirmation": "SC-88214",
                    "details": "Silver Service, black Mercedes; the driver will call on arrival.",
                    "dial_in": "",
                },
                {
                    "kind": "flight",
                    "time": "09:35 AEDT",
                    "end": "17:25 JST",
                    "title": "Qantas QF25, Sydney (SYD) to Tokyo Haneda (HND)",
                    "location": "Terminal 1 International; check-in closes 08:35",
                    "confirmation": "QF7KLM2P",
                    "details": "Business class, seats 2A and 2C. Two checked bags of 32 kg each.",
                    "dial_in": "",
                },
                {
                    "kind": "transport",
                    "time": "18:15 JST",
                    "end": "",
                    "title": "Limousine bus to the hotel",
                    "location": "Haneda Terminal 3, bus stop 5",
                    "confirmation": "",
                    "details": "Tickets at the counter in the arrivals hall (JPY 1,400 each).",
                    "dial_in": "",
                },
                {
                    "kind": "hotel",
                    "time": "19:30 JST",
                    "end": "",
                    "title": "Check in: Hotel Marunouchi Garden",
                    "location": "1-6-4 Marunouchi, Chiyoda-ku, Tokyo 100-0005",
                    "confirmation": "HMG-4471093",
                    "details": "Two deluxe king rooms, 6 to 9 December, breakfast included.",
                    "dial_in": "",
                },
            ],
        },
        {
            "label": "Mon 7 December 2026",
            "items": [
                {
                    "kind": "meeting",
                    "time": "09:30 JST",
                    "end": "11:00 JST",
                    "title": "Kickoff with Sakura Logistics",
                    "location": "Sakura Logistics, 18F Marunouchi Building, 2-4-1 Marunouchi",
                    "confirmation": "",
                    "details": "Ask for Mr Kenji Sato at the 18th-floor reception. Bring the "
                    "signed engagement letter and the draft warehouse lease.",
                    "dial_in": "",
                },
                {
                    "kind": "dial_in",
                    "time": "12:00 JST",
                    "end": "12:30 JST",
                    "title": "Partners' weekly call (Sydney)",
                    "location": "From the hotel business centre",
                    "confirmation": "",
                    "details": "14:00 in Sydney.",
                    "dial_in": "Teams meeting 482 119 305#\nAustralia +61 2 8318 0090, "
                    "Japan +81 3 4579 0455",
                },
                {
                    "kind": "other",
                    "time": "19:00 JST",
                    "end": "",
                    "title": "Dinner with the Sakura Logistics team",
                    "location": "Ginza Kojyu, 5-4-8 Ginza, Chuo-ku",
                    "confirmation": "GK-1207",
                    "details": "Table for six under Northwind Legal. Smart dress.",
                    "dial_in": "",
                },
            ],
        },
        {
            "label": "Tue 8 December 2026",
            "items": [
                {
                    "kind": "meeting",
                    "time": "10:00 JST",
                    "end": "12:30 JST",
                    "title": "Warehouse site visit, Yokohama",
                    "location": "Daikoku Pier Logistics Centre, Tsurumi-ku, Yokohama",
                    "confirmation": "",
                    "details": "Sakura Logistics provides the car from the hotel at 09:00. "
                    "Safety boots are supplied on site.",
                    "dial_in": "",
                },
                {
                    "kind": "meeting",
                    "time": "15:00 JST",
                    "end": "17:00 JST",
                    "title": "Lease negotiation with the landlord's counsel",
                    "location": "Mori Hamada Partners, 16F Otemachi Park Building",
                    "confirmation": "",
                    "details": "Interpreter booked: Ms Yui Tanaka (+81 90 1234 5678).",
                    "dial_in": "",
                },
            ],
        },
        {
            "label": "Wed 9 December 2026",
            "items": [
                {
                    "kind": "hotel",
                    "time": "11:00 JST",
                    "end": "",
                    "title": "Check out: Hotel Marunouchi Garden",
                    "location": "Luggage can stay with the concierge until 18:00",
                    "confirmation": "HMG-4471093",
                    "details": "",
                    "dial_in": "",
                },
                {
                    "kind": "flight",
                    "time": "21:55 JST",
                    "end": "08:50 AEDT",
                    "title": "Qantas QF26, Tokyo Haneda (HND) to Sydney (SYD)",
                    "location": "Haneda Terminal 3; check-in closes 20:55",
                    "confirmation": "QF7KLM2P",
                    "details": "Arrives Thursday 10 December. Business class, seats 1A and 1C.",
                    "dial_in": "",
                },
            ],
        },
    ]
    return _context(
        title="Travel itinerary: Tokyo, 6 to 10 December 2026",
        paper=paper,
        date="30 November 2026",
        sender=SECRETARY,
        blocks=[
            {
                "type": "text",
                "markdown": (
                    "Passports must be valid until at least June 2027. Australian citizens do "
                    "not need a visa for a business stay of under 90 days. Pocket Wi-Fi is "
                    "waiting at the hotel reception."
                ),
            }
        ],
        fields={
            "travellers": ["Amelia Hart", "Tom Nguyen"],
            "trip": "Tokyo: Sakura Logistics warehouse lease",
            "days": days,
            "emergency": (
                "**Harbour Desk, 24 hours:** +61 2 9000 1234 (Priya Raman)\n\n"
                "**Australian Embassy Tokyo:** +81 3 5232 4111, 2-1-14 Mita, Minato-ku\n\n"
                "**Travel insurance:** Chubb business travel, policy 81-553920, "
                "assistance +61 2 8907 5995\n\n"
                "**Police** 110 · **Ambulance and fire** 119"
            ),
        },
    )


# --- Meeting agenda and minutes ------------------------------------------------------------


def _meeting(*, minutes: bool) -> dict[str, Any]:
    items = [
        {
            "title": "Welcome and apologies",
            "owner": "Amelia Hart",
            "duration": "5 min",
            "notes": "The chair opened the meeting at 9:32 am and noted the apologies.",
            "decisions": [],
            "actions": [],
        },
        {
            "title": "Minutes of the meeting of 5 November",
            "owner": "Amelia Hart",
            "duration": "5 min",
            "notes": "The minutes were taken as read. Both open actions are complete.",
            "decisions": ["The minutes of 5 November are confirmed as a true record."],
            "actions": [],
        },
        {
            "title": "Practice financials: November",
            "owner": "Grace Lim",
            "duration": "15 min",
            "notes": (
                "Fees billed were **AUD 284,600**, 6 % above budget, driven by two property "
                "settlements brought forward. Debtors over 60 days stand at AUD 41,200, of "
                "which AUD 28,000 is one client (Bayview Developments).\n\n"
                "- Work in progress is down 11 % on October.\n"
                "- Trust account reconciliation for November is complete and clean."
            ),
            "decisions": [
                "Bayview Developments is moved to monthly billing with 14-day terms.",
            ],
            "actions": [
                {
                    "what": "Call Bayview Developments about the overdue invoices",
                    "who": "Grace Lim",
                    "due": "Fri 11 Dec",
                },
                {
                    "what": "Send the November management accounts to all partners",
                    "who": "Priya Raman",
                    "due": "Mon 7 Dec",
                },
            ],
        },
        {
            "title": "New matters and pipeline",
            "owner": "Tom Nguyen",
            "duration": "15 min",
            "notes": (
                "Eight new matters opened in November (five property, two leasing, one "
                "employment). The Sakura Logistics warehouse lease is expected to be the "
                "largest matter of the first quarter; Amelia and Tom travel to Tokyo on "
                "6 December."
            ),
            "decisions": ["Sakura Logistics is accepted as a client on a fixed-fee basis."],
            "actions": [
                {
                    "what": "Run the conflict check and open the Sakura Logistics matter",
                    "who": "Priya Raman",
                    "due": "Fri 4 Dec",
                },
            ],
        },
        {
            "title": "Document management migration",
            "owner": "Grace Lim",
            "duration": "20 min",
            "notes": (
                "The move to the new document management system is scheduled for the "
                "holiday closure. The vendor needs read access to the file server from "
                "28 December. Staff training is two one-hour sessions in January."
            ),
            "decisions": [
                "The migration goes ahead on 28 to 31 December.",
                "Matters closed before 2019 are archived, not migrated.",
            ],
            "actions": [
                {
                    "what": "Confirm the migration window and access with the vendor",
                    "who": "Grace Lim",
                    "due": "Wed 9 Dec",
                },
                {
                    "what": "Book the January training sessions and invite all staff",
                    "who": "Priya Raman",
                    "due": "Fri 18 Dec",
                },
            ],
        },
        {
            "title": "Holiday closure and after-hours roster",
            "owner": "Amelia Hart",
            "duration": "10 min",
            "notes": "The office closes at noon on 24 December and reopens on 4 January.",
            "decisions": ["Amelia and Tom share the after-hours line, a week each."],
            "actions": [
                {
                    "what": "Publish the roster and update the voicemail message",
                    "who": "Priya Raman",
                    "due": "Mon 21 Dec",
                },
            ],
        },
        {
            "title": "Other business",
            "owner": "",
            "duration": "5 min",
            "notes": "None. The meeting closed at 10:58 am.",
            "decisions": [],
            "actions": [],
        },
    ]
    if not minutes:
        for item in items:
            item.update(notes="", decisions=[], actions=[])
    return {
        "meeting": {
            "title": "Partners' meeting",
            "date": "Thursday 3 December 2026",
            "time": "9:30 to 11:00 am AEDT",
            "location": "Boardroom, Level 9, 60 Martin Place, Sydney",
            "dial_in": "Teams meeting 482 119 305# · +61 2 8318 0090",
            "chair": "Amelia Hart",
            "attendees": ["Amelia Hart", "Grace Lim", "Tom Nguyen", "Priya Raman (minutes)"],
            "apologies": ["David Okafor"],
        },
        "items": items,
    }


def sample_meeting_agenda(*, paper: str = "A4") -> dict[str, Any]:
    """The agenda of a partners' meeting: items with their owners and durations."""
    return _context(
        title="Partners' meeting: agenda",
        paper=paper,
        date="30 November 2026",
        sender=SECRETARY,
        blocks=[
            {
                "type": "text",
                "markdown": (
                    "Papers for items 3 and 5 are in the partners' shared folder. Please send "
                    "any other business to Priya by Wednesday 2 December."
                ),
            }
        ],
        fields=_meeting(minutes=False),
    )


def sample_meeting_minutes(*, paper: str = "A4") -> dict[str, Any]:
    """The minutes of the same meeting: notes, decisions and actions."""
    return _context(
        title="Partners' meeting: minutes",
        paper=paper,
        date="3 December 2026",
        sender=SECRETARY,
        blocks=[],
        fields=_meeting(minutes=True),
    )


# --- Registry (one line per kind) ---------------------------------------------------------

SAMPLES: dict[str, Callable[..., dict[str, Any]]] = {
    "letter": sample_letter,
    "newsletter": sample_newsletter,
    "flier": sample_flier,
    "travel_itinerary": sample_travel_itinerary,
    "meeting_agenda": sample_meeting_agenda,
    "meeting_minutes": sample_meeting_minutes,
}
