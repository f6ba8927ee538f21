from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samla.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `samla backup` into an empty database and MEDIA_ROOT. "
        "Refuses (exit status 2, nothing written) a damaged or changed file, a backup from a "
        "newer Samla and a database that is not empty."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A backup file written by `samla backup`.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file, its checksums and every row, and that the database is empty; "
            "write nothing.",
        )

    def handle(self, *args: Any, file: Path, dry_run: bool, verbosity: int, **options: Any) -> None:
        try:
            summary = restore_backup(
                file,
                dry_run=dry_run,
                report=self.stdout.write if verbosity >= 2 else lambda line: None,
            )
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        counts = f"{summary.rows} rows in {summary.models} tables, {summary.files} files"
        if summary.dry_run:
            self.stdout.write(f"The backup is sound: {counts}.")
            if summary.migrated_forward:
                self.stdout.write("It was made by an older Samla and will be migrated forward.")
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        else:
            migrated = " and migrated forward" if summary.migrated_forward else ""
            self.stdout.write(self.style.SUCCESS(f"Restored {counts}{migrated}."))
