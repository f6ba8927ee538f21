"""An import is one transaction: killed half-way, it leaves the database as it was.

`samla import_landscape` reads a file of 2 000 installations, 100 contracts and 1 000 cost
lines for 40 members into a database that already holds the demo collaborations. A small
harness runs the real command in a child process and watches its SQL: once the import has
written part of its rows (inside its transaction) the child says so and waits, and the test
kills it with SIGKILL. Every table must then hold exactly what it held before – compared row
by row through a checksum – and the same import must then run to the end.

On SQLite the database is a file; on PostgreSQL a database of its own (skipped when
PostgreSQL is not reachable, except under CI). A static check beside it: every import and
multi-object service of the landscape and organisations apps runs under
``transaction.atomic``.
"""

from __future__ import annotations

import ast
import hashlib
import queue
import shutil
import signal
import sqlite3
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.test_backup_restore import (  # noqa: F401 - migrated_* are fixtures
    PYTHON,
    ROOT,
    SAMLA,
    migrated_postgres,
    migrated_sqlite,
    new_postgres_database,
    require_postgres,
    run,
    run_script,
    samla_env,
)

INSTALLATIONS = 2_000  # 40 members × 50 categories

SEED = """
import datetime
from openpyxl import Workbook
from samla.landscape.io import register_headers
from samla.landscape.models import IctCost, SystemCategory
from samla.organisations.demo import seed_demo, seed_national
from samla.organisations.models import Organisation

seed_demo()  # what the database holds before: two collaborations with history
collaboration = seed_national(count=40)
members = list(Organisation.objects.filter(memberships__collaboration=collaboration).order_by("name"))
categories = list(SystemCategory.objects.filter(collaboration=collaboration).order_by("code"))
workbook = Workbook(write_only=True)
sheet = workbook.create_sheet("Installasjoner")
sheet.append(register_headers("Installasjoner"))
for i, member in enumerate(members):
    for j, category in enumerate(categories):
        sheet.append([
            member.organisation_number, category.code, f"{category.code} system {(i + j) % 3}",
            f"Leverandør {j % 7}", "", "", 100 + i, "", "", 1 + i % 4, 1 + j % 4, "", "",
        ])
sheet = workbook.create_sheet("Avtaler")
sheet.append(register_headers("Avtaler"))
for n in range(100):
    sheet.append([
        f"IMP-{n:04d}", f"Avtale {n}", f"Leverandør {n % 7}", members[n % 40].organisation_number,
        "", datetime.date(2024, 1, 1), datetime.date(2027, 12, 31), "", "", 6, 100_000, "", "", "",
        "",
    ])
sheet = workbook.create_sheet("IKT-kostnader")
sheet.append(register_headers("IKT-kostnader"))
kinds = ["personnel", "fibre", "licences", "equipment", "consultants"]
for member in members:
    for year in range(2020, 2025):
        for kind in kinds:
            sheet.append([member.organisation_number, year, "operating", kind, 250_000, "", ""])
workbook.save(sys.argv[1])
print(len(members) * len(categories))
"""

# Runs `samla import_landscape` in this process; after the given number of INSERTs into the
# given table it prints MIDWAY and the rows its transaction sees, then waits to be killed.
KILLABLE_IMPORT = """
import time
from django.core.management import call_command
from django.db import connection

table, after, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
inserts = 0


def pause_midway(execute, sql, params, many, context):
    global inserts
    result = execute(sql, params, many, context)
    if sql.startswith(f'INSERT INTO "{table}"'):
        inserts += 1
        if inserts == after:
            cursor = context["connection"].connection.cursor()
            cursor.execute("SELECT COUNT(*) FROM landscape_installation")
            print("MIDWAY", cursor.fetchone()[0], flush=True)
            time.sleep(600)
    return result


with connection.execute_wrapper(pause_midway):
    call_command("import_landscape", path, "--collaboration", "nasjonal")
print("FINISHED", flush=True)
"""


# --- Databases ------------------------------------------------------------------------------


class Database:
    """A database for one test: its URL for `samla`, and a checksum of every table."""

    def __init__(self, engine: str, url: str, var_dir: Path) -> None:
        self.engine = engine
        self.url = url
        self.env = samla_env(url, var_dir)

    def tables(self) -> dict[str, list[tuple[Any, ...]]]:
        if self.engine == "sqlite":
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as db:
                names = [
                    row[0]
                    for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                ]
                return {name: db.execute(f'SELECT * FROM "{name}"').fetchall() for name in names}
        import psycopg

        with psycopg.connect(self.url) as db:
            names = [
                row[0]
                for row in db.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
            ]
            return {name: db.execute(f'SELECT * FROM "{name}"').fetchall() for name in names}

    def checksum(self) -> tuple[dict[str, int], str]:
        """Rows per table, and one SHA-256 over every row of every table (in any order)."""
        tables = self.tables()
        digest = hashlib.sha256()
        for name in sorted(tables):
            digest.update(name.encode())
            for line in sorted(repr(row) for row in tables[name]):
                digest.update(line.encode())
        return {name: len(rows) for name, rows in tables.items()}, digest.hexdigest()


def seeded_base(engine: str, directory: Path, template: Path | str) -> tuple[Database, Path]:
    """The database before the import (demo data and 40 members), and the file to import."""
    if engine == "sqlite":
        path = directory / "base.sqlite3"
        shutil.copy(template, path)
        base = Database(engine, f"sqlite:///{path}", directory)
    else:
        base = Database(engine, new_postgres_database(template=str(template)), directory)
    workbook = directory / "landskap.xlsx"
    installations = int(run_script(SEED, base.env, str(workbook)).strip())
    assert installations == INSTALLATIONS
    return base, workbook


_bases: dict[str, tuple[Database, Path]] = {}


@pytest.fixture
def base(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Database, Path]:
    engine = request.param
    if engine not in _bases:
        directory = tmp_path_factory.mktemp(f"import-base-{engine}")
        if engine == "sqlite":
            template: Path | str = request.getfixturevalue("migrated_sqlite")
        else:
            require_postgres()
            template = request.getfixturevalue("migrated_postgres")
        _bases[engine] = seeded_base(engine, directory, template)
    return _bases[engine]


def copy_of(base: Database, directory: Path) -> Database:
    if base.engine == "sqlite":
        path = directory / "import.sqlite3"
        shutil.copy(base.url.removeprefix("sqlite:///"), path)
        return Database("sqlite", f"sqlite:///{path}", directory)
    return Database(
        "postgresql", new_postgres_database(template=base.url.rpartition("/")[2]), directory
    )


def kill_midway(database: Database, table: str, after: int, workbook: Path) -> int:
    """Start the import, SIGKILL it once it is part-way; returns the rows it had written."""
    prelude = (
        "import os, sys\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'samla.settings')\n"
        "import django\n"
        "django.setup()\n"
    )
    child = subprocess.Popen(
        [str(PYTHON), "-c", prelude + KILLABLE_IMPORT, table, str(after), str(workbook)],
        env=database.env,
        cwd=str(ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert child.stdout is not None
    threading.Thread(target=lambda: [lines.put(line) for line in child.stdout], daemon=True).start()
    try:
        line = lines.get(timeout=240)
    except queue.Empty:
        line = ""
    if not line.startswith("MIDWAY"):
        child.kill()
        _, errors = child.communicate(timeout=30)
        pytest.fail(f"the import did not stop part-way: {line!r}\n{errors}")
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    return int(line.split()[1])


# --- Tests ----------------------------------------------------------------------------------


@pytest.mark.skipif(not SAMLA.exists(), reason="the samla command is installed by make")
@pytest.mark.parametrize(
    ("base", "table", "after", "then_complete"),
    [
        # Installations written, their history half-way (bulk inserts of 500 rows).
        ("sqlite", "landscape_historicalinstallation", 2, False),
        ("postgresql", "landscape_historicalinstallation", 2, False),
        # Installations and history written, contracts (saved one by one) half-way.
        ("sqlite", "landscape_contract", 20, True),
    ],
    indirect=["base"],
)
def test_a_killed_import_leaves_the_database_as_it_was(
    base: tuple[Database, Path], table: str, after: int, then_complete: bool, tmp_path: Path
) -> None:
    template, workbook = base
    database = copy_of(template, tmp_path)
    counts, checksum = database.checksum()
    assert counts["landscape_installation"] > 0  # the demo's

    written = kill_midway(database, table, after, workbook)
    assert written > counts["landscape_installation"]  # the transaction had rows in it

    assert database.checksum() == (counts, checksum)
    if then_complete:  # the database is usable and the file was good: it runs to the end
        result = run(
            [str(SAMLA), "import_landscape", str(workbook), "--collaboration", "nasjonal"],
            database.env,
        )
        assert "Imported landskap.xlsx into nasjonal" in result.stdout
        after_import, _ = database.checksum()
        assert after_import["landscape_installation"] == written
        assert after_import["landscape_installation"] == (
            counts["landscape_installation"] + INSTALLATIONS
        )
        assert after_import["landscape_contract"] == counts["landscape_contract"] + 100


# --- Every import and multi-object service is atomic ---------------------------------------

WRITE_VERBS = (
    "_save",
    "_create",
    "_update",
    "_delete",
    "_set",
    "_remove",
    "_install",
    "_assign",
    "_invite",
    "_revoke",
    "_set_weights",
    "_create_as_member",
)
IMPORTS = {
    "samla/landscape/io.py": ["import_landscape_file"],
    "samla/landscape/archimate.py": ["import_archimate"],
    "samla/landscape/generator.py": ["generate_landscape"],
    "samla/landscape/demo.py": ["seed_nye_asker_landscape"],
    "samla/organisations/demo.py": ["seed_demo", "seed_national"],
}
SERVICES = ["samla/landscape/services.py", "samla/organisations/services.py"]


def _is_atomic(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return (isinstance(target, ast.Attribute) and target.attr == "atomic") or (
        isinstance(target, ast.Name) and target.id == "atomic"
    )


def runs_in_a_transaction(function: ast.FunctionDef) -> bool:
    """Decorated with ``transaction.atomic``, or its writes inside ``with transaction.atomic()``."""
    if any(_is_atomic(decorator) for decorator in function.decorator_list):
        return True
    return any(
        isinstance(node, ast.With) and any(_is_atomic(item.context_expr) for item in node.items)
        for node in ast.walk(function)
    )


def functions(path: str) -> dict[str, ast.FunctionDef]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_import_and_multi_object_service_is_atomic() -> None:
    missing = []
    for path, names in IMPORTS.items():
        found = functions(path)
        for name in names:
            assert name in found, f"{path} has no {name}()"
            if not runs_in_a_transaction(found[name]):
                missing.append(f"{path}: {name}")
    for path in SERVICES:
        for name, function in functions(path).items():
            if name.startswith("_") or not name.endswith(WRITE_VERBS):
                continue
            if not runs_in_a_transaction(function):
                missing.append(f"{path}: {name}")
    assert not missing, "not under transaction.atomic: " + ", ".join(missing)


def test_the_check_finds_a_service_without_a_transaction() -> None:
    tree = ast.parse(
        "@transaction.atomic\ndef a_save(): pass\n"
        "def b_save():\n    with transaction.atomic():\n        pass\n"
        "def c_save(): pass\n"
    )
    found = {node.name: runs_in_a_transaction(node) for node in tree.body}  # type: ignore[union-attr]
    assert found == {"a_save": True, "b_save": True, "c_save": False}
