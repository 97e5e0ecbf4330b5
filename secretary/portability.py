"""One practice out of a deployment and into an empty one: ``practice_export`` and
``practice_import``.

The archive (``.tar.gz``) holds ``manifest.json`` (format and schema version, the practice, the
applied migrations, row counts per table, files with their SHA-256), one Django fixture per
table under ``data/`` (rows with their primary keys, so links between rows survive), and the
files those rows name under ``media/``. It holds the practice row, every row of every practice-
owned model (``TenantModel``), the users those rows name (members, authors, inviters) with their
email addresses and two-factor authenticators, and nothing else: no other practice's rows, not
even the other memberships of a user who belongs to two practices.

It contains password hashes and two-factor secrets: keep it as safe as a database backup.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from secretary import rls
from secretary.errors import ApplicationError
from secretary.models import Practice, User
from secretary.tenancy import TenantModel, practice_scope

FORMAT = "secretary-practice-export"
SCHEMA_VERSION = 1

# Rows of a user that travel with the user.
USER_MODELS = ("account.EmailAddress", "mfa.Authenticator")
# Models that are neither the practice's nor its users' lasting data, and why.
NOT_EXPORTED = {
    "admin.LogEntry": "the Django admin's own history, across practices",
    "auth.Permission": "created by migrate",
    "auth.Group": "not used by the product (roles live on memberships)",
    "contenttypes.ContentType": "created by migrate",
    "sessions.Session": "sign-ins end with the move",
    "usersessions.UserSession": "sign-ins end with the move",
    "account.EmailConfirmation": "pending confirmation links expire",
    "secretary.Outbox": "jobs of this deployment's broker, done or re-sent here, not moved",
    "billing.ProviderEvent": "webhook deliveries this deployment received, not the practice's",
}


class PortabilityError(ApplicationError):
    """The archive cannot be written or loaded; the message says why."""


def exported_models() -> list[type[models.Model]]:
    """The tables of an export, parents first: the practice, users, then practice-owned rows."""
    user_models = [apps.get_model(label) for label in USER_MODELS]
    tenant_models = [m for m in apps.get_models() if issubclass(m, TenantModel)]
    return [Practice, User, *user_models, *_parents_first(tenant_models)]


def _parents_first(tables: list[type[models.Model]]) -> list[type[models.Model]]:
    """``tables`` with each one after the tables its foreign keys point to (otherwise in the
    given order; a cycle keeps it). Database triggers that look a row's parents up as it is
    inserted (the ledger's, on PostgreSQL) find them loaded already."""
    remaining = list(tables)
    ordered: list[type[models.Model]] = []
    while remaining:
        pending = set(remaining)
        chosen = next(
            (
                model
                for model in remaining
                if not any(
                    field.related_model in pending and field.related_model is not model
                    for field in model._meta.concrete_fields
                    if field.is_relation
                )
            ),
            remaining[0],
        )
        remaining.remove(chosen)
        ordered.append(chosen)
    return ordered


def unclassified_models() -> list[str]:
    """Models neither exported nor listed in NOT_EXPORTED (a new model must pick one)."""
    exported = {m._meta.label for m in exported_models()}
    return sorted(
        m._meta.label
        for m in apps.get_models()
        if m._meta.label not in exported and m._meta.label not in NOT_EXPORTED
    )


def _user_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is User and f.many_to_one
    ]


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _querysets(practice: Practice) -> dict[type[models.Model], models.QuerySet]:
    """Each exported table's rows of ``practice``."""
    tenant = {
        m: m.objects.for_practice(practice).order_by("pk")
        for m in exported_models()
        if issubclass(m, TenantModel)
    }
    user_ids: set[int] = set()
    for model, queryset in tenant.items():
        for user_field in _user_fields(model):
            user_ids.update(
                queryset.exclude(**{user_field.attname: None}).values_list(
                    user_field.attname, flat=True
                )
            )
    querysets: dict[type[models.Model], models.QuerySet] = {
        Practice: Practice.objects.filter(pk=practice.pk),
        User: User.objects.filter(pk__in=user_ids).order_by("pk"),
    }
    for label in USER_MODELS:
        model = apps.get_model(label)
        querysets[model] = model.objects.filter(user_id__in=user_ids).order_by("pk")
    querysets.update(tenant)
    return querysets


def _applied_migrations(using: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


@dataclass
class ExportResult:
    path: Path
    counts: dict[str, int]
    files: int
    missing_files: list[str] = field(default_factory=list)


def practice_export(*, practice: Practice, path: Path) -> ExportResult:
    """Write ``practice``'s archive to ``path`` (a ``.tar.gz``), atomically.

    It reads inside the practice (row-level security), so no other practice's row can reach
    the archive even through a mistake here."""
    with practice_scope(practice):
        return _export(practice=practice, path=path)


def _export(*, practice: Practice, path: Path) -> ExportResult:
    querysets = _querysets(practice)
    counts: dict[str, int] = {}
    file_names: set[str] = set()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        for model, queryset in querysets.items():
            label = model._meta.label
            rows = list(queryset)
            counts[label] = len(rows)
            for file_field in _file_fields(model):
                file_names.update(
                    getattr(row, file_field.attname).name
                    for row in rows
                    if getattr(row, file_field.attname)
                )
            data = serializers.serialize("json", rows, indent=1).encode()
            _add_bytes(archive, f"data/{label}.json", data)
        files, missing = [], []
        for name in sorted(file_names):
            try:
                with default_storage.open(name, "rb") as handle:
                    content = handle.read()
            except (FileNotFoundError, OSError):
                missing.append(name)
                continue
            _add_bytes(archive, f"media/{name}", content)
            files.append(
                {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            )
        manifest = {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "exported_at": timezone.now().isoformat(),
            "practice": {"id": practice.pk, "slug": practice.slug, "name": practice.name},
            "migrations": _applied_migrations(DEFAULT_DB_ALIAS),
            "tables": [model._meta.label for model in querysets],
            "counts": counts,
            "files": files,
            "missing_files": missing,
        }
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
    partial.replace(path)
    return ExportResult(path=path, counts=counts, files=len(files), missing_files=missing)


# --- Import -----------------------------------------------------------------------------------


def _safe_member_name(name: str, prefix: str) -> str:
    """The path below ``prefix`` of an archive member, refusing anything that could escape."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or pure.parts[:1] != (prefix,):
        raise PortabilityError(
            _("The archive holds an unexpected entry: %(name)s") % {"name": name}
        )
    return str(PurePosixPath(*pure.parts[1:]))


def _read_archive(path: Path) -> tuple[dict, dict[str, bytes], dict[str, bytes]]:
    """(manifest, {label: fixture}, {file name: content}), checked against the manifest."""
    data: dict[str, bytes] = {}
    media: dict[str, bytes] = {}
    manifest = None
    try:
        archive = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise PortabilityError(
            _("This is not a practice archive (%(error)s).") % {"error": error}
        ) from error
    with archive:
        for member in archive.getmembers():
            if member.isdir():
                continue
            if not member.isfile():
                raise PortabilityError(
                    _("The archive holds an unexpected entry: %(name)s") % {"name": member.name}
                )
            content = archive.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(content)
            elif member.name.startswith("data/"):
                data[_safe_member_name(member.name, "data").removesuffix(".json")] = content
            else:
                media[_safe_member_name(member.name, "media")] = content
    if not manifest or manifest.get("format") != FORMAT:
        raise PortabilityError(_("This is not a practice archive (no manifest)."))
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise PortabilityError(
            _("This archive has format version %(found)s; this version reads %(expected)s.")
            % {"found": manifest.get("schema_version"), "expected": SCHEMA_VERSION}
        )
    for entry in manifest["files"]:
        content = media.get(entry["name"])
        if content is None or hashlib.sha256(content).hexdigest() != entry["sha256"]:
            raise PortabilityError(
                _("The archive is damaged: %(name)s is missing or altered.")
                % {"name": entry["name"]}
            )
    return manifest, data, media


def _existing_rows(labels: Iterable[str], using: str) -> dict[str, int]:
    found = {}
    for label in labels:
        model = apps.get_model(label)
        manager = model.objects.unscoped() if issubclass(model, TenantModel) else model.objects
        count = manager.using(using).count()
        if count:
            found[label] = count
    return found


def table_counts(labels: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    counts = {}
    for label in labels:
        model = apps.get_model(label)
        manager = model.objects.unscoped() if issubclass(model, TenantModel) else model.objects
        counts[label] = manager.using(using).count()
    return counts


def practice_import(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Load an archive (see ``_import``), through the one cross-practice bypass: the database
    must be checked empty of every practice, and the rows are written before any scope.

    It runs as the tables' owner (``rls.owner_role``): the ledger's triggers let only the owner,
    with the bypass on, insert history that is already posted (entries dated on or before a
    book's lock date, lines of posted entries); the app's own role never can.
    """
    with (
        rls.owner_role(using),
        rls.cross_practice("practice_import into an empty database", using=using),
    ):
        return _import(path=path, using=using)


def _import(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Load the archive at ``path`` into an empty database (migrated to the same migrations)
    and its files into the default storage. Returns the manifest.

    Refuses a database that holds any user, practice or practice-owned row, and an archive
    written by a different set of migrations (import into the version that exported, then
    upgrade). Rows keep their primary keys; database sequences are reset afterwards.
    """
    manifest, data, media = _read_archive(Path(path))
    labels = manifest["tables"]
    unknown = [label for label in labels if label not in data]
    if unknown:
        raise PortabilityError(
            _("The archive is damaged: no data for %(tables)s.") % {"tables": ", ".join(unknown)}
        )
    if sorted(map(list, manifest["migrations"])) != _applied_migrations(using):
        raise PortabilityError(
            _(
                "The archive was written by a different version of Secretary (other migrations "
                "applied). Import it into the version that exported it, then upgrade."
            )
        )
    existing = _existing_rows({*labels, *(m._meta.label for m in exported_models())}, using)
    if existing:
        raise PortabilityError(
            _("The database is not empty (%(tables)s): import only into a new database.")
            % {"tables": ", ".join(f"{label}: {n}" for label, n in sorted(existing.items()))}
        )
    taken = [name for name in media if default_storage.exists(name)]
    if taken:
        raise PortabilityError(
            _("Files already exist in the media storage: %(names)s")
            % {"names": ", ".join(sorted(taken)[:5])}
        )
    written: list[str] = []
    try:
        for name, content in media.items():
            saved = default_storage.save(name, ContentFile(content))
            written.append(saved)
            if saved != name:
                raise PortabilityError(_("The media storage renamed %(name)s.") % {"name": name})
        with tempfile.TemporaryDirectory() as folder:
            fixtures = []
            for index, label in enumerate(labels):
                if not manifest["counts"].get(label):
                    continue  # loaddata warns about an empty fixture
                fixture = Path(folder) / f"{index:03d}-{label.replace('.', '-')}.json"
                fixture.write_bytes(data[label])
                fixtures.append(str(fixture))
            # One transaction; foreign keys checked at the end; sequences reset.
            call_command("loaddata", *fixtures, database=using, verbosity=0)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    loaded = table_counts(labels, using)
    if loaded != manifest["counts"]:
        raise PortabilityError(
            _("Rows loaded differ from the archive: %(loaded)s, expected %(expected)s.")
            % {"loaded": loaded, "expected": manifest["counts"]}
        )
    return manifest
