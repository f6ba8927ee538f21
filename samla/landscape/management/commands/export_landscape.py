from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samla.landscape.io import REGISTERS, export_landscape_csv, export_landscape_workbook
from samla.organisations.models import Collaboration


class Command(BaseCommand):
    help = (
        "Export the landscape registers to an XLSX workbook (every register) or, with "
        "--register, one register to CSV. The file can be imported again unchanged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--collaboration", required=True, help="The collaboration's slug.")
        parser.add_argument(
            "-o", "--output", required=True, type=Path, help="FILE.xlsx or FILE.csv"
        )
        parser.add_argument("--register", choices=REGISTERS, help="For CSV: the register to write.")

    def handle(
        self, *args: Any, collaboration: str, output: Path, register: str | None, **options: Any
    ) -> None:
        target = Collaboration.objects.filter(slug=collaboration).first()
        if target is None:
            raise CommandError(f"No collaboration with slug {collaboration!r}.")
        suffix = output.suffix.lower()
        if suffix == ".xlsx":
            data = export_landscape_workbook(target)
        elif suffix == ".csv":
            if register is None:
                raise CommandError(
                    f"CSV holds one register: add --register ({', '.join(REGISTERS)})."
                )
            data = export_landscape_csv(target, register)
        else:
            raise CommandError("The output file must end in .xlsx or .csv.")
        output.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({len(data)} bytes)."))
