"""Pages of the playbook: the staff page, editor, history and proposal review, the quick
switcher's results, and the portal's reading and proposing."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clients import selectors as client_selectors
from clients.access import contact_view
from clients.playbook import selectors, services
from clients.playbook.content import SECTIONS, changed_sections, empty_content, section_label
from clients.playbook.forms import PlaybookForm
from clients.playbook.models import ProposalStatus
from clients.schedule import describe
from clients.views._common import client_for
from secretary.access import staff_view
from secretary.errors import ApplicationError

MAX_REASON = 2_000


def _sections(content: dict | None) -> list[dict]:
    """The sections of ``content`` in order, for the read-only layout."""
    content = {**empty_content(), **(content or {})}
    return [
        {"key": spec.name, "label": spec.label, "type": spec.type, "value": content[spec.name]}
        for spec in SECTIONS
    ]


def _coverage_text(request, client) -> str:
    engagement = client_selectors.engagement_active(practice=request.practice, client=client)
    return describe(engagement.coverage()) if engagement is not None else ""


# --- Staff ------------------------------------------------------------------------------------


@staff_view
@require_GET
def playbook_detail(request, client_id: int):
    client = client_for(request, client_id)
    playbook = selectors.playbook_of(practice=request.practice, client=client)
    pending = list(
        selectors.proposals_of(practice=request.practice, playbook=playbook, pending_only=True)
    )
    return render(
        request,
        "clients/playbook/detail.html",
        {
            "client": client,
            "playbook": playbook,
            "sections": _sections(playbook.content if playbook else None),
            "coverage_text": _coverage_text(request, client),
            "pending": pending,
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def playbook_edit(request, client_id: int):
    client = client_for(request, client_id)
    playbook = selectors.playbook_of(practice=request.practice, client=client)
    status = 200
    if request.method == "POST":
        form = PlaybookForm(request.POST)
        action = request.POST.get("action", "")
        if action:
            form.apply_action(action)
        elif form.is_valid():
            try:
                version = services.playbook_save(
                    practice=request.practice,
                    client=client,
                    actor=request.membership,
                    content=form.content,
                    base_number=form.base_number,
                    note=form.note,
                    request=request,
                )
            except ApplicationError as error:
                form.add_error(error)
            else:
                if version is None:
                    messages.info(request, _("Nothing changed: no new version."))
                else:
                    messages.success(request, _("Saved as version %(n)s.") % {"n": version.number})
                return redirect("playbook_detail", request.practice.slug, client.pk)
        if form.errors or form.field_errors:
            status = 400
    else:
        form = PlaybookForm(
            content=playbook.content if playbook else None,
            base_number=playbook.version if playbook else 0,
        )
    context = {
        "client": client,
        "playbook": playbook,
        "form": form,
        "editor_url": request.path,
        "list_target": "#playbook-form",
        "coverage_text": _coverage_text(request, client),
    }
    if request.htmx:
        return render(request, "clients/playbook/partials/form.html", context, status=status)
    return render(request, "clients/playbook/edit.html", context, status=status)


@staff_view
@require_GET
def playbook_versions(request, client_id: int):
    client = client_for(request, client_id)
    playbook = selectors.playbook_of(practice=request.practice, client=client)
    versions = list(selectors.versions_of(practice=request.practice, playbook=playbook)[:200])
    for version in versions:
        version.changed_labels = [section_label(key) for key in version.changed]
    proposals = list(selectors.proposals_of(practice=request.practice, playbook=playbook)[:50])
    return render(
        request,
        "clients/playbook/versions.html",
        {"client": client, "playbook": playbook, "versions": versions, "proposals": proposals},
    )


@staff_view
@require_GET
def playbook_version(request, client_id: int, number: int):
    client = client_for(request, client_id)
    playbook = selectors.playbook_of(practice=request.practice, client=client)
    version = selectors.version_get(practice=request.practice, playbook=playbook, number=number)
    return render(
        request,
        "clients/playbook/version.html",
        {
            "client": client,
            "playbook": playbook,
            "version": version,
            "sections": _marked(_sections(version.content), version.changed),
        },
    )


def _marked(sections: list[dict], changed) -> list[dict]:
    for section in sections:
        section["changed"] = section["key"] in changed
    return sections


@staff_view
@require_http_methods(["GET", "POST"])
def proposal_review(request, client_id: int, proposal_id: int):
    """A proposal side by side with the current playbook; accept it or decline with a reason."""
    client = client_for(request, client_id)
    proposal = selectors.proposal_get(
        practice=request.practice, client=client, proposal_id=proposal_id
    )
    playbook = proposal.playbook
    error = ""
    reason = ""
    if request.method == "POST":
        decision = request.POST.get("decision")
        reason = str(request.POST.get("reason", ""))[: MAX_REASON + 1]
        try:
            if decision == "accept":
                services.proposal_accept(
                    practice=request.practice,
                    proposal=proposal,
                    actor=request.membership,
                    request=request,
                )
                messages.success(request, _("The proposal is the playbook's new version."))
                return redirect("playbook_detail", request.practice.slug, client.pk)
            if decision == "decline":
                services.proposal_decline(
                    practice=request.practice,
                    proposal=proposal,
                    actor=request.membership,
                    reason=reason,
                    request=request,
                )
                messages.success(request, _("The proposal was declined."))
                return redirect("playbook_detail", request.practice.slug, client.pk)
            error = _("Choose to accept or decline.")
        except ApplicationError as problem:
            error = str(problem.message)
    current = _sections(playbook.content if playbook.version else None)
    proposed = _sections(proposal.content)
    since = changed_sections(playbook.content if playbook.version else None, proposal.content)
    rows = [
        {
            "label": now["label"],
            "type": now["type"],
            "now": now["value"],
            "proposed": new["value"],
            "changed": now["key"] in since,
        }
        for now, new in zip(current, proposed, strict=True)
    ]
    return render(
        request,
        "clients/playbook/proposal.html",
        {
            "client": client,
            "playbook": playbook,
            "proposal": proposal,
            "rows": rows,
            "error": error,
            "reason": reason,
            "stale": proposal.base_number != playbook.version,
        },
        status=400 if error else 200,
    )


@staff_view
@require_GET
def client_switcher(request):
    """The quick switcher's results (JSON; an HTML list without JavaScript)."""
    text = str(request.GET.get("q", ""))[:80]
    clients = selectors.switcher_clients(membership=request.membership, text=text)
    slug = request.practice.slug
    results = [
        {
            "id": client.pk,
            "name": client.name,
            "status": client.get_status_display(),
            "playbook_url": reverse("playbook_detail", args=[slug, client.pk]),
            "call_url": reverse("call_new", args=[slug]) + f"?client={client.pk}",
        }
        for client in clients
    ]
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"results": results})
    return render(request, "clients/playbook/switcher.html", {"results": results, "q": text})


# --- Client tab -------------------------------------------------------------------------------


def client_tab_context(request, client) -> dict:
    playbook = selectors.playbook_of(practice=request.practice, client=client)
    return {
        "client": client,
        "playbook": playbook,
        "inquiries": (playbook.content.get("inquiries", []) if playbook else [])[:10],
        "pending": selectors.pending_count(practice=request.practice, client=client),
    }


def client_tab_count(request, client):
    return selectors.pending_count(practice=request.practice, client=client) or None


# --- Portal -----------------------------------------------------------------------------------


@contact_view(services.PORTAL_PART)
@require_GET
def portal_playbook(request):
    playbook = selectors.playbook_of(practice=request.practice, client=request.client)
    proposals = list(selectors.proposals_of(practice=request.practice, playbook=playbook)[:20])
    return render(
        request,
        "clients/playbook/portal_detail.html",
        {
            "playbook": playbook,
            "sections": _sections(playbook.content if playbook else None),
            "proposals": proposals,
            "pending_status": ProposalStatus.PENDING,
        },
    )


@contact_view(services.PORTAL_PART)
@require_http_methods(["GET", "POST"])
def portal_playbook_propose(request):
    playbook = selectors.playbook_of(practice=request.practice, client=request.client)
    status = 200
    if request.method == "POST":
        form = PlaybookForm(request.POST)
        action = request.POST.get("action", "")
        if action:
            form.apply_action(action)
        elif form.is_valid():
            try:
                services.playbook_propose(
                    practice=request.practice,
                    contact=request.contact,
                    content=form.content,
                    message=form.message,
                    request=request,
                )
            except ApplicationError as error:
                form.add_error(error)
            else:
                messages.success(
                    request, _("Thank you: your proposal was sent to the practice for review.")
                )
                return redirect("portal_playbook", request.practice.slug)
        if form.errors or form.field_errors:
            status = 400
    else:
        form = PlaybookForm(content=playbook.content if playbook else None)
    context = {
        "playbook": playbook,
        "form": form,
        "editor_url": request.path,
        "list_target": "#playbook-form",
        "portal": True,
    }
    if request.htmx:
        return render(request, "clients/playbook/partials/form.html", context, status=status)
    return render(request, "clients/playbook/portal_propose.html", context, status=status)
