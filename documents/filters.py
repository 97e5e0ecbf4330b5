"""Filters of the staff documents list (django-filter; id choices come from the practice)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from clients.selectors import client_names
from documents.compose import COMPOSABLE_KINDS
from documents.models import (
    Composition,
    CompositionStatus,
    Document,
    DocumentKind,
    DocumentStatus,
)
from secretary.named_choices import NamedChoiceFilter


def practice_clients(request):
    return client_names.queryset(practice=request.practice.pk)


class DocumentFilter(django_filters.FilterSet):
    client = NamedChoiceFilter(
        label=_("Client"), queryset=practice_clients, empty_label=_("All clients")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=DocumentKind.choices, empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=DocumentStatus.choices, empty_label=_("All statuses")
    )

    class Meta:
        model = Document
        fields = ["client", "kind", "status"]


class CompositionFilter(django_filters.FilterSet):
    """Filters of the composed documents list."""

    client = NamedChoiceFilter(
        label=_("Client"), queryset=practice_clients, empty_label=_("All clients")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=[(kind.value, kind.label) for kind in COMPOSABLE_KINDS],
        empty_label=_("All kinds"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CompositionStatus.choices, empty_label=_("All statuses")
    )

    class Meta:
        model = Composition
        fields = ["client", "kind", "status"]
