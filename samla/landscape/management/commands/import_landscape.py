from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samla.landscape.io import import_landscape_file
from samla.organisations.models import Collaboration


class Command(BaseCommand):
    help = (
        "Import installations, contracts and ICT costs from an XLSX or CSV file. "
        "All or nothing: if any row is bad, nothing is written and every problem is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="An .xlsx or .csv file.")
        parser.add_argument("--collaboration", required=True, help="The collaboration's slug.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but write nothing."
        )

    def handle(
        self, *args: Any, file: Path, collaboration: str, dry_run: bool, **options: Any
    ) -> None:
        target = Collaboration.objects.filter(slug=collaboration).first()
        if target is None:
            raise CommandError(f"No collaboration with slug {collaboration!r}.")
        report = import_landscape_file(target, file, file.name, dry_run=dry_run)
        if report.errors:
            for problem in report.errors:
                self.stderr.write(str(problem))
            raise CommandError(f"Nothing imported: {len(report.errors)} problem(s) in {file.name}.")
        for line in report.summary_lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {file.name} into {target.slug}."))
