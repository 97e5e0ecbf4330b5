"""What documents can be about: ``subject_type`` labels and the models they name.

A subject-documents list answers 404 unless its subject exists in the practice (and, for a
client contact, belongs to their client), so a forged id reveals nothing. Apps whose rows get
documents register their type here (documents may import them; they never import documents).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class SubjectType:
    label: str  # as stored in Document.subject_type, e.g. "clients.engagement"
    model: str  # app_label.ModelName of a TenantModel
    client_field: str | None = "client"  # the FK to clients.Client, None if it has none


SUBJECT_TYPES: dict[str, SubjectType] = {}


def register_subject_type(label: str, *, model: str, client_field: str | None = "client") -> None:
    SUBJECT_TYPES[label] = SubjectType(label=label, model=model, client_field=client_field)


def subject_exists(*, practice, subject_type: str, subject_id: int, client=None) -> bool:
    """Whether the subject exists in ``practice`` (and belongs to ``client`` when given)."""
    spec = SUBJECT_TYPES.get(subject_type)
    if spec is None:
        return False
    model = apps.get_model(spec.model)
    rows = model.objects.for_practice(practice).filter(pk=subject_id)
    if client is not None:
        if spec.client_field is None:
            return False
        rows = rows.filter(**{spec.client_field: client})
    return rows.exists()
