"""Staff pages: the client list, a client's page, its contacts, team and agreements."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clients import selectors, services
from clients.forms import AgreementForm, ClientFilterForm, ClientForm, ContactForm
from clients.sections import OVERVIEW, client_tabs, section_keys
from clients.usage import usage_for_engagements
from clients.views._common import client_for, render_form, usage_chart
from secretary.access import admin_view, staff_view
from secretary.errors import ApplicationError, form_submit
from secretary.files import stored_file_response
from secretary.models import Invitation, Role
from secretary.selectors import membership_get

PAGE_SIZE = 25


def _to_client(request, client):
    return redirect("client_detail", practice_slug=request.practice.slug, client_id=client.pk)


@staff_view
def client_list(request):
    """The practice's clients: every one for owners and admins, "My clients" (primary or on
    the team) for secretaries, until the filter says otherwise."""
    practice = request.practice
    default = selectors.default_scope(request.membership)
    data = request.GET.copy()
    data.setdefault("scope", default)
    form = ClientFilterForm(data, practice=practice)
    filters = form.cleaned_data if form.is_valid() else {}
    scope = filters.get("scope") or default
    clients = selectors.client_list(
        practice=practice,
        search=(filters.get("q") or "").strip(),
        status=filters.get("status") or "",
        secretary=filters.get("secretary"),
        specialty=filters.get("specialty") or "",
        mine_for=request.membership if scope == "mine" else None,
        order=filters.get("sort") or "name",
    )
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # The active engagements, read once: the plan column and the hours used against them.
    active = selectors.engagements_active(practice=practice, client_ids=[c.pk for c in rows])
    usage = usage_for_engagements(practice=practice, engagements=active.values())
    for client in rows:
        client.active_engagement = engagement = active.get(client.pk)
        client.usage_chart = (
            usage_chart(usage[engagement.pk], engagement.alert_threshold_percent)
            if engagement is not None
            else None
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "scope": scope, "query": query.urlencode()}
    template = "clients/partials/client_rows.html" if request.htmx else "clients/client_list.html"
    return render(request, template, context)


@staff_view
@require_http_methods(["GET", "POST"])
def client_create(request):
    form = ClientForm(
        request.POST or None, practice=request.practice, membership=request.membership
    )

    def create(cleaned):
        data = dict(cleaned)
        if data.get("primary_secretary") is None:
            data.pop("primary_secretary", None)
        return services.client_create(
            practice=request.practice, actor=request.membership, data=data, request=request
        )

    done, client = form_submit(
        request,
        form,
        create,
        success=lambda client: _("%(name)s was added.") % {"name": client.name},
    )
    if done:
        return _to_client(request, client)
    return render_form(
        request, "clients/client_form.html", {"form": form}, failed=request.method == "POST"
    )


@staff_view
def client_detail(request, client_id: int):
    """A client's page: its header, then tabs (overview, tasks, time, documents, billing...)
    with counts; ``?tab=`` opens one, and HTMX swaps the tabs alone."""
    client = client_for(request, client_id)
    active = request.GET.get("tab") or OVERVIEW
    if active not in section_keys():
        active = OVERVIEW
    tabs, opened = client_tabs(request, client, active)
    context = {
        "client": client,
        "tabs": tabs,
        "active_tab": active,
        "opened": opened,
        "overview_url": request.path,
    }
    if active == OVERVIEW:
        context.update(_overview(request, client))
    template = "clients/partials/client_tabs.html" if request.htmx else "clients/client_detail.html"
    return render(request, template, context)


def _overview(request, client) -> dict:
    practice = request.practice
    contacts = selectors.contacts_of(practice=practice.pk, client=client.pk)
    pending = {}
    emails = [c.email for c in contacts if c.email and c.membership_id is None]
    if emails:
        for invitation in Invitation.objects.for_practice(practice).filter(
            role=Role.CLIENT, email__in=emails, accepted_at__isnull=True, revoked_at__isnull=True
        ):
            if invitation.is_pending:
                pending[invitation.grants.get("contact_id")] = invitation
    for contact in contacts:
        contact.pending_invitation = pending.get(contact.pk)
    engagements, active, open_engagement = selectors.client_engagements(
        practice=practice, client=client
    )
    questionnaire = selectors.questionnaire_current(practice=practice, client=client)
    usage = (
        usage_for_engagements(practice=practice, engagements=[active])[active.pk]
        if active is not None
        else None
    )
    team = selectors.team_of(client=client)
    cleared = selectors.members_cleared_for(client=client) if client.is_regulated else None
    for member in team:
        member.cleared = cleared is None or member.pk in cleared
    activity = selectors.recent_activity(
        practice=practice,
        client=client,
        engagement_ids=[e.pk for e in engagements],
        contact_ids=[c.pk for c in contacts],
    )
    for event in activity:
        event.url = _activity_url(practice, client, event)
    return {
        "contacts": contacts,
        "team": team,
        "agreements": list(selectors.agreements_of(client=client)) if client.is_regulated else [],
        "active": active,
        "open_engagement": open_engagement,
        "engagements": engagements,
        "questionnaire": questionnaire,
        "onboarding": selectors.onboarding_state(
            questionnaire=questionnaire, open_engagement=open_engagement, active_engagement=active
        ),
        "chart": usage_chart(usage, active.alert_threshold_percent if active else None),
        "brand": selectors.brand_for(practice=practice, client=client),
        "activity": activity,
    }


def _activity_url(practice, client, event) -> str | None:
    """Where an activity entry's object is shown (None when it is gone from the page)."""
    kwargs = {"practice_slug": practice.slug, "client_id": client.pk}
    if event.target_type == "clients.engagement" and event.target_id.isdigit():
        return reverse(
            "engagement_detail",
            kwargs={"practice_slug": practice.slug, "engagement_id": int(event.target_id)},
        )
    if event.target_type == "clients.contact" and event.target_id.isdigit():
        return reverse("contact_edit", kwargs={**kwargs, "contact_id": int(event.target_id)})
    return None


@staff_view
@require_http_methods(["GET", "POST"])
def client_edit(request, client_id: int):
    client = client_for(request, client_id)
    form = ClientForm(
        request.POST or None,
        instance=client,
        practice=request.practice,
        membership=request.membership,
    )
    unsigned = []

    def update(data):
        try:
            return services.client_update(
                practice=request.practice,
                actor=request.membership,
                client=client,
                data=dict(data),
                request=request,
            )
        except services.UnsignedMembers as error:
            # Not a dead end: the page lists who must sign or leave, with the way to do each.
            unsigned.extend(error.members)
            raise

    done, _client = form_submit(request, form, update, success=_("Saved."))
    if done:
        return _to_client(request, client)
    return render_form(
        request,
        "clients/client_form.html",
        {"form": form, "client": client, "unsigned": unsigned},
        failed=request.method == "POST",
    )


@staff_view
@require_POST
def client_team_remove(request, client_id: int, membership_id: int):
    """Take a member off the client's team (and off being its primary secretary)."""
    client = client_for(request, client_id)
    membership = membership_get(practice=request.practice, membership_id=membership_id)
    services.client_team_remove(
        practice=request.practice,
        actor=request.membership,
        client=client,
        membership=membership,
        request=request,
    )
    messages.success(
        request,
        _("%(name)s is no longer on the team of %(client)s.")
        % {"name": membership.user, "client": client.name},
    )
    return _to_client(request, client)


@staff_view
@require_http_methods(["GET", "POST"])
def contact_create(request, client_id: int):
    client = client_for(request, client_id)
    form = ContactForm(request.POST or None, practice=request.practice, client=client)
    done, _contact = form_submit(
        request,
        form,
        lambda data: services.contact_create(
            practice=request.practice,
            actor=request.membership,
            client=client,
            data=data,
            request=request,
        ),
        success=_("Contact added."),
    )
    if done:
        return _to_client(request, client)
    return render_form(
        request,
        "clients/contact_form.html",
        {"form": form, "client": client},
        failed=request.method == "POST",
    )


@staff_view
@require_http_methods(["GET", "POST"])
def contact_edit(request, client_id: int, contact_id: int):
    client = client_for(request, client_id)
    contact = selectors.contact_get(practice=request.practice, client=client, contact_id=contact_id)
    form = ContactForm(
        request.POST or None, instance=contact, practice=request.practice, client=client
    )
    done, _contact = form_submit(
        request,
        form,
        lambda data: services.contact_update(
            practice=request.practice,
            actor=request.membership,
            contact=contact,
            data=data,
            request=request,
        ),
        success=_("Contact saved."),
    )
    if done:
        return _to_client(request, client)
    return render_form(
        request,
        "clients/contact_form.html",
        {"form": form, "client": client, "contact": contact},
        failed=request.method == "POST",
    )


@staff_view
@require_POST
def client_archive(request, client_id: int):
    """Archive a client (clients with history are archived, never deleted)."""
    client = client_for(request, client_id)
    try:
        services.client_archive(
            practice=request.practice, actor=request.membership, client=client, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s was archived; its work and documents stay on record.")
            % {"name": client.name},
        )
    return _to_client(request, client)


@staff_view
@require_POST
def contact_delete(request, client_id: int, contact_id: int):
    client = client_for(request, client_id)
    contact = selectors.contact_get(practice=request.practice, client=client, contact_id=contact_id)
    try:
        services.contact_delete(
            practice=request.practice, actor=request.membership, contact=contact, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Contact removed."))
    return _to_client(request, client)


@staff_view
@require_POST
def contact_invite(request, client_id: int, contact_id: int):
    """Invite a contact to the portal, as a client contact limited to this client."""
    client = client_for(request, client_id)
    contact = selectors.contact_get(practice=request.practice, client=client, contact_id=contact_id)
    try:
        services.contact_invite(
            practice=request.practice, actor=request.membership, contact=contact, request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s was invited to the portal.") % {"name": contact.name})
    return _to_client(request, client)


@admin_view
@require_http_methods(["GET", "POST"])
def agreement_create(request, client_id: int):
    """Record a signed confidentiality agreement (owners and admins vouch for it)."""
    client = client_for(request, client_id)
    form = AgreementForm(
        request.POST or None,
        request.FILES or None,
        practice=request.practice,
        client=client,
        initial={"membership": request.GET.get("membership")},
    )
    done, _agreement = form_submit(
        request,
        form,
        lambda data: services.agreement_record(
            practice=request.practice,
            actor=request.membership,
            client=client,
            request=request,
            **data,
        ),
        success=_("Agreement recorded."),
    )
    if done:
        return _to_client(request, client)
    return render_form(
        request,
        "clients/agreement_form.html",
        {"form": form, "client": client},
        failed=request.method == "POST",
    )


@staff_view
def agreement_file(request, client_id: int, agreement_id: int):
    client = client_for(request, client_id)
    agreement = selectors.agreements_of(client=client).filter(pk=agreement_id).first()
    if agreement is None or not agreement.file:
        raise Http404
    return stored_file_response(agreement.file, filename=agreement.file.name)
