"""Sending the same create twice makes one object.

HTML: create forms mix in ``IdempotentFormMixin``, which renders a hidden single-use token;
``form_submit`` (or ``submit_once`` for views that call their service by hand) runs the service
once per token and, when the same form comes again, gives back the object the first post made.

API: create views mix in ``IdempotentCreateMixin`` (before ``PracticeScopedMixin``). A POST with
an ``Idempotency-Key`` header runs once; the same key with the same body answers the first
response again (status and body, with ``Idempotent-Replayed: true``); the same key with another
body answers 422.

Either way the key is written in the transaction that makes the object (``IdempotencyKey``,
unique on practice, user, scope and key), so two posts racing with one key make one object: the
second waits for the first to commit, then answers what it made. Keys are kept 24 hours.

The stored answer is kept for a day, so creates whose answer holds a secret (personal access
tokens, calendar feed URLs) do not take the header, and their forms no token.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.apps import apps
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from secretary import rls
from secretary.errors import ApplicationError
from secretary.models import IdempotencyKey
from secretary.tenancy import TenantModel

KEY_TTL = timedelta(hours=24)
KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Visible ASCII, as in the OpenAPI schema (``KEY_SCHEMA``): UUIDs, ULIDs, random strings.
KEY_MAX_LENGTH = 200
KEY_PATTERN = r"^[!-~]+$"
TOKEN_FIELD = "idempotency_token"
_SCOPE_MAX_LENGTH = 200
# Form fields that are not what the person sent (the token itself, Django's CSRF token).
_NOT_CONTENT = {TOKEN_FIELD, "csrfmiddlewaretoken"}


def new_token() -> str:
    return secrets.token_urlsafe(24)


# --- The shared core -----------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    """Plain JSON of submitted data (files by name, size and digest), keys sorted."""
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if isinstance(value, MultiValueDict):
        return {
            str(key): [_canonical(item) for item in value.getlist(key)]
            for key in sorted(value, key=str)
        }
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in sorted(value.items(), key=str)}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def fingerprint_of(data: Any) -> str:
    text = json.dumps(_canonical(data), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _scope_name(scope: str) -> str:
    if len(scope) <= _SCOPE_MAX_LENGTH:
        return scope
    return scope[:40] + " " + hashlib.sha256(scope.encode()).hexdigest()


def _claim(*, practice, user, scope: str, key: str, fingerprint: str):
    """Write the key in the current transaction: ``(row, None)``; or, when another call holds
    it, ``(None, that row)``.

    A concurrent call with the same key is still uncommitted: the insert waits for it on the
    unique index, then fails once it commits (or goes through if it rolled back).
    """
    keys = IdempotencyKey.objects.for_practice(practice).filter(user=user, scope=scope, key=key)
    keys.filter(created_at__lt=timezone.now() - KEY_TTL).delete()
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                practice=practice, user=user, scope=scope, key=key, fingerprint=fingerprint
            )
        return row, None
    except IntegrityError:
        existing = keys.first()
        if existing is None:
            raise
        return None, existing


def idempotency_keys_purge(*, now=None) -> int:
    """Forget keys older than ``KEY_TTL`` in every practice (a beat job). Returns how many."""
    cutoff = (now or timezone.now()) - KEY_TTL
    with rls.cross_practice("purge expired idempotency keys of every practice"):
        deleted, _rows = IdempotencyKey.objects.unscoped().filter(created_at__lt=cutoff).delete()
    return deleted


# --- HTML forms ----------------------------------------------------------------------------


class IdempotentFormMixin:
    """Adds a hidden, single-use ``idempotency_token`` to a form (a new one each time an unbound
    form renders; a bound form keeps the one it was posted with).

    The token is no data of the form: after validation it is ``form.idempotency_token``, not in
    ``cleaned_data`` nor ``changed_data``.
    """

    idempotency_token: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD] = forms.CharField(
            # No id: nothing labels the token, and several forms of one page (a list with a
            # form per row) would otherwise repeat "id_idempotency_token".
            widget=forms.HiddenInput(attrs={"id": False}),
            required=False,
            max_length=64,
            initial=new_token,
            validators=[
                RegexValidator(
                    r"^[A-Za-z0-9_-]+$",
                    gettext_lazy("This form is damaged; open it again."),
                )
            ],
        )

    def full_clean(self):
        super().full_clean()
        cleaned = getattr(self, "cleaned_data", None)
        if cleaned is not None:
            self.idempotency_token = cleaned.pop(TOKEN_FIELD, None) or None

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name != TOKEN_FIELD]


def _form_fingerprint(form) -> str:
    getlist = getattr(form.data, "getlist", lambda key: [form.data[key]])
    data = {key: getlist(key) for key in form.data if key not in _NOT_CONTENT}
    return fingerprint_of({"data": data, "files": form.files or {}})


def _first_row(result: Any) -> models.Model | None:
    if isinstance(result, models.Model):
        return result
    if isinstance(result, list | tuple):
        return next((item for item in result if isinstance(item, models.Model)), None)
    return None


def _row_of(record: IdempotencyKey) -> models.Model | None:
    if not record.target_type or not record.target_id:
        return None
    model = apps.get_model(record.target_type)
    rows = model._default_manager
    if issubclass(model, TenantModel):
        rows = rows.for_practice(record.practice_id)
    return rows.filter(pk=record.target_id).first()


def submit_once(request, form, action: Callable[[], Any]) -> Any:
    """``action()`` once per token of a valid ``IdempotentFormMixin`` form.

    Returns what the action returned; when the same form (same token and the same values) comes
    again, returns the row the first post made without calling the action. The same token with
    other values, or a first post that left nothing to go back to, raises ``ApplicationError``
    (and the form gets a new token, so sending it again creates).
    """
    token = getattr(form, "idempotency_token", None)
    practice = getattr(request, "practice", None)
    if not token or practice is None or not request.user.is_authenticated:
        return action()
    scope = _scope_name(f"form {type(form).__module__}.{type(form).__qualname__}")
    fingerprint = _form_fingerprint(form)
    with transaction.atomic():
        row, existing = _claim(
            practice=practice, user=request.user, scope=scope, key=token, fingerprint=fingerprint
        )
        if row is not None:
            result = action()
            made = _first_row(result)
            if made is not None and made.pk is not None:
                row.target_type = made._meta.label_lower
                row.target_id = str(made.pk)
                row.save(update_fields=["target_type", "target_id"])
            return result
    made = _row_of(existing) if existing.fingerprint == fingerprint else None
    if made is None:
        form.data = form.data.copy()
        form.data[form.add_prefix(TOKEN_FIELD)] = new_token()
        raise ApplicationError(
            _("This form was already sent. Check it and send it again to make another.")
        )
    return made


# --- API -----------------------------------------------------------------------------------


KEY_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "maxLength": KEY_MAX_LENGTH,
    "pattern": KEY_PATTERN,
}


class _Replay(Exception):
    def __init__(self, response: Response):
        super().__init__("idempotent replay")
        self.response = response


class IdempotentCreateMixin:
    """Honour an ``Idempotency-Key`` header on POST (put it before ``PracticeScopedMixin``).

    The practice, role and throttles are checked first; then the key is claimed in a transaction
    that spans the view and is committed with what it made (2xx answers only: an error leaves
    no key, so the call can be corrected and sent again with the same key).
    """

    _idempotency: tuple | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency = None
        key = request.headers.get(KEY_HEADER)
        if request.method != "POST" or key is None:
            return
        if not key or len(key) > KEY_MAX_LENGTH or not re.match(KEY_PATTERN, key):
            raise exceptions.ValidationError(
                {
                    KEY_HEADER: [
                        _("Send 1 to %(max)d visible ASCII characters (a UUID, for example).")
                        % {"max": KEY_MAX_LENGTH}
                    ]
                }
            )
        fingerprint = fingerprint_of(request.data)
        scope = _scope_name(f"api {request.path}")
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            row, existing = _claim(
                practice=request.practice,
                user=request.user,
                scope=scope,
                key=key,
                fingerprint=fingerprint,
            )
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
        if row is not None:
            self._idempotency = (atomic, row)
            return
        atomic.__exit__(None, None, None)
        raise _Replay(self._replay(existing, fingerprint))

    def _replay(self, existing: IdempotencyKey, fingerprint: str) -> Response:
        if existing.fingerprint != fingerprint:
            return Response(
                {
                    "message": _(
                        "This Idempotency-Key was already used with another request body. "
                        "Use a new key for a new request."
                    ),
                    "errors": {KEY_HEADER: [_("Already used with another request body.")]},
                },
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Response(
            existing.response_body,
            status=existing.response_status,
            headers={REPLAYED_HEADER: "true"},
        )

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        try:
            return super().handle_exception(exc)
        except BaseException:
            self._end_idempotency(None, exc_info=sys.exc_info())
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        self._end_idempotency(response)
        return super().finalize_response(request, response, *args, **kwargs)

    def _end_idempotency(self, response, *, exc_info=(None, None, None)) -> None:
        if self._idempotency is None:
            return
        atomic, row = self._idempotency
        self._idempotency = None
        if exc_info[0] is not None:
            atomic.__exit__(*exc_info)
            return
        if response is None or not status.is_success(response.status_code):
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            return
        try:
            row.response_status = response.status_code
            row.response_body = json.loads(JSONRenderer().render(response.data) or b"null")
            row.save(update_fields=["response_status", "response_body"])
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
        atomic.__exit__(None, None, None)
