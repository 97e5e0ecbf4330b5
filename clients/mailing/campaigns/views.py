"""Staff pages of campaigns: the list, a new campaign, its page (preview, recipients,
statistics, test, approval, schedule, send, cancel), its deliveries, and the practice's
sending settings (admins)."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.mailing.campaigns import selectors, services
from clients.mailing.campaigns.forms import (
    CampaignCreateForm,
    CampaignForm,
    ScheduleForm,
    SendingSettingsForm,
)
from clients.mailing.campaigns.models import CampaignStatus
from secretary.access import admin_view, staff_view
from secretary.errors import ApplicationError, form_submit

PAGE_SIZE = 25
DELIVERIES_PAGE_SIZE = 50


def _detail_url(request: HttpRequest, campaign) -> str:
    return reverse(
        "campaign_detail",
        kwargs={"practice_slug": request.practice.slug, "campaign_id": campaign.pk},
    )


def email_preview(request: HttpRequest, campaign) -> dict:
    """The email as the subscribers get it (the version sent, else the latest), for a page."""
    from documents.newsletter_email import newsletter_email

    try:
        email = newsletter_email(
            practice=request.practice, composition=campaign.composition, version=campaign.version
        )
    except ApplicationError as error:
        return {"problem": error.message}
    if campaign.subject:
        email.subject = campaign.subject
    return {"email": email, "preview": email.preview_html(style_nonce=str(request.csp_nonce))}


def zone_of(campaign):
    try:
        return zoneinfo.ZoneInfo(campaign.client.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


@staff_view
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.campaigns_of(practice=request.practice), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "clients/mailing/campaigns/campaign_list.html", {"page": page})


@staff_view
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    form = CampaignCreateForm(request.POST or None, practice=request.practice)
    if request.method == "POST":
        done, campaign = form_submit(
            request,
            form,
            lambda data: services.campaign_create(
                practice=request.practice,
                client=data["composition"].client,
                composition=data["composition"],
                audience=data["audience"],
                segment=data.get("segment"),
                name=data.get("name", ""),
                subject=data.get("subject", ""),
                from_name=data.get("from_name", ""),
                from_email=data.get("from_email", ""),
                user=request.user,
                request=request,
            ),
            success=_("Campaign created. Send yourself a test, then ask the client to approve it."),
        )
        if done:
            return redirect(_detail_url(request, campaign))
    return render(
        request,
        "clients/mailing/campaigns/campaign_form.html",
        {"form": form, "campaign": None},
        status=400 if request.method == "POST" else 200,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(practice=request.practice, campaign_id=campaign_id)
    if not campaign.is_editable:
        messages.error(request, _("This campaign can no longer be changed."))
        return redirect(_detail_url(request, campaign))
    initial = {
        field: getattr(campaign, field)
        for field in (
            "composition",
            "audience",
            "segment",
            "name",
            "subject",
            "from_name",
            "from_email",
        )
    }
    form = CampaignForm(request.POST or None, practice=request.practice, initial=initial)
    if request.method == "POST":
        done, _result = form_submit(
            request,
            form,
            lambda data: services.campaign_update(
                practice=request.practice,
                campaign=campaign,
                user=request.user,
                request=request,
                **{field: data.get(field) for field in initial},
            ),
            success=_("Campaign saved."),
        )
        if done:
            return redirect(_detail_url(request, campaign))
    return render(
        request,
        "clients/mailing/campaigns/campaign_form.html",
        {"form": form, "campaign": campaign},
        status=400 if request.method == "POST" else 200,
    )


def _detail_context(request: HttpRequest, campaign, **extra) -> dict:
    zone = zone_of(campaign)
    context = {
        "campaign": campaign,
        "recipients": selectors.recipient_count(campaign),
        "stats": selectors.campaign_stats(campaign),
        "zone": zone,
        "schedule_form": extra.pop("schedule_form", None)
        or ScheduleForm(
            time_zone=str(zone),
            initial={
                "scheduled_at": timezone.localtime(campaign.scheduled_at, zone).replace(tzinfo=None)
            }
            if campaign.scheduled_at
            else None,
        ),
        "statuses": CampaignStatus,
        **email_preview(request, campaign),
    }
    context.update(extra)
    return context


@staff_view
@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(practice=request.practice, campaign_id=campaign_id)
    return render(
        request,
        "clients/mailing/campaigns/campaign_detail.html",
        _detail_context(request, campaign),
    )


def _act(request: HttpRequest, campaign_id: int, action, success: str) -> HttpResponse:
    campaign = selectors.campaign_get(practice=request.practice, campaign_id=campaign_id)
    try:
        action(campaign)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(_detail_url(request, campaign))


@staff_view
@require_POST
def campaign_test_send(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _act(
        request,
        campaign_id,
        lambda campaign: services.campaign_test_send(
            practice=request.practice, campaign=campaign, user=request.user, request=request
        ),
        _("A test of the email is on its way to %(email)s.") % {"email": request.user.email},
    )


@staff_view
@require_POST
def campaign_request_approval(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _act(
        request,
        campaign_id,
        lambda campaign: services.campaign_request_approval(
            practice=request.practice, campaign=campaign, user=request.user, request=request
        ),
        _("Sent to the client for approval."),
    )


@staff_view
@require_POST
def campaign_schedule(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(practice=request.practice, campaign_id=campaign_id)
    form = ScheduleForm(request.POST, time_zone=str(zone_of(campaign)))
    if form.is_valid():
        try:
            services.campaign_schedule(
                practice=request.practice,
                campaign=campaign,
                when=form.cleaned_data["scheduled_at"],
                user=request.user,
                request=request,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Campaign scheduled."))
            return redirect(_detail_url(request, campaign))
    return render(
        request,
        "clients/mailing/campaigns/campaign_detail.html",
        _detail_context(request, campaign, schedule_form=form),
        status=400,
    )


@staff_view
@require_POST
def campaign_send_now(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _act(
        request,
        campaign_id,
        lambda campaign: services.campaign_send_now(
            practice=request.practice, campaign=campaign, user=request.user, request=request
        ),
        _("Sending has started; this page shows the progress."),
    )


@staff_view
@require_POST
def campaign_cancel(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _act(
        request,
        campaign_id,
        lambda campaign: services.campaign_cancel(
            practice=request.practice, campaign=campaign, user=request.user, request=request
        ),
        _("Campaign cancelled."),
    )


@staff_view
@require_GET
def campaign_deliveries(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(practice=request.practice, campaign_id=campaign_id)
    page = Paginator(
        selectors.deliveries_of(campaign).order_by("pk"), DELIVERIES_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/mailing/campaigns/campaign_deliveries.html",
        {"campaign": campaign, "page": page},
    )


@admin_view
@require_http_methods(["GET", "POST"])
def sending_settings(request: HttpRequest) -> HttpResponse:
    current = selectors.sending_settings_for(practice=request.practice)
    form = SendingSettingsForm(request.POST or None, instance=current)
    if request.method == "POST":
        done, _result = form_submit(
            request,
            form,
            lambda data: services.sending_settings_save(
                practice=request.practice, user=request.user, request=request, **data
            ),
            success=_("Sending settings saved."),
        )
        if done:
            return redirect("sending_settings", practice_slug=request.practice.slug)
    return render(
        request,
        "clients/mailing/campaigns/sending_settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
