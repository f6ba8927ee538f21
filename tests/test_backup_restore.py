"""`samla backup` and `samla restore`: every API listing is the same after a restore.

In-process tests back up the test database (the world, the Nye Asker demo landscape, edits
and a deletion in the history, a permission, an API token and an uploaded file), empty it,
restore, and compare every GET endpoint of the OpenAPI document and every row of every
table. They also take damaged, changed and too-new backups and a database that is not
empty, and check that each is refused with a message and that nothing is written.

The subprocess test runs the real `samla` command across engines: a SQLite database one
migration behind (mfa) is backed up, restored into a new, migrated PostgreSQL database
(taken back to the backup's migrations, loaded, migrated forward), backed up there and
restored into SQLite where the mfa app has no tables yet (migrated first). When PostgreSQL
is not reachable it is skipped, except under CI.
"""

from __future__ import annotations

import atexit
import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import uuid
import zipfile
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from conftest import World
from samla.core import backup
from samla.landscape import services as landscape_services
from samla.landscape.demo import seed_nye_asker_landscape
from samla.landscape.models import Contract, Installation
from samla.organisations import services as organisation_services
from samla.organisations.models import ApiToken, User

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
SAMLA = ROOT / ".venv" / "bin" / "samla"
PARAMETER = re.compile(r"\{(\w+)\}")


# --- What the API shows -------------------------------------------------------------------


_get_paths: list[str] = []


def api_listings(client: Client, token: str, *, details: int | None = None) -> dict[str, Any]:
    """Every GET endpoint of the OpenAPI document, as the token's user sees it.

    ``{slug}`` takes every collaboration of ``/collaborations``; any other path parameter
    takes the ``uuid`` of every item (or of the first ``details``) of the listing its path
    continues.
    """
    headers = {"Authorization": f"Bearer {token}"}
    if not _get_paths:  # the document takes a second or two to build; it does not change
        schema = client.get("/api/v1/openapi.json", headers=headers).json()
        _get_paths.extend(
            sorted(
                (path for path, operations in schema["paths"].items() if "get" in operations),
                key=lambda path: (path.count("{"), path),
            )
        )
    templates = _get_paths
    responses: dict[str, Any] = {}

    def get(url: str) -> Any:
        if url not in responses:
            response = client.get(url, headers=headers)
            assert response.status_code == 200, f"{url}: {response.status_code}"
            responses[url] = response.json()
        return responses[url]

    slugs = [collaboration["slug"] for collaboration in get("/api/v1/collaborations")]
    assert slugs, "the token's user sees no collaboration"

    def expand(template: str, done: str) -> Iterator[str]:
        match = PARAMETER.search(template, len(done))
        if match is None:
            yield template
            return
        prefix = template[: match.start()]
        if match.group(1) == "slug":
            values = slugs
        else:
            values = [item["uuid"] for item in listed(prefix.rstrip("/"))[:details]]
        for value in values:
            filled = prefix + str(value)
            yield from expand(filled + template[match.end() :], filled)

    def listed(listing_url: str) -> list[Any]:
        """The items of ``listing_url``; an item reached only through its parent
        (``…/indicators/{indicator_id}``, listed at ``…/benefits/{benefit_id}/indicators``)
        takes the items of every such nested listing of the collaboration."""
        if listing_url in responses:
            return list(responses[listing_url])
        collaboration, _, collection = listing_url.rpartition("/")
        nested = [
            item
            for url, response in responses.items()
            if url.startswith(collaboration + "/") and url.endswith("/" + collection)
            for item in response
        ]
        if not nested and not last_pass:
            raise LookupError(listing_url)
        return nested  # on the last pass: none to be had (a collaboration without benefits)

    # Items reached only through a nested listing wait until those listings are read.
    waiting = list(templates)
    last_pass = False
    for attempt in range(3):
        last_pass = attempt == 2
        later = []
        for template in waiting:
            try:
                urls = list(expand(template, ""))
            except LookupError:
                later.append(template)
                continue
            for url in urls:
                get(url)
        waiting = later
    assert not waiting, f"no listing before {waiting}"
    return responses


def canonical(value: Any) -> Any:
    """Lists in a fixed order: databases may order equal sort keys (and collate) differently."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def table_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table a backup holds; permissions and content types by natural key."""
    natural = {
        Permission: {p.pk: p.natural_key() for p in Permission.objects.all()},
        ContentType: {c.pk: c.natural_key() for c in ContentType.objects.all()},
    }
    result = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in backup.EXCLUDED or not model._meta.managed:
            continue
        if model._meta.proxy or model._meta.swapped:
            continue
        pk = model._meta.pk
        assert pk is not None
        fields = list(model._meta.local_concrete_fields)
        keys = [natural.get(field.related_model) for field in fields]  # type: ignore[call-overload]
        result[model._meta.label_lower] = [
            tuple(
                key[value] if key is not None and value is not None else value
                for key, value in zip(keys, row, strict=True)
            )
            for row in model._base_manager.order_by(pk.attname).values_list(
                *(field.attname for field in fields)
            )
        ]
    return result


def add_history_and_extras(slug: str, admin: User) -> tuple[str, int]:
    """An edit and a deletion in the history, a permission and group (natural keys), a token.

    Returns the token and the key of the deleted contract.
    """
    installation = Installation.objects.filter(collaboration__slug=slug).order_by("pk").first()
    assert installation is not None
    landscape_services.installation_save(
        collaboration=installation.collaboration, installation=installation, users=4321
    )
    contract = Contract.objects.filter(collaboration__slug=slug).order_by("-pk").first()
    assert contract is not None
    deleted = contract.pk
    landscape_services.contract_delete(contract=contract)
    group = Group.objects.create(name="Revisorer")
    group.permissions.add(Permission.objects.get(codename="view_installation"))
    admin.groups.add(group)
    admin.user_permissions.add(Permission.objects.get(codename="view_contract"))
    _, plain = organisation_services.api_token_create(user=admin, name="Sikkerhetskopi")
    return plain, deleted


# --- In-process: backup, empty the database, restore ---------------------------------------


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def rich(world: World, media_root: Path) -> tuple[World, str, int]:
    hurum = organisation_services.organisation_create_as_member(
        collaboration=world.alfa,
        name="H kommune",
        organisation_number="",
        population=9_000,
        population_date=datetime.date(2026, 1, 1),
    ).organisation
    seed_nye_asker_landscape(
        world.alfa,
        {"Asker kommune": world.org_a, "Røyken kommune": world.org_b, "Hurum kommune": hurum},
    )
    token, deleted = add_history_and_extras("alfa", world.admin)
    default_storage.save("vedlegg/beslutning.pdf", ContentFile(b"%PDF-1.4 beslutning\n"))
    return world, token, deleted


def empty_database(media_root: Path) -> None:
    """As a new database: every table empty, content types and permissions numbered anew."""
    if connection.vendor == "postgresql":  # TRUNCATE waits for no deferred checks
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    ContentType.objects.all().delete()
    ContentType.objects.create(app_label="forskyvning", model="forskyvning")
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    ContentType.objects.clear_cache()
    shutil.rmtree(media_root, ignore_errors=True)


def rows_in_backup_tables() -> int:
    return sum(len(rows) for rows in table_rows().values())


def test_restore_reproduces_every_api_listing_and_every_row(
    rich: tuple[World, str, int], media_root: Path, tmp_path: Path
) -> None:
    world, token, deleted_contract = rich
    listings = api_listings(Client(), token, details=5)
    assert any("/installations/" in url for url in listings)
    assert any("/contracts/" in url for url in listings)
    assert any("/landscape/" in url for url in listings)
    rows = table_rows()
    assert rows["landscape.historicalcontract"] and rows["auth.group_permissions"]
    view_installation_id = Permission.objects.get(codename="view_installation").pk

    path = tmp_path / "samla.zip"
    out = StringIO()
    call_command("backup", "-o", str(path), stdout=out)
    assert f"Backup written to {path}" in out.getvalue()

    empty_database(media_root)
    assert rows_in_backup_tables() == 0
    assert Permission.objects.get(codename="view_installation").pk != view_installation_id
    assert (
        Client()
        .get("/api/v1/collaborations", headers={"Authorization": f"Bearer {token}"})
        .status_code
        == 401
    )

    out = StringIO()
    call_command("restore", str(path), stdout=out)
    assert "Restored" in out.getvalue()

    assert table_rows() == rows
    assert api_listings(Client(), token, details=5) == listings
    assert (media_root / "vedlegg" / "beslutning.pdf").read_bytes() == b"%PDF-1.4 beslutning\n"
    admin = User.objects.get(username="admin")
    assert admin.has_perm("landscape.view_installation") and admin.has_perm(
        "landscape.view_contract"
    )
    # A new contract does not get the key of the deleted one, whose history is kept.
    contract = landscape_services.contract_save(
        collaboration=world.alfa,
        organisations=[world.org_a],
        number="NY-1",
        title="Ny avtale",
        vendor=landscape_services.vendor_save(collaboration=world.alfa, name="Ny leverandør"),
    )
    assert contract.pk > deleted_contract


def test_manifest_describes_the_backup(rich: tuple[World, str, int], media_root: Path) -> None:
    path = media_root / "samla.zip"  # written among the files it backs up: not into itself
    summary = backup.create_backup(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        for member, entry in manifest["files"].items():
            content = archive.read(member)
            assert entry["size"] == len(content)
            assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert set(archive.namelist()) == {"manifest.json", *manifest["files"]}
    assert manifest["format"] == "samla-backup"
    assert manifest["format_version"] == 1
    assert manifest["samla_version"] == backup.samla_version()
    assert manifest["database_vendor"] == connection.vendor
    created = datetime.datetime.fromisoformat(manifest["created_at"])
    assert created.utcoffset() == datetime.timedelta(0)
    applied = MigrationRecorder(connection).applied_migrations()
    assert {(app, name) for app, names in manifest["migrations"].items() for name in names} == set(
        applied
    )
    assert manifest["latest_migrations"]["landscape"] == max(manifest["migrations"]["landscape"])
    models = {entry["label"]: entry for entry in manifest["models"]}
    expected = {
        model._meta.label_lower
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    } - backup.EXCLUDED
    assert set(models) == expected
    assert "landscape.historicalinstallation" in models and "organisations.apitoken" in models
    assert "sessions.session" not in models and "contenttypes.contenttype" not in models
    assert models["landscape.installation"]["rows"] == Installation.objects.count()
    assert models["landscape.historicalcontract"]["rows"] == Contract.history.count()
    assert models["organisations.apitoken"]["rows"] == ApiToken.objects.count() == 1
    assert models["auth.group_permissions"]["natural_keys"] == {"permission_id": "auth.permission"}
    assert [m for m in manifest["files"] if m.startswith("media/")] == [
        "media/vedlegg/beslutning.pdf"
    ]
    assert summary.rows == sum(entry["rows"] for entry in manifest["models"])
    assert summary.files == 1


@pytest.mark.django_db(transaction=True)
def test_the_backup_reads_in_one_read_only_transaction() -> None:
    with backup._read_snapshot(connection), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT current_setting('transaction_isolation'), "
                "current_setting('transaction_read_only')"
            )
            assert cursor.fetchone() == ("repeatable read", "on")
        else:
            cursor.execute("SELECT COUNT(*) FROM organisations_user")
            assert connection.connection.in_transaction  # deferred: a read, not a write lock
    assert not connection.in_atomic_block
    if connection.vendor == "sqlite":
        assert not connection.connection.in_transaction


# --- Refusals: nothing is written -----------------------------------------------------------


def rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info.filename)))


@pytest.fixture
def backed_up(rich: tuple[World, str, int], media_root: Path, tmp_path: Path) -> Path:
    path = tmp_path / "samla.zip"
    backup.create_backup(path)
    return path


def assert_refused(path: Path, message: str, *, media_root: Path) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path), stdout=StringIO())
    assert refused.value.returncode == 2
    assert message in str(refused.value)
    assert rows_in_backup_tables() == 0
    assert not media_root.exists() or not any(media_root.rglob("*"))


def test_a_database_that_is_not_empty_is_refused(backed_up: Path) -> None:
    before = table_rows()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(backed_up), stdout=StringIO())
    assert refused.value.returncode == 2
    assert "The database is not empty: the table " in str(refused.value)
    assert "has rows" in str(refused.value)
    assert table_rows() == before


def test_a_damaged_file_is_refused(backed_up: Path, media_root: Path, tmp_path: Path) -> None:
    empty_database(media_root)
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(backed_up.read_bytes()[: backed_up.stat().st_size // 2])
    assert_refused(truncated, "is damaged or not a Samla backup", media_root=media_root)

    # A flipped byte inside a compressed member: the zip's own CRC catches it.
    flipped = tmp_path / "flipped.zip"
    data = bytearray(backed_up.read_bytes())
    with zipfile.ZipFile(backed_up) as archive:
        info = archive.getinfo("data/landscape.installation.jsonl")
    header = info.header_offset
    name_length, extra_length = (
        int.from_bytes(data[at : at + 2], "little") for at in (header + 26, header + 28)
    )
    data[header + 30 + name_length + extra_length + info.compress_size // 2] ^= 0xFF
    flipped.write_bytes(bytes(data))
    assert_refused(
        flipped, "landscape.installation.jsonl in the backup is damaged", media_root=media_root
    )

    not_a_backup = tmp_path / "other.zip"
    with zipfile.ZipFile(not_a_backup, "w") as archive:
        archive.writestr("readme.txt", "hei")
    assert_refused(not_a_backup, "it has no manifest.json", media_root=media_root)


def test_a_changed_file_is_refused(backed_up: Path, media_root: Path, tmp_path: Path) -> None:
    empty_database(media_root)
    changed = tmp_path / "changed.zip"

    def more_users(name: str, content: bytes) -> bytes:
        return content.replace(b"4321", b"9999") if name.endswith("installation.jsonl") else content

    rewrite(backed_up, changed, more_users)
    assert_refused(
        changed,
        "data/landscape.historicalinstallation.jsonl in the backup does not match its checksum",
        media_root=media_root,
    )

    smuggled = tmp_path / "smuggled.zip"
    rewrite(backed_up, smuggled, lambda name, content: content)
    with zipfile.ZipFile(smuggled, "a") as archive:
        archive.writestr("media/../../utenfor.txt", "x")
    assert_refused(smuggled, "a file its manifest does not list", media_root=media_root)

    def listed(name: str, content: bytes) -> bytes:
        if name != "manifest.json":
            return content
        manifest = json.loads(content)
        manifest["files"]["media/../../utenfor.txt"] = {
            "sha256": hashlib.sha256(b"x").hexdigest(),
            "size": 1,
        }
        return json.dumps(manifest).encode()

    rewrite(smuggled, smuggled.with_name("listed.zip"), listed)
    assert_refused(smuggled.with_name("listed.zip"), "unsafe name", media_root=media_root)
    assert not (media_root.parent.parent / "utenfor.txt").exists()


def test_a_backup_from_a_newer_samla_is_refused(
    backed_up: Path, media_root: Path, tmp_path: Path
) -> None:
    empty_database(media_root)
    newer = tmp_path / "newer.zip"

    def future(name: str, content: bytes) -> bytes:
        if name != "manifest.json":
            return content
        manifest = json.loads(content)
        manifest["migrations"]["landscape"].append("9999_from_the_future")
        manifest["samla_version"] = "9.0.0"
        return json.dumps(manifest).encode()

    rewrite(backed_up, newer, future)
    assert_refused(
        newer,
        "made by a newer Samla (9.0.0): this Samla does not know the migration "
        "landscape.9999_from_the_future. Upgrade Samla first",
        media_root=media_root,
    )

    def next_format(name: str, content: bytes) -> bytes:
        if name != "manifest.json":
            return content
        return json.dumps({**json.loads(content), "format_version": 2}).encode()

    rewrite(backed_up, newer, next_format)
    assert_refused(newer, "format version 2", media_root=media_root)


def test_a_different_file_in_media_root_is_refused(backed_up: Path, media_root: Path) -> None:
    empty_database(media_root)
    (media_root / "vedlegg").mkdir(parents=True)
    (media_root / "vedlegg" / "beslutning.pdf").write_bytes(b"en annen fil")
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(backed_up), stdout=StringIO())
    assert refused.value.returncode == 2
    assert "MEDIA_ROOT already holds a different file" in str(refused.value)
    assert rows_in_backup_tables() == 0


def test_dry_run_checks_everything_and_writes_nothing(backed_up: Path, media_root: Path) -> None:
    empty_database(media_root)
    out = StringIO()
    call_command("restore", str(backed_up), "--dry-run", stdout=out)
    assert "The backup is sound" in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()
    assert rows_in_backup_tables() == 0
    assert not media_root.exists()


# --- Across engines, through the `samla` command -------------------------------------------


def _fail_or_skip(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} – the cross-database tests must run in CI.", pytrace=False)
    pytest.skip(reason)


def postgres_server() -> str:
    """``postgres://user@host:port`` of the PostgreSQL that CI uses (never its databases)."""
    for url in (os.environ.get("SAMLA_CI_POSTGRES_URL"), os.environ.get("DATABASE_URL")):
        if url and url.startswith(("postgres://", "postgresql://")):
            return url.rpartition("/")[0]
    return "postgres://postgres@127.0.0.1:5432"


def postgres_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{postgres_server()}/postgres", autocommit=True, connect_timeout=5) as pg:
        pg.execute(statement)


def require_postgres() -> str:
    try:
        postgres_admin("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        _fail_or_skip(f"PostgreSQL is not reachable at {postgres_server()}: {exc}")
    return postgres_server()


def new_postgres_database(template: str | None = None) -> str:
    """A new database (dropped when the test session ends); returns its URL."""
    name = f"samla_backup_test_{uuid.uuid4().hex[:12]}"
    postgres_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    atexit.register(postgres_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return f"{postgres_server()}/{name}"


def samla_env(database_url: str, var_dir: Path) -> dict[str, str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }
    return {
        **base,
        "SAMLA_TESTING": "1",
        "DATABASE_URL": database_url,
        "SAMLA_VAR_DIR": str(var_dir),
    }


def run(
    command: list[str], env: dict[str, str], *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, env=env, cwd=str(ROOT), capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, f"{command[:3]} failed:\n{result.stdout}\n{result.stderr}"
    return result


def run_script(script: str, env: dict[str, str], *args: str) -> str:
    prelude = (
        "import os, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'samla.settings')\n"
        "import django\n"
        "django.setup()\n"
    )
    return run([str(PYTHON), "-c", prelude + script, *args], env).stdout


# A schema built from the models, with every migration recorded as applied: what `samla
# migrate` makes (tables, columns, constraints and indexes alike; only the order of columns
# can differ), in a second instead of half a minute.
SCHEMA = """
from django.apps import apps
from django.core.management import call_command
from django.test.utils import override_settings

with override_settings(MIGRATION_MODULES={app.label: None for app in apps.get_app_configs()}):
    call_command("migrate", run_syncdb=True, verbosity=0)
call_command("migrate", fake=True, verbosity=0)
"""

_templates: dict[str, str] = {}


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with no data, made once per session; copy it before use."""
    if "sqlite" not in _templates:  # the fixture is imported by test_import_atomic too
        directory = tmp_path_factory.mktemp("migrated-sqlite")
        path = directory / "migrated.sqlite3"
        run_script(SCHEMA, samla_env(f"sqlite:///{path}", directory))
        _templates["sqlite"] = str(path)
    return Path(_templates["sqlite"])


@pytest.fixture(scope="session")
def migrated_postgres(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The name of a migrated PostgreSQL database with no data, made once per session, for
    ``CREATE DATABASE … TEMPLATE``."""
    if "postgresql" not in _templates:
        require_postgres()
        url = new_postgres_database()
        run_script(SCHEMA, samla_env(url, tmp_path_factory.mktemp("migrated-postgres")))
        _templates["postgresql"] = url.rpartition("/")[2]
    return _templates["postgresql"]


SEED = """
import json
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
from samla.organisations.demo import seed_demo
from samla.organisations.models import User
from tests.test_backup_restore import add_history_and_extras, api_listings

call_command("migrate", "mfa", "0002", verbosity=0)  # one migration behind this Samla
seed_demo()
token, _deleted = add_history_and_extras("nye-asker", User.objects.get(username="admin"))
default_storage.save("vedlegg/beslutning.pdf", ContentFile(b"%PDF-1.4 beslutning\\n"))
setup_test_environment()
print(json.dumps({"token": token, "listings": api_listings(Client(), token, details=3)}))
call_command("backup", "--output", sys.argv[1], stdout=open(os.devnull, "w"))
"""

LISTINGS = """
import json
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
from tests.test_backup_restore import api_listings

setup_test_environment()
print(json.dumps(api_listings(Client(), sys.argv[1], details=3)))
if len(sys.argv) > 2:
    call_command("backup", "--output", sys.argv[2], stdout=open(os.devnull, "w"))
"""


@pytest.mark.skipif(not SAMLA.exists(), reason="the samla command is installed by make")
def test_sqlite_to_postgresql_to_sqlite(
    tmp_path: Path, migrated_sqlite: Path, migrated_postgres: str
) -> None:
    source = tmp_path / "source.sqlite3"
    shutil.copy(migrated_sqlite, source)
    source_env = samla_env(f"sqlite:///{source}", tmp_path / "source")
    first = tmp_path / "from-sqlite.zip"
    seeded = json.loads(run_script(SEED, source_env, str(first)))
    token, listings = seeded["token"], seeded["listings"]
    assert any("/landscape/" in url for url in listings)
    with zipfile.ZipFile(first) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["database_vendor"] == "sqlite"
    assert manifest["latest_migrations"]["mfa"] == "0002_authenticator_timestamps"

    # Into PostgreSQL made by `samla migrate`, a migration ahead of the backup: the empty
    # database is taken back to the backup's migrations, loaded, and migrated forward.
    postgres_env = samla_env(new_postgres_database(template=migrated_postgres), tmp_path / "pg")
    result = run([str(SAMLA), "restore", str(first)], postgres_env)
    assert "Restored" in result.stdout and "migrated forward" in result.stdout
    assert (tmp_path / "pg" / "media" / "vedlegg" / "beslutning.pdf").exists()
    second = tmp_path / "from-postgresql.zip"
    on_postgres = json.loads(run_script(LISTINGS, postgres_env, token, str(second)))
    assert canonical(on_postgres) == canonical(listings)  # PostgreSQL may collate otherwise

    refused = run([str(SAMLA), "restore", str(first)], postgres_env, check=False)
    assert refused.returncode == 2
    assert "The database is not empty" in refused.stderr

    with zipfile.ZipFile(second) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["database_vendor"] == "postgresql"
    assert manifest["latest_migrations"]["mfa"] == "0003_authenticator_type_uniq"

    # Back into SQLite, where an app has no tables yet, as in a new database (a whole new
    # database takes half a minute to migrate): restore migrates it first.
    target = tmp_path / "target.sqlite3"
    shutil.copy(migrated_sqlite, target)
    with sqlite3.connect(target) as db:
        db.execute("DROP TABLE mfa_authenticator")
        db.execute("DELETE FROM django_migrations WHERE app = 'mfa'")
    db.close()
    target_env = samla_env(f"sqlite:///{target}", tmp_path / "target")
    result = run([str(SAMLA), "restore", str(second), "-v2"], target_env)
    assert "Migrating everything." in result.stdout
    assert "Restored" in result.stdout and "migrated forward" not in result.stdout
    on_sqlite = json.loads(run_script(LISTINGS, target_env, token))
    assert on_sqlite == listings
