"""The OpenAPI schema of the API (drf-spectacular), with the error answers documented."""

from __future__ import annotations

import inspect

from django.utils.translation import gettext as _
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from secretary.api_base import PracticeScopedMixin


class ErrorSerializer(serializers.Serializer):
    """The shape of every API error (documents the schema; never used to parse input)."""

    message = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the error answers every operation can give."""

    def get_description(self) -> str:
        # Only a view's own docstring describes it; base classes and mixins document code.
        doc = type(self.view).__dict__.get("__doc__")
        return inspect.cleandoc(doc) if doc else ""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if "{practice_slug}" in self.path:
            parameters.append(
                OpenApiParameter(
                    "practice_slug",
                    str,
                    OpenApiParameter.PATH,
                    description=_("The practice's address, as in /app/<practice_slug>/."),
                )
            )
        return parameters

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        error = {
            "application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}
        }
        codes = {
            "401": _("Not signed in, or the token is invalid or revoked."),
            "429": _("Too many calls with personal access tokens; retry later."),
        }
        if self.method != "GET" or getattr(self.view, "filterset_class", None):
            codes["400"] = _("Invalid input: field errors in “errors”, or a rule of the product.")
        if isinstance(self.view, PracticeScopedMixin):
            codes["403"] = _("Your role in this practice does not allow this.")
            codes["404"] = _("No such practice or object, or you are not a member.")
        responses = operation.setdefault("responses", {})
        for code, description in codes.items():
            responses.setdefault(code, {"content": error, "description": description})
        return operation
