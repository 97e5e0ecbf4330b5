"""Sample contexts of the print kinds (brochure, business cards, booklet, presentation handout):
realistic plain data for demos, previews and tests, for Northwind Legal.

``sample_context(kind, paper="A4")`` gives a fresh context (plain values, as the renderer takes
them; the renderer adds ``brand``). Every image is a small generated PNG as a ``data:`` URI, so
samples need no files.
"""

from __future__ import annotations

import base64
import copy
import functools
import io
from collections.abc import Callable

from documents.samples.text_kinds import CLIENT, PRACTICE

SENDER = {
    "name": "Ada Lovelace",
    "title": "Virtual secretary",
    "email": "ada@harbourdesk.com.au",
    "phone": "+61 2 9955 0142",
}
# Colours of the generated pictures (close to the default brand kit).
NAVY, SLATE, RUST, SAND, MIST = "#1f3a5f", "#4a5568", "#c05621", "#f3e9dc", "#dbe4ee"


def base_context(*, title: str, paper: str = "A4", orientation: str = "portrait") -> dict:
    """What every kind's template receives, with empty ``blocks`` and ``fields``."""
    return {
        "title": title,
        "paper": {"size": paper, "orientation": orientation},
        "date": "30 November 2026",
        "client": copy.deepcopy(CLIENT),
        "practice": copy.deepcopy(PRACTICE),
        "sender": dict(SENDER),
        "blocks": [],
        "fields": {},
    }


@functools.cache
def sample_png(motif: str = "harbour", size: tuple[int, int] = (320, 200)) -> str:
    """A small generated picture as a ``data:image/png;base64`` URI.

    ``motif`` is "harbour" (a stylised photo), "people" (two figures), "chart" (a slide with
    bars), "steps" (a slide with a timeline) or "title" (a title slide).
    """
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size, MIST)
    draw = ImageDraw.Draw(image)
    if motif == "harbour":
        for row in range(height):  # sky fading to sand
            shade = row / height
            draw.line(
                [(0, row), (width, row)],
                fill=(int(219 - 40 * shade), int(228 - 30 * shade), int(238 - 20 * shade)),
            )
        draw.ellipse((width * 0.68, height * 0.12, width * 0.84, height * 0.38), fill=SAND)
        draw.polygon(
            [(0, height * 0.72), (width * 0.3, height * 0.5), (width * 0.55, height * 0.72)],
            fill=SLATE,
        )
        draw.polygon(
            [(width * 0.35, height * 0.72), (width * 0.7, height * 0.42), (width, height * 0.72)],
            fill=NAVY,
        )
        draw.rectangle((0, height * 0.72, width, height), fill="#2c5282")
        for wave in range(5):
            y = height * (0.78 + wave * 0.045)
            draw.line([(width * 0.1, y), (width * 0.9, y)], fill=MIST, width=1)
    elif motif == "people":
        draw.rectangle((0, 0, width, height), fill=SAND)
        for centre, colour in ((0.36, NAVY), (0.64, RUST)):
            x = width * centre
            draw.ellipse((x - 26, height * 0.22, x + 26, height * 0.22 + 52), fill=colour)
            draw.rounded_rectangle(
                (x - 48, height * 0.22 + 60, x + 48, height + 20), radius=40, fill=colour
            )
    else:
        draw.rectangle((0, 0, width, height), fill="#ffffff")
        draw.rectangle((0, 0, width, height * 0.16), fill=NAVY)
        draw.rectangle((width * 0.06, height * 0.05, width * 0.5, height * 0.11), fill=MIST)
        if motif == "chart":
            for index, share in enumerate((0.35, 0.55, 0.48, 0.72, 0.86)):
                left = width * (0.12 + index * 0.16)
                top = height * (0.9 - share * 0.65)
                draw.rectangle(
                    (left, top, left + width * 0.1, height * 0.9),
                    fill=RUST if index == 4 else SLATE,
                )
            draw.line([(width * 0.08, height * 0.9), (width * 0.94, height * 0.9)], fill=NAVY)
        elif motif == "steps":
            y = height * 0.58
            draw.line([(width * 0.1, y), (width * 0.9, y)], fill=SLATE, width=3)
            for index in range(4):
                x = width * (0.14 + index * 0.24)
                draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill=RUST if index == 0 else NAVY)
                draw.rectangle((x - 30, y + 26, x + 30, y + 34), fill=MIST)
        else:  # title
            draw.rectangle((0, 0, width, height), fill=NAVY)
            draw.rectangle((width * 0.1, height * 0.4, width * 0.75, height * 0.5), fill="#ffffff")
            draw.rectangle((width * 0.1, height * 0.58, width * 0.5, height * 0.63), fill=MIST)
            draw.rectangle((width * 0.1, height * 0.7, width * 0.22, height * 0.72), fill=RUST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _image(motif: str, alt: str, *, caption: str = "", width: str = "full") -> dict:
    return {
        "type": "image",
        "src": sample_png(motif),
        "alt": alt,
        "caption": caption,
        "width": width,
    }


def _heading(text: str, level: int = 2) -> dict:
    return {"type": "heading", "text": text, "level": level}


def _text(markdown: str) -> dict:
    return {"type": "text", "markdown": markdown}


# --- Print kinds ---------------------------------------------------------------------------


def brochure_sample(*, paper: str = "A4") -> dict:
    """A tri-fold brochure: six panels in reading order (1 cover, 2 inside flap, 3–5 inside,
    6 back)."""
    context = base_context(
        title="Estate planning, made clear", paper=paper, orientation="landscape"
    )
    context["fields"] = {
        "panels": [
            {
                "blocks": [
                    _text(
                        "Wills, powers of attorney and family trusts, explained in plain "
                        "English by Sydney's estate lawyers."
                    ),
                    _image("harbour", "Sydney Harbour at dusk"),
                ]
            },
            {
                "blocks": [
                    _heading("Why plan now?"),
                    _text(
                        "Around half of Australian adults have no valid will. Without one, "
                        "the law decides who inherits, who cares for your children and who "
                        "manages your affairs.\n\n"
                        "- Protect the people you love\n"
                        "- Keep your family out of court\n"
                        "- Reduce tax and stamp duty\n"
                        "- Decide who speaks for you"
                    ),
                    {
                        "type": "quote",
                        "text": "They made a difficult conversation simple. We finally have "
                        "a plan we understand.",
                        "cite": "Priya and Tom, Chatswood",
                    },
                ]
            },
            {
                "blocks": [
                    _heading("What we do"),
                    _text(
                        "**Wills.** Clear, valid wills that reflect your wishes and stand up "
                        "to challenge.\n\n"
                        "**Powers of attorney.** Someone you trust to handle money and "
                        "property if you cannot.\n\n"
                        "**Enduring guardianship.** Decisions about health and lifestyle, "
                        "made by the person you choose.\n\n"
                        "**Testamentary trusts.** Protection for young or vulnerable "
                        "beneficiaries, and tax savings for the family."
                    ),
                    _image("people", "Two lawyers meeting a client", caption="Our team"),
                ]
            },
            {
                "blocks": [
                    _heading("How it works"),
                    _text(
                        "1. **A free 20-minute call** to understand your family and goals.\n"
                        "2. **A meeting** in our Phillip Street office or by video.\n"
                        "3. **Your draft documents** within ten working days, in plain "
                        "English.\n"
                        "4. **Signing**, witnessed by us, and safe custody of the originals "
                        "at no charge."
                    ),
                    _image(
                        "steps",
                        "A timeline of four steps",
                        caption="From first call to signing in about three weeks.",
                    ),
                    {
                        "type": "quote",
                        "text": "Most clients finish in two meetings.",
                        "cite": "",
                    },
                ]
            },
            {
                "blocks": [
                    _heading("Fixed fees"),
                    {
                        "type": "table",
                        "header": True,
                        "rows": [
                            ["Package", "Fee (incl. GST)"],
                            ["Simple will", "$450"],
                            ["Couple's wills", "$790"],
                            ["Wills and powers of attorney", "$1,250"],
                            ["Testamentary trust will", "from $2,400"],
                        ],
                    },
                    _text("No hourly billing and no surprises: the fee we quote is the fee."),
                    _heading("Always included", 3),
                    _text(
                        "- A plain-English summary of your plan\n"
                        "- Free safe custody of your originals\n"
                        "- A reminder to review every five years"
                    ),
                    {
                        "type": "cta",
                        "text": "Book your free call",
                        "url": "https://northwindlegal.com.au/book",
                    },
                ]
            },
            {
                "blocks": [
                    _heading("Talk to us"),
                    _text(
                        "**Phone** (02) 9231 4400\n\n"
                        "**Email** estates@northwindlegal.com.au\n\n"
                        "**Hours** Monday to Friday, 8.30 am to 5.30 pm. Evening "
                        "appointments on request."
                    ),
                    _heading("Finding us", 3),
                    _text(
                        "Two minutes' walk from Martin Place station. Meetings by video "
                        "for clients outside Sydney."
                    ),
                ]
            },
        ]
    }
    return context


def business_cards_sample(*, paper: str = "A4") -> dict:
    """Card sheets for two people of the client (one sheet each); the sheet is the paper."""
    context = base_context(title="Business cards", paper=paper)
    context["fields"] = {
        "card_size": "85x55",
        "people": [
            {
                "name": "Olivia Chen",
                "title": "Principal, Estates and Succession",
                "phone": "+61 2 9231 4401",
                "email": "olivia.chen@northwindlegal.com.au",
                "website": "northwindlegal.com.au",
                "address": "Level 12, 88 Phillip Street, Sydney NSW 2000",
            },
            {
                "name": "Marcus Reid",
                "title": "Senior Associate",
                "phone": "+61 2 9231 4407",
                "email": "marcus.reid@northwindlegal.com.au",
                "website": "northwindlegal.com.au",
                "address": "Level 12, 88 Phillip Street, Sydney NSW 2000",
            },
        ],
    }
    return context


def booklet_sample(*, paper: str = "A4") -> dict:
    """A client guide: cover, contents and four chapters."""
    context = base_context(title="Your estate plan: a client guide", paper=paper)
    context["blocks"] = [
        _text(
            "This guide explains how Northwind Legal prepares your estate plan, what we need "
            "from you and what happens after you sign. Keep it with your documents."
        )
    ]
    context["fields"] = {
        "cover": {
            "title": "Your estate plan",
            "subtitle": "A client guide to wills, powers of attorney and guardianship",
            "image": {"src": sample_png("harbour"), "alt": "Sydney Harbour at dusk"},
        },
        "chapters": [
            {
                "title": "Before we meet",
                "blocks": [
                    _text(
                        "A good estate plan starts with a clear picture of your family and "
                        "what you own. Before our first meeting, please gather what you can "
                        "from the list below. Gaps are normal: we will work through them "
                        "together."
                    ),
                    _heading("What to bring"),
                    _text(
                        "- Names and dates of birth of your spouse or partner, children and "
                        "anyone else you want to provide for\n"
                        "- A list of your assets: property, bank accounts, shares, "
                        "superannuation, business interests\n"
                        "- Any existing will, power of attorney or guardianship appointment\n"
                        "- Details of family trusts or companies you control\n"
                        "- Your superannuation fund's binding nomination, if you have one"
                    ),
                    _heading("Questions to think about"),
                    _text(
                        "Who should manage your estate? Who would care for your children? "
                        "Are there gifts to friends or charities you would like to make? "
                        "Is anyone likely to feel left out?"
                    ),
                    _image("people", "A planning meeting", caption="Our Phillip Street office"),
                    _heading("How long it takes"),
                    _text(
                        "Most plans take two meetings and about three weeks from our first "
                        "call to signing. Plans with trusts, a family business or assets "
                        "overseas can take longer; we will give you a timetable at the "
                        "first meeting and keep you updated as we go.\n\n"
                        "Your virtual assistant at Harbour Desk, who manages our diary, will "
                        "send you reminders before each appointment and a checklist of "
                        "anything still outstanding."
                    ),
                    {
                        "type": "table",
                        "header": True,
                        "rows": [
                            ["Step", "When", "Who"],
                            ["Free call", "Week 1", "You and your lawyer"],
                            ["Planning meeting", "Week 1 or 2", "You, your partner, your lawyer"],
                            ["Draft documents", "Week 3", "We send them to you"],
                            ["Signing", "Week 3 or 4", "In our office or at your home"],
                        ],
                    },
                ],
            },
            {
                "title": "Your will",
                "blocks": [
                    _text(
                        "Your will says who receives your estate, who carries out your "
                        "wishes (your executor) and who looks after children under 18. "
                        "We draft it in plain English and explain every clause before you "
                        "sign."
                    ),
                    _heading("Choosing an executor"),
                    _text(
                        "An executor collects your assets, pays debts and tax, and "
                        "distributes what remains. Choose someone organised and trusted; "
                        "many people appoint two, or a family member together with a "
                        "professional."
                    ),
                    {
                        "type": "quote",
                        "text": "A will is not about death. It is about making life easier "
                        "for the people you leave behind.",
                        "cite": "Olivia Chen, Principal",
                    },
                    _heading("Testamentary trusts"),
                    _text(
                        "A testamentary trust holds an inheritance for beneficiaries. It "
                        "can protect a young or vulnerable beneficiary, shield assets from "
                        "a relationship breakdown or creditors, and let income be taxed at "
                        "the lower rates that apply to children.\n\n"
                        "Trusts suit estates with significant assets or complex family "
                        "arrangements. We will tell you honestly whether yours is one."
                    ),
                    _heading("Guardians for your children"),
                    _text(
                        "If you have children under 18, your will can appoint a guardian to "
                        "care for them. Talk to the person first, and name a second choice "
                        "in case your first cannot act. A letter of wishes, kept with your "
                        "will, can tell the guardian what matters to you: schooling, "
                        "religion, contact with grandparents.\n\n"
                        "Guardianship is separate from money. You may prefer a different "
                        "person, or a trustee, to manage what your children inherit until "
                        "they are old enough to manage it themselves."
                    ),
                    _heading("Gifts and wishes", 3),
                    _text(
                        "- **Specific gifts**: a car, jewellery, a collection\n"
                        "- **Cash gifts** to friends, godchildren or charities\n"
                        "- **The residue**: everything left after debts, tax and gifts"
                    ),
                ],
            },
            {
                "title": "Powers of attorney and guardianship",
                "blocks": [
                    _text(
                        "A will only operates after death. To plan for a time when you "
                        "cannot make decisions yourself, you need two more documents."
                    ),
                    {
                        "type": "table",
                        "header": True,
                        "rows": [
                            ["Document", "Covers", "Takes effect"],
                            [
                                "Enduring power of attorney",
                                "Money, property, tax, bills",
                                "When you sign, or when you lose capacity",
                            ],
                            [
                                "Enduring guardianship",
                                "Health, medical treatment, where you live",
                                "Only if you lose capacity",
                            ],
                            [
                                "Advance care directive",
                                "Specific treatment you accept or refuse",
                                "Only if you cannot communicate",
                            ],
                        ],
                    },
                    _text(
                        "In New South Wales these documents must be witnessed by a lawyer "
                        "or another qualified person who explains them to you. We do this "
                        "at your signing appointment."
                    ),
                    _heading("Choosing your attorney and guardian"),
                    _text(
                        "Choose people who know you well, live nearby and will ask for help "
                        "when they need it. You can appoint more than one and say whether "
                        "they must act together or may act alone. You can also limit what "
                        "an attorney may do, for example to exclude selling your home.\n\n"
                        "Your attorney must keep your money separate from their own and "
                        "keep records. They cannot make gifts from your money or change "
                        "your will."
                    ),
                    {
                        "type": "quote",
                        "text": "Appointing an attorney is one of the kindest things you can "
                        "do for your family. It saves them a tribunal application at the "
                        "hardest time.",
                        "cite": "Marcus Reid, Senior Associate",
                    },
                ],
            },
            {
                "title": "After you sign",
                "blocks": [
                    _text(
                        "We keep your originals in our safe custody at no charge and give "
                        "you certified copies. Tell your executor and attorneys where the "
                        "originals are."
                    ),
                    _heading("When to review your plan"),
                    _text(
                        "- Marriage, separation or divorce (marriage revokes a will in NSW)\n"
                        "- The birth of a child or grandchild\n"
                        "- Buying or selling property or a business\n"
                        "- A change in your health\n"
                        "- Every five years in any case"
                    ),
                    _heading("If you lose a document"),
                    _text(
                        "Call us: we hold the originals and can send certified copies the same "
                        "day. If an original is lost, we will advise you whether to sign a new "
                        "document, which is usually simple and quick."
                    ),
                    {
                        "type": "cta",
                        "text": "Book a review: (02) 9231 4400",
                        "url": "tel:+61292314400",
                    },
                ],
            },
        ],
    }
    return context


def presentation_handout_sample(*, paper: str = "A4") -> dict:
    """Handout of a seminar's slides, three to a page with lines for notes."""
    context = base_context(title="Estate planning for small business owners", paper=paper)
    slides = [
        ("Estate planning for small business owners", "title", "Welcome and introductions."),
        (
            "Why business owners need more than a will",
            "chart",
            "Business assets often sit **outside** your estate: in companies, trusts and "
            "superannuation. A will alone does not reach them.",
        ),
        (
            "What happens to your shares",
            "",
            "Shares you own personally pass under your will. Shares held by a trust follow "
            "the trust deed. Check the company constitution for pre-emptive rights.",
        ),
        (
            "Buy-sell agreements",
            "steps",
            "A buy-sell agreement, funded by insurance, lets co-owners buy out a departing "
            "owner's family at a fair price.\n\n- Trigger events\n- Valuation method\n"
            "- Funding",
        ),
        (
            "Superannuation and binding nominations",
            "chart",
            "Super does not form part of your estate unless paid to it. A binding death "
            "benefit nomination tells the trustee who receives it.",
        ),
        (
            "Your next steps",
            "steps",
            "1. List your business structures\n2. Review your will and nominations\n"
            "3. Book a planning meeting",
        ),
        ("Questions", "title", ""),
    ]
    context["fields"] = {
        "layout": "3up",
        "slides": [
            {
                "title": title,
                "image": {"src": sample_png(motif, (320, 180)), "alt": title} if motif else {},
                "notes": notes,
            }
            for title, motif, notes in slides
        ],
    }
    return context


SAMPLES: dict[str, Callable[..., dict]] = {
    "brochure": brochure_sample,
    "business_cards": business_cards_sample,
    "booklet": booklet_sample,
    "presentation_handout": presentation_handout_sample,
}
