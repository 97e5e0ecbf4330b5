"""Task templates per service: the defaults every practice gets, and admins' edits."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import ServiceCategory
from secretary.errors import ApplicationError
from secretary.models import Practice
from tasks.models import (
    Priority,
    TaskTemplate,
)
from tasks.services.work import _check_category

# name, task title, words that find the matching service, checklist
DEFAULT_TEMPLATES = [
    (
        gettext_lazy("Travel booking"),
        gettext_lazy("Book travel"),
        ("travel",),
        [
            gettext_lazy("Flights"),
            gettext_lazy("Hotel"),
            gettext_lazy("Ground transport"),
            gettext_lazy("Itinerary sent"),
        ],
    ),
    (
        gettext_lazy("Conference call"),
        gettext_lazy("Set up a conference call"),
        ("conference-calls", "conference", "call"),
        [
            gettext_lazy("Invitations sent"),
            gettext_lazy("Dial-in tested"),
            gettext_lazy("Agenda"),
            gettext_lazy("Minutes"),
        ],
    ),
    (
        gettext_lazy("Proofreading"),
        gettext_lazy("Proofread a document"),
        ("proofreading", "proof"),
        [
            gettext_lazy("Spelling and grammar"),
            gettext_lazy("Consistency and style"),
            gettext_lazy("Facts, names and figures checked"),
            gettext_lazy("Corrected copy returned"),
        ],
    ),
    (
        gettext_lazy("Business-card order"),
        gettext_lazy("Order business cards"),
        ("supplies", "card"),
        [
            gettext_lazy("Details confirmed"),
            gettext_lazy("Proof approved by the client"),
            gettext_lazy("Order placed"),
            gettext_lazy("Delivery confirmed"),
        ],
    ),
    (
        gettext_lazy("Monthly bookkeeping close"),
        gettext_lazy("Close the month's books"),
        ("bookkeeping", "books"),
        [
            gettext_lazy("Bank statements imported"),
            gettext_lazy("Transactions reconciled"),
            gettext_lazy("Receipts filed"),
            gettext_lazy("Invoices and bills reviewed"),
            gettext_lazy("Reports sent to the client"),
        ],
    ),
]


def _match_category(categories: list[ServiceCategory], words: Sequence[str]):
    by_slug = {category.slug: category for category in categories}
    for word in words:
        if word in by_slug:
            return by_slug[word]
    for word in words:
        for category in categories:
            if word in category.slug.lower() or word in category.name.lower():
                return category
    return None


@transaction.atomic
def task_templates_seed(*, practice: Practice) -> list[TaskTemplate]:
    """Create the default templates a practice lacks (by name), linked to matching services.

    Idempotent: running it again creates nothing new and links templates whose service was
    created since.
    """
    categories = list(ServiceCategory.objects.for_practice(practice).filter(archived=False))
    existing = {t.name: t for t in TaskTemplate.objects.for_practice(practice)}
    created = []
    for name, title, words, checklist in DEFAULT_TEMPLATES:
        category = _match_category(categories, words)
        template = existing.get(str(name))
        if template is None:
            created.append(
                TaskTemplate.objects.create(
                    practice=practice,
                    name=str(name),
                    title=str(title),
                    category=category,
                    checklist=[str(item) for item in checklist],
                )
            )
        elif template.category_id is None and category is not None:
            template.category = category
            template.save(update_fields=["category"])
    return created


def _template_fields(checklist) -> list[str]:
    if isinstance(checklist, str):
        checklist = checklist.splitlines()
    return [str(item).strip()[:200] for item in checklist or [] if str(item).strip()]


@transaction.atomic
def task_template_save(
    *,
    practice: Practice,
    template: TaskTemplate | None = None,
    name: str,
    title: str,
    description: str = "",
    category: ServiceCategory | None = None,
    priority: int = Priority.NORMAL,
    checklist=(),
    archived: bool = False,
) -> TaskTemplate:
    name, title = (name or "").strip(), (title or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("This field is required.")
    if not title:
        errors["title"] = _("This field is required.")
    clash = TaskTemplate.objects.for_practice(practice).filter(name__iexact=name)
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if name and clash.exists():
        errors["name"] = _("A template with this name already exists.")
    if errors:
        raise ApplicationError(_("Please correct the errors below."), errors=errors)
    _check_category(practice, category)
    template = template or TaskTemplate(practice=practice)
    template.name, template.title, template.description = name, title, description or ""
    template.category, template.priority, template.archived = category, priority, archived
    template.checklist = _template_fields(checklist)
    template.full_clean()
    template.save()
    return template
