"""A select of many named rows (a practice's 300 clients), written without a model instance or
an option dict per row.

A list filter's client select cost a large practice's task list about 13 ms: a ``Client`` made
for each row, then Django's ``optgroups`` making a dict per option for the renderer. Here the
choices are the rows' ids and names (``values()``, or a prepared read's ``values``), and the
widget writes the options itself, the markup of Django's ``select.html``
(``tests/secretary/test_named_choices.py`` compares). The field still checks the value chosen
with its own query, as any model choice field.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator

from secretary.form_renderer import named_empty_choice, option_tag, select_tag

SELECTED = " selected"


class _NamedRows(ModelChoiceIterator):
    """The empty choice, then ``(id, name)`` of each row: ``str()`` of these rows is their
    ``name`` (``NamedChoiceField.label_field``)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        fields = ("pk", self.field.label_field)
        # A prepared read's queryset as it is (anything built from it reads as usual).
        prepared = getattr(self.queryset, "_prepared_read", None)
        if prepared is not None:
            read, arguments = prepared
            rows = read.values(*fields, **arguments)
        else:
            rows = self.queryset.values(*fields)
        for row in rows:
            yield (row["pk"], row[fields[1]])


class NamedSelect(forms.Select):
    """Django's select, its options written here from ``(value, label)`` choices."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)
        options, has_selected = [], False
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # groups: Django's own way
                return super().render(name, value, attrs, renderer)
            option_value = "" if option_value is None else option_value
            selected = not has_selected and str(option_value) in chosen
            has_selected |= selected
            label = named_empty_choice(name, option_value, label)
            options.append(option_tag(option_value, SELECTED if selected else "", label))
        return select_tag(name, self.build_attrs(self.attrs, attrs), options)


class _Named:
    """Rows named by ``label_field`` (what their ``str()`` gives), in a ``NamedSelect``."""

    widget = NamedSelect
    label_field = "name"


class NamedChoiceField(_Named, forms.ModelChoiceField):
    """A model choice field of named rows."""

    iterator = _NamedRows


class _NamedFilterRows(django_filters.fields.ModelChoiceIterator, _NamedRows):
    """django-filter's choices (its "none" choice after the empty one) of named rows."""


class _NamedFilterField(_Named, django_filters.fields.ModelChoiceField):
    iterator = _NamedFilterRows


class NamedChoiceFilter(django_filters.ModelChoiceFilter):
    """``ModelChoiceFilter`` of named rows (``NamedChoiceField``)."""

    field_class = _NamedFilterField
