"""Reading a received message: its addresses, whether it is an automatic one, its text, its
thread references. Plain functions over ``AnymailInboundMessage``; no database."""

from __future__ import annotations

import html
import re
from email.utils import getaddresses, parseaddr

import nh3
from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.utils.translation import gettext as _

# Headers our outgoing thread replies carry, so a message that comes back is known as ours.
LOOP_HEADER = "X-Secretary-Loop"
# Set on an attachment part whose content was removed before the message was stored.
REFUSED_HEADER = "X-Secretary-Refused-Size"
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
BULK_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")
MESSAGE_ID = re.compile(r"<([^<>\s]{1,250})>")
SUBJECT_TOKEN = re.compile(r"\[#([A-Z2-7]{6})\]")


def parse(raw: bytes) -> AnymailInboundMessage:
    return AnymailInboundMessage.parse_raw_mime_bytes(raw)


def header(message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header the parser cannot decode counts as absent
        return ""
    return str(value or "").strip()


def address_tokens(message, envelope_recipient: str | None = None) -> list[str]:
    """The local parts of every recipient at our inbound domain, in header order."""
    values = []
    for name in RECIPIENT_HEADERS:
        values += [str(v) for v in (message.get_all(name) or [])]
    if envelope_recipient:
        values.append(envelope_recipient)
    domain = settings.INBOUND_DOMAIN.lower()
    tokens = []
    for _name, address in getaddresses(values):
        local, _at, host = address.strip().lower().rpartition("@")
        local = local.split("+", 1)[0]
        if host == domain and local and local not in tokens:
            tokens.append(local)
    return tokens


def sender(message) -> tuple[str, str]:
    """(name, email) of the From header, the email lower-cased."""
    name, email = parseaddr(header(message, "From"))
    return name.strip()[:200], email.strip().lower()[:254]


def message_id(message) -> str:
    found = MESSAGE_ID.search(header(message, "Message-ID"))
    return found.group(1) if found else ""


def references(message) -> list[str]:
    """Message ids this one answers: In-Reply-To first, then References, newest first."""
    ids = MESSAGE_ID.findall(header(message, "In-Reply-To"))
    ids += list(reversed(MESSAGE_ID.findall(header(message, "References"))))
    unique = []
    for item in ids:
        if item not in unique:
            unique.append(item)
    return unique[:50]


def subject_token(subject: str) -> str:
    found = SUBJECT_TOKEN.search(subject or "")
    return found.group(1) if found else ""


def is_ours(message_id_value: str) -> bool:
    return message_id_value.lower().endswith("@" + settings.INBOUND_DOMAIN.lower())


def automatic_reason(message) -> str:
    """Why this message is an automatic one (an auto-reply, a list, a loop), or ""."""
    auto = header(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"[:200]
    precedence = header(message, "Precedence").lower()
    if precedence in BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        value = header(message, name)
        if value and (name != "X-Auto-Response-Suppress" or "all" in value.lower()):
            return f"{name}: {value}"[:200]
    if header(message, "List-Id") or header(message, "List-Unsubscribe"):
        return _("a mailing list")
    if header(message, LOOP_HEADER) or is_ours(message_id(message)):
        return _("our own message came back")
    _name, email = sender(message)
    own = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower(), parseaddr(settings.SERVER_EMAIL)[1]}
    if email in own or email.endswith("@" + settings.INBOUND_DOMAIN.lower()):
        return _("sent from our own address")
    if email.startswith(("mailer-daemon@", "postmaster@")) or not email:
        return _("a delivery report")
    return ""


def _body(message, kind: str) -> str:
    """The first text/plain or text/html body part; one in an unknown charset is read as
    UTF-8 with replacement characters rather than refused."""
    try:
        return getattr(message, kind) or ""
    except (LookupError, UnicodeError, AssertionError):
        subtype = "plain" if kind == "text" else "html"
        for part in message.walk():
            if part.get_content_type() == f"text/{subtype}" and not part.is_attachment():
                return (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    return ""


def sanitized_html(message) -> str:
    value = _body(message, "html")
    return nh3.clean(value) if value else ""


BLOCK_END = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", re.IGNORECASE)


def html_to_text(value: str) -> str:
    """Text of an HTML body: scripts and styles dropped with their content, tags removed."""
    marked = BLOCK_END.sub("\n", value)
    text = html.unescape(nh3.clean(marked, tags=set()))
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def body_text(message) -> str:
    """The text part, else the HTML part converted to text."""
    text = _body(message, "text")
    if text.strip():
        return text.replace("\r\n", "\n").strip()
    value = _body(message, "html")
    return html_to_text(value) if value else ""


ATTRIBUTION = re.compile(r"^(on\b.*\bwrote:|-{2,} ?original message ?-{2,}|from: .*)$", re.I)


def trim_quoted(text: str) -> str:
    """The reply without the quoted history at its end (only a trailing block of ``>`` lines,
    with the "On ... wrote:" line above it): quotes in the middle are the sender's own."""
    lines = text.splitlines()
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(">")):
        end -= 1
    if end == len(lines) or not any(line.lstrip().startswith(">") for line in lines[end:]):
        return text.strip()
    # The attribution may wrap over two lines ("On Mon, ... \n Ann <ann@x> wrote:").
    for back in (1, 2):
        if end - back >= 0 and ATTRIBUTION.match(" ".join(lines[end - back : end]).strip()):
            end -= back
            break
    trimmed = "\n".join(lines[:end]).strip()
    return trimmed or text.strip()


def attachment_name(part) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    return (str(name) if name else "attachment")[:200]


def attachment_size(part) -> int:
    try:
        return len(part.get_content_bytes())
    except Exception:
        return 0
