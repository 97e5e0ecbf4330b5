"""JSON input has JSON types: what the schema calls a boolean or a string must be one.

DRF's fields are lenient: a ``BooleanField`` also takes ``1``, ``0``, ``"yes"`` or ``"on"``, and
a ``CharField`` turns a number into text, a ``DecimalField`` takes a JSON number. The published schema says ``boolean`` and ``string``,
so the API refuses the rest with a 400 (a form upload's ``"true"``/``"false"`` still counts).
Installed once from ``SecretaryConfig.ready``.
"""

from __future__ import annotations

from rest_framework import serializers


def _strict(field_class, *types) -> None:
    lenient = field_class.to_internal_value
    if getattr(lenient, "strict", False):
        return

    def to_internal_value(self, data):
        if not isinstance(data, types):
            self.fail("invalid", input=data)
        return lenient(self, data)

    to_internal_value.strict = True
    field_class.to_internal_value = to_internal_value


def install() -> None:
    # (As sets: 1 == True and 0 == False, so numbers are refused by type first.)
    serializers.BooleanField.TRUE_VALUES = {True, "true", "True"}
    serializers.BooleanField.FALSE_VALUES = {False, "false", "False"}
    _strict(serializers.BooleanField, bool, str)
    _strict(serializers.CharField, str)
    # Decimals are strings in and out (COERCE_DECIMAL_TO_STRING): "12.50", not 12.5.
    _strict(serializers.DecimalField, str)
