"""The client's side of campaigns in the portal: newsletters awaiting approval (the email as
subscribers will get it, how many people, when), approve or decline with a reason, and the
statistics once sent. Only contacts allowed to approve documents reach it."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clients.access import contact_view
from clients.mailing.campaigns import selectors, services
from clients.mailing.campaigns.forms import DeclineForm
from clients.mailing.campaigns.models import CampaignStatus
from clients.mailing.campaigns.views import email_preview, zone_of
from secretary.errors import ApplicationError

PAGE_SIZE = 25


@contact_view("documents")
@require_GET
def portal_campaigns(request: HttpRequest) -> HttpResponse:
    rows = selectors.portal_campaigns(practice=request.practice, client=request.client)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "clients/mailing/campaigns/portal_campaigns.html", {"page": page})


@contact_view("documents")
@require_http_methods(["GET", "POST"])
def portal_campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(
        practice=request.practice, campaign_id=campaign_id, client=request.client
    )
    decline_form = DeclineForm()
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        try:
            if decision == "approve":
                services.campaign_approve(
                    practice=request.practice,
                    campaign=campaign,
                    membership=request.membership,
                    request=request,
                )
                messages.success(request, _("Thank you: the newsletter is approved."))
                return redirect(request.path)
            decline_form = DeclineForm(request.POST)
            if decline_form.is_valid():
                services.campaign_decline(
                    practice=request.practice,
                    campaign=campaign,
                    membership=request.membership,
                    reason=decline_form.cleaned_data["reason"],
                    request=request,
                )
                messages.success(request, _("Thank you: your secretary will make the changes."))
                return redirect(request.path)
        except ApplicationError as error:
            error.add_to_form(decline_form)
        status = 400
    context = {
        "campaign": campaign,
        "recipients": selectors.recipient_count(campaign),
        "stats": selectors.campaign_stats(campaign),
        "zone": zone_of(campaign),
        "may_decide": campaign.status == CampaignStatus.AWAITING_APPROVAL,
        "decline_form": decline_form,
        **email_preview(request, campaign),
    }
    return render(request, "clients/mailing/campaigns/portal_campaign.html", context, status=status)
