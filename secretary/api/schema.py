"""The OpenAPI schema of the API (drf-spectacular), with the error answers documented."""

from __future__ import annotations

import inspect

from django.utils.translation import gettext as _
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from secretary.api_base import PracticeScopedMixin
from secretary.idempotency import KEY_HEADER, KEY_SCHEMA, IdempotentCreateMixin


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
        if self._is_idempotent_create():
            parameters.append(
                OpenApiParameter(
                    KEY_HEADER,
                    KEY_SCHEMA,
                    OpenApiParameter.HEADER,
                    required=False,
                    description=_(
                        "A key you choose (a UUID, for example) to send this create safely "
                        "again: the same key with the same body within 24 hours makes nothing "
                        "new and answers the first response again, with the header "
                        "Idempotent-Replayed: true; the same key with another body answers "
                        "422."
                    ),
                )
            )
        return parameters

    def _is_idempotent_create(self) -> bool:
        return self.method == "POST" and isinstance(self.view, IdempotentCreateMixin)

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
        if self._is_idempotent_create():
            codes["422"] = _("This Idempotency-Key was already used with another request body.")
        if isinstance(self.view, PracticeScopedMixin):
            codes["403"] = _("Your role in this practice does not allow this.")
            codes["404"] = _("No such practice or object, or you are not a member.")
        responses = operation.setdefault("responses", {})
        for code, description in codes.items():
            responses.setdefault(code, {"content": error, "description": description})
        return operation
