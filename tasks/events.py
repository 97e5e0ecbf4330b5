"""Writes of calendar events and their private ICS feed links, and the feed itself."""

from __future__ import annotations

from datetime import timedelta
from email.utils import getaddresses

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from secretary.audit import activity_record, security_event
from secretary.errors import ApplicationError
from secretary.limits import dates_out_of_range
from secretary.models import Membership, Practice, hash_secret, validate_time_zone
from tasks.ics import FeedEvent, feed_ics
from tasks.models import CalendarEvent, CalendarFeed, Task

MAX_ATTENDEES = 50


def attendees_parse(text: str) -> list[dict]:
    """``Name <email>`` or bare addresses, one per line or comma-separated."""
    found, problems = [], []
    lines = [line.strip() for line in (text or "").replace(";", "\n").splitlines() if line.strip()]
    for name, email in getaddresses(lines):
        try:
            validate_email(email)
        except ValidationError:
            problems.append(email or name)
            continue
        found.append({"name": name.strip(), "email": email.strip().lower()})
    if problems:
        message = _("These attendees have no valid email address: %(list)s.") % {
            "list": ", ".join(problems)
        }
        raise ApplicationError(message, errors={"attendees": message})
    if len(found) > MAX_ATTENDEES:
        message = _("At most %(n)s attendees.") % {"n": MAX_ATTENDEES}
        raise ApplicationError(message, errors={"attendees": message})
    return found


def attendees_text(attendees: list[dict]) -> str:
    return "\n".join(
        f"{a['name']} <{a['email']}>" if a.get("name") else a["email"] for a in attendees
    )


@transaction.atomic
def event_save(
    *,
    practice: Practice,
    actor: Membership,
    event: CalendarEvent | None = None,
    client: Client,
    title: str,
    starts_at,
    ends_at,
    time_zone: str,
    kind: str = "call",
    task: Task | None = None,
    secretary: Membership | None = None,
    location: str = "",
    video_link: str = "",
    dial_in: str = "",
    attendees=(),
    notes: str = "",
    cancelled: bool = False,
    request=None,
) -> CalendarEvent:
    errors = {}
    if client is None or client.practice_id != practice.pk:
        errors["client"] = _("Choose a client of this practice.")
    if task is not None and (
        task.practice_id != practice.pk or task.client_id != getattr(client, "pk", None)
    ):
        errors["task"] = _("Choose a task of the same client.")
    if secretary is not None and (secretary.practice_id != practice.pk or not secretary.is_staff):
        errors["secretary"] = _("Choose a member of this practice's staff.")
    try:
        validate_time_zone(time_zone)
    except ValidationError:
        errors["time_zone"] = _("Choose a known time zone.")
    if not (title or "").strip():
        errors["title"] = _("This field is required.")
    errors.update(dates_out_of_range(starts_at=starts_at, ends_at=ends_at))
    if starts_at is None:
        errors["starts_at"] = _("This field is required.")
    if ends_at is None:
        errors["ends_at"] = _("This field is required.")
    elif starts_at is not None and not {"starts_at", "ends_at"} & set(errors):
        if ends_at <= starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
    if errors:
        raise ApplicationError(next(iter(errors.values())), errors=errors)
    if isinstance(attendees, str):
        attendees = attendees_parse(attendees)
    event = event or CalendarEvent(practice=practice)
    event.client, event.task, event.secretary = client, task, secretary
    event.title, event.kind, event.time_zone = title.strip(), kind, time_zone
    event.starts_at, event.ends_at = starts_at, ends_at
    event.location, event.video_link, event.dial_in = location, video_link, dial_in
    event.attendees, event.notes, event.cancelled = list(attendees), notes, cancelled
    try:
        event.full_clean()
    except ValidationError as error:
        raise ApplicationError(
            _("Please correct the errors below."), errors=error.message_dict
        ) from error
    event.save()
    activity_record(
        practice=practice, actor=actor.user, verb="event.saved", target=event, request=request
    )
    return event


@transaction.atomic
def event_delete(
    *, practice: Practice, actor: Membership, event: CalendarEvent, request=None
) -> None:
    activity_record(
        practice=practice, actor=actor.user, verb="event.deleted", target=event, request=request
    )
    event.delete()


@transaction.atomic
def feed_create(
    *,
    practice: Practice,
    actor: Membership,
    client: Client | None = None,
    membership: Membership | None = None,
    request=None,
) -> tuple[CalendarFeed, str]:
    """A new private feed link for a client or a member; the previous one stops working."""
    if (client is None) == (membership is None):
        raise ApplicationError(_("A feed belongs to one client or one member."))
    owner = {"client": client} if client is not None else {"membership": membership}
    CalendarFeed.objects.for_practice(practice).filter(revoked_at__isnull=True, **owner).update(
        revoked_at=timezone.now()
    )
    token, token_hash = CalendarFeed.new_token()
    feed = CalendarFeed.objects.create(
        practice=practice, token_hash=token_hash, hint=token[:6], **owner
    )
    activity_record(
        practice=practice, actor=actor.user, verb="feed.created", target=feed, request=request
    )
    return feed, token


@transaction.atomic
def feed_revoke(
    *, practice: Practice, actor: Membership, feed: CalendarFeed, request=None
) -> CalendarFeed:
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        activity_record(
            practice=practice, actor=actor.user, verb="feed.revoked", target=feed, request=request
        )
    return feed


def feed_by_token(*, practice_slug: str, token: str) -> CalendarFeed | None:
    """The active feed a secret names inside the practice of the slug (None when forged)."""
    if not token:
        return None
    feed = (
        CalendarFeed.objects.unscoped()
        .select_related("practice", "client", "membership__user")
        .filter(
            token_hash=hash_secret(token), practice__slug=practice_slug, revoked_at__isnull=True
        )
        .first()
    )
    if feed is not None and feed.membership is not None and not feed.membership.is_staff:
        feed = None  # a member's feed shows staff work: it stops if they are no longer staff
    if feed is None:
        security_event("calendar.feed_rejected", practice=practice_slug)
        return None
    now = timezone.now()
    if feed.last_used_at is None or (now - feed.last_used_at).total_seconds() > 300:
        CalendarFeed.objects.for_practice(feed.practice_id).filter(pk=feed.pk).update(
            last_used_at=now
        )
    return feed


def feed_events(
    *, practice: Practice, client: Client | None = None, membership: Membership | None = None
):
    from tasks.selectors import events_for

    return events_for(
        practice=practice,
        client=client,
        membership=membership,
        since=timezone.now() - timedelta(days=90),
    )


def feed_body(
    *, practice: Practice, client: Client | None = None, membership: Membership | None = None
) -> bytes:
    """The ICS text for a client's or a member's events; both time zones spelled out."""
    events = feed_events(practice=practice, client=client, membership=membership)
    viewer_zone = membership.user.time_zone if membership is not None else client.time_zone
    items = []
    for event in events:
        others = [viewer_zone, event.client.time_zone]
        if event.secretary is not None:
            others.append(event.secretary.user.time_zone)
        extra = []
        if event.dial_in:
            extra.append(_("Dial-in: %(number)s") % {"number": event.dial_in})
        items.append(
            FeedEvent(
                uid=f"{event.uid}@secretary",
                title=event.title,
                start=event.starts_at,
                end=event.ends_at,
                time_zone=event.time_zone,
                updated=event.updated_at,
                location=event.location,
                link=event.video_link,
                notes=event.notes,
                attendees=tuple((a.get("name", ""), a["email"]) for a in event.attendees),
                also_in=tuple(z for z in others if z),
                cancelled=event.cancelled,
                extra_lines=tuple(extra),
            )
        )
    name = client.name if client is not None else f"{practice.name}: {membership.user}"
    return feed_ics(name=name, events=items)
