"""Writes of playbooks: saving a version, proposing a change from the portal, accepting or
declining a proposal. Every save makes a new numbered version; a save that changes nothing
makes none."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, Contact
from clients.playbook.content import changed_sections, content_clean
from clients.playbook.models import Playbook, PlaybookProposal, PlaybookVersion, ProposalStatus
from secretary.audit import activity_record
from secretary.errors import ApplicationError
from secretary.models import Membership, Practice


def _same_practice(practice: Practice, row) -> None:
    if row.practice_id != practice.pk:
        raise ApplicationError(_("That belongs to another practice."))


PORTAL_PART = "documents"  # contacts who may see documents and approve them


def playbook_for(*, practice: Practice, client: Client, lock: bool = False) -> Playbook:
    """The client's playbook, made (empty, version 0) on first need."""
    _same_practice(practice, client)
    queryset = Playbook.objects.for_practice(practice)
    if lock:
        queryset = queryset.select_for_update()
    playbook = queryset.filter(client=client).first()
    if playbook is None:
        playbook, _created = Playbook.objects.for_practice(practice).get_or_create(
            practice=practice, client=client
        )
        if lock:
            playbook = (
                Playbook.objects.for_practice(practice).select_for_update().get(pk=playbook.pk)
            )
    return playbook


def _author(user) -> str:
    return (getattr(user, "full_name", "") or getattr(user, "email", "") or "")[:150]


def _new_version(
    playbook: Playbook, content: dict[str, Any], *, user, note: str = ""
) -> PlaybookVersion | None:
    changed = changed_sections(playbook.content if playbook.version else None, content)
    if playbook.version and not changed:
        return None
    version = PlaybookVersion.objects.create(
        practice_id=playbook.practice_id,
        playbook=playbook,
        number=playbook.version + 1,
        content=content,
        changed=changed,
        note=note[:300],
        created_by=user if getattr(user, "is_authenticated", False) else None,
        author_name=_author(user),
    )
    playbook.content = content
    playbook.version = version.number
    playbook.save(update_fields=["content", "version", "updated_at"])
    return version


def _require_staff(actor: Membership | None) -> None:
    if actor is None or not actor.is_staff:
        raise ApplicationError(_("Only staff of the practice can change a playbook."))


@transaction.atomic
def playbook_save(
    *,
    practice: Practice,
    client: Client,
    actor: Membership,
    content: Any,
    base_number: int | None = None,
    note: str = "",
    request=None,
) -> PlaybookVersion | None:
    """Save ``content`` as the client's next playbook version (None when nothing changed).

    ``base_number`` is the version the editor started from: a save over a newer version is
    refused, so two people editing at once never undo each other silently.
    """
    _require_staff(actor)
    clean = content_clean(content)
    playbook = playbook_for(practice=practice, client=client, lock=True)
    if playbook.version and not changed_sections(playbook.content, clean):
        return None  # the same content again (a second click, or a save of no change)
    if base_number is not None and base_number != playbook.version:
        raise ApplicationError(
            _(
                "Someone saved version %(number)s while you were editing: open the playbook "
                "again and redo your change."
            )
            % {"number": playbook.version},
            errors={"base_version": _("The playbook changed since you opened it.")},
        )
    version = _new_version(playbook, clean, user=actor.user, note=note)
    if version is not None:
        activity_record(
            practice=practice,
            actor=actor.user,
            verb="playbook.saved",
            target=client,
            data={"version": version.number, "changed": version.changed},
            request=request,
        )
    return version


@transaction.atomic
def playbook_propose(
    *,
    practice: Practice,
    contact: Contact,
    content: Any,
    message: str = "",
    request=None,
) -> PlaybookProposal:
    """A client contact's proposed playbook (a full draft) for the staff to review."""
    _same_practice(practice, contact)
    if contact.membership_id is None or not contact.may_use(PORTAL_PART):
        raise ApplicationError(
            _("Only contacts who may approve documents can propose changes to the playbook."),
            errors={"contact": _("This contact may not propose changes.")},
        )
    if len(message or "") > 2_000:
        raise ApplicationError(
            _("The message is too long."), errors={"message": _("At most 2000 characters.")}
        )
    clean = content_clean(content)
    playbook = playbook_for(practice=practice, client=contact.client, lock=True)
    changed = changed_sections(playbook.content if playbook.version else None, clean)
    if not changed:
        raise ApplicationError(
            _("The proposal changes nothing in the playbook."),
            errors={"content": _("Change at least one section.")},
        )
    proposal = PlaybookProposal.objects.create(
        practice=practice,
        playbook=playbook,
        base_number=playbook.version,
        content=clean,
        changed=changed,
        message=(message or "").strip(),
        contact=contact,
        author_name=contact.name[:150],
    )
    activity_record(
        practice=practice,
        actor=getattr(request, "user", None),
        verb="playbook.proposed",
        target=contact.client,
        data={"proposal": proposal.pk, "changed": changed},
        request=request,
    )
    return proposal


def _pending(practice: Practice, proposal: PlaybookProposal) -> PlaybookProposal:
    proposal = (
        PlaybookProposal.objects.for_practice(practice)
        .select_for_update()
        .select_related("playbook")
        .get(pk=proposal.pk)
    )
    if proposal.status != ProposalStatus.PENDING:
        raise ApplicationError(
            _("This proposal was already %(status)s.")
            % {"status": proposal.get_status_display().lower()}
        )
    return proposal


@transaction.atomic
def proposal_accept(
    *, practice: Practice, proposal: PlaybookProposal, actor: Membership, request=None
) -> PlaybookProposal:
    """The proposal becomes the next version (its sections replace the current ones; the
    sections it left as they were keep any change staff made since)."""
    _require_staff(actor)
    playbook = playbook_for(practice=practice, client=proposal.playbook.client, lock=True)
    proposal = _pending(practice, proposal)
    content = dict(playbook.content or {})
    for key in proposal.changed:
        content[key] = proposal.content.get(key)
    content = content_clean(content)
    version = _new_version(
        playbook,
        content,
        user=actor.user,
        note=_("Proposed by %(name)s") % {"name": proposal.author_name},
    )
    proposal.status = ProposalStatus.ACCEPTED
    proposal.decided_by = actor.user
    proposal.decided_at = timezone.now()
    proposal.version = version
    proposal.save(update_fields=["status", "decided_by", "decided_at", "version"])
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="playbook.proposal_accepted",
        target=playbook.client,
        data={"proposal": proposal.pk, "version": version.number if version else None},
        request=request,
    )
    return proposal


@transaction.atomic
def proposal_decline(
    *,
    practice: Practice,
    proposal: PlaybookProposal,
    actor: Membership,
    reason: str,
    request=None,
) -> PlaybookProposal:
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Say why the proposal is declined; the client reads it."),
            errors={"reason": _("This field is required.")},
        )
    if len(reason) > 2_000:
        raise ApplicationError(
            _("The reason is too long."), errors={"reason": _("At most 2000 characters.")}
        )
    proposal = _pending(practice, proposal)
    proposal.status = ProposalStatus.DECLINED
    proposal.reason = reason
    proposal.decided_by = actor.user
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="playbook.proposal_declined",
        target=proposal.playbook.client,
        data={"proposal": proposal.pk},
        request=request,
    )
    return proposal
