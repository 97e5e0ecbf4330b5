"""JSON input has JSON types: what the schema calls a boolean or a string must be one.

DRF's fields are lenient: a ``BooleanField`` also takes ``1``, ``0``, ``"yes"`` or ``"on"``, and
a ``CharField`` turns a number into text. The published schema says ``boolean`` and ``string``,
so the API refuses the rest with a 400 (a form upload's ``"true"``/``"false"`` still counts).
Installed once from ``SecretaryConfig.ready``.
"""

from __future__ import annotations

from rest_framework import serializers


def install() -> None:
    serializers.BooleanField.TRUE_VALUES = {True, "true", "True"}
    serializers.BooleanField.FALSE_VALUES = {False, "false", "False"}
    lenient = serializers.CharField.to_internal_value
    if getattr(lenient, "strict", False):
        return

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return lenient(self, data)

    to_internal_value.strict = True
    serializers.CharField.to_internal_value = to_internal_value
