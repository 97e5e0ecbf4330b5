"""The client portal: home, requests, replies, attachments and the calendar."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clients.access import contact_view
from clients.selectors import contact_for_membership, engagement_active
from clients.usage import period_usage
from secretary.access import portal_view
from secretary.errors import ApplicationError
from secretary.idempotency import submit_once
from tasks import events as event_services
from tasks import selectors, services
from tasks.forms import (
    ReplyForm,
    RequestForm,
)
from tasks.models import (
    Status,
)
from tasks.views.common import PAGE_SIZE, _feed_url, _serve


@portal_view
@require_GET
def portal_home(request):
    # Every client login lands here, so a login not yet linked to a client gets a clear page
    # (not a 404) telling them to ask their secretary.
    contact = contact_for_membership(membership=request.membership)
    if contact is None:
        return render(request, "tasks/portal_unlinked.html")
    request.contact, request.client = contact, contact.client
    client = request.client
    engagement = engagement_active(practice=request.practice, client=client)
    open_requests = (
        selectors.client_tasks(practice=request.practice, client=client)
        .exclude(status__in=(Status.DONE, Status.CANCELLED))
        .order_by("-created_at")
    )
    return render(
        request,
        "tasks/portal_home.html",
        {
            "client": client,
            "engagement": engagement,
            "usage": period_usage(engagement=engagement) if engagement else None,
            # A contact who may not file requests does not follow them here either.
            "open_requests": open_requests[:20] if contact.portal_requests else [],
            "proposals": selectors.proposed_engagements(practice=request.practice, client=client),
            "can_request": request.contact.portal_requests,
        },
    )


@contact_view("requests")
@require_GET
def portal_request_list(request):
    tasks = selectors.client_tasks(practice=request.practice, client=request.client).order_by(
        "-created_at"
    )
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/portal_request_list.html",
        {"page": page, "tasks": page.object_list, "query": ""},
    )


@contact_view("requests")
@require_http_methods(["GET", "POST"])
def portal_request_new(request):
    engagement = engagement_active(practice=request.practice, client=request.client)
    form = RequestForm(
        request.POST or None,
        request.FILES or None,
        practice=request.practice,
        engagement=engagement,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = submit_once(
                request,
                form,
                lambda: services.task_request_submit(
                    practice=request.practice,
                    contact=request.contact,
                    membership=request.membership,
                    subject=data["subject"],
                    details=data["details"],
                    category=data["category"],
                    wanted_by=data["wanted_by"],
                    files=data["attachments"],
                    request=request,
                ),
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Thank you, your request was sent."))
            return redirect(
                "portal_request_detail", practice_slug=request.practice.slug, task_id=task.pk
            )
    return render(
        request,
        "tasks/portal_request_form.html",
        {"form": form, "limits": services.attachment_limits_text()},
        status=400 if request.method == "POST" else 200,
    )


@contact_view("requests")
@require_http_methods(["GET", "POST"])
def portal_request_detail(request, task_id: int):
    task = selectors.client_task_get(
        practice=request.practice, client=request.client, task_id=task_id
    )
    form = ReplyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                submit_once(
                    request,
                    form,
                    lambda: services.comment_add(
                        practice=request.practice,
                        author=request.membership,
                        task=task,
                        body=form.cleaned_data["body"],
                        files=form.cleaned_data["attachments"],
                        request=request,
                    ),
                )
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Your reply was sent."))
                return redirect(
                    "portal_request_detail", practice_slug=request.practice.slug, task_id=task.pk
                )
        status = 400
    return render(
        request,
        "tasks/portal_request_detail.html",
        {
            "task": task,
            "form": form,
            "comments": selectors.comments_for(task=task, include_internal=False).prefetch_related(
                # A visible reply's files are visible too; an internal file never is, whatever
                # it hangs on.
                Prefetch(
                    "attachments",
                    queryset=selectors.attachments_for(task=task, include_internal=False),
                )
            ),
            "attachments": selectors.attachments_for(task=task, include_internal=False).filter(
                comment__isnull=True
            ),
            "limits": services.attachment_limits_text(),
        },
        status=status,
    )


@contact_view("requests")
@require_GET
def portal_attachment(request, attachment_id: int):
    attachment = selectors.attachment_get(
        practice=request.practice, attachment_id=attachment_id, client=request.client
    )
    return _serve(attachment)


@contact_view()
@require_http_methods(["GET", "POST"])
def portal_calendar(request):
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _feed, new_token = event_services.feed_create(
                practice=request.practice,
                actor=request.membership,
                client=request.client,
                request=request,
            )
        elif action == "revoke":
            for feed in selectors.feeds_for(practice=request.practice, client=request.client):
                event_services.feed_revoke(
                    practice=request.practice, actor=request.membership, feed=feed, request=request
                )
            messages.success(request, _("The calendar link no longer works."))
        else:
            raise Http404
    events = selectors.events_for(
        practice=request.practice,
        client=request.client,
        since=timezone.now() - timedelta(days=1),
    )[:100]
    return render(
        request,
        "tasks/portal_calendar.html",
        {
            "events": [event_services.event_shown(event, for_client=True) for event in events],
            "feed": selectors.feeds_for(practice=request.practice, client=request.client).first(),
            "feed_url": _feed_url(request, new_token) if new_token else None,
        },
    )
