"""Writes of campaigns: create and edit, approval by the client, schedule, send, cancel.

Every function is keyword-only, runs in one transaction and raises ``ApplicationError`` with a
message fit for the user. Nothing is sent before the client's contact has approved the
campaign: ``campaign_schedule`` and ``campaign_send_now`` refuse it, whatever page or API
calls them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.mailing.campaigns import selectors
from clients.mailing.campaigns.models import (
    CANCELLABLE_STATUSES,
    EDITABLE_STATUSES,
    Campaign,
    CampaignStatus,
    SendingSettings,
)
from clients.mailing.models import Audience, Segment
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.limits import dates_out_of_range

# A campaign scheduled this close to now is sent now.
SCHEDULE_MIN_LEAD = timedelta(minutes=1)
SETTINGS_FIELDS = (
    "rate_per_minute",
    "batch_size",
    "parallel_senders",
    "from_name",
    "from_email",
    "track_opens",
    "track_clicks",
)


def _error(field: str | None, message: str) -> ApplicationError:
    return ApplicationError(message, errors={field: message} if field else None)


def _lock(practice, campaign: Campaign) -> Campaign:
    return (
        Campaign.objects.for_practice(practice)
        .select_for_update(of=("self",))
        .select_related("client", "audience", "segment", "composition")
        .get(pk=campaign.pk)
    )


def _check_list(*, practice, client, audience: Audience, segment: Segment | None, composition):
    from documents.models import DocumentKind

    if audience.practice_id != practice.pk or audience.client_id != client.pk:
        raise _error("audience", _("Choose one of this client's mailing lists."))
    if segment is not None and segment.audience_id != audience.pk:
        raise _error("segment", _("Choose a segment of the chosen mailing list."))
    if composition.client_id != client.pk:
        raise _error("composition", _("Choose one of this client's newsletters."))
    if composition.kind != DocumentKind.NEWSLETTER:
        raise _error("composition", _("Only a newsletter can be sent to a mailing list."))


def _check_has_recipients(campaign: Campaign) -> int:
    count = selectors.campaign_recipients(campaign).count()
    if count == 0:
        if campaign.segment_id:
            message = _(
                "The segment “%(segment)s” has no subscribed people: nobody would receive this "
                "campaign. Choose another segment or the whole list."
            ) % {"segment": campaign.segment.name}
            raise _error("segment", message)
        raise _error(
            "audience",
            _("The list “%(audience)s” has no subscribed people: nobody would receive it.")
            % {"audience": campaign.audience.name},
        )
    return count


@transaction.atomic
def campaign_create(
    *,
    practice,
    client,
    audience: Audience,
    composition,
    name: str = "",
    segment: Segment | None = None,
    subject: str = "",
    from_name: str = "",
    from_email: str = "",
    scheduled_at: datetime | None = None,
    user=None,
    request=None,
) -> Campaign:
    """A draft campaign of ``composition`` (a newsletter) to ``audience`` (or ``segment``).
    Refused when nobody subscribed is on the list or in the segment."""
    _check_list(
        practice=practice,
        client=client,
        audience=audience,
        segment=segment,
        composition=composition,
    )
    campaign = Campaign(
        practice=practice,
        client=client,
        audience=audience,
        segment=segment,
        composition=composition,
        name=(name or "").strip() or composition.title,
        subject=(subject or "").strip(),
        from_name=(from_name or "").strip(),
        from_email=(from_email or "").strip(),
        scheduled_at=_planned(scheduled_at),
        created_by=user,
    )
    _check_has_recipients(campaign)
    campaign.save()
    activity_record(
        practice=practice, actor=user, verb="campaign.created", target=campaign, request=request
    )
    return campaign


def _planned(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    problems = dates_out_of_range(scheduled_at=when)
    if problems:
        raise ApplicationError(problems["scheduled_at"], errors=problems)
    return when


@transaction.atomic
def campaign_update(
    *, practice, campaign: Campaign, user=None, request=None, **changes
) -> Campaign:
    """Change a campaign before it is scheduled. A change after approval was asked for takes
    the campaign back to draft: the client approves what is sent, not an earlier state."""
    campaign = _lock(practice, campaign)
    if campaign.status not in EDITABLE_STATUSES:
        raise _error(None, _("This campaign can no longer be changed."))
    allowed = {
        "name",
        "audience",
        "segment",
        "composition",
        "subject",
        "from_name",
        "from_email",
        "scheduled_at",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Unknown campaign fields: {sorted(unknown)}")
    changed = []
    for field, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if field == "scheduled_at":
            value = _planned(value)
        if field == "name" and not value:
            value = (changes.get("composition") or campaign.composition).title
        if getattr(campaign, field) != value:
            setattr(campaign, field, value)
            changed.append(field)
    if not changed:
        return campaign
    _check_list(
        practice=practice,
        client=campaign.client,
        audience=campaign.audience,
        segment=campaign.segment,
        composition=campaign.composition,
    )
    _check_has_recipients(campaign)
    if campaign.status != CampaignStatus.DRAFT and set(changed) - {"name", "scheduled_at"}:
        campaign.status = CampaignStatus.DRAFT
        campaign.version = None
        campaign.decided_by = None
        campaign.decided_by_name = ""
        campaign.decided_at = None
        changed += ["status", "version", "decided_by", "decided_by_name", "decided_at"]
    campaign.save(update_fields=[*changed, "updated_at"])
    activity_record(
        practice=practice,
        actor=user,
        verb="campaign.updated",
        target=campaign,
        data={"fields": sorted(set(changed))},
        request=request,
    )
    return campaign


@transaction.atomic
def campaign_request_approval(*, practice, campaign: Campaign, user=None, request=None) -> Campaign:
    """Ask the client to approve the campaign: the newsletter's latest version is the one that
    will be sent; the contacts who may approve documents are told by email."""
    from documents.newsletter_email import newsletter_version

    campaign = _lock(practice, campaign)
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.AWAITING_APPROVAL):
        raise _error(None, _("Only a draft campaign can be sent for approval."))
    campaign.version = newsletter_version(composition=campaign.composition)
    _check_has_recipients(campaign)
    campaign.status = CampaignStatus.AWAITING_APPROVAL
    campaign.approval_requested_at = timezone.now()
    campaign.approval_requested_by = user
    campaign.decline_reason = ""
    campaign.save(
        update_fields=[
            "version",
            "status",
            "approval_requested_at",
            "approval_requested_by",
            "decline_reason",
            "updated_at",
        ]
    )
    activity_record(
        practice=practice,
        actor=user,
        verb="campaign.approval_requested",
        target=campaign,
        data={"version": campaign.version.number},
        request=request,
    )
    from clients.mailing.campaigns.tasks import notify_approval_requested

    enqueue_on_commit(notify_approval_requested, practice_id=practice.pk, campaign_id=campaign.pk)
    return campaign


def _contact_may_approve(campaign: Campaign, membership):
    from clients.selectors import contact_for_membership

    contact = contact_for_membership(membership=membership)
    if contact is None or contact.client_id != campaign.client_id:
        raise _error(None, _("Only a contact of this client can answer for this campaign."))
    if not contact.portal_documents:
        raise _error(None, _("You are not allowed to approve documents for this client."))
    return contact


def _decide(*, practice, campaign: Campaign, membership, approve: bool, reason: str, request):
    campaign = _lock(practice, campaign)
    contact = _contact_may_approve(campaign, membership)
    if campaign.status != CampaignStatus.AWAITING_APPROVAL:
        raise _error(None, _("This campaign is not awaiting your answer."))
    campaign.status = CampaignStatus.APPROVED if approve else CampaignStatus.DRAFT
    campaign.decided_by = membership.user
    campaign.decided_by_name = contact.name or membership.user.email
    campaign.decided_at = timezone.now()
    campaign.decline_reason = "" if approve else reason
    campaign.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "decline_reason",
            "updated_at",
        ]
    )
    activity_record(
        practice=practice,
        actor=membership.user,
        verb="campaign.approved" if approve else "campaign.declined",
        target=campaign,
        data={"version": campaign.version.number if campaign.version_id else None},
        request=request,
    )
    return campaign


@transaction.atomic
def campaign_approve(*, practice, campaign: Campaign, membership, request=None) -> Campaign:
    """The client's contact (one allowed to approve documents) approves the campaign."""
    return _decide(
        practice=practice,
        campaign=campaign,
        membership=membership,
        approve=True,
        reason="",
        request=request,
    )


@transaction.atomic
def campaign_decline(
    *, practice, campaign: Campaign, membership, reason: str, request=None
) -> Campaign:
    """The client's contact declines, saying why; the campaign goes back to draft."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise _error("reason", _("Say why, so your secretary knows what to change."))
    return _decide(
        practice=practice,
        campaign=campaign,
        membership=membership,
        approve=False,
        reason=reason,
        request=request,
    )


def _check_approved(campaign: Campaign) -> None:
    if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.AWAITING_APPROVAL):
        raise _error(
            None,
            _("The client has not approved this campaign yet: it cannot be sent or scheduled."),
        )
    if campaign.status not in (CampaignStatus.APPROVED, CampaignStatus.SCHEDULED):
        raise _error(None, _("This campaign has already been sent or cancelled."))


@transaction.atomic
def campaign_schedule(
    *, practice, campaign: Campaign, when: datetime, user=None, request=None
) -> Campaign:
    """Send the approved campaign at ``when`` (an aware datetime; the pages and the API read
    it in the client's time zone)."""
    campaign = _lock(practice, campaign)
    _check_approved(campaign)
    if when is None or timezone.is_naive(when):
        raise _error("scheduled_at", _("Enter the date and time to send at."))
    problems = dates_out_of_range(scheduled_at=when)
    if problems:
        raise ApplicationError(problems["scheduled_at"], errors=problems)
    if when < timezone.now() + SCHEDULE_MIN_LEAD:
        raise _error("scheduled_at", _("Choose a time in the future, or send it now."))
    return _scheduled(practice, campaign, when=when, user=user, request=request, now=False)


@transaction.atomic
def campaign_send_now(*, practice, campaign: Campaign, user=None, request=None) -> Campaign:
    """Start sending the approved campaign at once (in the background)."""
    campaign = _lock(practice, campaign)
    _check_approved(campaign)
    return _scheduled(practice, campaign, when=timezone.now(), user=user, request=request, now=True)


def _scheduled(practice, campaign: Campaign, *, when, user, request, now: bool) -> Campaign:
    _check_has_recipients(campaign)
    campaign.status = CampaignStatus.SCHEDULED
    campaign.scheduled_at = when
    campaign.save(update_fields=["status", "scheduled_at", "updated_at"])
    activity_record(
        practice=practice,
        actor=user,
        verb="campaign.sent" if now else "campaign.scheduled",
        target=campaign,
        data={"scheduled_at": when.isoformat()},
        request=request,
    )
    if now:
        from clients.mailing.campaigns.tasks import start_campaign

        enqueue_on_commit(start_campaign, practice_id=practice.pk, campaign_id=campaign.pk)
    return campaign


@transaction.atomic
def campaign_cancel(*, practice, campaign: Campaign, user=None, request=None) -> Campaign:
    """Cancel a campaign that has not started sending."""
    campaign = _lock(practice, campaign)
    if campaign.status not in CANCELLABLE_STATUSES:
        raise _error(None, _("Only a campaign that has not started sending can be cancelled."))
    campaign.status = CampaignStatus.CANCELLED
    campaign.save(update_fields=["status", "updated_at"])
    activity_record(
        practice=practice, actor=user, verb="campaign.cancelled", target=campaign, request=request
    )
    return campaign


def campaign_test_send(*, practice, campaign: Campaign, user, request=None) -> str:
    """Send ``user`` a test of the campaign's newsletter (one a minute, like the newsletter's
    own test)."""
    from documents.newsletter_send import newsletter_test_send

    return newsletter_test_send(
        practice=practice, composition=campaign.composition, user=user, request=request
    )


@transaction.atomic
def sending_settings_save(*, practice, user=None, request=None, **values) -> SendingSettings:
    """Change the practice's sending settings."""
    found = selectors.sending_settings_for(practice=practice)
    found = SendingSettings.objects.for_practice(practice).select_for_update().get(pk=found.pk)
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Unknown settings: {sorted(unknown)}")
    for field, value in values.items():
        setattr(found, field, value)
    found.full_clean(exclude=["practice"])
    found.save()
    activity_record(
        practice=practice,
        actor=user,
        verb="mailing.settings_changed",
        target=found,
        data={field: values[field] for field in sorted(values) if field != "from_email"},
        request=request,
    )
    return found
