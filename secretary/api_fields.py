"""Serializer fields shared by every API of the product."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from rest_framework import serializers


class ApiDateTimeField(serializers.DateTimeField):
    """DRF's date-time field, except that a stored moment the viewer's zone cannot hold (year 1
    west of UTC, year 9999 east of it) is shown in UTC instead of failing the whole list. Set
    as the field of every model ``DateTimeField`` in ``SecretaryConfig.ready``."""

    def to_representation(self, value):
        try:
            return super().to_representation(value)
        except serializers.ValidationError:
            if not (isinstance(value, datetime) and value.tzinfo is not None):
                raise
            with timezone.override(UTC):
                return super().to_representation(value.astimezone(UTC))


class PracticeRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of a row of the caller's practice (another practice's id is "does not exist")."""

    def __init__(self, model, **kwargs):
        self.model = model
        # ``none()`` tells the schema the model; rows always come from ``get_queryset``.
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.for_practice(self.context["request"].practice)
