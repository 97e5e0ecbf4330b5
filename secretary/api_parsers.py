"""The API's JSON parser, with limits on body size and nesting.

A module of its own: DRF resolves ``DEFAULT_PARSER_CLASSES`` when ``rest_framework.views`` is
first imported, which ``secretary.api_base`` itself does, so the parser cannot live there.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers, status

from secretary.limits import MAX_JSON_DEPTH, json_depth_exceeds


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "body_too_large"


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with limits: a body of at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes
    (413) and objects/arrays nested at most ``MAX_JSON_DEPTH`` deep (400), never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        # DRF reads ``request.body`` first, where Django applies the same limit; a stream of
        # another origin is held to it here.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1 if limit is not None else -1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise body_too_large()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        too_deep = _("The JSON is nested more than %(n)s levels deep.") % {"n": MAX_JSON_DEPTH}
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_refuse_constant)
        except RecursionError as exc:
            raise exceptions.ParseError(too_deep) from exc
        except ValueError as exc:  # also UnicodeDecodeError
            raise exceptions.ParseError(_("JSON parse error: %(error)s") % {"error": exc}) from exc
        if json_depth_exceeds(data):
            raise exceptions.ParseError(too_deep)
        return data


def body_too_large() -> BodyTooLarge:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return BodyTooLarge(_("The request body is larger than %(n)s KB.") % {"n": limit // 1024})


def _refuse_constant(name):
    raise ValueError(f"{name} is not valid JSON")
