"""Staff pages that set work up: task templates (admins), recurring rules and
notification preferences."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from secretary.access import admin_view, staff_view
from secretary.errors import ApplicationError
from secretary.idempotency import submit_once
from tasks import services
from tasks.forms import (
    NotificationPreferenceForm,
    RecurringTaskForm,
    TaskTemplateForm,
)
from tasks.models import (
    NotificationPreference,
    RecurringTask,
    TaskTemplate,
)


@admin_view
@require_http_methods(["GET", "POST"])
def task_template_list(request):
    if request.method == "POST":
        created = services.task_templates_seed(practice=request.practice)
        messages.success(
            request,
            ngettext(
                "%(n)s default template added.", "%(n)s default templates added.", len(created)
            )
            % {"n": len(created)},
        )
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
            submit_once(
                request,
                form,
                lambda: services.task_template_save(
                    practice=request.practice, template=template, **form.cleaned_data
                ),
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
            submit_once(
                request,
                form,
                lambda: services.recurring_task_save(
                    practice=request.practice,
                    actor=request.membership,
                    recurring=rule,
                    **form.cleaned_data,
                ),
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Recurring task saved."))
            return redirect("recurring_list", practice_slug=request.practice.slug)
    return render(request, "tasks/recurring_form.html", {"form": form, "rule": rule})


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
