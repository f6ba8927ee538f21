"""Backup and restore of a whole Samla installation in one versioned zip file.

``samla backup -o FILE`` writes every collaboration's data, its history and the uploaded
files; ``samla restore FILE`` puts them into an empty database, on the same or another
database engine (SQLite ↔ PostgreSQL), so that every page and API listing is as before.

The file
--------
``manifest.json``
    ``format`` "samla-backup", ``format_version``, the Samla version, ``created_at`` (UTC),
    the database vendor, the migrations applied to the database per app (``migrations``, and
    the latest of each in ``latest_migrations``), and per model its table, its columns (the
    order of the values in each row), the number of rows, the highest key its sequence had
    handed out, and which columns hold natural keys; for every other member of the zip its
    size and SHA-256.
``data/<app_label>.<model_name>.jsonl``
    one JSON array per row, in primary-key order. Decimals, dates, times, durations and
    UUIDs are strings at full precision, binary is base64, JSON fields are JSON. A foreign
    key to a content type or a permission is its natural key (``["landscape",
    "installation"]``), as ``migrate`` numbers those tables afresh in every database.
``media/<path>``
    every file under ``MEDIA_ROOT``.

What is in it: every table of every installed app – history tables and many-to-many
tables included, also accounts, e-mail addresses, TOTP authenticators, identity-provider
links and API tokens – except what ``migrate`` rebuilds or what is fleeting: content
types, permissions, sessions, e-mail confirmation keys, stored OAuth tokens and task
queues (:data:`EXCLUDED`). A new app's models are included without changes here.

Consistency: every row is read in one transaction (PostgreSQL: ``REPEATABLE READ, READ
ONLY``; SQLite: one deferred read transaction, which lets no write in between). Rows are
streamed in chunks, so a national-scale database is never held in memory at once.

The rows are read and written through the *historical* models of the migration state the
database is at, so a backup describes its own schema: a later Samla restores it by building
the schema as it was, loading the rows, and migrating forward. A backup from a newer Samla
(a migration this code does not know) is refused.

Restore refuses a database that has rows in any table it would write, checks every
checksum before writing anything, loads all rows in one transaction with constraint checks
deferred to the end (as ``loaddata`` does), sets the key sequences to where they were (so
that keys of deleted objects, still named in history, are not handed out again), and
copies the files only after the rows are committed.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import shutil
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

FORMAT = "samla-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_DIR = "data"
MEDIA_DIR = "media"

# Rebuilt by `migrate` (content types, permissions) or fleeting (sessions, confirmation
# keys, OAuth tokens – not stored by Samla's settings anyway – and queued tasks).
EXCLUDED = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "sessions.session",
        "account.emailconfirmation",
        "socialaccount.socialtoken",
        "django_tasks_database.dbtaskresult",
        "django_tasks_db.dbtaskresult",
    }
)
# Foreign keys to these are written as natural keys, as their ids differ between databases.
NATURAL_KEY_MODELS = ("contenttypes.contenttype", "auth.permission")
CHUNK_ROWS = 2_000
COPY_BYTES = 1024 * 1024
AUTO_FIELDS = frozenset({"AutoField", "BigAutoField", "SmallAutoField"})

Report = Callable[[str], None]
MigrationKey = tuple[str, str]


class BackupError(Exception):
    """The backup cannot be written or restored; the message says why and what to do."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    models: int
    rows: int
    files: int
    size: int


@dataclass(frozen=True)
class RestoreSummary:
    models: int
    rows: int
    files: int
    migrated_forward: bool
    dry_run: bool


def _silent(message: str) -> None:
    pass


def samla_version() -> str:
    try:
        return package_version("samla")
    except PackageNotFoundError:  # pragma: no cover - always installed with pip -e
        return "unknown"


# --- Migration state and its models -------------------------------------------------------


def applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    """The migrations recorded in the database, per app, sorted by name."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    applied: dict[str, list[str]] = {}
    for app_label, name in recorder.applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {app_label: sorted(names) for app_label, names in sorted(applied.items())}


def _keys(migrations: dict[str, list[str]]) -> set[MigrationKey]:
    return {(app_label, name) for app_label, names in migrations.items() for name in names}


def _graph_nodes(loader: MigrationLoader, applied: set[MigrationKey]) -> set[MigrationKey]:
    """``applied`` as nodes of the graph: a squashed migration stands for those it replaces."""
    nodes = {key for key in applied if key in loader.graph.nodes}
    for key, migration in loader.replacements.items():
        if key in loader.graph.nodes and all(tuple(r) in applied for r in migration.replaces):
            nodes.add(key)
    return nodes


def _latest(graph: MigrationGraph, nodes: set[MigrationKey]) -> dict[str, str]:
    """Per app, the migration in ``nodes`` that no other migration of the app in ``nodes`` follows."""
    latest: dict[str, str] = {}
    for key in sorted(nodes):
        children = graph.node_map[key].children
        if not any(child in nodes and child[0] == key[0] for child in children):
            latest[key[0]] = key[1]
    return latest


def _state_apps(loader: MigrationLoader, nodes: set[MigrationKey]) -> Apps:
    """The models as they were after the migrations ``nodes``."""
    if not nodes:
        raise BackupError("The database has no migrations applied: run `samla migrate` first.")
    return loader.project_state(sorted(nodes), at_end=True).apps


def _included_models(apps: Apps) -> list[type[models.Model]]:
    included = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and model._meta.label_lower not in EXCLUDED
    ]
    return sorted(included, key=lambda model: model._meta.label_lower)


def _natural_key_target(field: models.Field[Any, Any]) -> str | None:
    if field.is_relation and field.many_to_one and field.related_model is not None:
        label = field.related_model._meta.label_lower  # type: ignore[union-attr]
        if label in NATURAL_KEY_MODELS:
            return label
    return None


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.local_concrete_fields)


def _has_auto_key(model: type[models.Model]) -> bool:
    pk = model._meta.pk
    return pk is not None and pk.get_internal_type() in AUTO_FIELDS


# --- Values -------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    """Values inside JSON fields that json cannot write by itself (full precision)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"Cannot write {type(value).__name__} to a backup.")


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value  # anything else json can write (lists of a PostgreSQL array field …)


def _identity(value: Any) -> Any:
    return value


# --- Backup -------------------------------------------------------------------------------


@contextmanager
def _read_snapshot(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """One transaction for every read, so that the backup is one moment of the database."""
    connection.ensure_connection()
    if connection.in_atomic_block:  # already in a transaction (tests): it is consistent
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # Django begins SQLite transactions IMMEDIATE, which takes the write lock. A deferred
        # transaction reads one consistent state and holds only a shared lock. Outside an
        # atomic block Django leaves sqlite3 in autocommit, so this BEGIN is ours.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
    else:  # pragma: no cover - Samla runs on SQLite and PostgreSQL
        with transaction.atomic(using=connection.alias):
            yield


def _natural_key_maps(connection: BaseDatabaseWrapper) -> dict[str, dict[int, list[str]]]:
    qn = connection.ops.quote_name
    maps: dict[str, dict[int, list[str]]] = {label: {} for label in NATURAL_KEY_MODELS}
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if "django_content_type" in tables:
            cursor.execute(f"SELECT id, app_label, model FROM {qn('django_content_type')}")
            for pk, app_label, model in cursor.fetchall():
                maps["contenttypes.contenttype"][pk] = [app_label, model]
        if "auth_permission" in tables and "django_content_type" in tables:
            cursor.execute(
                f"SELECT p.id, p.codename, c.app_label, c.model FROM {qn('auth_permission')} p "
                f"JOIN {qn('django_content_type')} c ON c.id = p.content_type_id"
            )
            for pk, codename, app_label, model in cursor.fetchall():
                maps["auth.permission"][pk] = [codename, app_label, model]
    return maps


def _sequence_values(
    connection: BaseDatabaseWrapper, model_list: Iterable[type[models.Model]]
) -> dict[str, int]:
    """The highest key each table's sequence has handed out (deleted rows included)."""
    result: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
            by_table = {name: int(seq) for name, seq in cursor.fetchall()}
            for model in model_list:
                if _has_auto_key(model) and model._meta.db_table in by_table:
                    result[model._meta.label_lower] = by_table[model._meta.db_table]
        elif connection.vendor == "postgresql":
            for model in model_list:
                pk = model._meta.pk
                if pk is None or not _has_auto_key(model):
                    continue
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)",
                    [connection.ops.quote_name(model._meta.db_table), pk.column],
                )
                sequence = cursor.fetchone()[0]
                if sequence:
                    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
                    last_value, is_called = cursor.fetchone()
                    result[model._meta.label_lower] = last_value if is_called else last_value - 1
    return result


def _media_files(root: Path, skip: set[Path]) -> list[tuple[str, Path]]:
    if not root.is_dir():
        return []
    files = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.resolve() not in skip:
            files.append((path.relative_to(root).as_posix(), path))
    return files


class _HashingWriter:
    """Writes to a zip member and keeps its SHA-256 and size."""

    def __init__(self, member: IO[bytes]) -> None:
        self.member = member
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.member.write(data)
        self.digest.update(data)
        self.size += len(data)

    def entry(self) -> dict[str, Any]:
        return {"sha256": self.digest.hexdigest(), "size": self.size}


def _natural_key_encoder(keys: dict[int, list[str]]) -> Callable[[Any], Any]:
    def encode(value: Any) -> Any:
        return None if value is None else keys[value]

    return encode


def _write_rows(
    archive: zipfile.ZipFile,
    member: str,
    model: type[models.Model],
    connection: BaseDatabaseWrapper,
    natural_keys: dict[str, dict[int, list[str]]],
) -> tuple[dict[str, Any], int]:
    columns = _columns(model)
    encoders: list[Callable[[Any], Any]] = []
    for field in columns:
        target = _natural_key_target(field)
        if target is not None:
            encoders.append(_natural_key_encoder(natural_keys[target]))
        elif field.get_internal_type() == "JSONField":
            encoders.append(_identity)
        else:
            encoders.append(_encode)
    pk = model._meta.pk
    assert pk is not None
    rows = (
        model._base_manager.using(connection.alias)
        .order_by(pk.attname)
        .values_list(*(field.attname for field in columns))
        .iterator(chunk_size=CHUNK_ROWS)
    )
    count = 0
    with archive.open(member, "w", force_zip64=True) as target_file:
        writer = _HashingWriter(target_file)
        lines: list[str] = []
        for row in rows:
            values = [encode(value) for encode, value in zip(encoders, row, strict=True)]
            lines.append(
                json.dumps(values, ensure_ascii=False, separators=(",", ":"), default=_json_default)
            )
            count += 1
            if len(lines) >= CHUNK_ROWS:
                writer.write(("\n".join(lines) + "\n").encode("utf-8"))
                lines = []
        if lines:
            writer.write(("\n".join(lines) + "\n").encode("utf-8"))
    return writer.entry(), count


def create_backup(
    path: Path, *, using: str = DEFAULT_DB_ALIAS, report: Report = _silent
) -> BackupSummary:
    """Write a backup of the whole database and ``MEDIA_ROOT`` to ``path`` (a zip file).

    The file appears only when it is complete: it is written beside ``path`` and renamed.
    """
    connection = connections[using]
    path = Path(path)
    directory = path.resolve().parent
    if not directory.is_dir():
        raise BackupError(f"The directory {directory} does not exist.")
    handle, temporary_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        summary = _write_backup(
            temporary, connection, report, skip={temporary.resolve(), path.resolve()}
        )
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return BackupSummary(path, summary[0], summary[1], summary[2], path.stat().st_size)


def _write_backup(
    target: Path, connection: BaseDatabaseWrapper, report: Report, skip: set[Path]
) -> tuple[int, int, int]:
    files: dict[str, dict[str, Any]] = {}
    model_entries: list[dict[str, Any]] = []
    total_rows = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        with _read_snapshot(connection):
            migrations = applied_migrations(connection)
            loader = MigrationLoader(connection, ignore_no_migrations=True)
            nodes = _graph_nodes(loader, _keys(migrations))
            state_apps = _state_apps(loader, nodes)
            model_list = _included_models(state_apps)
            natural_keys = _natural_key_maps(connection)
            sequences = _sequence_values(connection, model_list)
            for model in model_list:
                label = model._meta.label_lower
                member = f"{DATA_DIR}/{label}.jsonl"
                files[member], rows = _write_rows(archive, member, model, connection, natural_keys)
                total_rows += rows
                report(f"{label}: {rows} rows")
                columns = _columns(model)
                model_entries.append(
                    {
                        "label": label,
                        "table": model._meta.db_table,
                        "columns": [field.attname for field in columns],
                        "natural_keys": {
                            field.attname: related
                            for field in columns
                            if (related := _natural_key_target(field)) is not None
                        },
                        "rows": rows,
                        "sequence": sequences.get(label),
                        "member": member,
                    }
                )
        media = _media_files(Path(settings.MEDIA_ROOT), skip)  # not the backup itself
        for relative, source in media:
            member = f"{MEDIA_DIR}/{relative}"
            with (
                source.open("rb") as source_file,
                archive.open(member, "w", force_zip64=True) as out,
            ):
                writer = _HashingWriter(out)
                while chunk := source_file.read(COPY_BYTES):
                    writer.write(chunk)
            files[member] = writer.entry()
        report(f"media: {len(media)} files")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "samla_version": samla_version(),
            "created_at": timezone.now().astimezone(datetime.UTC).isoformat(),
            "database_vendor": connection.vendor,
            "migrations": migrations,
            "latest_migrations": _latest(loader.graph, nodes),
            "models": model_entries,
            "files": files,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return len(model_entries), total_rows, len(media)


# --- Reading a backup ---------------------------------------------------------------------


@contextmanager
def _open_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except FileNotFoundError as exc:
        raise BackupError(f"{path} does not exist.") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise BackupError(f"{path} is damaged or not a Samla backup: {exc}.") from exc


def _safe_media_path(member: str) -> PurePosixPath:
    relative = PurePosixPath(member).relative_to(MEDIA_DIR)
    if relative.is_absolute() or ".." in relative.parts or "\\" in member or not relative.parts:
        raise BackupError(f"The backup holds a file with an unsafe name: {member!r}.")
    return relative


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    """The manifest, checked for format, version and the list of members."""
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        raise BackupError("This is not a Samla backup: it has no manifest.json.") from exc
    except (ValueError, zipfile.BadZipFile, zlib.error) as exc:
        raise BackupError(f"The manifest of the backup cannot be read: {exc}.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This is not a Samla backup (manifest.json has another format).")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"The backup has format version {version}; this Samla reads version "
            f"{FORMAT_VERSION}. Upgrade Samla to {manifest.get('samla_version')} or later first."
        )
    files = manifest.get("files")
    if not isinstance(files, dict) or not isinstance(manifest.get("models"), list):
        raise BackupError("The manifest of the backup is incomplete.")
    members = {info.filename for info in archive.infolist() if not info.is_dir()} - {MANIFEST}
    if missing := sorted(set(files) - members):
        raise BackupError(f"The backup is incomplete: {missing[0]} is missing.")
    if extra := sorted(members - set(files)):
        raise BackupError(f"The backup holds a file its manifest does not list: {extra[0]}.")
    for member in files:
        if member.startswith(f"{MEDIA_DIR}/"):
            _safe_media_path(member)
        elif not member.startswith(f"{DATA_DIR}/"):
            raise BackupError(f"The backup holds an unexpected file: {member!r}.")
    return manifest


def verify_checksums(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    for member, entry in sorted(manifest["files"].items()):
        digest = hashlib.sha256()
        size = 0
        try:
            with archive.open(member) as source:
                while chunk := source.read(COPY_BYTES):
                    digest.update(chunk)
                    size += len(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise BackupError(f"{member} in the backup is damaged: {exc}.") from exc
        if digest.hexdigest() != entry.get("sha256") or size != entry.get("size"):
            raise BackupError(
                f"{member} in the backup does not match its checksum: the file has been "
                "changed or damaged."
            )


def _lines(archive: zipfile.ZipFile, member: str) -> Iterator[tuple[int, list[Any]]]:
    with archive.open(member) as source:
        for number, line in enumerate(source, start=1):
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise BackupError(f"{member}, line {number}: not JSON ({exc}).") from exc
            if not isinstance(row, list):
                raise BackupError(f"{member}, line {number}: not a row.")
            yield number, row


# --- Restore ------------------------------------------------------------------------------


def _tables_with_rows(connection: BaseDatabaseWrapper, tables: Iterable[str]) -> list[str]:
    existing = set(connection.introspection.table_names())
    qn = connection.ops.quote_name
    busy = []
    with connection.cursor() as cursor:
        for table in sorted(set(tables) & existing):
            cursor.execute(f"SELECT 1 FROM {qn(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                busy.append(table)
    return busy


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(COPY_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _media_conflicts(archive: zipfile.ZipFile, manifest: dict[str, Any], root: Path) -> list[str]:
    conflicts = []
    for member, entry in sorted(manifest["files"].items()):
        if not member.startswith(f"{MEDIA_DIR}/"):
            continue
        target = root.joinpath(*_safe_media_path(member).parts)
        if target.exists() and not (target.is_file() and _file_sha256(target) == entry["sha256"]):
            conflicts.append(str(target))
    return conflicts


def _models_of_backup(
    state_apps: Apps, manifest: dict[str, Any]
) -> list[tuple[dict[str, Any], type[models.Model]]]:
    """Each model entry of the manifest with its model at the backup's migration state."""
    by_label = {model._meta.label_lower: model for model in _included_models(state_apps)}
    result = []
    for entry in manifest["models"]:
        model = by_label.get(entry.get("label"))
        if model is None:
            raise BackupError(
                f"The backup holds {entry.get('label')}, which its migrations do not create."
            )
        if entry.get("columns") != [field.attname for field in _columns(model)]:
            raise BackupError(
                f"The columns of {entry['label']} in the backup do not match its migrations."
            )
        result.append((entry, model))
    return result


class _NaturalKeys:
    """Natural keys of content types and permissions → their ids in this database."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, tuple[str, ...]], int] = {}

    def resolve(self, label: str, key: list[str]) -> int:
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        cache_key = (label, tuple(key))
        if cache_key not in self.cache:
            try:
                if label == "contenttypes.contenttype":
                    app_label, model = key
                    self.cache[cache_key] = ContentType.objects.get_or_create(
                        app_label=app_label, model=model
                    )[0].pk
                else:
                    codename, app_label, model = key
                    self.cache[cache_key] = Permission.objects.get_by_natural_key(
                        codename, app_label, model
                    ).pk
            except (Permission.DoesNotExist, ValueError) as exc:
                raise BackupError(
                    f"The backup names {label} {key}, which does not exist here."
                ) from exc
        return self.cache[cache_key]


def _natural_key_decoder(natural: _NaturalKeys, label: str) -> Callable[[Any], Any]:
    def decode(value: Any) -> Any:
        return None if value is None else natural.resolve(label, value)

    return decode


def _field_decoder(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    to_python = field.to_python

    def decode(value: Any) -> Any:
        return None if value is None else to_python(value)

    return decode


def _decoders(
    entry: dict[str, Any], model: type[models.Model], natural: _NaturalKeys | None
) -> list[Callable[[Any], Any]]:
    decoders: list[Callable[[Any], Any]] = []
    natural_columns = entry.get("natural_keys") or {}
    for field in _columns(model):
        if field.attname in natural_columns:
            label = natural_columns[field.attname]
            if natural is None:
                decoders.append(_identity)
            else:
                decoders.append(_natural_key_decoder(natural, label))
        elif field.get_internal_type() == "JSONField":
            decoders.append(_identity)
        else:
            decoders.append(_field_decoder(field))
    return decoders


def _decoded_rows(
    archive: zipfile.ZipFile,
    entry: dict[str, Any],
    model: type[models.Model],
    natural: _NaturalKeys | None,
) -> Iterator[list[Any]]:
    decoders = _decoders(entry, model, natural)
    member = entry["member"]
    for number, row in _lines(archive, member):
        if len(row) != len(decoders):
            raise BackupError(
                f"{member}, line {number}: {len(row)} values, expected {len(decoders)}."
            )
        try:
            yield [decode(value) for decode, value in zip(decoders, row, strict=True)]
        except BackupError:
            raise
        except Exception as exc:  # noqa: BLE001 - any field's own conversion error
            raise BackupError(f"{member}, line {number}: {exc}") from exc


def _insert_rows(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    rows: Iterator[list[Any]],
) -> int:
    """Insert as Model.save(raw=True) does – values as given, no auto_now, no signals – but
    many rows per statement."""
    columns = _columns(model)
    names = [field.attname for field in columns]
    # As bulk_create does: what the backend allows, and at most 1 000 rows or 30 000 values.
    limit = min(1_000, max(1, 30_000 // len(columns)))
    batch_size = max(1, connection.ops.bulk_batch_size(columns, [None] * limit))
    manager = model._base_manager.using(connection.alias)
    count = 0
    batch: list[models.Model] = []
    for values in rows:
        batch.append(model(**dict(zip(names, values, strict=True))))
        if len(batch) >= batch_size:
            manager._insert(batch, fields=columns, raw=True, using=connection.alias)  # type: ignore[attr-defined]
            count += len(batch)
            batch = []
    if batch:
        manager._insert(batch, fields=columns, raw=True, using=connection.alias)  # type: ignore[attr-defined]
        count += len(batch)
    return count


def _set_sequences(
    connection: BaseDatabaseWrapper, loaded: list[tuple[dict[str, Any], type[models.Model]]]
) -> None:
    """Continue every key sequence after the highest key the old database handed out."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for entry, model in loaded:
            pk = model._meta.pk
            if pk is None or pk.column is None or not _has_auto_key(model):
                continue
            table = model._meta.db_table
            cursor.execute(f"SELECT MAX({qn(pk.column)}) FROM {qn(table)}")
            highest = max(cursor.fetchone()[0] or 0, entry.get("sequence") or 0)
            if highest <= 0:
                continue
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s, true)",
                    [qn(table), pk.column, highest],
                )
            elif connection.vendor == "sqlite":
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [highest, table]
                )
                if cursor.rowcount == 0:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest]
                    )


def _migrate_to(connection: BaseDatabaseWrapper, nodes: set[MigrationKey], report: Report) -> None:
    """Bring the database's schema to exactly the migrations ``nodes``.

    Normally the database is new and this migrates forward. A database that is ahead (made
    with a later ``samla migrate``) is taken back first; its tables are empty, so only
    an irreversible migration can stop that.
    """
    loader = MigrationLoader(connection)

    def applied() -> set[MigrationKey]:
        return _graph_nodes(loader, set(MigrationRecorder(connection).applied_migrations()))

    def migrate(*target: str) -> None:
        report(f"Migrating {' '.join(target) or 'everything'}.")
        try:
            call_command(
                "migrate", *target, database=connection.alias, interactive=False, verbosity=0
            )
        except IrreversibleError as exc:
            raise BackupError(
                f"The database cannot be taken back to the backup's migrations ({exc}). "
                "Restore into a new database with no tables."
            ) from exc

    if applied() == nodes:
        return
    if nodes == set(loader.graph.nodes):
        migrate()
    else:
        latest = _latest(loader.graph, nodes)
        for app_label in sorted({key[0] for key in applied() - nodes}):
            migrate(app_label, latest.get(app_label, "zero"))
        # Most dependent first: migrating to it brings most other apps along.
        for key in sorted(latest.items(), key=lambda key: -len(loader.graph.forwards_plan(key))):
            if key not in applied():
                migrate(*key)
    if applied() != nodes:
        raise BackupError("The database could not be brought to the backup's migrations.")


def restore_backup(
    path: Path, *, dry_run: bool = False, using: str = DEFAULT_DB_ALIAS, report: Report = _silent
) -> RestoreSummary:
    """Restore the backup at ``path`` into the (empty) database and ``MEDIA_ROOT``.

    Raises :class:`BackupError` – before anything is written – when the file is damaged, was
    changed, comes from a newer Samla, or the database or ``MEDIA_ROOT`` is not empty. A dry
    run checks all of this and reads every row, and writes nothing.
    """
    connection = connections[using]
    media_root = Path(settings.MEDIA_ROOT)
    with _open_archive(Path(path)) as archive:
        manifest = read_manifest(archive)
        loader = MigrationLoader(connection, ignore_no_migrations=True)
        backup_keys = _keys(manifest.get("migrations") or {})
        unknown = sorted(key for key in backup_keys if key not in loader.disk_migrations)
        if unknown:
            app_label, name = unknown[0]
            raise BackupError(
                f"The backup was made by a newer Samla ({manifest.get('samla_version')}): "
                f"this Samla does not know the migration {app_label}.{name}. "
                "Upgrade Samla first, then restore."
            )
        tables = {str(entry.get("table")) for entry in manifest["models"]}
        tables |= {model._meta.db_table for model in _included_models(global_apps)}
        if busy := _tables_with_rows(connection, tables):
            raise BackupError(
                f"The database is not empty: the table {busy[0]} has rows. Restore only into "
                "an empty database (a new one, or one just made with `samla migrate`)."
            )
        if conflicts := _media_conflicts(archive, manifest, media_root):
            raise BackupError(
                f"MEDIA_ROOT already holds a different file at {conflicts[0]}. Restore into an "
                "empty MEDIA_ROOT."
            )
        verify_checksums(archive, manifest)
        nodes = _graph_nodes(loader, backup_keys)
        entries = _models_of_backup(_state_apps(loader, nodes), manifest)
        older = nodes != set(loader.graph.nodes)
        media = sorted(member for member in manifest["files"] if member.startswith(f"{MEDIA_DIR}/"))

        if dry_run:
            total = 0
            for entry, model in entries:
                total += sum(1 for _row in _decoded_rows(archive, entry, model, None))
            return RestoreSummary(len(entries), total, len(media), older, dry_run=True)

        staging = _stage_media(archive, media, media_root)
        try:
            _migrate_to(connection, nodes, report)
            total = _load(connection, archive, entries, report)
            if older:
                report("Migrating the restored data to this version of Samla.")
                call_command("migrate", database=connection.alias, interactive=False, verbosity=0)
            _move_media(staging, media_root)
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
    return RestoreSummary(len(entries), total, len(media), older, dry_run=False)


def _load(
    connection: BaseDatabaseWrapper,
    archive: zipfile.ZipFile,
    entries: list[tuple[dict[str, Any], type[models.Model]]],
    report: Report,
) -> int:
    natural = _NaturalKeys()
    total = 0
    try:
        with transaction.atomic(using=connection.alias):
            if connection.vendor == "postgresql":  # foreign keys are checked at the end
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            with connection.constraint_checks_disabled():
                for entry, model in entries:
                    rows = _insert_rows(
                        connection, model, _decoded_rows(archive, entry, model, natural)
                    )
                    if rows != entry.get("rows"):
                        raise BackupError(
                            f"{entry['member']} has {rows} rows; the manifest says {entry.get('rows')}."
                        )
                    total += rows
                    report(f"{entry['label']}: {rows} rows")
            connection.check_constraints(table_names=[entry["table"] for entry, _ in entries])
            _set_sequences(connection, entries)
    except DatabaseError as exc:
        raise BackupError(
            f"The database refused the backup's rows; nothing was restored: {exc}"
        ) from exc
    return total


def _stage_media(archive: zipfile.ZipFile, media: list[str], root: Path) -> Path | None:
    """Unpack the files next to MEDIA_ROOT; they are moved in once the rows are committed."""
    if not media:
        return None
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".samla-restore-", dir=root.parent))
    for member in media:
        target = staging.joinpath(*_safe_media_path(member).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(member) as source, target.open("wb") as out:
            while chunk := source.read(COPY_BYTES):
                out.write(chunk)
    return staging


def _move_media(staging: Path | None, root: Path) -> None:
    if staging is None:
        return
    for source in sorted(staging.rglob("*")):
        if source.is_file():
            target = root / source.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
