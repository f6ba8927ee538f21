"""Demo data: the e-procurement business case of Knutepunkt Sørlandet (seed 003).

The example file docs/examples/e-handel-knutepunkt-sorlandet.yaml is imported; version 1
is approved and locked, version 2 is a draft copied from it.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings

from samla.cases import services
from samla.cases.models import BusinessCase, CaseVersion
from samla.organisations.models import Collaboration, User

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "e-handel-knutepunkt-sorlandet.yaml"
DEMO_ITERATIONS = 20_000  # enough for smooth charts, small enough to run inline


def seed_demo_cases(collaboration: Collaboration, *, user: User | None = None) -> BusinessCase:
    """Import the example once; running it again changes nothing."""
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    existing = BusinessCase.objects.filter(
        collaboration=collaboration, name=document["name"]
    ).first()
    if existing is not None:
        return existing
    document.setdefault("monte_carlo", {})["iterations"] = DEMO_ITERATIONS
    case = services.case_import(collaboration=collaboration, document=document)
    first = case.versions.get()
    services.assumption_create(
        version=first,
        text="Kommunene utenom Kristiansand kjøper for om lag 500 MNOK i året; 20 % går via e-handel fra 2016.",
        source="Prosjektmandatet",
    )
    alternatives = {alternative.is_zero: alternative for alternative in first.alternatives.all()}
    services.effect_create(
        alternative=alternatives[False],
        name="Etterlevelse av innkjøpsavtaler",
        score=3,
        reason="Bestillinger går via avtalte kataloger.",
    )
    services.effect_create(
        alternative=alternatives[False],
        name="Omstilling for bestillere",
        score=-1,
        reason="Nye rutiner og opplæring det første året.",
    )
    services.version_freeze(
        version=first,
        stage=CaseVersion.Stage.APPROVED,
        user=user or User.objects.filter(is_superuser=True).order_by("pk").first(),  # type: ignore[arg-type]
    )
    draft = services.version_new(source=first)
    services.version_update(version=draft, note="Oppdateres etter anskaffelsen.")
    return case
