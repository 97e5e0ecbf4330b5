"""The engagement builder (staff) and the client's review of it (portal)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clients import selectors, services
from clients.access import contact_view
from clients.agreement_wording import agreement_wording, terms_changes
from clients.coverage import Coverage
from clients.coverage_widget import WeeklyWindowsWidget
from clients.forms import (
    AgreementAcceptForm,
    ChangeRequestForm,
    EndEngagementForm,
    EngagementForm,
    EngagementStartForm,
)
from clients.models import Engagement, EngagementStatus
from clients.schedule import describe, grids_for, parse_windows
from clients.staffing import staffing_checks
from clients.usage import period_usage
from clients.views._common import (
    client_for,
    render_form,
    usage_chart,
)
from secretary.access import staff_view
from secretary.errors import ApplicationError, form_submit
from secretary.models import validate_time_zone

# Statuses a client contact may see (drafts stay with the practice).
CLIENT_VISIBLE = (
    EngagementStatus.PROPOSED,
    EngagementStatus.CHANGES_REQUESTED,
    EngagementStatus.ACTIVE,
    EngagementStatus.SUPERSEDED,
    EngagementStatus.ENDED,
)


def _grids(engagement: Engagement, *, viewer_zone: str | None = None, coverage=None):
    """Coverage grids in the coverage zone, the client's, the viewer's (staff) and the primary
    secretary's; equal zones share one grid."""
    coverage = coverage or engagement.coverage()
    client = engagement.client
    secretary = client.primary_secretary
    zones = [
        (_("Coverage"), coverage.time_zone),
        (_("Client (%(name)s)") % {"name": client.name}, client.time_zone),
    ]
    if viewer_zone:
        zones.append((_("You"), viewer_zone))
    if secretary is not None:
        zones.append(
            (_("Secretary (%(name)s)") % {"name": secretary.user}, secretary.user.time_zone)
        )
    return grids_for(coverage, zones)


def _engagement_context(request, engagement: Engagement, **extra) -> dict:
    usage = period_usage(engagement=engagement) if engagement.status == "active" else None
    return {
        "engagement": engagement,
        "client": engagement.client,
        "coverage_text": describe(engagement.coverage()),
        "chart": usage_chart(usage, engagement.alert_threshold_percent),
        # The service agreement (rendered by the documents app once proposed).
        "documents_partial": engagement.status != EngagementStatus.DRAFT,
        **extra,
    }


def _engagement(request, engagement_id) -> Engagement:
    engagement = selectors.engagement_get(practice=request.practice, engagement_id=engagement_id)
    client_for(request, engagement.client_id)  # audit regulated clients
    return engagement


@staff_view
@require_http_methods(["GET", "POST"])
def engagement_create(request, client_id: int):
    """Start the client's customized plan from a catalog plan or from scratch."""
    client = client_for(request, client_id)
    form = EngagementStartForm(request.POST or None, practice=request.practice)
    done, engagement = form_submit(
        request,
        form,
        lambda data: services.engagement_create(
            practice=request.practice,
            actor=request.membership,
            client=client,
            plan=data["plan"],
            request=request,
        ),
        success=_("Draft created: adjust any term, then propose it."),
    )
    if done:
        return redirect(
            "engagement_edit", practice_slug=request.practice.slug, engagement_id=engagement.pk
        )
    context = {
        "form": form,
        "client": client,
        "active": selectors.engagement_active(practice=request.practice, client=client),
        "open_engagement": selectors.engagement_open(practice=request.practice, client=client),
        "questionnaire": selectors.questionnaire_current(practice=request.practice, client=client),
    }
    return render_form(
        request, "clients/engagement_start.html", context, failed=request.method == "POST"
    )


@staff_view
def engagement_detail(request, engagement_id: int):
    engagement = _engagement(request, engagement_id)
    history = selectors.engagements_of(practice=request.practice, client=engagement.client)
    previous, changes = _staff_comparison(request, engagement)
    context = _engagement_context(
        request,
        engagement,
        history=history,
        grids=_grids(engagement, viewer_zone=request.user.time_zone),
        end_form=EndEngagementForm(),
        previous=previous,
        changes=changes,
        is_proposal=engagement.status != EngagementStatus.ACTIVE and previous is not None,
        revision_plans=(
            selectors.plans_for_revision(practice=request.practice, client=engagement.client)
            if engagement.status == EngagementStatus.ACTIVE
            else []
        ),
    )
    return render(request, "clients/engagement_detail.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def engagement_edit(request, engagement_id: int):
    engagement = _engagement(request, engagement_id)
    if not engagement.is_editable:
        messages.error(request, _("This engagement can no longer be edited."))
        return redirect(
            "engagement_detail", practice_slug=request.practice.slug, engagement_id=engagement.pk
        )
    if request.method == "POST" and request.POST.get("preview"):
        return _coverage_preview(request, engagement)
    form = EngagementForm(request.POST or None, instance=engagement, practice=request.practice)
    done, _engagement_saved = form_submit(
        request,
        form,
        lambda data: services.engagement_update(
            practice=request.practice,
            actor=request.membership,
            engagement=engagement,
            data=form.terms(),
            windows=data["windows"],
            categories=data["categories"],
            request=request,
        ),
        success=_("Saved."),
    )
    if done:
        return redirect(
            "engagement_detail", practice_slug=request.practice.slug, engagement_id=engagement.pk
        )
    engagement = selectors.engagement_get(practice=request.practice, engagement_id=engagement.pk)
    typed = None
    if form.is_bound and {"windows", "coverage_time_zone"} <= set(form.cleaned_data):
        # A form sent back with errors previews the coverage as typed, not as saved.
        typed = Coverage(
            time_zone=form.cleaned_data["coverage_time_zone"],
            windows=tuple(form.cleaned_data["windows"]),
            always_on=bool(form.cleaned_data.get("on_call")),
        )
    context = {
        "form": form,
        "engagement": engagement,
        "client": engagement.client,
        "grids": _grids(engagement, viewer_zone=request.user.time_zone, coverage=typed),
        "staffing": staffing_checks(request, engagement, typed or engagement.coverage()),
        "questionnaire": selectors.questionnaire_current(
            practice=request.practice, client=engagement.client
        ),
    }
    return render_form(
        request, "clients/engagement_form.html", context, failed=request.method == "POST"
    )


def _staff_comparison(request, engagement: Engagement):
    """The version this one replaces (a new version not yet in force) and what reads
    differently, term by term in the agreement's words: (previous, changes)."""
    if engagement.replaces_id is None or engagement.status in (
        EngagementStatus.ACTIVE,
        EngagementStatus.ENDED,
    ):
        return None, None
    previous = selectors.engagement_get(
        practice=request.practice, engagement_id=engagement.replaces_id
    )
    wording = agreement_wording(engagement)
    if wording is None:
        return previous, None
    return previous, terms_changes(agreement_wording(previous), wording)


def _coverage_preview(request, engagement: Engagement):
    """The grids for unsaved coverage input (HTMX, while typing); nothing is stored."""
    problems: list[str] = []
    zone = request.POST.get("coverage_time_zone") or engagement.coverage_time_zone
    try:
        validate_time_zone(zone)
        windows = parse_windows(
            WeeklyWindowsWidget().value_from_datadict(request.POST, None, "windows")
        )
    except ValidationError as error:
        problems, windows = error.messages, []
    coverage = Coverage(
        time_zone=zone if not problems else engagement.coverage_time_zone,
        windows=tuple(windows),
        always_on=bool(request.POST.get("on_call")),
    )
    grids = (
        []
        if problems
        else _grids(engagement, viewer_zone=request.user.time_zone, coverage=coverage)
    )
    staffing = [] if problems else staffing_checks(request, engagement, coverage)
    return render(
        request,
        "clients/partials/coverage_preview.html",
        {"grids": grids, "problems": problems, "staffing": staffing},
    )


def _transition(request, engagement_id: int, service, success: str, **kwargs):
    engagement = _engagement(request, engagement_id)
    try:
        result = service(
            practice=request.practice,
            actor=request.membership,
            engagement=engagement,
            request=request,
            **kwargs,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        for field_errors in error.errors.values():
            for message in field_errors:
                messages.error(request, message)
        result = engagement
    else:
        messages.success(request, success)
    if result is None:
        return redirect(
            "client_detail", practice_slug=request.practice.slug, client_id=engagement.client_id
        )
    return redirect(
        "engagement_detail", practice_slug=request.practice.slug, engagement_id=result.pk
    )


@staff_view
@require_POST
def engagement_propose(request, engagement_id: int):
    return _transition(
        request,
        engagement_id,
        services.engagement_propose,
        # The agreement's PDF shows its own live status on the page: no claim about it here.
        _("Proposed: the client can review it and its agreement in the portal."),
    )


@staff_view
@require_POST
def engagement_withdraw(request, engagement_id: int):
    return _transition(
        request,
        engagement_id,
        services.engagement_withdraw,
        _("The proposal was withdrawn; it is a draft again."),
    )


@staff_view
@require_POST
def engagement_revise(request, engagement_id: int):
    """Draft the next version of an active engagement from its current terms, or from the
    catalog plan posted as ``start_from``."""
    start_from = request.POST.get("start_from", "current")
    plan = None
    if start_from != "current":
        plan = selectors.plan_for_revision(practice=request.practice, plan_id=start_from)
        if plan is None:
            messages.error(request, _("Choose the current terms or a plan of the catalog."))
            return redirect(
                "engagement_detail",
                practice_slug=request.practice.slug,
                engagement_id=engagement_id,
            )
    return _transition(
        request,
        engagement_id,
        services.engagement_revise,
        _(
            "New version drafted. The current one stays in force until the "
            "client accepts the new one."
        ),
        plan=plan,
    )


@staff_view
@require_POST
def engagement_end(request, engagement_id: int):
    form = EndEngagementForm(request.POST)
    end_date = form.cleaned_data.get("end_date") if form.is_valid() else None
    return _transition(
        request,
        engagement_id,
        services.engagement_end,
        _("The engagement has ended."),
        end_date=end_date,
    )


@staff_view
@require_POST
def engagement_discard(request, engagement_id: int):
    return _transition(
        request, engagement_id, services.engagement_discard, _("The draft was discarded.")
    )


# --- Portal -------------------------------------------------------------------------------


@contact_view()
def portal_plan(request):
    """The client's current plan, hours used this month, and any proposal awaiting review."""
    practice, client = request.practice, request.client
    active = selectors.engagement_active(practice=practice, client=client)
    proposals = list(
        selectors.engagements_of(practice=practice, client=client).filter(
            status__in=[EngagementStatus.PROPOSED, EngagementStatus.CHANGES_REQUESTED]
        )
    )
    history = list(
        selectors.engagements_of(practice=practice, client=client).filter(
            status__in=[EngagementStatus.SUPERSEDED, EngagementStatus.ENDED]
        )
    )
    context = {"active": active, "proposals": proposals, "history": history}
    if active is not None:
        context.update(_engagement_context(request, active))
        context["grids"] = _grids(active, viewer_zone=request.contact.shown_time_zone)
        context["wording"] = agreement_wording(active)
    return render(request, "clients/portal/plan.html", context)


def _portal_engagement(request, engagement_id) -> Engagement:
    engagement = selectors.engagement_get(
        practice=request.practice, engagement_id=engagement_id, client=request.client
    )
    if engagement.status not in CLIENT_VISIBLE:
        raise Http404
    return engagement


def _compared_with(request, engagement: Engagement) -> Engagement | None:
    """The version a client reads this one against: for a proposal, the plan in force (or
    the version it would replace); for an earlier or current version, the one it replaced."""
    if engagement.status in (EngagementStatus.PROPOSED, EngagementStatus.CHANGES_REQUESTED):
        active = selectors.engagement_active(practice=request.practice, client=request.client)
        if active is not None and active.pk != engagement.pk:
            return active
    if engagement.replaces_id is None:
        return None
    try:
        previous = _portal_engagement(request, engagement.replaces_id)
    except Http404:
        return None
    return previous


def _portal_review(request, engagement: Engagement, **extra) -> dict:
    """The portal page of a version: its terms in the agreement's words and what reads
    differently from the version it is compared with."""
    wording = agreement_wording(engagement)
    previous = _compared_with(request, engagement)
    changes = None
    if wording is not None and previous is not None:
        changes = terms_changes(agreement_wording(previous), wording)
    forms = {"accept_form": AgreementAcceptForm(), "change_form": ChangeRequestForm(), **extra}
    context = _engagement_context(
        request,
        engagement,
        grids=_grids(engagement, viewer_zone=request.contact.shown_time_zone),
        wording=wording,
        previous=previous,
        changes=changes,
        is_proposal=engagement.status
        in (EngagementStatus.PROPOSED, EngagementStatus.CHANGES_REQUESTED),
        may_answer=request.contact.portal_documents
        and engagement.status == EngagementStatus.PROPOSED,
        **forms,
    )
    context["documents_partial"] = context["documents_partial"] and request.contact.portal_documents
    return context


@contact_view()
def portal_engagement(request, engagement_id: int):
    engagement = _portal_engagement(request, engagement_id)
    return render(request, "clients/portal/engagement.html", _portal_review(request, engagement))


@contact_view("documents")
@require_POST
def portal_engagement_accept(request, engagement_id: int):
    engagement = _portal_engagement(request, engagement_id)
    form = AgreementAcceptForm(request.POST)
    done, _accepted = form_submit(
        request,
        form,
        lambda data: services.engagement_accept(
            practice=request.practice,
            engagement=engagement,
            membership=request.membership,
            name=data["name"],
            request=request,
        ),
        success=_("Thank you: the plan is accepted and now in force."),
    )
    if done:
        return redirect(
            "portal_engagement", practice_slug=request.practice.slug, engagement_id=engagement.pk
        )
    context = _portal_review(request, engagement, accept_form=form)
    return render(request, "clients/portal/engagement.html", context, status=400)


@contact_view("documents")
@require_POST
def portal_engagement_changes(request, engagement_id: int):
    engagement = _portal_engagement(request, engagement_id)
    form = ChangeRequestForm(request.POST)
    done, _engagement_saved = form_submit(
        request,
        form,
        lambda data: services.engagement_request_changes(
            practice=request.practice,
            engagement=engagement,
            membership=request.membership,
            comment=data["comment"],
            request=request,
        ),
        success=_("Your comments were sent to the practice."),
    )
    if done:
        return redirect(
            "portal_engagement", practice_slug=request.practice.slug, engagement_id=engagement.pk
        )
    context = _portal_review(request, engagement, change_form=form)
    return render(request, "clients/portal/engagement.html", context, status=400)
