"""The client portal: home, requests, replies, attachments and the calendar."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clients.access import as_contact, contact_view
from clients.selectors import contact_for_membership, engagement_active, engagements_active
from clients.usage import usage_for_engagements
from secretary.access import portal_view
from secretary.errors import ApplicationError
from secretary.idempotency import submit_once
from secretary.prepared import prepared, prepared_list
from tasks import events as event_services
from tasks import selectors, services
from tasks.forms import (
    ReplyForm,
    RequestForm,
)
from tasks.models import (
    Attachment,
    Comment,
    Status,
)
from tasks.reading import request_mark_read, with_unread
from tasks.roster import views as roster_views
from tasks.views.common import PAGE_SIZE, _feed_url, _serve

# How often an open request page asks for new replies (while its tab is visible), and how long
# a finished request stays under "Recently done" on the portal home.
REPLY_POLL_SECONDS = 15
RECENTLY_DONE_DAYS = 30


def _request_rows(tasks):
    """A client's requests as the portal lists them (no service, no assignee)."""
    return tasks.select_related(None).only(
        "practice", "client", "title", "status", "created_at", "wanted_by", "completed_at"
    )


@prepared(shape=("done",))
def _home_requests(
    *, practice: int, client: int, contact: int, member: int, done: bool, since=None
):
    """The portal home's lists: the open requests, newest first, or those done since
    ``since``, last done first; each with whether the contact has a reply to read."""
    requests = with_unread(
        _request_rows(selectors.client_tasks(practice=practice, client=client)),
        practice=practice,
        contact=contact,
        member=member,
    )
    if done:
        return requests.filter(status=Status.DONE, completed_at__gte=since).order_by(
            "-completed_at"
        )[:5]
    return requests.exclude(status__in=(Status.DONE, Status.CANCELLED)).order_by("-created_at")[:20]


@prepared_list()
def _listed_requests(*, practice: int, client: int, contact: int, member: int):
    """The portal's list of requests, newest first, each with whether the contact has a reply
    to read."""
    return with_unread(
        _request_rows(selectors.client_tasks(practice=practice, client=client)),
        practice=practice,
        contact=contact,
        member=member,
    ).order_by("-created_at")


@portal_view
@require_GET
def portal_home(request):
    # Every client login lands here, so a login not yet linked to a client gets a clear page
    # (not a 404) telling them to ask their secretary.
    contact = contact_for_membership(membership=request.membership)
    if contact is None:
        return render(request, "tasks/portal_unlinked.html")
    with as_contact(request, contact):
        return _portal_home(request, contact)


def _portal_home(request, contact):
    practice, client = request.practice, request.client
    # The plan's hours and its zone: no coverage windows or services to prefetch here.
    engagement = engagements_active(practice=practice, client_ids=[client.pk]).get(client.pk)
    # A contact who may not file requests does not follow them here either.
    follows = contact.portal_requests
    whose = {"practice": practice.pk, "client": client.pk, "contact": contact.pk}
    member = contact.membership_id or request.membership.pk
    return render(
        request,
        "tasks/portal_home.html",
        {
            "client": client,
            "engagement": engagement,
            "usage": (
                usage_for_engagements(practice=practice, engagements=[engagement])[engagement.pk]
                if engagement
                else None
            ),
            "open_requests": _home_requests(**whose, member=member, done=False) if follows else [],
            "recently_done": (
                _home_requests(
                    **whose,
                    member=member,
                    done=True,
                    since=timezone.now() - timedelta(days=RECENTLY_DONE_DAYS),
                )
                if follows
                else []
            ),
            "proposals": selectors.proposed_engagements(practice=practice, client=client),
            "can_request": follows,
            "cover": roster_views.portal_cover(request, client, contact.shown_time_zone),
            "cover_zone": contact.shown_time_zone,
        },
    )


@contact_view("requests")
@require_GET
def portal_request_list(request):
    contact = request.contact
    tasks = _listed_requests(
        practice=request.practice.pk,
        client=request.client.pk,
        contact=contact.pk,
        member=contact.membership_id or request.membership.pk,
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
    seen_at = timezone.now()
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
    comments = list(_replies(request, task=task))
    if request.method == "GET":
        request_mark_read(
            practice=request.practice, contact=request.contact, task=task, up_to=seen_at
        )
    return render(
        request,
        "tasks/portal_request_detail.html",
        {
            "task": task,
            "form": form,
            "comments": comments,
            "attachments": selectors.attachments_for(task=task, include_internal=False).filter(
                comment__isnull=True
            ),
            "requested_by": task.requested_by.user if task.requested_by_id else None,
            "poll_after": comments[-1].pk if comments else 0,
            "poll_seconds": REPLY_POLL_SECONDS,
            "limits": services.attachment_limits_text(),
        },
        status=status,
    )


def _replies(request, *, task=None, task_id=None, after: int = 0):
    """The replies of a request of the contact's client that the client may see (one query,
    and one for their files when there are any). By ``task_id`` the task itself is not read:
    a request that is not theirs simply has no replies."""
    comments = Comment.objects.for_practice(request.practice).filter(
        internal=False, task__client=request.client, task__client_visible=True
    )
    comments = comments.filter(task=task) if task is not None else comments.filter(task_id=task_id)
    if after:
        comments = comments.filter(pk__gt=after)
    visible_files = Attachment.objects.for_practice(request.practice).filter(internal=False)
    return comments.select_related("author", "task").prefetch_related(
        Prefetch("attachments", queryset=visible_files, to_attr="visible_attachments")
    )


@contact_view("requests")
@require_GET
def portal_request_replies(request, task_id: int):
    """Replies newer than ``after`` (a comment id), for the request page's polling: nothing
    new answers 204 after a single query. New replies come as list items for the
    conversation, with a fresh poller; the contact has then read them."""
    try:
        after = int(request.GET.get("after", "0"))
        if not 0 <= after < 2**63:  # what an id can be
            raise ValueError
    except ValueError:
        return HttpResponseBadRequest(_("“after” must be the id of the last reply shown."))
    comments = list(_replies(request, task_id=task_id, after=after))
    if not comments:
        return HttpResponse(status=204)
    request_mark_read(
        practice=request.practice,
        contact=request.contact,
        task=comments[-1].task,
        up_to=max(comment.created_at for comment in comments),
    )
    return render(
        request,
        "tasks/partials/portal_replies.html",
        {
            "task_id": task_id,
            "comments": comments,
            "poll_after": comments[-1].pk,
            "poll_seconds": REPLY_POLL_SECONDS,
        },
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
