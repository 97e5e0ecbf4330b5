"""Reads of the roster. Every function loads what it needs in a fixed number of queries,
whatever the number of clients, shifts or members, and leaves the arithmetic to
``tasks.roster.gaps``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.core.cache import cache as django_cache
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from clients.coverage import Coverage, Window
from clients.models import Client, CoverageWindow, Engagement, EngagementStatus
from secretary.models import Membership, Role
from tasks.roster import cache as roster_cache
from tasks.roster import gaps
from tasks.roster.models import (
    AvailabilityWindow,
    Handover,
    RosterSettings,
    Rotation,
    RotationMember,
    Shift,
    ShiftException,
    StaffAvailability,
    TimeOff,
)

ROUTING_HORIZON = timedelta(days=14)


# --- Lookups -------------------------------------------------------------------------------


def _get(queryset, pk):
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def active_engagement_get(*, practice, engagement_id: int) -> Engagement:
    return _get(
        Engagement.objects.for_practice(practice)
        .filter(status=EngagementStatus.ACTIVE)
        .select_related("client"),
        engagement_id,
    )


def shift_get(*, practice, shift_id: int) -> Shift:
    return _get(
        Shift.objects.for_practice(practice).select_related("engagement__client", "membership"),
        shift_id,
    )


def shift_exception_get(*, practice, exception_id: int) -> ShiftException:
    return _get(
        ShiftException.objects.for_practice(practice).select_related("shift__engagement"),
        exception_id,
    )


def rotation_get(*, practice, rotation_id: int) -> Rotation:
    return _get(Rotation.objects.for_practice(practice).select_related("engagement"), rotation_id)


def time_off_get(*, practice, time_off_id: int) -> TimeOff:
    return _get(TimeOff.objects.for_practice(practice).select_related("membership"), time_off_id)


def staff_get(*, practice, membership_id: int) -> Membership:
    return _get(
        Membership.objects.for_practice(practice).exclude(role=Role.CLIENT).select_related("user"),
        membership_id,
    )


def staff_of(practice):
    return (
        Membership.objects.for_practice(practice)
        .exclude(role=Role.CLIENT)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def roster_settings(*, practice) -> RosterSettings:
    return RosterSettings.objects.for_practice(practice).filter(
        practice=practice
    ).first() or RosterSettings(practice=practice)


# --- Availability --------------------------------------------------------------------------


def availability_profile(*, practice, membership: Membership) -> StaffAvailability | None:
    return StaffAvailability.objects.for_practice(practice).filter(membership=membership).first()


def availability_windows(*, practice, membership: Membership) -> list[Window]:
    return [
        Window(w.weekday, w.start, w.end)
        for w in AvailabilityWindow.objects.for_practice(practice).filter(membership=membership)
    ]


def time_off_of(*, practice, membership: Membership, since: date | None = None):
    since = since or timezone.localdate() - timedelta(days=1)
    return TimeOff.objects.for_practice(practice).filter(membership=membership, end_date__gte=since)


def availability_map(*, practice, start: datetime, end: datetime) -> dict[int, gaps.Availability]:
    """Every staff member's availability over the range (3 queries)."""
    profiles = {
        p.membership_id: p
        for p in StaffAvailability.objects.for_practice(practice).select_related("membership__user")
    }
    windows: dict[int, list[Window]] = defaultdict(list)
    for w in AvailabilityWindow.objects.for_practice(practice):
        windows[w.membership_id].append(Window(w.weekday, w.start, w.end))
    leaves: dict[int, list[gaps.Span]] = defaultdict(list)
    zones = {member_id: p.time_zone for member_id, p in profiles.items()}
    for leave in (
        TimeOff.objects.for_practice(practice)
        .filter(
            end_date__gte=start.date() - timedelta(days=1),
            start_date__lte=end.date() + timedelta(days=1),
        )
        .select_related("membership__user")
    ):
        zone = zones.setdefault(leave.membership_id, leave.membership.user.time_zone)
        leaves[leave.membership_id].append(
            gaps.time_off_span(
                start_date=leave.start_date,
                end_date=leave.end_date,
                start_time=leave.start_time,
                end_time=leave.end_time,
                time_zone=zone,
            )
        )
    result: dict[int, gaps.Availability] = {}
    for member_id in set(profiles) | set(leaves):
        declared = tuple(sorted(windows[member_id])) if member_id in profiles else None
        result[member_id] = gaps.Availability(
            time_zone=zones[member_id], windows=declared, time_off=tuple(leaves[member_id])
        )
    return result


# --- Rosters -------------------------------------------------------------------------------


@dataclass
class EngagementRoster:
    engagement: Engagement
    shifts: list[Shift]
    rotation: Rotation | None
    rostered: list[gaps.Duty]  # as planned, before availability
    result: gaps.Roster

    @property
    def client(self) -> Client:
        return self.engagement.client

    @property
    def gaps(self) -> list[gaps.Gap]:
        return self.result.gaps


def _engagements(practice, *, client_ids=None, engagement_ids=None):
    queryset = (
        Engagement.objects.for_practice(practice)
        .filter(status=EngagementStatus.ACTIVE)
        .select_related("client")
        .prefetch_related(
            Prefetch("windows", queryset=CoverageWindow.objects.for_practice(practice)),
            Prefetch(
                "shifts",
                queryset=Shift.objects.for_practice(practice)
                .select_related("membership__user")
                .prefetch_related(
                    Prefetch(
                        "exceptions",
                        queryset=ShiftException.objects.for_practice(practice).select_related(
                            "replacement__user"
                        ),
                    )
                ),
            ),
            Prefetch(
                "rotations",
                queryset=Rotation.objects.for_practice(practice).prefetch_related(
                    Prefetch(
                        "members",
                        queryset=RotationMember.objects.for_practice(practice).select_related(
                            "membership__user"
                        ),
                    )
                ),
            ),
        )
        .order_by("client__name", "client_id")
    )
    if client_ids is not None:
        queryset = queryset.filter(client_id__in=client_ids)
    if engagement_ids is not None:
        queryset = queryset.filter(pk__in=engagement_ids)
    return queryset


def active_engagement_ids(*, practice) -> list[int]:
    """Ids of the active engagements in the order the roster lists them (by client)."""
    return list(
        Engagement.objects.for_practice(practice)
        .filter(status=EngagementStatus.ACTIVE)
        .order_by("client__name", "client_id")
        .values_list("pk", flat=True)
    )


def shift_pattern(shift: Shift, zone: str) -> gaps.ShiftPattern:
    return gaps.ShiftPattern(
        shift.membership_id,
        shift.weekday,
        shift.start,
        shift.end,
        zone,
        {e.date: e.replacement_id for e in shift.exceptions.all()},
    )


def rotation_plan(rotation: Rotation, zone: str) -> gaps.RotationPlan:
    return gaps.RotationPlan(
        zone,
        rotation.handover_weekday,
        rotation.handover_time,
        rotation.length_days,
        rotation.starts_on,
        tuple(m.membership_id for m in rotation.members.all()),
    )


def planned_duties(engagement: Engagement, start: datetime, end: datetime) -> list[gaps.Duty]:
    """Who is rostered on ``engagement`` in the range (prefetched shifts and rotation)."""
    zone = engagement.coverage_time_zone
    duties: list[gaps.Duty] = []
    for shift in engagement.shifts.all():
        duties.extend(gaps.shift_duties(shift_pattern(shift, zone), start, end))
    for rotation in engagement.rotations.all():
        duties.extend(gaps.rotation_duties(rotation_plan(rotation, zone), start, end))
    return sorted(duties, key=lambda duty: (duty.start, duty.member))


def rosters(
    *,
    practice,
    start: datetime,
    end: datetime,
    client_ids=None,
    engagement_ids=None,
    availability: dict[int, gaps.Availability] | None = None,
) -> list[EngagementRoster]:
    """Each active engagement's roster and gaps over the range (a fixed number of queries)."""
    if availability is None:
        availability = availability_map(practice=practice, start=start, end=end)
    found = []
    cache: dict = {}  # members' available spans over the range, computed once
    for engagement in _engagements(practice, client_ids=client_ids, engagement_ids=engagement_ids):
        duties = planned_duties(engagement, start, end)
        result = gaps.roster(
            coverage=engagement.coverage(),
            duties=duties,
            availability=availability,
            start=start,
            end=end,
            cache=cache,
        )
        found.append(
            EngagementRoster(
                engagement=engagement,
                shifts=list(engagement.shifts.all()),
                rotation=next(iter(engagement.rotations.all()), None),
                rostered=duties,
                result=result,
            )
        )
    return found


def clipped(entry: EngagementRoster, start: datetime, end: datetime) -> EngagementRoster:
    """``entry`` seen over a part of its range (what ``rosters`` would say for that part)."""

    def cut(duties):
        return [
            gaps.Duty(d.member, max(d.start, start), min(d.end, end), d.backup, d.source)
            for d in duties
            if d.end > start and d.start < end
        ]

    result = entry.result
    return EngagementRoster(
        engagement=entry.engagement,
        shifts=entry.shifts,
        rotation=entry.rotation,
        rostered=cut(entry.rostered),
        result=gaps.Roster(
            sold=gaps.clip(result.sold, start, end),
            duties=cut(result.duties),
            on_duty=gaps.clip(result.on_duty, start, end),
            gaps=[
                gaps.Gap(max(g.start, start), min(g.end, end), g.reason)
                for g in result.gaps
                if g.end > start and g.start < end
            ],
        ),
    )


def engagement_roster(*, practice, engagement: Engagement, start, end) -> EngagementRoster:
    return rosters(practice=practice, start=start, end=end, engagement_ids=[engagement.pk])[0]


# --- Who is on duty ------------------------------------------------------------------------


@dataclass
class OnDuty:
    member: Membership | None = None
    backup: Membership | None = None
    start: datetime | None = None
    end: datetime | None = None
    is_now: bool = False


def on_duty_for(*, practice, client: Client, at: datetime | None = None) -> OnDuty:
    """Who covers ``client`` at ``at`` (and the backup of an on-call turn); else the next one
    on duty within two weeks (``is_now`` False); else nobody."""
    at = at or timezone.now()
    found = rosters(practice=practice, start=at, end=at + ROUTING_HORIZON, client_ids=[client.pk])
    if not found:
        return OnDuty()
    duties = [d for d in found[0].result.duties if d.end > at]
    if not duties:
        return OnDuty()
    duties.sort(key=lambda d: (d.start, d.source != "rotation", d.member))
    first = duties[0]
    members = {
        m.pk: m
        for m in staff_of(practice).filter(pk__in=[first.member, first.backup or first.member])
    }
    return OnDuty(
        member=members.get(first.member),
        backup=members.get(first.backup) if first.backup else None,
        start=first.start,
        end=first.end,
        is_now=first.start <= at,
    )


@dataclass
class MemberDuty:
    client: Client
    start: datetime
    end: datetime
    backup: bool = False


@dataclass
class MyDuty:
    now: list[MemberDuty] = field(default_factory=list)
    next: MemberDuty | None = None


def duty_of(*, practice, membership: Membership, at: datetime | None = None) -> MyDuty:
    """Where ``membership`` is on duty now, and their next shift (two weeks ahead)."""
    at = at or timezone.now()
    end = at + ROUTING_HORIZON
    result = MyDuty()
    upcoming: list[MemberDuty] = []
    for client, start, finish, backup in _planned_for(practice, membership, at):
        if finish <= at or start >= end:
            continue
        duty = MemberDuty(client, max(start, at), min(finish, end), backup=backup)
        if not backup:
            upcoming.append(duty)
        elif duty.start <= at:
            result.now.append(duty)
    upcoming.sort(key=lambda d: d.start)
    result.now = [d for d in upcoming if d.start <= at] + result.now
    result.next = next((d for d in upcoming if d.start > at), None)
    return result


def _planned_for(practice, membership: Membership, at: datetime) -> list[tuple]:
    """``(client, start, end, backup)`` of the member's planned duties from the start of the
    hour of ``at`` to an hour past the routing horizon (what ``duty_of`` clips), kept in the
    cache under the roster's version for that hour (``tasks.roster.cache``)."""
    hour = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return roster_cache.kept(
        practice.pk,
        f"duty:{membership.pk}:{hour:%Y%m%d%H}",
        lambda: _compute_planned_for(practice, membership, hour),
    )


def _compute_planned_for(practice, membership: Membership, hour: datetime) -> list[tuple]:
    end = hour + ROUTING_HORIZON + timedelta(hours=1)
    mine = set(
        Shift.objects.for_practice(practice)
        .filter(membership=membership)
        .values_list("engagement_id", flat=True)
    ) | set(
        RotationMember.objects.for_practice(practice)
        .filter(membership=membership)
        .values_list("rotation__engagement_id", flat=True)
    )
    mine |= set(
        ShiftException.objects.for_practice(practice)
        .filter(replacement=membership, date__gte=hour.date() - timedelta(days=1))
        .values_list("shift__engagement_id", flat=True)
    )
    if not mine:
        return []
    planned = []
    for entry in rosters(practice=practice, start=hour, end=end, engagement_ids=mine):
        for duty in entry.rostered:
            if duty.member == membership.pk:
                planned.append((entry.client, duty.start, duty.end, False))
            elif duty.backup == membership.pk:
                planned.append((entry.client, duty.start, duty.end, True))
    return planned


def handovers_for(
    *, practice, membership: Membership, duty: MyDuty | None = None, limit: int = 5
) -> list[Handover]:
    """Unread handover notes of the clients ``membership`` is on duty for now or next."""
    duty = duty or duty_of(practice=practice, membership=membership)
    client_ids = {d.client.pk for d in duty.now}
    if duty.next is not None:
        client_ids.add(duty.next.client.pk)
    if not client_ids:
        return []
    return list(
        Handover.objects.for_practice(practice)
        .filter(client_id__in=client_ids, read_at__isnull=True)
        .exclude(author=membership)
        .select_related("client", "author__user")
        .order_by("-created_at")[:limit]
    )


# --- Capacity ------------------------------------------------------------------------------


@dataclass
class MemberCapacity:
    member: Membership
    rostered_hours: Decimal
    available_hours: Decimal | None  # None: never declared
    max_hours: Decimal | None

    @property
    def over_max(self) -> bool:
        return self.max_hours is not None and self.rostered_hours > self.max_hours

    @property
    def staffable_hours(self) -> Decimal:
        hours = self.available_hours if self.available_hours is not None else Decimal(0)
        return min(hours, self.max_hours) if self.max_hours is not None else hours


@dataclass
class Capacity:
    members: list[MemberCapacity]
    sold_hours: Decimal
    staffable_hours: Decimal
    gap_hours: Decimal


def _hours(spans) -> Decimal:
    return (Decimal(gaps.total(spans).total_seconds()) / 3600).quantize(Decimal("0.01"))


def capacity(*, practice, start: datetime, end: datetime) -> Capacity:
    """Per member: hours rostered, available and their weekly maximum over the range; for the
    practice: hours sold and hours its staff can work (each up to their maximum)."""
    availability = availability_map(practice=practice, start=start, end=end)
    entries = rosters(practice=practice, start=start, end=end, availability=availability)
    rostered: dict[int, list[gaps.Span]] = defaultdict(list)
    for entry in entries:
        for duty in entry.rostered:
            rostered[duty.member].append(duty.span)
    profiles = {p.membership_id: p for p in StaffAvailability.objects.for_practice(practice)}
    members = []
    for member in staff_of(practice):
        member_availability = availability.get(member.pk)
        available = None
        if member_availability is not None and member_availability.windows is not None:
            available = _hours(gaps.available_spans(member_availability, start, end))
        profile = profiles.get(member.pk)
        members.append(
            MemberCapacity(
                member=member,
                rostered_hours=_hours(rostered.get(member.pk, [])),
                available_hours=available,
                max_hours=profile.max_weekly_hours if profile else None,
            )
        )
    sold = sum((_hours(e.result.sold) for e in entries), Decimal(0))
    gap_hours = sum((_hours(e.result.gap_spans) for e in entries), Decimal(0))
    staffable = sum((m.staffable_hours for m in members), Decimal(0))
    return Capacity(
        members=members, sold_hours=sold, staffable_hours=staffable, gap_hours=gap_hours
    )


@dataclass
class StaffingCheck:
    """What the engagement builder shows for a draft's coverage over one week."""

    unavailable: list[gaps.Span]  # nobody on staff is available then
    unrostered: list[gaps.Span]  # the client's current roster does not cover it


def staffing_check(
    *, practice, coverage: Coverage, client: Client, start: datetime, end: datetime
) -> StaffingCheck:
    """The draft's sold spans nobody can work (availability minus time off, net of shifts on
    other clients), and those the client's current roster leaves open."""
    sold = gaps.sold_spans(coverage, start, end) if coverage.windows or coverage.always_on else []
    availability = availability_map(practice=practice, start=start, end=end)
    entries = rosters(practice=practice, start=start, end=end, availability=availability)
    busy: dict[int, list[gaps.Span]] = defaultdict(list)
    own: list[gaps.Span] = []
    for entry in entries:
        if entry.client.pk == client.pk:
            own.extend(entry.result.on_duty)
            continue
        for duty in entry.rostered:
            busy[duty.member].append(duty.span)
    free: list[gaps.Span] = []
    for member in staff_of(practice).values_list("pk", flat=True):
        member_availability = availability.get(member)
        if member_availability is None or member_availability.windows is None:
            continue  # nothing declared: not counted as available for planning
        spans = gaps.available_spans(member_availability, start, end)
        free.extend(gaps.subtract(spans, busy.get(member, [])))
    return StaffingCheck(
        unavailable=gaps.subtract(sold, free),
        unrostered=gaps.subtract(sold, own),
    )


@dataclass
class Cover:
    """Who covers a client: a first name and when (spans of real time)."""

    first_name: str
    spans: list[gaps.Span]
    on_call: bool = False


def client_cover(*, practice, client: Client, start: datetime, end: datetime) -> list[Cover]:
    """The people really on duty for ``client`` over the range, first names only, in the
    order they come on duty (nothing of any other client)."""
    duties = _client_duties(practice=practice, client=client, start=start, end=end)
    if not duties:
        return []
    names = {
        m.pk: m.user.get_short_name()
        for m in staff_of(practice).filter(pk__in={d.member for d in duties})
    }
    by_member: dict[int, Cover] = {}
    for duty in sorted(duties, key=lambda d: d.start):
        cover = by_member.setdefault(duty.member, Cover(names.get(duty.member, ""), []))
        cover.spans.append(duty.span)
        cover.on_call = cover.on_call or duty.source == "rotation"
    for cover in by_member.values():
        cover.spans = gaps.merge(cover.spans)
    return list(by_member.values())


def _client_duties(*, practice, client: Client, start: datetime, end: datetime) -> list:
    """The client's duties over the range: computed by ``rosters``, kept in the cache under
    the practice's roster version (``tasks.roster.cache``) like the gaps."""

    def compute() -> list:
        found = rosters(practice=practice, start=start, end=end, client_ids=[client.pk])
        return list(found[0].result.duties) if found else []

    name = f"cover:{client.pk}:{start:%Y%m%d%H%M}:{end:%Y%m%d%H%M}"
    return roster_cache.kept(practice.pk, name, compute)


FEED_WEEKS = 8


def member_feed_events(*, practice, membership: Membership, now: datetime | None = None):
    """A member's shifts and on-call turns from yesterday to eight weeks ahead, as ICS
    events in the coverage zone (one per occurrence, stable uids)."""
    from django.utils.translation import gettext as _

    from tasks.ics import FeedEvent

    now = now or timezone.now()
    start, end = now - timedelta(days=1), now + timedelta(weeks=FEED_WEEKS)
    engagement_ids = set(
        Shift.objects.for_practice(practice)
        .filter(membership=membership)
        .values_list("engagement_id", flat=True)
    ) | set(
        RotationMember.objects.for_practice(practice)
        .filter(membership=membership)
        .values_list("rotation__engagement_id", flat=True)
    )
    engagement_ids |= set(
        ShiftException.objects.for_practice(practice)
        .filter(replacement=membership, date__gte=start.date())
        .values_list("shift__engagement_id", flat=True)
    )
    if not engagement_ids:
        return []
    events = []
    for engagement in _engagements(practice, engagement_ids=engagement_ids):
        zone = engagement.coverage_time_zone
        for duty in planned_duties(engagement, start, end):
            if membership.pk not in (duty.member, duty.backup):
                continue
            on_call = duty.source == "rotation"
            if duty.member != membership.pk:
                title = _("Backup on call: %(client)s")
            elif on_call:
                title = _("On call: %(client)s")
            else:
                title = _("Shift: %(client)s")
            events.append(
                FeedEvent(
                    uid=f"roster-{engagement.pk}-{duty.source}-{duty.start:%Y%m%dT%H%M%SZ}"
                    f"-{membership.pk}@secretary",
                    title=title % {"client": engagement.client.name},
                    start=duty.start,
                    end=duty.end,
                    time_zone=zone,
                    updated=engagement.updated_at,
                    also_in=(membership.user.time_zone,),
                )
            )
    return events


# --- The gaps of every engagement (the gap list, the API) ----------------------------------


class GapRow(NamedTuple):
    """A gap of an engagement, with its client (what the gap list and the API show); a plain
    tuple in the cache."""

    start: datetime
    end: datetime
    reason: str
    client_id: int
    client_name: str
    engagement_id: int

    @property
    def span(self) -> gaps.Span:
        return self.start, self.end


def _compute_gap_rows(*, practice, start: datetime, end: datetime) -> list[GapRow]:
    """Every active engagement's gaps over the range, read as plain values (8 queries, no
    model instances) and computed by ``tasks.roster.gaps`` as ``rosters`` does."""
    active = {"status": EngagementStatus.ACTIVE}
    engagements = list(
        Engagement.objects.for_practice(practice)
        .filter(**active)
        .values_list("pk", "client_id", "client__name", "coverage_time_zone", "on_call")
    )
    if not engagements:
        return []
    windows: dict[int, list[Window]] = defaultdict(list)
    for engagement_id, weekday, w_start, w_end in (
        CoverageWindow.objects.for_practice(practice)
        .filter(engagement__status=EngagementStatus.ACTIVE)
        .order_by()
        .values_list("engagement_id", "weekday", "start", "end")
    ):
        windows[engagement_id].append(Window(weekday, w_start, w_end))
    exceptions: dict[int, dict[date, int | None]] = defaultdict(dict)
    for shift_id, day, replacement_id in (
        ShiftException.objects.for_practice(practice)
        .filter(
            shift__engagement__status=EngagementStatus.ACTIVE,
            # Local dates of the coverage zone: a day either side covers every zone.
            date__gte=start.date() - timedelta(days=2),
            date__lte=end.date() + timedelta(days=2),
        )
        .order_by()
        .values_list("shift_id", "date", "replacement_id")
    ):
        exceptions[shift_id][day] = replacement_id
    shifts: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        Shift.objects.for_practice(practice)
        .filter(engagement__status=EngagementStatus.ACTIVE)
        .order_by()
        .values_list("pk", "engagement_id", "membership_id", "weekday", "start", "end")
    ):
        shifts[row[1]].append(row)
    members: dict[int, list[int]] = defaultdict(list)
    for rotation_id, membership_id in (
        RotationMember.objects.for_practice(practice)
        .filter(rotation__engagement__status=EngagementStatus.ACTIVE)
        .order_by("rotation_id", "position")
        .values_list("rotation_id", "membership_id")
    ):
        members[rotation_id].append(membership_id)
    rotations: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        Rotation.objects.for_practice(practice)
        .filter(engagement__status=EngagementStatus.ACTIVE)
        .order_by("pk")
        .values_list(
            "pk", "engagement_id", "handover_weekday", "handover_time", "length_days", "starts_on"
        )
    ):
        rotations[row[1]].append(row)
    availability = availability_map(practice=practice, start=start, end=end)
    cache: dict = {}
    found: list[GapRow] = []
    for engagement_id, client_id, client_name, zone, on_call in engagements:
        duties: list[gaps.Duty] = []
        for shift_id, _e, member, weekday, s_start, s_end in shifts.get(engagement_id, ()):
            pattern = gaps.ShiftPattern(
                member, weekday, s_start, s_end, zone, exceptions.get(shift_id, {})
            )
            duties.extend(gaps.shift_duties(pattern, start, end))
        for rotation_id, _e, weekday, handover, length, starts_on in rotations.get(
            engagement_id, ()
        ):
            plan = gaps.RotationPlan(
                zone, weekday, handover, length, starts_on, tuple(members.get(rotation_id, ()))
            )
            duties.extend(gaps.rotation_duties(plan, start, end))
        coverage = Coverage(zone, tuple(sorted(windows.get(engagement_id, ()))), on_call)
        result = gaps.roster(
            coverage=coverage,
            duties=duties,
            availability=availability,
            start=start,
            end=end,
            cache=cache,
        )
        found.extend(
            GapRow(gap.start, gap.end, gap.reason, client_id, client_name, engagement_id)
            for gap in result.gaps
        )
    return found


def _weeks(start: datetime, end: datetime) -> list[datetime]:
    """The UTC Mondays (00:00) of the weeks the range touches."""
    first = start.astimezone(UTC)
    monday = datetime.combine(first.date() - timedelta(days=first.weekday()), time(0), UTC)
    found = []
    while monday < end:
        found.append(monday)
        monday += timedelta(days=7)
    return found


def gap_rows(*, practice, start: datetime, end: datetime) -> list[GapRow]:
    """Every active engagement's gaps over the range, soonest first (then by client): what
    ``rosters`` finds, kept per UTC week in the cache (``tasks.roster.cache``) and computed
    only for the weeks it lacks (all of them at once)."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return []
    weeks = _weeks(start, end)
    if roster_cache.pending(practice.pk) or not roster_cache.usable():
        rows = _compute_gap_rows(practice=practice, start=start, end=end)
    else:
        token = roster_cache.version(practice.pk)
        keys = {monday: roster_cache.week_key(practice.pk, token, monday) for monday in weeks}
        stored = django_cache.get_many(list(keys.values()))
        missing = [monday for monday in weeks if keys[monday] not in stored]
        by_week = {monday: stored[keys[monday]] for monday in weeks if keys[monday] in stored}
        if missing:
            computed = _compute_gap_rows(
                practice=practice, start=missing[0], end=missing[-1] + timedelta(days=7)
            )
            for monday in missing:
                week_end = monday + timedelta(days=7)
                by_week[monday] = [
                    (
                        max(row.start, monday),
                        min(row.end, week_end),
                        row.reason,
                        row.client_id,
                        row.client_name,
                        row.engagement_id,
                    )
                    for row in computed
                    if row.end > monday and row.start < week_end
                ]
            django_cache.set_many(
                {keys[monday]: by_week[monday] for monday in missing},
                timeout=roster_cache.WEEK_TIMEOUT,
            )
        rows = _joined(by_week[monday] for monday in weeks)
    found = [
        row
        if row.start >= start and row.end <= end
        else row._replace(start=max(row.start, start), end=min(row.end, end))
        for row in rows
        if row.end > start and row.start < end
    ]
    found.sort(key=lambda row: (row.start, row.client_id, row.engagement_id))
    return found


def _joined(weeks) -> list[GapRow]:
    """The weeks' gaps as one range: a gap running over a week's end is one gap again."""
    last: dict[tuple[int, str], int] = {}  # where the latest gap of each engagement and reason is
    found: list[GapRow] = []
    for week in weeks:
        for row in map(GapRow._make, week):
            key = (row.engagement_id, row.reason)
            position = last.get(key)
            if position is not None and found[position].end == row.start:
                found[position] = found[position]._replace(end=row.end)
                continue
            last[key] = len(found)
            found.append(row)
    return found
