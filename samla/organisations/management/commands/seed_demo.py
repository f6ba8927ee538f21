from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from samla.organisations.demo import seed_demo, seed_national
from samla.organisations.models import Collaboration


class Command(BaseCommand):
    help = "Load the demo collaborations (idempotent); --scale national adds 356 municipalities."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["demo", "national"], default="demo")
        parser.add_argument(
            "--if-empty", action="store_true", help="Only load when there are no collaborations."
        )

    def handle(self, *args: Any, scale: str, if_empty: bool, **options: Any) -> None:
        if if_empty and Collaboration.objects.exists():
            self.stdout.write("Demo data already present; nothing changed.")
        else:
            seed_demo()
            if scale == "national":
                collaboration = seed_national()
                self.stdout.write(
                    f"National scale: {collaboration.memberships.count()} municipalities in "
                    f"'{collaboration.slug}'."
                )
        self.stdout.write(self.style.SUCCESS(f"Demo log-ins (password: {settings.SAMLA_DEMO_PASSWORD}):"))
        for username, description in [
            ("admin", "superbruker, administrator i alle samarbeid"),
            ("programkontor", "programkontor i Nye Asker, leser i Knutepunkt Sørlandet"),
            ("redaktor.asker", "redaktør for Asker kommune"),
            ("redaktor.royken", "redaktør for Røyken kommune"),
            ("leser", "leser i Nye Asker"),
            ("knutepunkt", "programkontor i Knutepunkt Sørlandet"),
        ]:
            self.stdout.write(f"  {username:<16} {description}")
        self.stdout.write("Open http://127.0.0.1:8000/")
