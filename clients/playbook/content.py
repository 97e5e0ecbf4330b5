"""What a playbook holds, described once: the sections, their inputs and their limits.

The staff form and the portal's proposal form draw and read the sections with
``documents.fieldspec`` (lists whose rows are added, moved and removed); the API sends the same
shape as JSON. ``content_clean`` is the one check every way in goes through.

Content::

    {"greeting": str, "hours": str,
     "people": [{"name", "role", "phone", "email", "availability", "put_through": "yes"|"no",
                 "note"}],
     "inquiries": [{"question", "answer"}],           # in the order the desk reads them
     "snippets": [{"service", "text", "price", "currency"}],   # price: a decimal string or ""
     "escalation": str, "never_say": [str], "spellings": [{"name", "say"}]}
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.fieldspec import FieldSpec, items
from secretary.errors import ApplicationError
from secretary.models import CURRENCIES, currency_quantum

MAX_GREETING = 2_000
MAX_ANSWER = 2_000
MAX_QUESTION = 300
MAX_SECTION_TEXT = 4_000
MAX_PEOPLE = 40
MAX_INQUIRIES = 100
MAX_SNIPPETS = 60
MAX_NEVER_SAY = 60
MAX_SPELLINGS = 100
MAX_PRICE = Decimal("99999999.99")
CURRENCY_CODES = {code for code, _label in CURRENCIES}

PUT_THROUGH = (("yes", gettext_lazy("Put through")), ("no", gettext_lazy("Take a message")))

SECTIONS = (
    FieldSpec(
        "greeting",
        gettext_lazy("Greeting script"),
        "textarea",
        max_length=MAX_GREETING,
        help=gettext_lazy("What to say when picking up, word for word."),
        placeholder=gettext_lazy("Good morning, Northwind Dental, this is Sam speaking."),
    ),
    FieldSpec(
        "hours",
        gettext_lazy("Business hours"),
        "textarea",
        max_length=MAX_SECTION_TEXT,
        help=gettext_lazy(
            "As callers should hear them; the plan's coverage hours are shown beside."
        ),
    ),
    items(
        "people",
        gettext_lazy("Key people"),
        FieldSpec("name", gettext_lazy("Name"), max_length=160),
        FieldSpec("role", gettext_lazy("Role"), max_length=160),
        FieldSpec("phone", gettext_lazy("Phone"), max_length=40),
        FieldSpec("email", gettext_lazy("Email"), max_length=254),
        FieldSpec("availability", gettext_lazy("Availability"), max_length=300),
        FieldSpec("put_through", gettext_lazy("Calls"), "choice", choices=PUT_THROUGH),
        FieldSpec("note", gettext_lazy("Note"), max_length=500),
        item_label=gettext_lazy("Person %(n)s"),
        max_items=MAX_PEOPLE,
    ),
    items(
        "inquiries",
        gettext_lazy("Common inquiries"),
        FieldSpec("question", gettext_lazy("Question"), max_length=MAX_QUESTION),
        FieldSpec("answer", gettext_lazy("Approved answer"), "textarea", max_length=MAX_ANSWER),
        item_label=gettext_lazy("Inquiry %(n)s"),
        max_items=MAX_INQUIRIES,
        help=gettext_lazy("In the order the desk should find them."),
    ),
    items(
        "snippets",
        gettext_lazy("Services and prices"),
        FieldSpec("service", gettext_lazy("Service"), max_length=160),
        FieldSpec("text", gettext_lazy("What to say"), "textarea", max_length=MAX_ANSWER),
        FieldSpec(
            "price", gettext_lazy("Price"), max_length=20, placeholder=gettext_lazy("120.00")
        ),
        FieldSpec(
            "currency", gettext_lazy("Currency"), max_length=3, placeholder=gettext_lazy("USD")
        ),
        item_label=gettext_lazy("Service %(n)s"),
        max_items=MAX_SNIPPETS,
    ),
    FieldSpec(
        "escalation",
        gettext_lazy("Escalation rules"),
        "textarea",
        max_length=MAX_SECTION_TEXT,
        help=gettext_lazy("When and whom to call at once, and what counts as an emergency."),
    ),
    FieldSpec(
        "never_say",
        gettext_lazy("Never say"),
        "lines",
        max_length=300,
        help=gettext_lazy("One per line."),
    ),
    items(
        "spellings",
        gettext_lazy("Spelling of names"),
        FieldSpec("name", gettext_lazy("Name"), max_length=160),
        FieldSpec("say", gettext_lazy("Spelled or said"), max_length=300),
        item_label=gettext_lazy("Name %(n)s"),
        max_items=MAX_SPELLINGS,
    ),
)
SECTION_KEYS = tuple(spec.name for spec in SECTIONS)
LIST_LIMITS = {"never_say": MAX_NEVER_SAY}


def section_label(key: str) -> str:
    spec = next((spec for spec in SECTIONS if spec.name == key), None)
    return str(spec.label) if spec else key


def empty_content() -> dict[str, Any]:
    return {spec.name: ([] if spec.type in ("list", "lines") else "") for spec in SECTIONS}


class ContentInvalid(ApplicationError):
    """``problems`` maps a path (``("inquiries", 2, "answer")``) to its message."""

    def __init__(self, problems: dict[tuple, str]):
        self.problems = problems
        first_path, first = next(iter(problems.items()))
        super().__init__(
            _("The playbook was not saved: %(where)s: %(problem)s")
            % {"where": describe_path(first_path), "problem": first},
            errors={"content": [f"{describe_path(p)}: {m}" for p, m in problems.items()]},
        )


def describe_path(path: tuple) -> str:
    parts = [section_label(path[0])]
    if len(path) > 1:
        parts.append(str(path[1] + 1) if isinstance(path[1], int) else str(path[1]))
    if len(path) > 2:
        spec = next(spec for spec in SECTIONS if spec.name == path[0])
        child = spec.child(path[2])
        parts.append(str(child.label) if child else str(path[2]))
    return " › ".join(parts)


def input_name(path: tuple) -> str:
    """The form input of ``path`` (``f-inquiries-2-answer``)."""
    return "-".join(["f", *(str(part) for part in path)])


def _too_long(limit: int) -> str:
    return _("At most %(n)s characters.") % {"n": limit}


def _text(value: Any, limit: int, path: tuple, problems: dict) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems[path] = _("Enter text.")
        return ""
    text = value.strip()
    if len(text) > limit:
        problems[path] = _too_long(limit)
    return text


def _price(row: dict, path: tuple, problems: dict) -> tuple[str, str]:
    raw = row.get("price")
    currency = str(row.get("currency") or "").strip().upper()
    if raw in (None, ""):
        if currency and currency not in CURRENCY_CODES:
            problems[(*path, "currency")] = _("Enter a currency code such as USD or EUR.")
        return "", currency
    try:
        price = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        problems[(*path, "price")] = _("Enter an amount such as 120.00.")
        return str(raw)[:20], currency
    if not price.is_finite() or price < 0 or price > MAX_PRICE:
        problems[(*path, "price")] = _("Enter an amount between 0 and %(max)s.") % {
            "max": MAX_PRICE
        }
        return str(raw)[:20], currency
    if currency not in CURRENCY_CODES:
        problems[(*path, "currency")] = _("A price needs its currency (USD, EUR…).")
        return str(price), currency
    price = price.quantize(currency_quantum(currency), rounding=ROUND_HALF_UP)
    return str(price), currency


def content_clean(raw: Any) -> dict[str, Any]:
    """The playbook content ``raw`` checked and normalised; ``ContentInvalid`` lists every
    problem by path. Unknown sections and keys are refused, not dropped silently."""
    if not isinstance(raw, dict):
        raise ContentInvalid({("content",): _("The playbook must be an object of sections.")})
    problems: dict[tuple, str] = {}
    for key in raw:
        if key not in SECTION_KEYS:
            problems[(str(key)[:40],)] = _("This is not a section of the playbook.")
    clean: dict[str, Any] = empty_content()
    for spec in SECTIONS:
        value = raw.get(spec.name)
        path = (spec.name,)
        if spec.type in ("text", "textarea"):
            clean[spec.name] = _text(value, spec.max_length, path, problems)
        elif spec.type == "lines":
            lines = value if isinstance(value, list) else None
            if value is not None and lines is None:
                problems[path] = _("Enter a list of lines.")
                continue
            kept = [_text(line, spec.max_length, path, problems) for line in lines or []]
            kept = [line for line in kept if line]
            if len(kept) > LIST_LIMITS.get(spec.name, 100):
                problems[path] = _("At most %(n)s lines.") % {"n": LIST_LIMITS[spec.name]}
            clean[spec.name] = kept
        elif spec.type == "list":
            rows = value if isinstance(value, list) else None
            if value is not None and rows is None:
                problems[path] = _("Enter a list.")
                continue
            rows = rows or []
            if len(rows) > spec.max_items:
                problems[path] = _("At most %(n)s rows.") % {"n": spec.max_items}
                rows = rows[: spec.max_items]
            clean[spec.name] = [
                row
                for index, item in enumerate(rows)
                if (row := _row(spec, item, (spec.name, index), problems))
            ]
    if problems:
        raise ContentInvalid(problems)
    return clean


def _row(spec: FieldSpec, item: Any, path: tuple, problems: dict) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        problems[path] = _("Enter an object.")
        return None
    names = {child.name for child in spec.children}
    for key in item:
        if key not in names:
            problems[(*path, str(key)[:40])] = _("Unknown field.")
    row: dict[str, Any] = {}
    for child in spec.children:
        if child.type == "choice":
            value = str(item.get(child.name) or child.default)
            if value not in {choice for choice, _label in child.choices}:
                problems[(*path, child.name)] = _("Choose one of the options.")
            row[child.name] = value
        elif child.name in ("price", "currency"):
            continue
        else:
            row[child.name] = _text(
                item.get(child.name), child.max_length, (*path, child.name), problems
            )
    if spec.name == "snippets":
        row["price"], row["currency"] = _price(item, path, problems)
    if not any(value for key, value in row.items() if key != "put_through"):
        return None  # an empty row added and left blank
    if spec.name == "people":
        if not row["name"]:
            problems[(*path, "name")] = _("A key person needs a name.")
        if row["email"]:
            try:
                validate_email(row["email"])
            except ValidationError:
                problems[(*path, "email")] = _("Enter a valid email address.")
    if spec.name == "inquiries" and (not row["question"] or not row["answer"]):
        problems[(*path, "answer" if row["question"] else "question")] = _(
            "An inquiry needs its question and its approved answer."
        )
    return row


def changed_sections(before: dict | None, after: dict) -> list[str]:
    """The sections whose content differs (in ``SECTIONS`` order)."""
    before = before or {}
    empty = empty_content()
    return [
        key for key in SECTION_KEYS if before.get(key, empty[key]) != after.get(key, empty[key])
    ]


def price_of(row: dict) -> Decimal | None:
    return Decimal(row["price"]) if row.get("price") else None


def from_inputs(values: dict[str, Any]) -> dict[str, Any]:
    """The sections as the form's inputs hold them (``fieldspec.group_from_data``), without
    the carried-keys inputs a playbook does not use."""
    if isinstance(values, dict):
        return {key: from_inputs(value) for key, value in values.items() if key != "_keep"}
    if isinstance(values, list):
        return [from_inputs(value) for value in values]
    return values
