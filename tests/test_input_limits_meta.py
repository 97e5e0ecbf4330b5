"""Every free-text field has a length limit: model ``TextField``s (with a validator, since the
database does not check), form and filter ``CharField``s, and writable serializer ``CharField``s."""

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import get_resolver
from rest_framework import serializers

from secretary import limits

PROJECT_APPS = ("secretary", "clients", "tasks", "billing", "documents")
# Serializers that only describe responses in the OpenAPI schema (they never read input).
DOCS_ONLY = {"secretary.api.schema"}


def _ours(cls) -> bool:
    return cls.__module__.split(".")[0] in PROJECT_APPS


def _subclasses(base) -> list[type]:
    assert get_resolver().url_patterns  # imports every view, with its forms and serializers
    found, stack = [], [base]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if _ours(sub):
                found.append(sub)
    return found


def test_it_bounds_every_text_field_of_every_model():
    offenders = []
    for model in apps.get_models():
        if not _ours(model):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.TextField):
                continue
            has_validator = any(
                isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length
                for v in field.validators
            )
            if field.max_length is None or not has_validator:
                offenders.append(f"{model._meta.label}.{field.name}")
    assert offenders == []


def test_it_enforces_a_text_limit_in_full_clean():
    # Given a text longer than its limit on a model
    from clients.models import Client

    client = Client(notes="x" * (limits.TEXT_NOTES + 1))
    # When the model is cleaned, then the notes are refused
    with pytest.raises(ValidationError) as error:
        client.full_clean()
    assert "notes" in error.value.message_dict


def test_it_bounds_every_text_input_of_every_form():
    offenders = []
    for form in _subclasses(forms.BaseForm):
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, forms.CharField) and field.max_length is None:
                offenders.append(f"{form.__module__}.{form.__qualname__}.{name}")
    assert offenders == []


def test_it_bounds_every_text_filter():
    offenders = []
    for filterset in _subclasses(django_filters.FilterSet):
        for name, item in filterset.base_filters.items():
            is_text = issubclass(item.field_class, forms.CharField)
            if is_text and item.extra.get("max_length") is None:
                offenders.append(f"{filterset.__module__}.{filterset.__qualname__}.{name}")
    assert offenders == []


def _text_fields(serializer, prefix=""):
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.ListField):
            field = field.child
        if isinstance(field, serializers.CharField) and field.max_length is None:
            yield f"{prefix}{name}"


def test_it_bounds_every_writable_text_field_of_every_serializer():
    offenders = []
    for serializer in _subclasses(serializers.Serializer):
        if issubclass(serializer, serializers.ListSerializer) or serializer.__module__ in DOCS_ONLY:
            continue
        try:
            instance = serializer()
        except TypeError:
            continue  # needs arguments: covered where it is built
        label = f"{serializer.__module__}.{serializer.__qualname__}."
        offenders.extend(_text_fields(instance, label))
    assert offenders == []
