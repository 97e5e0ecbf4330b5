"""Who a client's work goes to, by the roster: the member on duty now, else the next one on
duty; late responses also reach whoever is on duty and their backup."""

from __future__ import annotations

from datetime import datetime

from clients.models import Client
from clients.selectors import can_work_on
from secretary.models import Membership
from tasks.roster import selectors


def suggested_member(*, practice, client: Client, at: datetime | None = None) -> Membership | None:
    """The member on duty for ``client`` at ``at``, else the next one on duty (two weeks)."""
    duty = selectors.on_duty_for(practice=practice, client=client, at=at)
    if duty.member is not None and can_work_on(client=client, membership=duty.member):
        return duty.member
    return None


def request_assignee(
    *, practice, client: Client, default: Membership | None, at: datetime | None = None
) -> Membership | None:
    """The assignee of a new portal request: the suggested member when the practice assigns
    by the roster, else ``default`` (the primary secretary)."""
    if not selectors.roster_settings(practice=practice).auto_assign_requests:
        return default
    return suggested_member(practice=practice, client=client, at=at) or default


def breach_recipients(*, practice, client: Client, at: datetime | None = None) -> list[Membership]:
    """Who is on duty for ``client`` now and their backup (nobody when no one is on duty)."""
    duty = selectors.on_duty_for(practice=practice, client=client, at=at)
    if not duty.is_now:
        return []
    return [
        m
        for m in (duty.member, duty.backup)
        if m is not None and can_work_on(client=client, membership=m)
    ]
