from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samla.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write every collaboration's data, its history and the uploaded files to one zip file, "
        "read in one transaction. Restore it with `samla restore FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", required=True, type=Path, help="The backup file to write (.zip)."
        )

    def handle(self, *args: Any, output: Path, verbosity: int, **options: Any) -> None:
        try:
            summary = create_backup(
                output, report=self.stdout.write if verbosity >= 2 else lambda line: None
            )
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {summary.path}: {summary.rows} rows in {summary.models} "
                f"tables, {summary.files} files, {summary.size / 1_000_000:.1f} MB."
            )
        )
