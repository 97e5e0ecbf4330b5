"""Writes of calendar events and their private ICS feed links, and the feed itself."""

from __future__ import annotations

from datetime import timedelta
from email.utils import getaddresses
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from clients.selectors import contact_for_membership
from secretary.audit import activity_record, security_event
from secretary.errors import ApplicationError
from secretary.limits import dates_out_of_range
from secretary.models import Membership, Practice, hash_secret, validate_time_zone
from tasks.ics import FeedEvent, feed_ics
from tasks.models import CalendarEvent, CalendarFeed, Task

MAX_ATTENDEES = 50

# What each audience may see of an event, wherever it is shown. Staff see everything; a client
# contact sees when and where, never the practice's notes, the other attendees, which task or
# secretary it belongs to. The portal page, the API answering a contact and the client's ICS
# feed all read this one list.
EVENT_FIELDS_FOR_STAFF = (
    "id",
    "client",
    "task",
    "secretary",
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "time_zone",
    "starts_in_client_zone",
    "location",
    "video_link",
    "dial_in",
    "attendees",
    "notes",
    "cancelled",
    "updated_at",
)
# Shown, never written: an edit keeps the stored value of every other field it does not send.
EVENT_COMPUTED_FIELDS = frozenset({"id", "starts_in_client_zone", "updated_at"})
STAFF_ONLY_EVENT_FIELDS = frozenset({"task", "secretary", "attendees", "notes"})
EVENT_FIELDS_FOR_CLIENTS = tuple(
    name for name in EVENT_FIELDS_FOR_STAFF if name not in STAFF_ONLY_EVENT_FIELDS
)


def event_fields(*, for_client: bool) -> tuple[str, ...]:
    """The fields of an event a client contact (``for_client``) or a staff member may see."""
    return EVENT_FIELDS_FOR_CLIENTS if for_client else EVENT_FIELDS_FOR_STAFF


def event_shown(event: CalendarEvent, *, for_client: bool) -> SimpleNamespace:
    """The event as its audience may see it: only the fields of ``event_fields``.

    Pages render this, not the row, so a template cannot show a field its audience may not see.
    """
    return SimpleNamespace(
        **{
            name: getattr(event, name)
            for name in event_fields(for_client=for_client)
            if name != "starts_in_client_zone"
        }
    )


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
        practice=practice, token_hash=token_hash, hint=token[:6], issued_by=actor, **owner
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


def feed_issuer_qualifies(feed: CalendarFeed) -> bool:
    """A client's feed lives on the membership that made it: a member of staff, or a contact
    of that client. Checked on every use, so a removed or unlinked issuer's link stops."""
    issuer = feed.issued_by
    if issuer is None:
        return False
    if issuer.is_staff:
        return True
    contact = contact_for_membership(membership=issuer)
    return contact is not None and contact.client_id == feed.client_id


@transaction.atomic
def feeds_revoke_for_membership(
    *, practice: Practice, membership: Membership, actor: Membership | None = None, request=None
) -> int:
    """Stop every feed a membership owns or issued (it is being removed from the practice)."""
    feeds = list(
        CalendarFeed.objects.for_practice(practice)
        .filter(revoked_at__isnull=True)
        .filter(Q(membership=membership) | Q(issued_by=membership))
    )
    now = timezone.now()
    for feed in feeds:
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at"])
        activity_record(
            practice=practice,
            actor=actor.user if actor is not None else None,
            verb="feed.revoked",
            target=feed,
            data={"reason": "member_removed", "member": membership.user.email},
            request=request,
        )
    return len(feeds)


def feed_by_token(*, practice_slug: str, token: str) -> CalendarFeed | None:
    """The active feed a secret names inside the practice of the slug (None when forged)."""
    if not token:
        return None
    feed = (
        CalendarFeed.objects.unscoped()
        .select_related("practice", "client", "membership__user", "issued_by")
        .filter(
            token_hash=hash_secret(token), practice__slug=practice_slug, revoked_at__isnull=True
        )
        .first()
    )
    if feed is not None and feed.membership is not None and not feed.membership.is_staff:
        feed = None  # a member's feed shows staff work: it stops if they are no longer staff
    if feed is not None and feed.client is not None and not feed_issuer_qualifies(feed):
        feed = None  # whoever made the link left, or no longer speaks for this client
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
        # A client's feed shows what the portal shows (``event_shown``), staff feeds all of it.
        shown = event_shown(event, for_client=client is not None)
        dial_in = getattr(shown, "dial_in", "")
        items.append(
            FeedEvent(
                uid=f"{event.uid}@secretary",
                title=shown.title,
                start=shown.starts_at,
                end=shown.ends_at,
                time_zone=shown.time_zone,
                updated=shown.updated_at,
                location=getattr(shown, "location", ""),
                link=getattr(shown, "video_link", ""),
                notes=getattr(shown, "notes", ""),
                attendees=tuple(
                    (a.get("name", ""), a["email"]) for a in getattr(shown, "attendees", ())
                ),
                also_in=tuple(z for z in others if z),
                cancelled=shown.cancelled,
                extra_lines=(_("Dial-in: %(number)s") % {"number": dial_in},) if dial_in else (),
            )
        )
    if client is None and membership is not None:
        # A member's own feed carries their shifts and on-call turns too.
        from tasks.roster.selectors import member_feed_events

        items.extend(member_feed_events(practice=practice, membership=membership))
    name = client.name if client is not None else f"{practice.name}: {membership.user}"
    return feed_ics(name=name, events=items)
