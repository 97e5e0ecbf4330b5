"""The practice's service catalog: categories and plans (owners and admins only)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clients.catalog import DEFAULT_CATEGORIES
from clients.coverage import Window, window_problems
from clients.models import CoverageWindow, ServiceCategory, ServicePlan
from clients.services._common import (
    apply_fields,
    ids_in_practice,
    invalid,
    quantize_money,
    require_admin,
    validated_save,
)
from secretary.audit import activity_record
from secretary.models import Membership, Practice

CATEGORY_FIELDS = ("name", "slug", "description", "is_specialty", "archived", "position")
PLAN_FIELDS = (
    "name",
    "description",
    "billing_model",
    "currency",
    "monthly_fee",
    "included_hours",
    "hourly_rate",
    "overage_rate",
    "rollover_max_hours",
    "on_call",
    "response_target_hours",
    "coverage_time_zone",
    "archived",
)
MONEY_FIELDS = ("monthly_fee", "hourly_rate", "overage_rate")


def categories_seed(*, practice: Practice) -> int:
    """Give a practice the starting categories it lacks. Idempotent; returns how many were
    created."""
    existing = set(ServiceCategory.objects.for_practice(practice).values_list("slug", flat=True))
    rows = [
        ServiceCategory(
            practice=practice,
            slug=slug,
            name=_(name),
            description=_(description) if description else "",
            is_specialty=is_specialty,
            position=index * 10,
        )
        for index, (slug, name, description, is_specialty) in enumerate(DEFAULT_CATEGORIES)
        if slug not in existing
    ]
    ServiceCategory.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _unique_category_slug(practice: Practice, category: ServiceCategory) -> None:
    if not category.slug:
        base = slugify(category.name)[:50] or "service"
        slug, n = base, 2
        while ServiceCategory.objects.for_practice(practice).filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        category.slug = slug
    clash = (
        ServiceCategory.objects.for_practice(practice)
        .filter(slug=category.slug)
        .exclude(pk=category.pk)
        .exists()
    )
    if clash:
        raise invalid({"slug": [_("Another category already uses this short name.")]})


@transaction.atomic
def category_create(
    *, practice: Practice, actor: Membership, data: dict, request=None
) -> ServiceCategory:
    require_admin(actor)
    category = ServiceCategory(practice=practice)
    apply_fields(category, data, CATEGORY_FIELDS)
    category.name = (category.name or "").strip()
    _unique_category_slug(practice, category)
    validated_save(category)
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="category.created",
        target=category,
        request=request,
    )
    return category


@transaction.atomic
def category_update(
    *, practice: Practice, actor: Membership, category: ServiceCategory, data: dict, request=None
) -> ServiceCategory:
    require_admin(actor)
    apply_fields(category, data, CATEGORY_FIELDS)
    _unique_category_slug(practice, category)
    validated_save(category)
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="category.updated",
        target=category,
        request=request,
    )
    return category


def windows_problems_or_raise(windows: list[Window], *, field: str = "windows") -> None:
    problems = window_problems(windows)
    if problems:
        raise invalid({field: problems})


def set_windows(*, practice: Practice, owner, windows: list[Window]) -> None:
    """Replace the coverage windows of a plan or an engagement (validated first)."""
    windows_problems_or_raise(windows)
    owner_field = "plan" if isinstance(owner, ServicePlan) else "engagement"
    CoverageWindow.objects.for_practice(practice).filter(**{owner_field: owner}).delete()
    CoverageWindow.objects.bulk_create(
        [
            CoverageWindow(
                practice=practice,
                weekday=w.weekday,
                start=w.start,
                end=w.end,
                **{owner_field: owner},
            )
            for w in sorted(windows)
        ]
    )
    if hasattr(owner, "_prefetched_objects_cache"):
        owner._prefetched_objects_cache.pop("windows", None)


def set_categories(*, practice: Practice, owner, categories, field: str = "categories") -> None:
    """Replace a many-to-many set of categories of a plan, engagement or questionnaire.

    Writes the through rows directly (they carry the practice and use the scoped manager);
    Django's ``.set()`` would read them without the practice.
    """
    try:
        ids = set(ids_in_practice(ServiceCategory, practice, categories))
    except ValidationError as error:
        raise invalid({field: error.messages}) from error
    m2m = owner._meta.get_field(field)
    through = m2m.remote_field.through
    owner_column = m2m.m2m_field_name()
    rows = through.objects.for_practice(practice).filter(**{owner_column: owner})
    current = set(rows.values_list("category_id", flat=True))
    rows.exclude(category_id__in=ids).delete()
    through.objects.bulk_create(
        [
            through(practice=practice, category_id=category_id, **{owner_column: owner})
            for category_id in sorted(ids - current)
        ]
    )
    if hasattr(owner, "_prefetched_objects_cache"):
        owner._prefetched_objects_cache.pop(field, None)


def _clean_plan(plan: ServicePlan, practice: Practice) -> None:
    plan.name = (plan.name or "").strip()
    plan.currency = plan.currency or practice.currency
    for name in MONEY_FIELDS:
        value = getattr(plan, name)
        if value is not None and not isinstance(value, str):
            setattr(plan, name, quantize_money(value, plan.currency))


@transaction.atomic
def plan_create(
    *,
    practice: Practice,
    actor: Membership,
    data: dict,
    windows: list[Window] | None = None,
    categories=None,
    request=None,
) -> ServicePlan:
    require_admin(actor)
    plan = ServicePlan(practice=practice)
    apply_fields(plan, data, PLAN_FIELDS)
    _clean_plan(plan, practice)
    windows_problems_or_raise(list(windows or []))
    validated_save(plan)
    set_windows(practice=practice, owner=plan, windows=list(windows or []))
    set_categories(practice=practice, owner=plan, categories=categories or [])
    activity_record(
        practice=practice, actor=actor.user, verb="plan.created", target=plan, request=request
    )
    return plan


@transaction.atomic
def plan_update(
    *,
    practice: Practice,
    actor: Membership,
    plan: ServicePlan,
    data: dict,
    windows: list[Window] | None = None,
    categories=None,
    request=None,
) -> ServicePlan:
    require_admin(actor)
    apply_fields(plan, data, PLAN_FIELDS)
    _clean_plan(plan, practice)
    if windows is not None:
        windows_problems_or_raise(list(windows))
    validated_save(plan)
    if windows is not None:
        set_windows(practice=practice, owner=plan, windows=list(windows))
    if categories is not None:
        set_categories(practice=practice, owner=plan, categories=categories)
    activity_record(
        practice=practice, actor=actor.user, verb="plan.updated", target=plan, request=request
    )
    return plan


@transaction.atomic
def plan_archive(
    *, practice: Practice, actor: Membership, plan: ServicePlan, archived: bool = True, request=None
) -> ServicePlan:
    """Archive (or restore) a plan; engagements made from it keep pointing at it."""
    require_admin(actor)
    if plan.archived != archived:
        plan.archived = archived
        plan.save(update_fields=["archived", "updated_at"])
        activity_record(
            practice=practice,
            actor=actor.user,
            verb="plan.archived" if archived else "plan.restored",
            target=plan,
            request=request,
        )
    return plan
