"""Helpers shared by the services of the clients app."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from secretary.errors import ApplicationError
from secretary.models import Membership, currency_quantum


def invalid(errors: dict, message=None) -> ApplicationError:
    return ApplicationError(message or _("Please correct the errors below."), errors=errors)


def validated_save(
    instance: models.Model,
    *,
    exclude: list[str] | None = None,
    update_fields: list[str] | None = None,
) -> None:
    """``full_clean`` then save; a validation problem becomes an ApplicationError with the
    model's field errors, so nothing partial reaches the database."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise invalid(
            error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        ) from error
    instance.save(update_fields=update_fields)


def apply_fields(instance: models.Model, data: dict, allowed: tuple[str, ...]) -> list[str]:
    """Set the allowed attributes present in ``data``; returns the names set."""
    changed = []
    for name in allowed:
        if name in data:
            setattr(instance, name, data[name])
            changed.append(name)
    return changed


def quantize_money(value, currency: str) -> Decimal:
    if value is None:
        return value
    return Decimal(value).quantize(currency_quantum(currency), ROUND_HALF_UP)


def require_admin(actor: Membership) -> None:
    if actor is None or not actor.is_admin:
        raise ApplicationError(_("Only owners and admins can change the service catalog."))


def require_staff(actor: Membership) -> None:
    if actor is None or not actor.is_staff:
        raise ApplicationError(_("Only staff of the practice can do this."))


def ids_in_practice(model, practice, objects) -> list:
    """The given rows, refusing any that belong to another practice (forged ids)."""
    objects = list(objects or [])
    wanted = {getattr(o, "pk", o) for o in objects}
    found = set(
        model.objects.for_practice(practice).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if wanted - found:
        raise ValidationError(_("Choose values from this practice."))
    return sorted(found)
