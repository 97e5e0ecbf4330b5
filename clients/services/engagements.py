"""Engagements, the client's customized plan: build, propose, accept, revise, end."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.coverage import Window, window_problems
from clients.models import (
    Client,
    ClientStatus,
    Engagement,
    EngagementStatus,
    Questionnaire,
    QuestionnaireStatus,
    ServicePlan,
)
from clients.services._common import (
    apply_fields,
    invalid,
    quantize_money,
    require_staff,
    validated_save,
)
from clients.services.catalog import set_categories, set_windows
from clients.signals import engagement_accepted, engagement_proposed
from secretary.audit import activity_record
from secretary.background import enqueue_on_commit
from secretary.errors import ApplicationError
from secretary.limits import dates_out_of_range
from secretary.models import Membership, Practice

TERM_FIELDS = (
    "title",
    "billing_model",
    "monthly_fee",
    "included_hours",
    "hourly_rate",
    "overage_rate",
    "rollover_max_hours",
    "on_call",
    "response_target_hours",
    "coverage_time_zone",
    "start_date",
    "end_date",
    "scope_notes",
    "rounding_minutes",
    "transcription_billing",
    "call_minimum_minutes",
    "rush_notice_hours",
    "rush_multiplier",
    "after_hours_multiplier",
    "alert_threshold_percent",
)
PLAN_TERMS = (
    "billing_model",
    "monthly_fee",
    "included_hours",
    "hourly_rate",
    "overage_rate",
    "rollover_max_hours",
    "on_call",
    "response_target_hours",
    "coverage_time_zone",
)
MONEY_FIELDS = ("monthly_fee", "hourly_rate", "overage_rate")


class SecondActiveEngagement(ApplicationError):
    pass


def _next_version(practice: Practice, client: Client) -> int:
    last = (
        Engagement.objects.for_practice(practice)
        .filter(client=client)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return (last or 0) + 1


def _lock_client(practice: Practice, client: Client) -> Client:
    # Every engagement state change of a client locks the client row first: one writer at a
    # time, so "at most one active / one open" is checked without races (the database
    # constraint stays the last word).
    return Client.objects.for_practice(practice).select_for_update().get(pk=client.pk)


def _active(practice: Practice, client: Client) -> Engagement | None:
    return (
        Engagement.objects.for_practice(practice)
        .filter(client=client, status=EngagementStatus.ACTIVE)
        .first()
    )


def _open(practice: Practice, client: Client) -> Engagement | None:
    return (
        Engagement.objects.for_practice(practice)
        .filter(
            client=client,
            status__in=[
                EngagementStatus.DRAFT,
                EngagementStatus.PROPOSED,
                EngagementStatus.CHANGES_REQUESTED,
            ],
        )
        .first()
    )


def _check_terms(engagement: Engagement, windows: list[Window] | None) -> None:
    errors: dict[str, list] = {
        name: [message]
        for name, message in dates_out_of_range(
            start_date=engagement.start_date, end_date=engagement.end_date
        ).items()
    }
    if engagement.currency != engagement.client.currency:
        errors["currency"] = [
            _("The engagement must be in the client's currency (%(currency)s).")
            % {"currency": engagement.client.currency}
        ]
    if (
        engagement.end_date
        and engagement.start_date
        and engagement.end_date < engagement.start_date
    ):
        errors["end_date"] = [_("The end date must be on or after the start date.")]
    if engagement.rush_notice_hours is not None and engagement.rush_notice_hours <= 0:
        errors["rush_notice_hours"] = [_("Give a notice period above zero, or leave it empty.")]
    if windows is not None:
        problems = window_problems(windows)
        if problems:
            errors["windows"] = problems
    if errors:
        raise invalid(errors)


def _quantize(engagement: Engagement) -> None:
    for name in MONEY_FIELDS:
        value = getattr(engagement, name)
        if value is not None and not isinstance(value, str):
            setattr(engagement, name, quantize_money(value, engagement.currency))


def _from_questionnaire(engagement: Engagement, questionnaire: Questionnaire | None) -> list:
    """Prefill from the intake answers; returns the services wanted."""
    if questionnaire is None or questionnaire.status != QuestionnaireStatus.SUBMITTED:
        return []
    if questionnaire.coverage_time_zone:
        engagement.coverage_time_zone = questionnaire.coverage_time_zone
    if questionnaire.start_date:
        engagement.start_date = questionnaire.start_date
    if questionnaire.expected_hours_per_month is not None:
        engagement.included_hours = questionnaire.expected_hours_per_month
    engagement.on_call = questionnaire.needs_on_call
    return list(questionnaire.services.all())


def _check_plan(practice: Practice, client: Client, plan: ServicePlan | None) -> None:
    """A plan a client's engagement may start from: the practice's own, in the catalog, and
    priced in the client's currency."""
    if plan is None:
        return
    if plan.practice_id != practice.pk:
        raise invalid({"plan": [_("Choose a plan of this practice.")]})
    if plan.archived:
        raise invalid(
            {
                "plan": [
                    _("“%(plan)s” is archived; start from a plan of the catalog.")
                    % {"plan": plan.name}
                ]
            }
        )
    if plan.currency != client.currency:
        raise invalid(
            {
                "plan": [
                    _(
                        "This plan is priced in %(plan)s but the client pays in %(client)s. Choose a "
                        "plan in %(client)s, or start from scratch."
                    )
                    % {"plan": plan.currency, "client": client.currency}
                ]
            }
        )


@transaction.atomic
def engagement_create(
    *,
    practice: Practice,
    actor: Membership,
    client: Client,
    plan: ServicePlan | None = None,
    data: dict | None = None,
    windows: list[Window] | None = None,
    categories=None,
    request=None,
) -> Engagement:
    """Draft a client's engagement from a catalog plan or from scratch.

    Terms come from the plan (or the intake answers), then ``data`` overrides any of them.
    A client with an active engagement changes it with ``engagement_revise`` instead.
    """
    require_staff(actor)
    client = _lock_client(practice, client)
    data = dict(data or {})
    _check_plan(practice, client, plan)
    if "currency" in data and data["currency"] != client.currency:
        raise invalid(
            {
                "currency": [
                    _("The engagement must be in the client's currency (%(currency)s).")
                    % {"currency": client.currency}
                ]
            }
        )
    active = _active(practice, client)
    if active is not None:
        raise SecondActiveEngagement(
            _(
                "%(client)s already has an active engagement (version %(version)s). Change its "
                "terms to make a new version instead."
            )
            % {"client": client.name, "version": active.version},
            errors={"client": [_("This client already has an active engagement.")]},
        )
    open_one = _open(practice, client)
    if open_one is not None:
        raise invalid(
            {
                "client": [
                    _(
                        "Version %(version)s of this client's plan is still being prepared; finish it "
                        "first."
                    )
                    % {"version": open_one.version}
                ]
            }
        )
    engagement = Engagement(
        practice=practice,
        client=client,
        plan=plan,
        currency=client.currency,
        coverage_time_zone=client.time_zone,
        start_date=timezone.localdate(),
        created_by=actor.user,
        version=_next_version(practice, client),
    )
    from clients.selectors import questionnaire_current

    questionnaire = questionnaire_current(practice=practice, client=client)
    initial_categories = _from_questionnaire(engagement, questionnaire)
    initial_windows: list[Window] = []
    if plan is not None:
        for name in PLAN_TERMS:
            setattr(engagement, name, getattr(plan, name))
        engagement.title = plan.name
        initial_windows = list(plan.coverage().windows)
        initial_categories = list(plan.categories.all())
    apply_fields(engagement, data, TERM_FIELDS)
    _quantize(engagement)
    windows = list(windows) if windows is not None else initial_windows
    _check_terms(engagement, windows)
    validated_save(engagement)
    set_windows(practice=practice, owner=engagement, windows=windows)
    set_categories(
        practice=practice,
        owner=engagement,
        categories=categories if categories is not None else initial_categories,
    )
    if client.status == ClientStatus.PROSPECT:
        client.status = ClientStatus.ONBOARDING
        client.save(update_fields=["status", "updated_at"])
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="engagement.created",
        target=engagement,
        data={"plan": plan.name if plan else ""},
        request=request,
    )
    return engagement


@transaction.atomic
def engagement_update(
    *,
    practice: Practice,
    actor: Membership,
    engagement: Engagement,
    data: dict,
    windows: list[Window] | None = None,
    categories=None,
    request=None,
) -> Engagement:
    require_staff(actor)
    _lock_client(practice, engagement.client)
    engagement = (
        Engagement.objects.for_practice(practice).select_related("client").get(pk=engagement.pk)
    )
    if not engagement.is_editable:
        raise ApplicationError(
            _(
                "A %(status)s engagement cannot be edited. Withdraw the proposal, or change the "
                "terms to make a new version."
            )
            % {"status": engagement.get_status_display()}
        )
    data = dict(data)
    if "currency" in data and data["currency"] != engagement.client.currency:
        raise invalid(
            {
                "currency": [
                    _("The engagement must be in the client's currency (%(currency)s).")
                    % {"currency": engagement.client.currency}
                ]
            }
        )
    apply_fields(engagement, data, TERM_FIELDS)
    _quantize(engagement)
    _check_terms(engagement, list(windows) if windows is not None else None)
    validated_save(engagement)
    if windows is not None:
        set_windows(practice=practice, owner=engagement, windows=list(windows))
    if categories is not None:
        set_categories(practice=practice, owner=engagement, categories=categories)
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="engagement.updated",
        target=engagement,
        request=request,
    )
    return engagement


@transaction.atomic
def engagement_propose(
    *, practice: Practice, actor: Membership, engagement: Engagement, request=None
) -> Engagement:
    """Send the engagement to the client for review; the agreement PDF is rendered from it."""
    require_staff(actor)
    _lock_client(practice, engagement.client)
    engagement = (
        Engagement.objects.for_practice(practice).select_related("client").get(pk=engagement.pk)
    )
    if not engagement.is_editable:
        raise ApplicationError(
            _("Only a draft, or an engagement sent back for changes, can be proposed.")
        )
    coverage = engagement.coverage()
    if not coverage.always_on and not coverage.windows:
        raise invalid(
            {"windows": [_("Add at least one coverage window, or choose 24/7 on-call.")]},
            _("The coverage is not set yet."),
        )
    _check_terms(engagement, list(coverage.windows))
    engagement.status = EngagementStatus.PROPOSED
    engagement.proposed_at = timezone.now()
    engagement.proposed_by = actor.user
    engagement.save(update_fields=["status", "proposed_at", "proposed_by", "updated_at"])
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="engagement.proposed",
        target=engagement,
        data={"version": engagement.version},
        request=request,
    )
    engagement_proposed.send(sender=Engagement, engagement=engagement, user=actor.user)
    from clients.tasks import notify_engagement_proposed

    enqueue_on_commit(
        notify_engagement_proposed, practice_id=practice.pk, engagement_id=engagement.pk
    )
    return engagement


@transaction.atomic
def engagement_withdraw(
    *, practice: Practice, actor: Membership, engagement: Engagement, request=None
) -> Engagement:
    """Take a proposal back to draft so its terms can change."""
    require_staff(actor)
    _lock_client(practice, engagement.client)
    engagement = Engagement.objects.for_practice(practice).get(pk=engagement.pk)
    if engagement.status != EngagementStatus.PROPOSED:
        raise ApplicationError(_("Only a proposed engagement can be withdrawn."))
    engagement.status = EngagementStatus.DRAFT
    engagement.save(update_fields=["status", "updated_at"])
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="engagement.withdrawn",
        target=engagement,
        request=request,
    )
    return engagement


def _contact_may_approve(engagement: Engagement, membership: Membership) -> None:
    from clients.selectors import contact_for_membership

    contact = contact_for_membership(membership=membership)
    if contact is None or contact.client_id != engagement.client_id:
        raise ApplicationError(_("Only a contact of this client can answer this proposal."))
    if not contact.portal_documents:
        raise ApplicationError(_("You are not allowed to approve documents for this client."))


@transaction.atomic
def engagement_accept(
    *,
    practice: Practice,
    engagement: Engagement,
    membership: Membership,
    name: str = "",
    request=None,
) -> Engagement:
    """The client accepts the proposal: it becomes the active engagement (recording who and
    when, under the full name they typed if any); the version it replaces is superseded."""
    _contact_may_approve(engagement, membership)
    client = _lock_client(practice, engagement.client)
    engagement = Engagement.objects.for_practice(practice).get(pk=engagement.pk)
    if engagement.status != EngagementStatus.PROPOSED:
        raise ApplicationError(_("This engagement is not awaiting your answer."))
    active = _active(practice, client)
    if active is not None:
        if engagement.replaces_id != active.pk:
            raise SecondActiveEngagement(
                _(
                    "%(client)s already has an active engagement (version %(version)s); a "
                    "client can have only one."
                )
                % {"client": client.name, "version": active.version},
                errors={"status": [_("The client already has an active engagement.")]},
            )
        # Supersede first: the database allows one active engagement per client.
        active.status = EngagementStatus.SUPERSEDED
        active.save(update_fields=["status", "updated_at"])
    now = timezone.now()
    engagement.status = EngagementStatus.ACTIVE
    engagement.accepted_at = now
    engagement.accepted_by = membership.user
    engagement.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
    # The acceptance is an approval of the agreement, recorded like a document's approval.
    from documents.acceptance import agreement_acceptance_record

    agreement_acceptance_record(
        practice=practice,
        engagement=engagement,
        user=membership.user,
        name=name,
        request=request,
    )
    if client.status != ClientStatus.ACTIVE:
        client.status = ClientStatus.ACTIVE
        client.save(update_fields=["status", "updated_at"])
    activity_record(
        practice=practice,
        actor=membership.user,
        verb="engagement.accepted",
        target=engagement,
        data={"version": engagement.version},
        request=request,
    )
    engagement_accepted.send(sender=Engagement, engagement=engagement, user=membership.user)
    return engagement


@transaction.atomic
def engagement_request_changes(
    *,
    practice: Practice,
    engagement: Engagement,
    membership: Membership,
    comment: str,
    request=None,
) -> Engagement:
    _contact_may_approve(engagement, membership)
    comment = (comment or "").strip()
    if not comment:
        raise invalid({"comment": [_("Tell the practice what you would like to change.")]})
    _lock_client(practice, engagement.client)
    engagement = Engagement.objects.for_practice(practice).get(pk=engagement.pk)
    if engagement.status != EngagementStatus.PROPOSED:
        raise ApplicationError(_("This engagement is not awaiting your answer."))
    engagement.status = EngagementStatus.CHANGES_REQUESTED
    engagement.change_request = comment[:5000]
    engagement.changes_requested_at = timezone.now()
    engagement.changes_requested_by = membership.user
    engagement.save(
        update_fields=[
            "status",
            "change_request",
            "changes_requested_at",
            "changes_requested_by",
            "updated_at",
        ]
    )
    activity_record(
        practice=practice,
        actor=membership.user,
        verb="engagement.changes_requested",
        target=engagement,
        data={"comment": comment[:500]},
        request=request,
    )
    from clients.tasks import notify_changes_requested

    enqueue_on_commit(
        notify_changes_requested, practice_id=practice.pk, engagement_id=engagement.pk
    )
    return engagement


@transaction.atomic
def engagement_revise(
    *,
    practice: Practice,
    actor: Membership,
    engagement: Engagement,
    plan: ServicePlan | None = None,
    request=None,
) -> Engagement:
    """Change an active engagement: draft a new version, from its current terms or from the
    catalog ``plan`` (its terms, coverage and services; the version records the plan). The
    active one stays in force (and in the history) until the client accepts the new version."""
    require_staff(actor)
    client = _lock_client(practice, engagement.client)
    _check_plan(practice, client, plan)
    current = (
        Engagement.objects.for_practice(practice)
        .prefetch_related("windows", "categories")
        .get(pk=engagement.pk)
    )
    if current.status != EngagementStatus.ACTIVE:
        raise ApplicationError(_("Only the active engagement can be changed this way."))
    open_one = _open(practice, client)
    if open_one is not None:
        raise ApplicationError(
            _("Version %(version)s is already being prepared.") % {"version": open_one.version}
        )
    source = plan if plan is not None else current
    windows = list(source.coverage().windows)
    categories = list(source.categories.all())
    revision = Engagement(
        practice=practice,
        client=client,
        plan=plan if plan is not None else current.plan,
        currency=current.currency,
        replaces=current,
        version=_next_version(practice, client),
        created_by=actor.user,
    )
    for name in TERM_FIELDS:
        setattr(revision, name, getattr(current, name))
    if plan is not None:
        for name in PLAN_TERMS:
            setattr(revision, name, getattr(plan, name))
        revision.title = plan.name
    revision.start_date = max(current.start_date, timezone.localdate())
    validated_save(revision)
    set_windows(practice=practice, owner=revision, windows=windows)
    set_categories(practice=practice, owner=revision, categories=categories)
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="engagement.revised",
        target=revision,
        data={"replaces": current.version, **({"plan": plan.name} if plan else {})},
        request=request,
    )
    return revision


@transaction.atomic
def engagement_end(
    *, practice: Practice, actor: Membership, engagement: Engagement, end_date=None, request=None
) -> Engagement:
    require_staff(actor)
    client = _lock_client(practice, engagement.client)
    engagement = Engagement.objects.for_practice(practice).get(pk=engagement.pk)
    if engagement.status != EngagementStatus.ACTIVE:
        raise ApplicationError(_("Only the active engagement can be ended."))
    end_date = end_date or timezone.localdate()
    if dates_out_of_range(end_date=end_date):
        raise invalid(
            {name: [message] for name, message in dates_out_of_range(end_date=end_date).items()}
        )
    if end_date < engagement.start_date:
        raise invalid({"end_date": [_("The end date must be on or after the start date.")]})
    engagement.status = EngagementStatus.ENDED
    engagement.end_date = end_date
    engagement.ended_at = timezone.now()
    engagement.save(update_fields=["status", "end_date", "ended_at", "updated_at"])
    client.status = ClientStatus.ENDED
    client.save(update_fields=["status", "updated_at"])
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="engagement.ended",
        target=engagement,
        request=request,
    )
    return engagement


@transaction.atomic
def engagement_discard(
    *, practice: Practice, actor: Membership, engagement: Engagement, request=None
) -> None:
    """Delete a draft that was never proposed."""
    require_staff(actor)
    _lock_client(practice, engagement.client)
    engagement = Engagement.objects.for_practice(practice).get(pk=engagement.pk)
    if engagement.status != EngagementStatus.DRAFT or engagement.proposed_at is not None:
        raise ApplicationError(_("Only a draft that was never proposed can be discarded."))
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="engagement.discarded",
        target=engagement,
        request=request,
    )
    engagement.delete()
