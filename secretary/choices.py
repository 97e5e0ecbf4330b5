"""``get_FOO_display()`` that translates one label, not every choice.

Django builds ``dict(make_hashable(field.flatchoices))`` on each call, and hashing a lazily
translated label translates it: a status of six choices costs twelve translations per row, a
document kind of sixteen costs thirty-two. Here each field's labels sit in a dict (by value,
labels untouched) made once, and only the label shown is translated. Same result as Django's.
"""

from __future__ import annotations

from django.db import models
from django.utils.encoding import force_str

_labels: dict[models.Field, dict] = {}


def _labels_of(field: models.Field) -> dict | None:
    labels = _labels.get(field)
    if labels is None:
        if not isinstance(field.choices, list | tuple):
            return None  # choices from a callable may change: Django's own way
        labels = _labels[field] = dict(field.flatchoices)
    return labels


def display(instance: models.Model, field: models.Field, fallback):
    """What ``instance.get_<field>_display()`` returns; ``fallback`` is Django's own method
    (for choices from a callable and for unhashable values)."""
    labels = _labels_of(field)
    if labels is None:
        return fallback(field)
    value = getattr(instance, field.attname)
    try:
        label = labels.get(value, value)
    except TypeError:  # an unhashable value (a list, a dict)
        return fallback(field)
    return force_str(label, strings_only=True)


def label_of(field: models.Field, value):
    """The label of ``value`` among ``field``'s choices, translated (the value itself when it
    is not one of them): ``display`` for a value read without its instance (``.values()``)."""
    labels = _labels_of(field)
    if labels is None:
        labels = dict(field.flatchoices)
    return force_str(labels.get(value, value), strings_only=True)
