"""Writes of the mailing lists: audiences, their people, segments and bulk upserts.

Keyword-only, one transaction each, ``ApplicationError`` with text fit for the user. Values
people type are normalised here (addresses, tags, custom values), so imports, the API and the
pages store the same thing for the same input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from clients.mailing.models import Audience, Segment, Subscriber, SubscriberStatus
from clients.mailing.selectors import FIELD_OPS
from secretary.audit import activity_record
from secretary.errors import ApplicationError
from secretary.limits import date_in_range, date_range_message

FIELD_TYPES = ("text", "number", "date", "choice")
# Keys a custom field may not take: they name the subscriber's own columns (and imports map
# columns to them by the same names).
RESERVED_KEYS = frozenset(
    {"email", "name", "company", "tags", "status", "consent", "consent_source", "consent_at"}
)
FIELD_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIELDS = 30
MAX_CHOICES = 100
MAX_LABEL = 80
MAX_TEXT_VALUE = 500
MAX_TAGS = 50
MAX_TAG_LENGTH = 50
MAX_EMAIL = 254
MAX_NAME = 160
MAX_CONSENT_SOURCE = 200
MAX_STATUS_REASON = 300
MAX_BULK_ROWS = 1000
# Consent dated a little ahead of our clock (another machine's) is still accepted.
CONSENT_CLOCK_SKEW = timedelta(minutes=5)


def _invalid(errors: dict, message=None) -> ApplicationError:
    return ApplicationError(message or _("Please correct the errors below."), errors=errors)


# --- Normalising values ---------------------------------------------------------------------


def normalise_email(value: Any) -> str:
    """A trimmed, valid address with a lower-cased domain; ValidationError otherwise."""
    if not isinstance(value, str):
        raise ValidationError(_("Enter an email address."))
    address = value.strip()
    if not address:
        raise ValidationError(_("Enter an email address."))
    if len(address) > MAX_EMAIL:
        raise ValidationError(_("An address has at most %(max)s characters.") % {"max": MAX_EMAIL})
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(
            _("“%(value)s” is not a valid email address.") % {"value": address}
        ) from None
    local, _at, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_tags(value: Any) -> list[str]:
    """Lower-cased, trimmed, de-duplicated tag names, in the order given. Accepts a list or a
    comma- or semicolon-separated string."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = re.split(r"[,;]", value)
    elif isinstance(value, list | tuple):
        items = value
    else:
        raise ValidationError(_("Tags are a list of names."))
    tags: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValidationError(_("Tags are a list of names."))
        tag = " ".join(item.split()).lower()
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationError(
                _("A tag has at most %(max)s characters.") % {"max": MAX_TAG_LENGTH}
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError(_("A person has at most %(max)s tags.") % {"max": MAX_TAGS})
    return tags


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValidationError(_("Enter a number."))
    try:
        number = Decimal(str(value).strip().replace(",", "")) if isinstance(value, str) else None
        if number is None:
            number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter a number.")) from None
    if not number.is_finite() or abs(number) >= Decimal("1e15"):
        raise ValidationError(_("Enter a number."))
    # JSON holds numbers, so segment rules compare them as numbers on every database.
    return int(number) if number == number.to_integral_value() else float(number)


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError(_("Enter a date as YYYY-MM-DD."))
    else:
        raise ValidationError(_("Enter a date as YYYY-MM-DD."))
    if not date_in_range(parsed):
        raise ValidationError(date_range_message())
    return parsed.isoformat()


def custom_value(definition: dict, value: Any) -> Any:
    """``value`` checked and converted for one custom field: text (trimmed), number (a JSON
    number), date (ISO text, so it sorts), choice (one of the choices, as spelled there).
    Empty input gives None (the key is left out)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = definition["type"]
    if kind == "number":
        return _number(value)
    if kind == "date":
        return _date(value)
    text = " ".join(str(value).split()) if kind == "choice" else str(value).strip()
    if kind == "choice":
        for choice in definition.get("choices") or []:
            if choice.lower() == text.lower():
                return choice
        raise ValidationError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(definition["choices"])}
        )
    if len(text) > MAX_TEXT_VALUE:
        raise ValidationError(
            _("A value has at most %(max)s characters.") % {"max": MAX_TEXT_VALUE}
        )
    return text


def custom_values(fields: list[dict], values: Any) -> dict:
    """The custom values of a person, checked against the audience's fields; ValidationError
    with ``{"custom.<key>": message}`` for each bad one (unknown keys included)."""
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ValidationError({"custom": _("Custom fields are an object of values by key.")})
    by_key = {definition["key"]: definition for definition in fields}
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in values.items():
        definition = by_key.get(key)
        if definition is None:
            errors[f"custom.{key}"] = _("This audience has no field “%(key)s”.") % {"key": key}
            continue
        try:
            converted = custom_value(definition, value)
        except ValidationError as error:
            errors[f"custom.{key}"] = error.messages[0]
            continue
        if converted is not None:
            cleaned[key] = converted
    if errors:
        raise ValidationError(errors)
    return cleaned


def field_definitions(value: Any) -> list[dict]:
    """An audience's custom fields checked: ``[{"key", "label", "type", "choices"?}]`` with a
    slug key (lower-case letters, digits, underscores), a label, a known type, and choices for
    a choice field. ValidationError ``{"fields": [...]}`` otherwise."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError({"fields": _("Custom fields are a list.")})
    if len(value) > MAX_FIELDS:
        raise ValidationError(
            {"fields": _("An audience has at most %(max)s custom fields.") % {"max": MAX_FIELDS}}
        )
    problems: list[str] = []
    cleaned: list[dict] = []
    seen: set[str] = set()
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            problems.append(_("Field %(n)s: give a key, a label and a type.") % {"n": number})
            continue
        key = str(item.get("key") or "").strip()
        label = " ".join(str(item.get("label") or "").split())
        kind = str(item.get("type") or "").strip()
        where = {"n": number, "key": key or "?"}
        if not FIELD_KEY_RE.match(key):
            problems.append(
                _(
                    "Field %(n)s: the key “%(key)s” must start with a letter and use only "
                    "lower-case letters, digits and underscores (at most 40)."
                )
                % where
            )
            continue
        if key in RESERVED_KEYS:
            problems.append(_("Field %(n)s: “%(key)s” is a built-in column.") % where)
            continue
        if key in seen:
            problems.append(_("Field %(n)s: the key “%(key)s” is used twice.") % where)
            continue
        seen.add(key)
        if not label or len(label) > MAX_LABEL:
            problems.append(
                _("Field %(n)s: give a label of at most %(max)s characters.")
                % {**where, "max": MAX_LABEL}
            )
            continue
        if kind not in FIELD_TYPES:
            problems.append(
                _("Field %(n)s: the type is one of text, number, date or choice.") % where
            )
            continue
        definition = {"key": key, "label": label, "type": kind}
        if kind == "choice":
            choices = item.get("choices")
            if isinstance(choices, str):
                choices = choices.split(",")
            names: list[str] = []
            for choice in choices if isinstance(choices, list) else []:
                name = " ".join(str(choice).split())[:MAX_LABEL]
                if name and name.lower() not in {n.lower() for n in names}:
                    names.append(name)
            if not names or len(names) > MAX_CHOICES:
                problems.append(
                    _("Field %(n)s: a choice field lists 1 to %(max)s choices.")
                    % {**where, "max": MAX_CHOICES}
                )
                continue
            definition["choices"] = names
        cleaned.append(definition)
    if problems:
        raise ValidationError({"fields": problems})
    return cleaned


# --- Audiences ------------------------------------------------------------------------------


def _audience_name_taken(audience_qs, name: str) -> bool:
    return audience_qs.filter(name__iexact=name).exists()


def _audience_values(practice, client, data: dict, *, current: Audience | None) -> dict:
    errors: dict[str, Any] = {}
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        errors["name"] = _("Give the list a name.")
    elif len(name) > 160:
        errors["name"] = _("A name has at most 160 characters.")
    else:
        others = Audience.objects.for_practice(practice).filter(client=client)
        if current is not None:
            others = others.exclude(pk=current.pk)
        if _audience_name_taken(others, name):
            errors["name"] = _("This client already has a list with that name.")
    values = {"name": name, "description": str(data.get("description") or "").strip()}
    if len(values["description"]) > 2000:
        errors["description"] = _("A description has at most 2000 characters.")
    if "fields" in data or current is None:
        try:
            values["fields"] = field_definitions(data.get("fields") or [])
        except ValidationError as error:
            errors.update(error.message_dict)
    for key in ("from_name", "from_email", "reply_to"):
        if key in data:
            values[key] = str(data.get(key) or "").strip()
    for key in ("from_email", "reply_to"):
        if values.get(key):
            try:
                values[key] = normalise_email(values[key])
            except ValidationError as error:
                errors[key] = error.messages[0]
    if len(values.get("from_name", "")) > 120:
        errors["from_name"] = _("A name has at most 120 characters.")
    if errors:
        raise _invalid(errors)
    return values


@transaction.atomic
def audience_create(*, practice, client, actor=None, data: dict, request=None) -> Audience:
    """A new mailing list of ``client`` (name unique per client, ignoring case)."""
    if client.practice_id != practice.pk:
        raise _invalid({"client": _("Choose a client of this practice.")})
    values = _audience_values(practice, client, data, current=None)
    audience = Audience.objects.create(
        practice=practice, client=client, created_by=getattr(actor, "user", actor), **values
    )
    activity_record(
        practice=practice,
        actor=getattr(actor, "user", actor),
        verb="audience.created",
        target=audience,
        request=request,
    )
    return audience


@transaction.atomic
def audience_update(
    *, practice, audience: Audience, actor=None, data: dict, request=None
) -> Audience:
    """Rename a list, change its description, sender or custom fields.

    Removing a custom field keeps people's stored values (an export still shows nothing for
    it); changing a field's type does not convert them.
    """
    values = _audience_values(practice, audience.client, data, current=audience)
    changed = [key for key, value in values.items() if getattr(audience, key) != value]
    for key in changed:
        setattr(audience, key, values[key])
    if changed:
        audience.save(update_fields=[*changed, "updated_at"])
        activity_record(
            practice=practice,
            actor=getattr(actor, "user", actor),
            verb="audience.updated",
            target=audience,
            data={"changed": changed},
            request=request,
        )
    return audience


@transaction.atomic
def audience_delete(*, practice, audience: Audience, actor=None, request=None) -> None:
    """Delete a list with its people and segments."""
    count = Subscriber.objects.for_practice(practice).filter(audience=audience).count()
    activity_record(
        practice=practice,
        actor=getattr(actor, "user", actor),
        verb="audience.deleted",
        target=audience,
        data={"subscribers": count},
        request=request,
    )
    audience.delete()


# --- Subscribers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Consent:
    """Where and when people agreed to receive the list's mail."""

    source: str
    at: datetime


def consent_checked(source: Any, at: Any) -> Consent:
    """A consent with a source (at most 200 characters) and an aware time that is not in the
    future; ValidationError ``{"consent_source"|"consent_at": message}`` otherwise."""
    errors: dict[str, str] = {}
    text = " ".join(str(source or "").split())
    if not text:
        errors["consent_source"] = _("Say where the person agreed to receive mail.")
    elif len(text) > MAX_CONSENT_SOURCE:
        errors["consent_source"] = _("At most %(max)s characters.") % {"max": MAX_CONSENT_SOURCE}
    if isinstance(at, date) and not isinstance(at, datetime):
        at = datetime.combine(at, datetime.min.time())
    if not isinstance(at, datetime):
        errors["consent_at"] = _("Say when the person agreed to receive mail.")
    else:
        if timezone.is_naive(at):
            at = timezone.make_aware(at, timezone.get_current_timezone())
        if not date_in_range(at):
            errors["consent_at"] = date_range_message()
        elif at > timezone.now() + CONSENT_CLOCK_SKEW:
            errors["consent_at"] = _("Consent cannot be given in the future.")
    if errors:
        raise ValidationError(errors)
    return Consent(source=text, at=at)


def _text(value: Any, *, key: str, limit: int, errors: dict) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        errors[key] = _("At most %(max)s characters.") % {"max": limit}
    return text


@dataclass
class PersonRow:
    """One person's checked values, as an import line or an API row gives them."""

    email: str
    name: str = ""
    company: str = ""
    tags: list[str] = field(default_factory=list)
    custom: dict = field(default_factory=dict)
    consent: Consent | None = None


def person_row(audience: Audience, data: dict, *, consent: Consent | None = None) -> PersonRow:
    """Check one row of person data against ``audience``: address, name, company, tags, custom
    values, and consent (the row's own, else ``consent``). ValidationError with a message per
    field otherwise."""
    errors: dict[str, str] = {}
    email = ""
    try:
        email = normalise_email(data.get("email"))
    except ValidationError as error:
        errors["email"] = error.messages[0]
    name = _text(data.get("name"), key="name", limit=MAX_NAME, errors=errors)
    company = _text(data.get("company"), key="company", limit=MAX_NAME, errors=errors)
    tags: list[str] = []
    try:
        tags = normalise_tags(data.get("tags"))
    except ValidationError as error:
        errors["tags"] = error.messages[0]
    custom: dict = {}
    try:
        custom = custom_values(audience.fields, data.get("custom"))
    except ValidationError as error:
        errors.update({key: messages[0] for key, messages in error.message_dict.items()})
    row_consent = consent
    if data.get("consent_source") or data.get("consent_at"):
        try:
            row_consent = consent_checked(
                data.get("consent_source") or (consent.source if consent else ""),
                data.get("consent_at") or (consent.at if consent else None),
            )
        except ValidationError as error:
            errors.update({key: messages[0] for key, messages in error.message_dict.items()})
    if row_consent is None and "consent_source" not in errors and "consent_at" not in errors:
        errors["consent_source"] = _("Say where and when the person agreed to receive mail.")
    if errors:
        raise ValidationError(errors)
    return PersonRow(email, name, company, tags, custom, row_consent)


def _record(practice, actor, verb, target, request=None, **data):
    activity_record(
        practice=practice,
        actor=getattr(actor, "user", actor),
        verb=verb,
        target=target,
        data=data,
        request=request,
    )


def _check_own(practice, audience: Audience) -> None:
    if audience.practice_id != practice.pk:
        raise _invalid({"audience": _("Choose a list of this practice.")})


@transaction.atomic
def subscriber_add(
    *, practice, audience: Audience, actor=None, data: dict, request=None
) -> Subscriber:
    """Add one person (subscribed) with their consent; an address already on the list (in any
    case) is refused."""
    _check_own(practice, audience)
    try:
        row = person_row(audience, data)
    except ValidationError as error:
        raise _invalid(error.message_dict) from error
    taken = (
        Subscriber.objects.for_practice(practice)
        .filter(audience=audience, email_key=row.email.lower())
        .exists()
    )
    if taken:
        raise _invalid({"email": _("This address is already on the list.")})
    subscriber = Subscriber.objects.create(
        practice=practice,
        audience=audience,
        email=row.email,
        name=row.name,
        company=row.company,
        tags=row.tags,
        custom=row.custom,
        consent_source=row.consent.source,
        consent_at=row.consent.at,
        status=SubscriberStatus.SUBSCRIBED,
        status_changed_at=timezone.now(),
    )
    _record(practice, actor, "subscriber.added", subscriber, request, audience=audience.pk)
    return subscriber


@transaction.atomic
def subscriber_update(
    *, practice, subscriber: Subscriber, actor=None, data: dict, request=None
) -> Subscriber:
    """Edit a person's address, name, company, tags and custom values (keys left out of
    ``data`` stay as they are). Status and consent change through
    ``subscriber_status_change``."""
    audience = subscriber.audience
    _check_own(practice, audience)
    merged = {
        "email": subscriber.email,
        "name": subscriber.name,
        "company": subscriber.company,
        "tags": subscriber.tags,
        "custom": subscriber.custom,
        **{key: data[key] for key in ("email", "name", "company", "tags", "custom") if key in data},
    }
    try:
        row = person_row(
            audience,
            merged,
            consent=Consent(subscriber.consent_source, subscriber.consent_at),
        )
    except ValidationError as error:
        raise _invalid(error.message_dict) from error
    if row.email.lower() != subscriber.email_key:
        taken = (
            Subscriber.objects.for_practice(practice)
            .filter(audience=audience, email_key=row.email.lower())
            .exclude(pk=subscriber.pk)
            .exists()
        )
        if taken:
            raise _invalid({"email": _("This address is already on the list.")})
    changed = []
    for key in ("email", "name", "company", "tags", "custom"):
        value = getattr(row, key)
        if getattr(subscriber, key) != value:
            setattr(subscriber, key, value)
            changed.append(key)
    if changed:
        subscriber.save(update_fields=[*changed, "email_key", "updated_at"])
        _record(practice, actor, "subscriber.updated", subscriber, request, changed=changed)
    return subscriber


@transaction.atomic
def subscriber_status_change(
    *,
    practice,
    subscriber: Subscriber,
    status: str,
    reason: str = "",
    consent: Consent | None = None,
    actor=None,
    request=None,
) -> Subscriber:
    """Unsubscribe, mark bounced or complained, or subscribe again.

    Subscribing again needs new consent, given after the person left (``consent``); it
    replaces the consent on record.
    """
    if status not in SubscriberStatus.values:
        raise _invalid({"status": _("Choose a status.")})
    errors: dict[str, str] = {}
    reason = _text(reason, key="reason", limit=MAX_STATUS_REASON, errors=errors)
    if errors:
        raise _invalid(errors)
    if status == subscriber.status:
        return subscriber
    fields = ["status", "status_changed_at", "status_reason", "updated_at"]
    if status == SubscriberStatus.SUBSCRIBED:
        if consent is None:
            raise _invalid(
                {"consent_source": _("Subscribing again needs the person's new consent.")}
            )
        try:
            consent = consent_checked(consent.source, consent.at)
        except ValidationError as error:
            raise _invalid(error.message_dict) from error
        left = subscriber.status_changed_at or subscriber.updated_at
        if left is not None and consent.at <= left:
            raise _invalid(
                {"consent_at": _("The new consent must be given after the person left the list.")}
            )
        subscriber.consent_source, subscriber.consent_at = consent.source, consent.at
        fields += ["consent_source", "consent_at"]
    previous = subscriber.status
    subscriber.status = status
    subscriber.status_changed_at = timezone.now()
    subscriber.status_reason = reason
    subscriber.save(update_fields=fields)
    _record(
        practice,
        actor,
        "subscriber.status_changed",
        subscriber,
        request,
        before=previous,
        after=status,
        reason=reason,
    )
    return subscriber


@transaction.atomic
def subscriber_delete(*, practice, subscriber: Subscriber, actor=None, request=None) -> None:
    """Remove a person from the list entirely (a request to be forgotten). To stop mail and
    keep them suppressed, unsubscribe them instead."""
    _check_own(practice, subscriber.audience)
    _record(practice, actor, "subscriber.deleted", subscriber, request)
    subscriber.delete()


# --- Bulk upsert ----------------------------------------------------------------------------


@dataclass
class UpsertResult:
    """What an upsert did. ``errors``: ``[{"row": index, "errors": {field: message}}]``
    (index as the caller numbered its rows); ``merged``: rows folded into a later row with
    the same address."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    errors: list[dict] = field(default_factory=list)
    merged_rows: list[dict] = field(default_factory=list)

    def add(self, other: UpsertResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.merged += other.merged


def _merge(existing: Subscriber | None, row: PersonRow) -> dict:
    """The values a person ends up with: the row's non-empty values win, tags are added to
    the ones held, custom values are merged by key. Status never changes here."""
    if existing is None:
        return {
            "email": row.email,
            "name": row.name,
            "company": row.company,
            "tags": row.tags,
            "custom": row.custom,
            "consent_source": row.consent.source,
            "consent_at": row.consent.at,
        }
    tags = list(existing.tags or [])
    tags += [tag for tag in row.tags if tag not in tags]
    values = {
        "email": row.email,
        "name": row.name or existing.name,
        "company": row.company or existing.company,
        "tags": tags[:MAX_TAGS],
        "custom": {**(existing.custom or {}), **row.custom},
        "consent_source": existing.consent_source,
        "consent_at": existing.consent_at,
    }
    # A newer consent (a later signup, a new import basis) replaces the one on record.
    if row.consent.at > existing.consent_at:
        values["consent_source"] = row.consent.source
        values["consent_at"] = row.consent.at
    return values


UPSERT_FIELDS = ["email", "name", "company", "tags", "custom", "consent_source", "consent_at"]


def upsert_subscribers(
    audience: Audience,
    rows: list[dict],
    *,
    consent: Consent | None = None,
    actor=None,
    skip_invalid: bool = False,
    numbers: list[int] | None = None,
    record: bool = True,
    request=None,
) -> UpsertResult:
    """Add or update many people of ``audience`` in one transaction and a constant number of
    queries (one read of the addresses already there, one insert-or-update).

    Rows are dicts of ``email``, ``name``, ``company``, ``tags``, ``custom``, and optionally
    ``consent_source``/``consent_at`` (else ``consent`` applies). Addresses match ignoring
    case; a later row with the same address is merged into the earlier one's place and wins.
    The row's non-empty values win over stored ones; tags are added; the status of people
    already on the list never changes, so an unsubscribed, bounced or complained person stays
    suppressed. Bad rows raise ``ApplicationError`` (``errors`` by row) unless
    ``skip_invalid``, which reports them in the result and keeps the good rows. ``numbers``
    names the rows in reports (line numbers of a file); default 0, 1, ...
    """
    practice = audience.practice
    numbers = numbers if numbers is not None else list(range(len(rows)))
    result = UpsertResult()
    cleaned: dict[str, tuple[int, PersonRow]] = {}
    for number, data in zip(numbers, rows, strict=True):
        try:
            row = person_row(audience, data, consent=consent)
        except ValidationError as error:
            result.errors.append(
                {
                    "row": number,
                    "errors": {key: messages[0] for key, messages in error.message_dict.items()},
                }
            )
            continue
        key = row.email.lower()
        earlier = cleaned.get(key)
        if earlier is not None:
            result.merged += 1
            result.merged_rows.append({"row": earlier[0], "into": number, "email": row.email})
            row = merge_rows(earlier[1], row)
        cleaned[key] = (number, row)
    if result.errors and not skip_invalid:
        raise ApplicationError(
            _("%(count)s of the rows have errors; nothing was saved.")
            % {"count": len(result.errors)},
            errors={"rows": result.errors},
        )
    with transaction.atomic():
        upsert_people(audience, {key: row for key, (_n, row) in cleaned.items()}, result)
        if record and (result.created or result.updated):
            _record(
                practice,
                actor,
                "subscribers.upserted",
                audience,
                request,
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
            )
    return result


def upsert_people(audience: Audience, people: dict[str, PersonRow], result: UpsertResult) -> None:
    """Write checked rows (by lower-cased address, at most one each) in two queries, adding
    to ``result``'s counts. The caller holds the transaction."""
    if not people:
        return
    practice_id = audience.practice_id
    existing = {
        person.email_key: person
        for person in Subscriber.objects.for_practice(practice_id)
        .filter(audience=audience, email_key__in=list(people))
        .select_for_update()
    }
    now = timezone.now()
    writes: list[Subscriber] = []
    for key, row in people.items():
        current = existing.get(key)
        values = _merge(current, row)
        if current is not None:
            if all(getattr(current, name) == values[name] for name in UPSERT_FIELDS):
                result.unchanged += 1
                continue
            result.updated += 1
        else:
            result.created += 1
        writes.append(
            Subscriber(
                practice_id=practice_id,
                audience=audience,
                email_key=key,
                status=SubscriberStatus.SUBSCRIBED,
                status_changed_at=now,
                **values,
            )
        )
    if writes:
        # On a conflict (the address is there, perhaps added since the read above) the row's
        # values are written but never its status: suppressed people stay suppressed.
        Subscriber.objects.for_practice(practice_id).bulk_create(
            writes,
            batch_size=MAX_BULK_ROWS,
            update_conflicts=True,
            unique_fields=["practice", "audience", "email_key"],
            update_fields=[*UPSERT_FIELDS, "updated_at"],
        )


def merge_rows(earlier: PersonRow, later: PersonRow) -> PersonRow:
    """Two rows of one input with the same address: the later one's non-empty values win."""
    tags = list(earlier.tags) + [tag for tag in later.tags if tag not in earlier.tags]
    return PersonRow(
        email=later.email,
        name=later.name or earlier.name,
        company=later.company or earlier.company,
        tags=tags[:MAX_TAGS],
        custom={**earlier.custom, **later.custom},
        consent=later.consent,
    )


# --- Segments -------------------------------------------------------------------------------


def segment_rules(audience: Audience, rules: Any) -> dict:
    """A segment's rules checked against the audience: tag names normalised, each field rule
    on a field of the audience with a known operator and a value of the field's type.
    ValidationError ``{"rules": [...]}`` otherwise."""
    if rules is None:
        return {}
    if not isinstance(rules, dict):
        raise ValidationError({"rules": _("Rules are an object.")})
    problems: list[str] = []
    cleaned: dict[str, Any] = {}
    for key in ("tags_any", "tags_all"):
        try:
            tags = normalise_tags(rules.get(key))
        except ValidationError as error:
            problems.append(error.messages[0])
            continue
        if tags:
            cleaned[key] = tags
    by_key = {definition["key"]: definition for definition in audience.fields}
    field_rules = rules.get("fields") or []
    if not isinstance(field_rules, list) or len(field_rules) > MAX_FIELDS:
        problems.append(_("Field rules are a list of at most %(max)s.") % {"max": MAX_FIELDS})
        field_rules = []
    checked: list[dict] = []
    for number, rule in enumerate(field_rules, start=1):
        if not isinstance(rule, dict):
            problems.append(_("Rule %(n)s: give a field, an operator and a value.") % {"n": number})
            continue
        definition = by_key.get(rule.get("key"))
        op = rule.get("op")
        if definition is None:
            problems.append(_("Rule %(n)s: choose one of the list's fields.") % {"n": number})
            continue
        if op not in FIELD_OPS:
            problems.append(_("Rule %(n)s: choose an operator.") % {"n": number})
            continue
        if op in ("empty", "not_empty"):
            checked.append({"key": definition["key"], "op": op})
            continue
        if op in ("gt", "lt") and definition["type"] not in ("number", "date"):
            problems.append(
                _("Rule %(n)s: “greater” and “less” compare numbers and dates.") % {"n": number}
            )
            continue
        try:
            if op == "contains":
                value = _text(rule.get("value"), key="value", limit=MAX_TEXT_VALUE, errors={})
                if not value:
                    raise ValidationError(_("Enter a value."))
            else:
                value = custom_value(definition, rule.get("value"))
                if value is None:
                    raise ValidationError(_("Enter a value."))
        except ValidationError as error:
            problems.append(
                _("Rule %(n)s: %(problem)s") % {"n": number, "problem": error.messages[0]}
            )
            continue
        checked.append({"key": definition["key"], "op": op, "value": value})
    if checked:
        cleaned["fields"] = checked
    if problems:
        raise ValidationError({"rules": problems})
    return cleaned


def _segment_values(audience: Audience, data: dict, *, current: Segment | None) -> dict:
    errors: dict[str, Any] = {}
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        errors["name"] = _("Give the segment a name.")
    elif len(name) > 160:
        errors["name"] = _("A name has at most 160 characters.")
    else:
        others = Segment.objects.for_practice(audience.practice_id).filter(audience=audience)
        if current is not None:
            others = others.exclude(pk=current.pk)
        if others.filter(name__iexact=name).exists():
            errors["name"] = _("This list already has a segment with that name.")
    rules = {}
    try:
        rules = segment_rules(audience, data.get("rules"))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise _invalid(errors)
    return {"name": name, "rules": rules}


@transaction.atomic
def segment_create(
    *, practice, audience: Audience, actor=None, data: dict, request=None
) -> Segment:
    _check_own(practice, audience)
    values = _segment_values(audience, data, current=None)
    segment = Segment.objects.create(practice=practice, audience=audience, **values)
    _record(practice, actor, "segment.created", segment, request)
    return segment


@transaction.atomic
def segment_update(*, practice, segment: Segment, actor=None, data: dict, request=None) -> Segment:
    _check_own(practice, segment.audience)
    values = _segment_values(segment.audience, data, current=segment)
    changed = [key for key, value in values.items() if getattr(segment, key) != value]
    for key in changed:
        setattr(segment, key, values[key])
    if changed:
        segment.save(update_fields=[*changed, "updated_at"])
        _record(practice, actor, "segment.updated", segment, request, changed=changed)
    return segment


@transaction.atomic
def segment_delete(*, practice, segment: Segment, actor=None, request=None) -> None:
    _check_own(practice, segment.audience)
    _record(practice, actor, "segment.deleted", segment, request)
    segment.delete()
