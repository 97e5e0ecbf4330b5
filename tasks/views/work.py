"""Staff pages of the work itself: dashboard, task list with bulk changes, task pages,
comments, attachments and checklists."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.selectors import default_scope
from clients.services import regulated_view_record
from secretary.access import staff_view
from secretary.errors import ApplicationError, form_submit
from secretary.idempotency import submit_once
from secretary.limits import parse_id
from secretary.paging import BoundedPaginator
from tasks import selectors, services
from tasks.forms import (
    SORTS,
    AttachmentForm,
    BulkForm,
    ChecklistItemForm,
    CommentForm,
    ConvertForm,
    StatusForm,
    TaskFilter,
    TaskForm,
    TimeEntryForm,
    TimerStopForm,
)
from tasks.models import (
    OPEN_STATUSES,
    ChecklistItem,
    Status,
    TaskTemplate,
)
from tasks.roster import views as roster_views
from tasks.roster.routing import suggested_member
from tasks.templatetags.timer_tags import running_timer_of
from tasks.views.common import PAGE_SIZE, _fail, _serve, _staff_task, _task_url


@staff_view
def dashboard(request):
    """Owners and admins see the whole practice first, secretaries the clients they serve;
    ``?scope=`` switches."""
    scope = request.GET.get("scope")
    if scope not in ("all", "mine"):
        scope = default_scope(request.membership)
    data = selectors.dashboard(
        practice=request.practice, membership=request.membership, practice_wide=scope == "all"
    )
    data["roster"] = roster_views.dashboard_panel(request)
    return render(request, "tasks/dashboard.html", data)


def _sorted(queryset, sort: str):
    if sort == "due" or sort not in SORTS:
        return selectors.by_urgency(queryset, "-pk")
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
                messages.success(
                    request,
                    ngettext("%(n)s task changed.", "%(n)s tasks changed.", changed)
                    % {"n": changed},
                )
                for problem in problems:
                    messages.warning(request, problem)
        else:
            for error in bulk.errors.values():
                messages.error(request, " ".join(error))
        return redirect(request.get_full_path())
    # The staff list, read once for the assignee filter and the bulk form's "Assign to".
    members = list(selectors.staff_members(practice=practice))
    filters = TaskFilter(
        request.GET or None,
        queryset=selectors.tasks_for(practice=practice),
        practice=practice,
        members=members,
    )
    if set(request.GET) <= {"page"}:
        # The list as it opens, no filter and no sort chosen: read as prepared.
        queryset = selectors.open_task_rows(practice=practice.pk)
    else:
        queryset = _filtered(request, filters)
    page = BoundedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filters,
        "page": page,
        "tasks": page.object_list,
        "query": query.urlencode(),
        "bulk": BulkForm(practice=practice, members=members),
        "statuses": Status.choices,
    }
    template = "tasks/partials/task_table.html" if request.htmx else "tasks/task_list.html"
    return render(request, template, context)


def _filtered(request, filters):
    """The task list's rows for the filters and sort chosen."""
    queryset = filters.qs if filters.is_bound else filters.queryset
    if filters.is_bound and not filters.is_valid():
        queryset = queryset.none()
    if not request.GET.get("status") and not request.GET.get("q"):
        # Open tasks named as such (not "not closed"): the urgency index holds exactly these.
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    client = (
        filters.form.cleaned_data.get("client") if filters.is_bound and filters.is_valid() else None
    )
    if client is not None:
        regulated_view_record(request=request, client=client)
    return selectors.task_rows(_sorted(queryset, request.GET.get("sort", "due")))


@staff_view
@require_http_methods(["GET", "POST"])
def task_new(request):
    practice = request.practice
    form = TaskForm(
        request.POST or None, practice=practice, initial={"client": request.GET.get("client")}
    )

    def create(data):
        checklist = [line for line in data["checklist"].splitlines() if line.strip()]
        # Choosing a service offers its template: used unless another one is picked.
        template = data["template"] or selectors.template_for_category(
            practice=practice, category=data["category"]
        )
        return services.task_create(
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

    done, task = form_submit(request, form, create, success=_("Task created."))
    if done:
        return redirect(_task_url(request, task))
    return render(request, "tasks/task_form.html", {"form": form, "creating": True})


@staff_view
@require_GET
def task_template_preview(request):
    """The checklist a template (or the template of a chosen service) would bring."""
    templates = TaskTemplate.objects.for_practice(request.practice).filter(archived=False)
    template_id = parse_id(request.GET.get("template"))
    category_id = parse_id(request.GET.get("category"))
    template = None
    if template_id is not None:
        template = templates.filter(pk=template_id).first()
    elif category_id is not None:
        template = templates.filter(category_id=category_id).order_by("name").first()
    return render(
        request,
        "tasks/partials/template_preview.html",
        {"template": template, "converting": request.GET.get("converting") == "1"},
    )


# A client's "wanted by" day becomes a due time at the end of their working day.
WANTED_BY_HOUR = time(17)


def _wanted_by_due(task) -> datetime | None:
    if task.wanted_by is None:
        return None
    return datetime.combine(task.wanted_by, WANTED_BY_HOUR, tzinfo=ZoneInfo(task.client.time_zone))


def _detail_context(request, task, **forms) -> dict:
    practice = request.practice
    listed = selectors.task_page(task=task)
    running = running_timer_of(request)
    return {
        "task": task,
        **listed,
        # The page lists every entry: their total is added up here, not asked again.
        "total_minutes": sum(entry.minutes or 0 for entry in listed["entries"]),
        "running": running,
        "timer_stop_form": TimerStopForm(
            initial={"description": running.description, "billable": running.billable}
            if running
            else None
        ),
        "suggested": suggested_member(practice=practice, client=task.client)
        if task.status in (Status.REQUESTED, Status.TODO)
        else None,
        "comment_form": forms.get("comment_form") or CommentForm(),
        "time_form": forms.get("time_form")
        or TimeEntryForm(initial={"day": timezone.localdate(), "billable": True}),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "checklist_form": ChecklistItemForm(),
        "convert_template": selectors.template_for_category(
            practice=practice, category=task.category
        )
        if task.status == Status.REQUESTED
        else None,
        "convert_form": forms.get("convert_form")
        or ConvertForm(
            practice=practice,
            initial={
                "title": task.title,
                "category": task.category_id,
                "priority": task.priority,
                "assignee": task.assignee_id or request.membership.pk,
                "due_at": _wanted_by_due(task),
            },
        ),
    }


def _detail_submit(request, task, form, action, *, success, form_key: str, anchor: str = ""):
    """A form posted from the task page: back to the page when done, else the page again
    with the form's errors (400)."""
    done, _result = form_submit(request, form, action, success=success)
    if done:
        return redirect(_task_url(request, task) + anchor)
    return render(
        request,
        "tasks/task_detail.html",
        _detail_context(request, task, **{form_key: form}),
        status=400,
    )


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
    stays = services.task_move_blocker(task)
    if stays:
        form.fields["client"].help_text = stays
    done, _task = form_submit(
        request,
        form,
        lambda data: services.task_update(
            practice=request.practice,
            actor=request.membership,
            task=task,
            request=request,
            **{name: data[name] for name in form.changed_data},
        ),
        success=_("Task saved."),
    )
    if done:
        return redirect(_task_url(request, task))
    return render(request, "tasks/task_form.html", {"form": form, "task": task, "creating": False})


@staff_view
@require_POST
def task_convert(request, task_id: int):
    """Accept a portal request as a task of the practice."""
    task = _staff_task(request, task_id)
    form = ConvertForm(request.POST, practice=request.practice)
    return _detail_submit(
        request,
        task,
        form,
        lambda data: services.task_convert(
            practice=request.practice,
            actor=request.membership,
            task=task,
            request=request,
            **data,
        ),
        success=_("The request is now a task."),
        form_key="convert_form",
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
    return _detail_submit(
        request,
        task,
        form,
        lambda data: services.comment_add(
            practice=request.practice,
            author=request.membership,
            task=task,
            body=data["body"],
            internal=data["internal"],
            files=data["attachments"],
            request=request,
        ),
        success=lambda _comment: (
            _("Note added.") if form.cleaned_data["internal"] else _("Reply sent to the client.")
        ),
        form_key="comment_form",
        anchor="#conversation",
    )


@staff_view
@require_POST
def task_attach(request, task_id: int):
    task = _staff_task(request, task_id)
    form = AttachmentForm(request.POST, request.FILES)
    return _detail_submit(
        request,
        task,
        form,
        lambda data: services.attachment_add(
            practice=request.practice,
            task=task,
            files=data["attachments"],
            user=request.user,
            internal=data["internal"],
            request=request,
        ),
        success=_("Files attached."),
        form_key="attachment_form",
    )


@staff_view
@require_POST
def checklist_add(request, task_id: int):
    task = _staff_task(request, task_id)
    form = ChecklistItemForm(request.POST)
    if form.is_valid():
        try:
            submit_once(
                request,
                form,
                lambda: services.checklist_item_add(
                    practice=request.practice, task=task, text=form.cleaned_data["text"]
                ),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
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


@staff_view
@require_GET
def attachment_download(request, attachment_id: int):
    attachment = selectors.attachment_get(practice=request.practice, attachment_id=attachment_id)
    task = attachment.task
    if task.client.is_regulated:
        regulated_view_record(request=request, client=task.client)
    return _serve(attachment)
