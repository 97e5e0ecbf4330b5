"""The OpenAPI schema of the API (drf-spectacular), with the error answers documented."""

from __future__ import annotations

import inspect
import zoneinfo

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from secretary.api_base import PracticeScopedMixin
from secretary.api_filters import DATE_YEARS, INSTANT_YEARS
from secretary.idempotency import KEY_HEADER, KEY_SCHEMA, IdempotentCreateMixin
from secretary.limits import validate_date_in_range


@extend_schema_field(
    {
        "type": "object",
        "description": "Messages by field name. A list or nested field has, in place of its "
        "messages, the same shape again: by position (a list of objects, or an object keyed "
        "by index) or by its own field names.",
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
                {"type": "object"},
            ]
        },
    }
)
class FieldErrorsField(serializers.DictField):
    pass


class ErrorSerializer(serializers.Serializer):
    """The shape of every API error (documents the schema; never used to parse input)."""

    message = serializers.CharField()
    errors = FieldErrorsField()


# String formats that a blank value ("") does not satisfy.
FORMATS_BLANK_BREAKS = {"email", "uri", "date", "date-time", "time", "uuid", "ipv4", "ipv6"}


def _model_field(field) -> models.Field | None:
    """The model field a serializer field reads, for fields declared on a ModelSerializer."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return None
    try:
        found = model._meta.get_field(field.source)
    except FieldDoesNotExist:  # a property or a method
        return None
    # Reverse relations are not columns: they have no null or blank of their own.
    return found if isinstance(found, models.Field) else None


def _admit_blank(schema: dict) -> None:
    """Let a string schema also match "" (a blank value the field accepts or gives)."""
    if "enum" in schema:
        if "" not in schema["enum"]:
            schema["enum"].append("")
    elif schema.get("format") in FORMATS_BLANK_BREAKS:
        value = {
            k: schema.pop(k) for k in ("type", "format", "maxLength", "pattern") if k in schema
        }
        schema["anyOf"] = [value, {"type": "string", "maxLength": 0}]
    elif schema.get("minLength"):
        del schema["minLength"]


def _decimal_pattern(field: serializers.DecimalField) -> str:
    """What DRF parses: at least one digit (drf-spectacular's pattern also admits "" or "-"),
    no minus sign where the field has a minimum of 0 or more, and whole-number bounds such as
    1 to 10 spelled out."""
    places = field.decimal_places
    fraction = rf"(?:\.\d{{0,{places}}})?"
    low, high = field.min_value, field.max_value
    if (
        low is not None
        and high is not None
        and 0 <= low < high <= low + 100
        and low == int(low)
        and high == int(high)
    ):
        below = "|".join(str(n) for n in range(int(low), int(high)))
        empty = "|" if low == 0 else ""
        return rf"^0*(?:(?:{below}{empty}){fraction}|{int(high)}(?:\.0{{0,{places}}})?)$"
    sign = "" if low is not None and low >= 0 else "-?"
    whole = field.max_digits - places if field.max_digits is not None else None
    digits = rf"\d{{0,{whole}}}" if whole is not None else r"\d*"
    return rf"^{sign}(?=\.?\d){digits}{fraction}$"


TIME_ZONE_REF = {"$ref": "#/components/schemas/TimeZone"}
# Every serializer field named ``*time_zone`` takes an IANA name (secretary.models.validate_time_zone).
TIME_ZONE_COMPONENT = {
    "type": "string",
    "enum": sorted(zoneinfo.available_timezones()),
    "description": "An IANA time zone name, e.g. Australia/Sydney.",
}


def _time_zone_schema(schema: dict, *, blank: bool) -> dict:
    kept = {k: v for k, v in schema.items() if k in ("readOnly", "writeOnly", "description")}
    if blank:
        return {**kept, "anyOf": [TIME_ZONE_REF, {"type": "string", "maxLength": 0}]}
    return {**kept, "allOf": [TIME_ZONE_REF]}


def add_components(result, generator, request, public):
    """Postprocessing hook: the components that fields refer to by hand (``TIME_ZONE_REF``)."""
    result.setdefault("components", {}).setdefault("schemas", {})["TimeZone"] = TIME_ZONE_COMPONENT
    return result


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the error answers every operation can give."""

    def get_description(self) -> str:
        # Only a view's own docstring describes it; base classes and mixins document code.
        doc = type(self.view).__dict__.get("__doc__")
        return inspect.cleandoc(doc) if doc else ""

    def _get_request_for_media_type(self, serializer, direction="request"):
        if self.method == "PATCH" and getattr(self.view, "whole_patch", False):
            # A PATCH that takes the whole body (every required field), such as a transcript
            # saved with its version: its schema is the serializer's, not a partial one.
            self.method = "PUT"
            try:
                return super()._get_request_for_media_type(serializer, direction)
            finally:
                self.method = "PATCH"
        return super()._get_request_for_media_type(serializer, direction)

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if not isinstance(schema, dict) or "$ref" in schema or "allOf" in schema:
            return schema
        if isinstance(field, serializers.DecimalField) and schema.get("pattern"):
            schema["pattern"] = _decimal_pattern(field)
            if field.allow_null and direction == "request":
                # DRF reads "" as null for a nullable decimal.
                schema["pattern"] = rf"^$|{schema['pattern']}"
        if direction == "request" and validate_date_in_range in getattr(field, "validators", []):
            # The years people may enter, as the query filters state them.
            years = {"date": DATE_YEARS, "date-time": INSTANT_YEARS}.get(schema.get("format"))
            if years:
                schema.setdefault("pattern", years)
        model_field = _model_field(field) if field.read_only or direction == "response" else None
        # What a model row can hold, a response gives: DRF drops "allow_blank" from read-only
        # fields, and declared fields (relations, inputs) do not say the column may be null.
        if model_field is not None and model_field.null and not schema.get("nullable"):
            schema["nullable"] = True
        blank = getattr(field, "allow_blank", False) or (
            model_field is not None
            and model_field.blank
            and isinstance(model_field, models.CharField | models.TextField)
        )
        if isinstance(field, serializers.CharField) and field.field_name.endswith("time_zone"):
            return _time_zone_schema(schema, blank=blank)
        if blank:
            _admit_blank(schema)
        return schema

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
        query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
        if self.method != "GET" or query:
            codes["400"] = _("Invalid input: field errors in “errors”, or a rule of the product.")
        if self._is_idempotent_create():
            codes["422"] = _("This Idempotency-Key was already used with another request body.")
        if isinstance(self.view, PracticeScopedMixin):
            codes["403"] = _("Your role in this practice does not allow this.")
            codes["404"] = _("No such practice or object, or you are not a member.")
        else:
            codes["404"] = _("No such page of results.")
        # An empty query parameter (``?status=``) is the same as leaving it out. (Not a
        # list: ``?status=`` is a list of one blank choice. Nor one that must hold something:
        # a search's text.)
        for parameter in query:
            schema = parameter.get("schema", {})
            if schema.get("type") != "array" and not schema.get("minLength"):
                parameter["allowEmptyValue"] = True
        responses = operation.setdefault("responses", {})
        for code, description in codes.items():
            responses.setdefault(code, {"content": error, "description": description})
        return operation
