"""``samla export_archimate --collaboration SLUG -o FILE.xml``"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samla.landscape.archimate import check_export, export_collaboration
from samla.organisations.models import Collaboration


class Command(BaseCommand):
    help = (
        "Export a collaboration's application landscape as an ArchiMate 3.1 Model Exchange "
        "File (members, systems, categories, installations, integrations, contracts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--collaboration", required=True, metavar="SLUG")
        parser.add_argument(
            "-o",
            "--output",
            default="-",
            metavar="FILE",
            help="Where to write; '-' (default) is standard output.",
        )
        parser.add_argument(
            "--check-with",
            metavar="DIR",
            type=Path,
            help="A folder with the Open Group's archimate3_Diagram.xsd, xml.xsd and Archi's "
            "relationships.xml: validate the file against them and fail if it does not conform.",
        )

    def handle(
        self, *args: Any, collaboration: str, output: str, check_with: Path | None, **options: Any
    ) -> None:
        found = Collaboration.objects.filter(slug=collaboration).first()
        if found is None:
            raise CommandError(f"No collaboration with the slug {collaboration!r}.")
        data = export_collaboration(found)
        if check_with is not None:
            problems = check_export(data, check_with)
            if problems:
                raise CommandError("The export does not conform:\n" + "\n".join(problems))
        if output == "-":
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc}") from exc
        self.stdout.write(f"Wrote {output} ({len(data):,} bytes).")
