"""Set up the load-test database and write the addresses the scenario uses.

Run by loadtest/run.py with Samla's virtualenv and DATABASE_URL pointing at a fresh
PostgreSQL database: migrate, load the demo, open a survey link, and write
var/loadtest/fixture.json."""

from __future__ import annotations

import json
import os
import sys
from io import StringIO
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402


def _maybe(name: str, **kwargs: object) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def main(out: Path) -> None:
    from samla.governance.models import Project, StatusReport
    from samla.landscape.models import Installation
    from samla.organisations.models import Organisation
    from samla.surveys import services as survey_services
    from samla.surveys.models import Campaign, UserGroup

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=StringIO())
    slug = "nye-asker"
    landscape = [
        (name, reverse(f"landscape:{name}", kwargs={"slug": slug}))
        for name in ("matrix", "harmonisation", "consolidation", "contract_timeline", "ict_costs", "target_portfolio")
    ]
    landscape.append(
        ("installation register", reverse("landscape:register_list", kwargs={"slug": slug, "register": "installasjoner"}))
    )
    asker = Organisation.objects.get(name="Asker kommune")
    installations = list(
        Installation.objects.filter(collaboration__slug=slug).order_by("pk").values_list("uuid", "organisation_id")
    )
    detail = [
        reverse("landscape:register_detail", kwargs={"slug": slug, "register": "installasjoner", "object_id": u})
        for u, _ in installations
    ]
    edit = [
        reverse("landscape:register_edit", kwargs={"slug": slug, "register": "installasjoner", "object_id": u})
        for u, organisation in installations
        if organisation == asker.pk
    ]
    from samla.core.dates import today

    day = today()
    campaign = next(
        (
            c
            for c in Campaign.objects.filter(collaboration__slug=slug).exclude(launched_at=None)
            if c.status_on(day) == "open"
        ),
        None,
    )
    if campaign is None:
        raise SystemExit("The demo has no open survey to answer.")
    group = UserGroup.objects.filter(campaign=campaign).exclude(open_token="").first()
    if group is None:
        group = survey_services.user_group_set_open_link(
            group=UserGroup.objects.filter(campaign=campaign).order_by("pk").first(), enabled=True
        )
    knutepunkt = "knutepunkt-sorlandet"
    status: list[tuple[str, str]] = []
    for name, label in (("project_list", "project list (heat map)"), ("decision_register", "decision register")):
        url = _maybe(f"governance:{name}", slug=knutepunkt)
        if url:
            status.append((label, url))
    for project in Project.objects.filter(collaboration__slug=knutepunkt):
        for name, label in (("project_detail", "project overview"), ("status_report_list", "status reports")):
            url = _maybe(f"governance:{name}", slug=knutepunkt, project_id=project.uuid)
            if url:
                status.append((label, url))
        for report in StatusReport.objects.filter(project=project, state="published"):
            url = _maybe("governance:status_report_detail", slug=knutepunkt, project_id=project.uuid, report_id=report.uuid)
            if url:
                status.append(("status report", url))
    if not status:
        raise SystemExit("No project pages to read.")
    # Every save adds a version and at least one history row, so (history rows − version)
    # of an installation may not fall.
    history = Installation.history.model
    offsets = {}
    for installation in Installation.objects.filter(collaboration__slug=slug, organisation=asker):
        offsets[str(installation.uuid)] = history.objects.filter(id=installation.pk).count() - installation.version
    fixture = {
        "history_offsets": offsets,
        "responses_before": [str(pk) for pk in campaign.responses.values_list("pk", flat=True)],
        "password": settings.SAMLA_DEMO_PASSWORD,
        "reader": "leser",
        "editor": "redaktor.asker",
        "status_reader": "knutepunkt",
        "landscape_pages": landscape,
        "installation_pages": detail[:200],
        "installation_register": landscape[-1][1],
        "edit_pages": edit[:100],
        "survey_link": reverse("surveys:respond_open", kwargs={"token": group.open_token}),
        "survey_campaign": str(campaign.uuid),
        "status_pages": status,
    }
    out.write_text(json.dumps(fixture, indent=2, ensure_ascii=False))
    print(f"{len(detail)} installations, {len(edit)} editable, {len(status)} status pages; survey {campaign.name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
