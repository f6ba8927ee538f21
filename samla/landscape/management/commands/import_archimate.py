"""``samla import_archimate FILE.xml --collaboration SLUG [--dry-run]``"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samla.landscape.archimate import MAX_FILE_BYTES, import_archimate
from samla.organisations.models import Collaboration


class Command(BaseCommand):
    help = (
        "Import an ArchiMate 3.x Model Exchange File into a collaboration's landscape: "
        "creates missing vendors, systems, categories, contracts, installations and "
        "integrations and updates those the file gives values for. Nothing is deleted. "
        "All or nothing, in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--collaboration", required=True, metavar="SLUG")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would change, then roll everything back.",
        )

    def handle(
        self, *args: Any, file: Path, collaboration: str, dry_run: bool, **options: Any
    ) -> None:
        found = Collaboration.objects.filter(slug=collaboration).first()
        if found is None:
            raise CommandError(f"No collaboration with the slug {collaboration!r}.")
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{file} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        try:
            report = import_archimate(collaboration=found, data=data, dry_run=dry_run)
        except ValidationError as exc:
            raise CommandError(f"{file}: " + " ".join(exc.messages)) from exc
        for line in report.lines():
            self.stdout.write(line)
