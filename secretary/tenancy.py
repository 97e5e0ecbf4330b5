"""The tenancy machinery every app uses.

Tenant rows carry a non-null, indexed ``practice``. Their manager refuses to read rows unless
the query is scoped to a practice: ``Model.objects.for_practice(p)``, a filter on ``practice``,
or a related manager of an already-loaded row. The only bypass is an explicit ``.unscoped()``
(admin, migrations, management commands, factories).
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.lookups import Exact, In
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from secretary import choices, rls, scope
from secretary.scope import current_practice  # noqa: F401  (re-exported)

if TYPE_CHECKING:
    from secretary.models import Practice


@contextlib.contextmanager
def practice_scope(practice: Practice | int):
    """Work inside one practice: its transaction sees only its rows (PostgreSQL row-level
    security, ``secretary.rls``), and logs name it. Request resolvers, tasks and sweeps enter
    it; outside a transaction it opens one for the block."""
    with rls.practice_transaction(practice), scope.practice_scope(practice):
        yield


class PracticeScopeError(RuntimeError):
    """A tenant model was read without saying which practice it belongs to."""


# Django's own model validation (unique fields such as a token hash, constraints) must look
# across practices; it is the one place reads may be unscoped without saying ``.unscoped()``.
_validating = contextvars.ContextVar("tenant_validation", default=False)


@contextlib.contextmanager
def _model_validation():
    token = _validating.set(True)
    try:
        yield
    finally:
        _validating.reset(token)


# Sent after a bulk write of tenant rows (a queryset's update or delete, bulk_create,
# bulk_update), which sends no ``post_save``: ``sender`` the model, ``practice_ids`` the
# practices whose rows it wrote, or None when it was not scoped to one (any may have changed).
rows_written = Signal()


def _written(model, practice_ids) -> None:
    rows_written.send(sender=model, practice_ids=practice_ids)


class TenantQuerySet(models.QuerySet):
    _practice_scoped = False
    _scope_practice_id: int | None = None  # set by for_practice: every row is of this practice
    # (read, arguments) of a prepared read giving this very queryset's rows (``reading_as``).
    _prepared_read = None

    def for_practice(self, practice: Practice | int) -> TenantQuerySet:
        if practice is None:
            raise PracticeScopeError(f"{self.model.__name__}.for_practice() needs a practice.")
        practice_id = practice if isinstance(practice, int) else practice.pk
        qs = self.filter(practice_id=practice_id)
        qs._practice_scoped = True
        qs._scope_practice_id = practice_id
        return qs

    def unscoped(self) -> TenantQuerySet:
        qs = self._chain()
        qs._practice_scoped = True
        return qs

    def _clone(self):
        clone = super()._clone()
        clone._practice_scoped = self._practice_scoped
        clone._scope_practice_id = self._scope_practice_id
        return clone

    def reading_as(self, read, arguments: dict) -> TenantQuerySet:
        """This queryset, whose rows (when it is iterated as it is, or as ``all()`` of it: a
        form's choices) come from ``read(**arguments)``, a prepared read of the same rows
        (``PreparedRead.queryset``). Anything built from it (``get()`` when a form checks
        the value chosen) reads as usual."""
        clone = self._chain()
        clone._prepared_read = (read, arguments)
        return clone

    def all(self) -> TenantQuerySet:
        clone = super().all()
        clone._prepared_read = self._prepared_read
        return clone

    def __deepcopy__(self, memo):
        # A filter set deep-copies its filters' querysets: the prepared read is shared, not
        # copied (its compiled statements hold the connection's objects).
        if self._prepared_read is not None:
            memo[id(self._prepared_read[0])] = self._prepared_read[0]
        return super().__deepcopy__(memo)

    def _is_scoped(self) -> bool:
        if self._practice_scoped or _validating.get():
            return True
        # Related managers (client.tasks, practice.memberships) hint the owning instance.
        if self._hints.get("instance") is not None:
            return True
        return self._filters_on_practice()

    def _filters_on_practice(self) -> bool:
        where = self.query.where
        if where.connector != "AND" or where.negated:
            return False
        for child in where.children:
            if isinstance(child, Exact | In):
                target = getattr(child.lhs, "target", None)
                alias = getattr(child.lhs, "alias", None)
                if (
                    target is not None
                    and target.name == "practice"
                    and target.model is not None
                    and alias == self.query.base_table
                ):
                    return True
        return False

    def _check_scope(self) -> None:
        if not self._is_scoped():
            raise PracticeScopeError(
                f"Query of {self.model.__name__} without a practice: use "
                f"{self.model.__name__}.objects.for_practice(practice) (or .unscoped() in admin, "
                "migrations and management commands)."
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scope()
            if self._prepared_read is not None:
                read, arguments = self._prepared_read
                self._result_cache = read(**arguments)
        super()._fetch_all()

    def iterator(self, chunk_size=None):
        """Rows one at a time. Without a chunk size, a small read (a form's choices: Django's
        choice fields iterate their querysets so) in one query: on PostgreSQL ``iterator()``
        opens a server-side cursor, three round trips for a list of thirty clients. Large
        reads (the exports) name their chunk size and keep the cursor."""
        self._check_scope()
        if chunk_size is None and not self._prefetch_related_lookups:
            self._fetch_all()
            return iter(self._result_cache)
        return super().iterator(chunk_size=chunk_size)

    def count(self):
        if self._result_cache is None:
            self._check_scope()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._check_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._check_scope()
        self._check_update_stays_in_practice(kwargs)
        updated = super().update(**kwargs)
        _written(self.model, self._written_practices())
        return updated

    def _written_practices(self) -> set[int] | None:
        return None if self._scope_practice_id is None else {self._scope_practice_id}

    # Bulk writes skip ``save()``, and with it ``check_same_practice``; they check the same rule
    # in one query per foreign key (``ManyToManyField.add/set`` go through ``bulk_create``).
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        check_rows_same_practice(self.model, objs)
        created = super().bulk_create(objs, *args, **kwargs)
        _written(self.model, {obj.practice_id for obj in objs})
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        check_rows_same_practice(self.model, objs, fields=fields)
        # Like save(), it writes rows already in hand (by primary key): no scope to name.
        updated = super(TenantQuerySet, self.unscoped()).bulk_update(objs, fields, *args, **kwargs)
        _written(self.model, {obj.practice_id for obj in objs})
        return updated

    def _check_update_stays_in_practice(self, values: dict) -> None:
        for field in _tenant_foreign_keys(self.model):
            if field.name in values:
                value = values[field.name]
            elif field.attname in values:
                value = values[field.attname]
            else:
                continue
            target = None
            if isinstance(value, models.Model):
                # A row in hand names its practice, as check_same_practice trusts on save().
                target = getattr(value, "practice_id", None) if value.pk is not None else None
                value = value.pk
            if value is None or hasattr(value, "resolve_expression"):
                continue
            if target is None:
                target = _practice_ids(field.related_model, [value]).get(value)
            if target is not None and target == self._scope_practice_id:
                continue  # every row updated is of that practice (for_practice)
            # One query: would any row being updated end up pointing into another practice?
            if target is None or models.QuerySet.exists(self.exclude(practice_id=target)):
                raise ValidationError({field.name: _("Choose a value from this practice.")})

    def delete(self):
        self._check_scope()
        deleted = super().delete()
        _written(self.model, self._written_practices())
        return deleted


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    use_in_migrations = False


class TenantModel(models.Model):
    """Base of every practice-owned row: ``practice`` is non-null and indexed."""

    practice = models.ForeignKey(
        "secretary.Practice", on_delete=models.CASCADE, related_name="+", db_index=True
    )

    objects = TenantManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        check_same_practice(self)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        check_same_practice(self)

    def _get_FIELD_display(self, field):
        # Lists call get_<field>_display() on every row: one translation each (choices.py).
        return choices.display(self, field, super()._get_FIELD_display)

    def _perform_unique_checks(self, unique_checks):
        with _model_validation():
            return super()._perform_unique_checks(unique_checks)

    def validate_constraints(self, exclude=None):
        with _model_validation():
            return super().validate_constraints(exclude=exclude)


def _tenant_foreign_keys(model) -> list[models.Field]:
    """The foreign keys of ``model`` that point at another tenant model."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.name != "practice"
        and isinstance(field.related_model, type)
        and issubclass(field.related_model, TenantModel)
    ]


def _practice_ids(model, pks) -> dict:
    """``{pk: practice_id}`` of the given rows of a tenant model (missing rows are absent)."""
    return dict(model._base_manager.filter(pk__in=set(pks)).values_list("pk", "practice_id"))


def check_rows_same_practice(model, objs, *, fields=None) -> None:
    """``check_same_practice`` for many rows at once (bulk writes), one query per foreign key.

    ``fields`` limits the check to the fields being written (``bulk_update``).
    """
    errors: dict[str, str] = {}
    for field in _tenant_foreign_keys(model):
        if fields is not None and field.name not in fields and field.attname not in fields:
            continue
        pairs = [
            (obj.practice_id, getattr(obj, field.attname))
            for obj in objs
            if getattr(obj, "practice_id", None) is not None
            and getattr(obj, field.attname) is not None
        ]
        if not pairs:
            continue
        owners = _practice_ids(field.related_model, [pk for _, pk in pairs])
        if any(owners.get(pk) != practice_id for practice_id, pk in pairs):
            errors[field.name] = _("Choose a value from this practice.")
    if errors:
        raise ValidationError(errors)


def check_same_practice(instance: models.Model) -> None:
    """Raise ValidationError if any foreign key of a tenant row points into another practice.

    Checks every loaded or set FK whose target is a TenantModel (or a Practice-owned user
    membership). Runs on save and in ``clean()``, so forms and serializers that call
    ``full_clean`` get a field error and a forged id never reaches the database.
    """
    practice_id = getattr(instance, "practice_id", None)
    if practice_id is None:
        return
    errors: dict[str, str] = {}
    for field in instance._meta.concrete_fields:
        if not field.is_relation or field.name == "practice":
            continue
        related_model = field.related_model
        if not (isinstance(related_model, type) and issubclass(related_model, TenantModel)):
            continue
        related_id = getattr(instance, field.attname)
        if related_id is None:
            continue
        cached = field.get_cached_value(instance, default=None)
        if cached is not None and cached.pk == related_id:
            other_practice_id = cached.practice_id
        else:
            other_practice_id = (
                related_model._base_manager.filter(pk=related_id)
                .values_list("practice_id", flat=True)
                .first()
            )
        if other_practice_id != practice_id:
            errors[field.name] = _("Choose a value from this practice.")
    if errors:
        raise ValidationError(errors)
