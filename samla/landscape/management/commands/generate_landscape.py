from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samla.landscape.generator import generate_landscape
from samla.landscape.models import Installation
from samla.organisations.models import Collaboration


class Command(BaseCommand):
    help = "Generate a synthetic landscape (≈20 000 installations for 356 members) for performance work."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--collaboration", default="nasjonal")
        parser.add_argument("--contracts", type=int, default=10_000)

    def handle(self, *args: Any, collaboration: str, contracts: int, **options: Any) -> None:
        target = Collaboration.objects.filter(slug=collaboration).first()
        if target is None:
            raise CommandError(f"No collaboration {collaboration!r}; run `samla seed_demo --scale national` first.")
        if Installation.objects.filter(collaboration=target).exists():
            raise CommandError(f"{collaboration!r} already has a landscape.")
        counts = generate_landscape(target, contracts=contracts)
        self.stdout.write(
            f"{counts.installations} installations, {counts.contracts} contracts, "
            f"{counts.cost_lines} cost lines, {counts.products} products in {counts.categories} categories."
        )
