"""The service catalog: secretaries read it, owners and admins change it."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clients import selectors, services
from clients.forms import CategoryForm, PlanForm
from clients.models import CoverageWindow, EngagementStatus, ServiceCategory, ServicePlan
from clients.schedule import describe
from clients.views._common import render_form
from secretary.access import admin_view, staff_view
from secretary.errors import form_submit


@staff_view
def plan_list(request):
    practice = request.practice
    show_archived = request.GET.get("archived") == "1"
    plans = (
        ServicePlan.objects.for_practice(practice)
        .prefetch_related(
            Prefetch("windows", queryset=CoverageWindow.objects.for_practice(practice)),
            "categories",
        )
        .annotate(
            # Clients on the plan now: their active version came from it (drafts, proposals
            # and ended versions of the same client are not more clients).
            engagement_count=Count(
                "engagements",
                filter=Q(engagements__status=EngagementStatus.ACTIVE),
                distinct=True,
            )
        )
        .order_by("archived", "name")
    )
    if not show_archived:
        plans = plans.filter(archived=False)
    plans = list(plans)
    for plan in plans:
        plan.coverage_text = describe(plan.coverage())
    return render(
        request, "clients/plan_list.html", {"plans": plans, "show_archived": show_archived}
    )


@staff_view
def plan_detail(request, plan_id: int):
    plan = selectors.plan_get(practice=request.practice, plan_id=plan_id)
    return render(
        request,
        "clients/plan_detail.html",
        {
            "plan": plan,
            "coverage_text": describe(plan.coverage()),
            "engagement_count": plan.engagements.filter(status=EngagementStatus.ACTIVE).count(),
        },
    )


def _plan_form(request, plan: ServicePlan | None):
    form = PlanForm(request.POST or None, instance=plan, practice=request.practice)

    def save(data):
        kwargs = {
            "practice": request.practice,
            "actor": request.membership,
            "data": form.terms(),
            "windows": data["windows"],
            "categories": data["categories"],
            "request": request,
        }
        if plan is None:
            return services.plan_create(**kwargs)
        return services.plan_update(plan=plan, **kwargs)

    done, saved = form_submit(request, form, save, success=_("Plan saved."))
    if done:
        return redirect("plan_detail", practice_slug=request.practice.slug, plan_id=saved.pk)
    return render_form(
        request,
        "clients/plan_form.html",
        {"form": form, "plan": plan},
        failed=request.method == "POST",
    )


@admin_view
@require_http_methods(["GET", "POST"])
def plan_create(request):
    return _plan_form(request, None)


@admin_view
@require_http_methods(["GET", "POST"])
def plan_edit(request, plan_id: int):
    return _plan_form(request, selectors.plan_get(practice=request.practice, plan_id=plan_id))


@admin_view
@require_POST
def plan_archive(request, plan_id: int):
    plan = selectors.plan_get(practice=request.practice, plan_id=plan_id)
    archived = request.POST.get("archived", "1") == "1"
    services.plan_archive(
        practice=request.practice,
        actor=request.membership,
        plan=plan,
        archived=archived,
        request=request,
    )
    messages.success(
        request,
        _("Plan archived; engagements made from it keep it.") if archived else _("Plan restored."),
    )
    return redirect("plan_detail", practice_slug=request.practice.slug, plan_id=plan.pk)


@staff_view
def category_list(request):
    categories = (
        ServiceCategory.objects.for_practice(request.practice)
        .annotate(plan_count=Count("plans", filter=Q(plans__archived=False), distinct=True))
        .order_by("archived", "position", "name")
    )
    return render(request, "clients/category_list.html", {"categories": categories})


def _category_form(request, category: ServiceCategory | None):
    form = CategoryForm(request.POST or None, instance=category, practice=request.practice)

    def save(data):
        if category is None:
            return services.category_create(
                practice=request.practice, actor=request.membership, data=data, request=request
            )
        return services.category_update(
            practice=request.practice,
            actor=request.membership,
            category=category,
            data=data,
            request=request,
        )

    done, _category = form_submit(request, form, save, success=_("Category saved."))
    if done:
        return redirect("category_list", practice_slug=request.practice.slug)
    return render_form(
        request,
        "clients/category_form.html",
        {"form": form, "category": category},
        failed=request.method == "POST",
    )


@admin_view
@require_http_methods(["GET", "POST"])
def category_create(request):
    return _category_form(request, None)


@admin_view
@require_http_methods(["GET", "POST"])
def category_edit(request, category_id: int):
    return _category_form(
        request, selectors.category_get(practice=request.practice, category_id=category_id)
    )
