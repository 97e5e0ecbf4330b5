"""HTML views of the tasks app: thin, through the practice resolvers of ``secretary.access``."""

from __future__ import annotations

import mimetypes
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.access import contact_view
from clients.selectors import client_get, engagement_active
from clients.services import regulated_view_record
from clients.usage import period_usage
from secretary.access import admin_view, staff_view
from secretary.errors import ApplicationError
from tasks import events as event_services
from tasks import selectors, services, timekeeping
from tasks.forms import (
    SORTS,
    AttachmentForm,
    BulkForm,
    ChecklistItemForm,
    CommentForm,
    ConvertForm,
    EventForm,
    NotificationPreferenceForm,
    RecurringTaskForm,
    ReplyForm,
    RequestForm,
    StatusForm,
    TaskFilter,
    TaskForm,
    TaskTemplateForm,
    TimeEntryForm,
)
from tasks.models import (
    CalendarEvent,
    ChecklistItem,
    NotificationPreference,
    RecurringTask,
    Status,
    TaskTemplate,
    TimeEntry,
)

PAGE_SIZE = 25


def _task_url(request, task) -> str:
    return reverse("task_detail", args=[request.practice.slug, task.pk])


def _fail(request, error: ApplicationError) -> None:
    messages.error(request, error.message)


# --- dashboard and task list -------------------------------------------------------------------


@staff_view
def dashboard(request):
    data = selectors.dashboard(practice=request.practice, membership=request.membership)
    return render(request, "tasks/dashboard.html", data)


def _sorted(queryset, sort: str):
    if sort == "due" or sort not in SORTS:
        return queryset.annotate(urgency_due=Coalesce("sla_due_at", "due_at")).order_by(
            F("urgency_due").asc(nulls_last=True), "-pk"
        )
    field = SORTS[sort][0]
    if field == "sla_due_at":
        return queryset.order_by(F("sla_due_at").asc(nulls_last=True), "-pk")
    return queryset.order_by(field, "-pk")


@staff_view
@require_http_methods(["GET", "POST"])
def task_list(request):
    practice = request.practice
    if request.method == "POST":
        bulk = BulkForm(request.POST, practice=practice)
        if bulk.is_valid():
            assignee_value = bulk.cleaned_data["assignee"]
            assignee = bulk.members.get(assignee_value)
            try:
                changed, problems = services.tasks_bulk_change(
                    practice=practice,
                    actor=request.membership,
                    task_ids=[t.pk for t in bulk.cleaned_data["tasks"]],
                    status=bulk.cleaned_data["status"] or None,
                    assignee=assignee,
                    unassign=assignee_value == "none",
                    request=request,
                )
            except ApplicationError as error:
                _fail(request, error)
            else:
                messages.success(request, _("%(n)s tasks changed.") % {"n": changed})
                for problem in problems:
                    messages.warning(request, problem)
        else:
            for error in bulk.errors.values():
                messages.error(request, " ".join(error))
        return redirect(request.get_full_path())
    filters = TaskFilter(
        request.GET or None, queryset=selectors.tasks_for(practice=practice), practice=practice
    )
    queryset = filters.qs if filters.is_bound else filters.queryset
    if filters.is_bound and not filters.is_valid():
        queryset = queryset.none()
    if not request.GET.get("status") and not request.GET.get("q"):
        queryset = queryset.exclude(status__in=(Status.DONE, Status.CANCELLED))
    client = (
        filters.form.cleaned_data.get("client") if filters.is_bound and filters.is_valid() else None
    )
    if client is not None:
        regulated_view_record(request=request, client=client)
    queryset = _sorted(queryset, request.GET.get("sort", "due"))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filters,
        "page": page,
        "tasks": page.object_list,
        "query": query.urlencode(),
        "bulk": BulkForm(practice=practice),
        "statuses": Status.choices,
    }
    template = "tasks/partials/task_table.html" if request.htmx else "tasks/task_list.html"
    return render(request, template, context)


@staff_view
@require_http_methods(["GET", "POST"])
def task_new(request):
    practice = request.practice
    form = TaskForm(
        request.POST or None, practice=practice, initial={"client": request.GET.get("client")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checklist = [line for line in data["checklist"].splitlines() if line.strip()]
        template = data["template"]
        if template is None and data["category"] is not None:
            # Choosing a service offers its template: used unless another one is picked.
            template = (
                TaskTemplate.objects.for_practice(practice)
                .filter(category=data["category"], archived=False)
                .order_by("name")
                .first()
            )
        try:
            task = services.task_create(
                practice=practice,
                actor=request.membership,
                client=data["client"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                priority=data["priority"],
                assignee=data["assignee"],
                due_at=data["due_at"],
                client_visible=data["client_visible"],
                template=template,
                checklist=checklist or None,
                request=request,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Task created."))
            return redirect(_task_url(request, task))
    return render(request, "tasks/task_form.html", {"form": form, "creating": True})


@staff_view
@require_GET
def task_template_preview(request):
    """The checklist a template (or the template of a chosen service) would bring."""
    templates = TaskTemplate.objects.for_practice(request.practice).filter(archived=False)
    template_id, category_id = request.GET.get("template"), request.GET.get("category")
    template = None
    if template_id and template_id.isdigit():
        template = templates.filter(pk=template_id).first()
    elif category_id and category_id.isdigit():
        template = templates.filter(category_id=category_id).order_by("name").first()
    return render(request, "tasks/partials/template_preview.html", {"template": template})


def _detail_context(request, task, **forms) -> dict:
    practice = request.practice
    return {
        "task": task,
        "comments": selectors.comments_for(task=task, include_internal=True).prefetch_related(
            "attachments"
        ),
        "attachments": selectors.attachments_for(task=task, include_internal=True).filter(
            comment__isnull=True
        ),
        "checklist": list(task.checklist.all()),
        "entries": selectors.time_entries_for(task=task),
        "total_minutes": selectors.task_minutes(task=task),
        "history": selectors.task_history(practice=practice, task=task)[:50],
        "running": selectors.running_timer(practice=practice, membership=request.membership),
        "events": task.events.all(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "time_form": forms.get("time_form")
        or TimeEntryForm(initial={"day": timezone.localdate(), "billable": True}),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "checklist_form": ChecklistItemForm(),
        "convert_form": forms.get("convert_form")
        or ConvertForm(
            practice=practice,
            initial={
                "title": task.title,
                "category": task.category_id,
                "priority": task.priority,
                "assignee": task.assignee_id or request.membership.pk,
            },
        ),
    }


def _staff_task(request, task_id):
    task = selectors.task_get(practice=request.practice, task_id=task_id)
    if task.client.is_regulated:
        regulated_view_record(request=request, client=task.client)
    return task


@staff_view
@require_GET
def task_detail(request, task_id: int):
    task = _staff_task(request, task_id)
    return render(request, "tasks/task_detail.html", _detail_context(request, task))


@staff_view
@require_http_methods(["GET", "POST"])
def task_edit(request, task_id: int):
    task = _staff_task(request, task_id)
    form = TaskForm(request.POST or None, instance=task, practice=request.practice, creating=False)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.task_update(
                practice=request.practice,
                actor=request.membership,
                task=task,
                request=request,
                **fields,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Task saved."))
            return redirect(_task_url(request, task))
    return render(request, "tasks/task_form.html", {"form": form, "task": task, "creating": False})


@staff_view
@require_POST
def task_convert(request, task_id: int):
    """Accept a portal request as a task of the practice."""
    task = _staff_task(request, task_id)
    form = ConvertForm(request.POST, practice=request.practice)
    if form.is_valid():
        try:
            services.task_update(
                practice=request.practice,
                actor=request.membership,
                task=task,
                request=request,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The request is now a task."))
            return redirect(_task_url(request, task))
    return render(
        request,
        "tasks/task_detail.html",
        _detail_context(request, task, convert_form=form),
        status=400,
    )


@staff_view
@require_POST
def task_status(request, task_id: int):
    task = _staff_task(request, task_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.task_transition(
                practice=request.practice,
                actor=request.membership,
                task=task,
                status=form.cleaned_data["status"],
                request=request,
            )
        except ApplicationError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Status changed."))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect(_task_url(request, task))


@staff_view
@require_POST
def task_comment(request, task_id: int):
    task = _staff_task(request, task_id)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.comment_add(
                practice=request.practice,
                author=request.membership,
                task=task,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data["internal"],
                files=form.cleaned_data["attachments"],
                request=request,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                _("Note added.")
                if form.cleaned_data["internal"]
                else _("Reply sent to the client."),
            )
            return redirect(_task_url(request, task) + "#conversation")
    return render(
        request,
        "tasks/task_detail.html",
        _detail_context(request, task, comment_form=form),
        status=400,
    )


@staff_view
@require_POST
def task_attach(request, task_id: int):
    task = _staff_task(request, task_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                practice=request.practice,
                task=task,
                files=form.cleaned_data["attachments"],
                user=request.user,
                internal=form.cleaned_data["internal"],
                request=request,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Files attached."))
            return redirect(_task_url(request, task))
    return render(
        request,
        "tasks/task_detail.html",
        _detail_context(request, task, attachment_form=form),
        status=400,
    )


@staff_view
@require_POST
def checklist_add(request, task_id: int):
    task = _staff_task(request, task_id)
    form = ChecklistItemForm(request.POST)
    if form.is_valid():
        services.checklist_item_add(
            practice=request.practice, task=task, text=form.cleaned_data["text"]
        )
    else:
        messages.error(request, _("Write the item."))
    return redirect(_task_url(request, task) + "#checklist")


@staff_view
@require_POST
def checklist_toggle(request, item_id: int):
    item = (
        ChecklistItem.objects.for_practice(request.practice)
        .select_related("task")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404
    item = services.checklist_item_toggle(practice=request.practice, item=item, user=request.user)
    if request.htmx:
        return render(request, "tasks/partials/checklist_item.html", {"item": item})
    return redirect(_task_url(request, item.task) + "#checklist")


def _serve(attachment) -> FileResponse:
    content_type = attachment.content_type or mimetypes.guess_type(attachment.original_name)[0]
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view
@require_GET
def attachment_download(request, attachment_id: int):
    attachment = selectors.attachment_get(practice=request.practice, attachment_id=attachment_id)
    task = attachment.task
    if task.client.is_regulated:
        regulated_view_record(request=request, client=task.client)
    return _serve(attachment)


# --- time --------------------------------------------------------------------------------------


def _entry(request, entry_id) -> TimeEntry:
    entry = (
        TimeEntry.objects.for_practice(request.practice)
        .select_related("task", "client")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


@staff_view
@require_POST
def timer_start(request, task_id: int):
    task = _staff_task(request, task_id)
    try:
        timekeeping.timer_start(
            practice=request.practice, membership=request.membership, task=task, request=request
        )
    except ApplicationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Timer started."))
    return redirect(_task_url(request, task) + "#time")


@staff_view
@require_POST
def timer_stop(request, entry_id: int):
    entry = _entry(request, entry_id)
    try:
        entry = timekeeping.timer_stop(
            practice=request.practice, membership=request.membership, entry=entry, request=request
        )
    except ApplicationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Timer stopped: %(n)s minutes.") % {"n": entry.minutes})
    return redirect(_task_url(request, entry.task) + "#time")


@staff_view
@require_POST
def timer_discard(request, entry_id: int):
    entry = _entry(request, entry_id)
    try:
        timekeeping.timer_discard(
            practice=request.practice, membership=request.membership, entry=entry
        )
    except ApplicationError as error:
        _fail(request, error)
    return redirect(_task_url(request, entry.task) + "#time")


@staff_view
@require_POST
def time_add(request, task_id: int):
    task = _staff_task(request, task_id)
    form = TimeEntryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            timekeeping.time_entry_add(
                practice=request.practice,
                membership=request.membership,
                task=task,
                day=data["day"],
                minutes=data["minutes"],
                description=data["description"],
                billable=data["billable"],
                request=request,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Time logged."))
            return redirect(_task_url(request, task) + "#time")
    return render(
        request,
        "tasks/task_detail.html",
        _detail_context(request, task, time_form=form),
        status=400,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def time_edit(request, entry_id: int):
    entry = _entry(request, entry_id)
    zone = timekeeping.billing_zone(entry.client)
    form = TimeEntryForm(
        request.POST or None,
        initial={
            "day": entry.started_at.astimezone(zone).date(),
            "minutes": entry.minutes,
            "description": entry.description,
            "billable": entry.billable,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            timekeeping.time_entry_update(
                practice=request.practice,
                actor=request.membership,
                entry=entry,
                day=data["day"],
                minutes=data["minutes"],
                description=data["description"],
                billable=data["billable"],
                request=request,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Time entry saved."))
            return redirect(_task_url(request, entry.task) + "#time")
    return render(
        request,
        "tasks/time_form.html",
        {"form": form, "entry": entry, "closed": timekeeping.entry_is_closed(entry)},
    )


@staff_view
@require_POST
def time_delete(request, entry_id: int):
    entry = _entry(request, entry_id)
    try:
        timekeeping.time_entry_delete(
            practice=request.practice, actor=request.membership, entry=entry, request=request
        )
    except ApplicationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Time entry deleted."))
    return redirect(_task_url(request, entry.task) + "#time")


# --- templates and recurring rules ------------------------------------------------------------


@admin_view
@require_http_methods(["GET", "POST"])
def task_template_list(request):
    if request.method == "POST":
        created = services.task_templates_seed(practice=request.practice)
        messages.success(request, _("%(n)s default templates added.") % {"n": len(created)})
        return redirect("task_template_list", practice_slug=request.practice.slug)
    templates = TaskTemplate.objects.for_practice(request.practice).select_related("category")
    return render(request, "tasks/template_list.html", {"templates": templates})


@admin_view
@require_http_methods(["GET", "POST"])
def task_template_edit(request, template_id: int | None = None):
    template = None
    initial = {}
    if template_id is not None:
        template = (
            TaskTemplate.objects.for_practice(request.practice).filter(pk=template_id).first()
        )
        if template is None:
            raise Http404
        initial = {
            "name": template.name,
            "title": template.title,
            "category": template.category_id,
            "priority": template.priority,
            "description": template.description,
            "archived": template.archived,
            "checklist": "\n".join(template.checklist),
        }
    form = TaskTemplateForm(request.POST or None, practice=request.practice, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_template_save(
                practice=request.practice, template=template, **form.cleaned_data
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Template saved."))
            return redirect("task_template_list", practice_slug=request.practice.slug)
    return render(request, "tasks/template_form.html", {"form": form, "template": template})


@staff_view
@require_GET
def recurring_list(request):
    rules = RecurringTask.objects.for_practice(request.practice).select_related(
        "client", "assignee__user", "category"
    )
    return render(request, "tasks/recurring_list.html", {"rules": rules})


@staff_view
@require_http_methods(["GET", "POST"])
def recurring_edit(request, rule_id: int | None = None):
    rule = None
    if rule_id is not None:
        rule = RecurringTask.objects.for_practice(request.practice).filter(pk=rule_id).first()
        if rule is None:
            raise Http404
    form = RecurringTaskForm(
        request.POST or None,
        instance=rule,
        practice=request.practice,
        initial={"start_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.recurring_task_save(
                practice=request.practice,
                actor=request.membership,
                recurring=rule,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Recurring task saved."))
            return redirect("recurring_list", practice_slug=request.practice.slug)
    return render(request, "tasks/recurring_form.html", {"form": form, "rule": rule})


# --- calendar ----------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def event_list(request):
    practice, membership = request.practice, request.membership
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        client = None
        if request.POST.get("client"):
            client = client_get(practice=practice, client_id=request.POST["client"])
        owner = {"client": client} if client else {"membership": membership}
        if action == "create":
            feed, new_token = event_services.feed_create(
                practice=practice, actor=membership, request=request, **owner
            )
            messages.success(
                request, _("New private calendar link created. Copy it now: it is shown only once.")
            )
        elif action == "revoke":
            for feed in selectors.feeds_for(practice=practice, **owner):
                event_services.feed_revoke(
                    practice=practice, actor=membership, feed=feed, request=request
                )
            messages.success(request, _("The calendar link no longer works."))
        else:
            raise Http404
    scope = request.GET.get("scope", "mine")
    since = timezone.now() - timedelta(days=1)
    events = selectors.events_for(
        practice=practice, since=since, membership=membership if scope == "mine" else None
    )[:100]
    from clients.models import Client

    return render(
        request,
        "tasks/event_list.html",
        {
            "events": events,
            "scope": scope,
            "new_token": new_token,
            "feed_url": _feed_url(request, new_token) if new_token else None,
            "my_feed": selectors.feeds_for(practice=practice, membership=membership).first(),
            "clients": Client.objects.for_practice(practice).order_by("name"),
        },
    )


def _feed_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("calendar_feed", args=[request.practice.slug, token]))


@staff_view
@require_http_methods(["GET", "POST"])
def event_edit(request, event_id: int | None = None):
    event = None
    if event_id is not None:
        event = CalendarEvent.objects.for_practice(request.practice).filter(pk=event_id).first()
        if event is None:
            raise Http404
    initial = {
        "time_zone": timezone.get_current_timezone_name(),
        "secretary": request.membership.pk,
        "client": request.GET.get("client"),
        "task": request.GET.get("task"),
    }
    form = EventForm(
        request.POST or None,
        instance=event,
        practice=request.practice,
        initial=initial if event is None else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            event_services.event_save(
                practice=request.practice,
                actor=request.membership,
                event=event,
                request=request,
                **form.event_fields(),
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Event saved."))
            return redirect("event_list", practice_slug=request.practice.slug)
    return render(request, "tasks/event_form.html", {"form": form, "event": event})


@staff_view
@require_POST
def event_delete(request, event_id: int):
    event = CalendarEvent.objects.for_practice(request.practice).filter(pk=event_id).first()
    if event is None:
        raise Http404
    event_services.event_delete(
        practice=request.practice, actor=request.membership, event=event, request=request
    )
    messages.success(request, _("Event deleted."))
    return redirect("event_list", practice_slug=request.practice.slug)


@require_GET
def calendar_feed(request, practice_slug: str, token: str):
    """The private ICS feed: the secret in the URL is the only credential (calendar apps)."""
    feed = event_services.feed_by_token(practice_slug=practice_slug, token=token)
    if feed is None:
        raise Http404
    body = event_services.feed_body(
        practice=feed.practice, client=feed.client, membership=feed.membership
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@staff_view
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    preference = NotificationPreference.objects.for_practice(request.practice).filter(
        membership=request.membership
    ).first() or NotificationPreference(practice=request.practice, membership=request.membership)
    form = NotificationPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Notification preferences saved."))
        return redirect("notification_preferences", practice_slug=request.practice.slug)
    return render(request, "tasks/notifications.html", {"form": form})


# --- portal ------------------------------------------------------------------------------------


@contact_view()
@require_GET
def portal_home(request):
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
            "open_requests": open_requests[:20],
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
            task = services.task_request_submit(
                practice=request.practice,
                contact=request.contact,
                membership=request.membership,
                subject=data["subject"],
                details=data["details"],
                category=data["category"],
                wanted_by=data["wanted_by"],
                files=data["attachments"],
                request=request,
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
                services.comment_add(
                    practice=request.practice,
                    author=request.membership,
                    task=task,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["attachments"],
                    request=request,
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
                "attachments"
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
            "events": events,
            "feed": selectors.feeds_for(practice=request.practice, client=request.client).first(),
            "feed_url": _feed_url(request, new_token) if new_token else None,
        },
    )
