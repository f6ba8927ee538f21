"""Governance benchmarks (issue: programmes and projects).

The national bench collaboration gets a portfolio of 500 projects in 10 programmes, each
project with 5 phases, 5 gates (3 checklist items each), 20 milestones (10 000 in all), 12
published monthly status reports (6 000) and 10 risks (5 000); 4 governance bodies hold 2 000
decisions. Built once with bulk inserts (no history rows: the pages do not read history) and
reused.

Timed (min and median of 7 runs after one warm run, and the query count) through the real
URLs and views, as a logged-in administrator: the portfolio heat map (the project list),
the decision register and one project's overview. Target: under 300 ms each, with the same
query count as the demo collaboration's pages (the tests pin that at two sizes too).
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bench.landscape import RUNS, ensure_data, time_page

PROGRAMMES = 10
PROJECTS = 500
PHASES = 5
CHECKLIST_PER_GATE = 3
MILESTONES_PER_PROJECT = 20
REPORTS_PER_PROJECT = 12
RISKS_PER_PROJECT = 10
BODIES = 4
DECISIONS = 2_000
PREFIX = "Ytelsestest"
TARGET_MS = 300


def _months_back(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def ensure_portfolio() -> Any:
    """The national collaboration with the benchmark portfolio (built on the first run)."""
    from samla.core.dates import today
    from samla.governance import models as m
    from samla.organisations.models import Collaboration, Organisation, Role

    national = Collaboration.objects.get(slug="nasjonal")
    if m.Project.objects.filter(collaboration=national, name__startswith=PREFIX).count() == PROJECTS:
        return national
    started = time.perf_counter()
    rng = random.Random(500)
    day = today()
    leader = Role.objects.filter(collaboration=national).select_related("user").first()
    user = leader.user if leader else None
    organisations = list(
        Organisation.objects.filter(memberships__collaboration=national).order_by("name")
    )
    rag = ["green", "yellow", "red"]
    now = timezone.now()
    with transaction.atomic():
        m.Decision.objects.filter(collaboration=national, title__startswith=PREFIX).delete()
        m.Project.objects.filter(collaboration=national, name__startswith=PREFIX).update(
            latest_status_report=None, current_phase=None
        )
        m.StatusReport.objects.filter(project__name__startswith=PREFIX).update(previous=None)
        m.Project.objects.filter(collaboration=national, name__startswith=PREFIX).delete()
        m.Body.objects.filter(collaboration=national, name__startswith=PREFIX).delete()
        m.Programme.objects.filter(collaboration=national, name__startswith=PREFIX).delete()

        programmes = m.Programme.objects.bulk_create(
            m.Programme(collaboration=national, name=f"{PREFIX} program {index:02d}", owner=user)
            for index in range(PROGRAMMES)
        )
        projects = m.Project.objects.bulk_create(
            m.Project(
                collaboration=national,
                programme=programmes[index % PROGRAMMES],
                name=f"{PREFIX} prosjekt {index:03d}",
                code=f"YT-{index:03d}",
                leader=user,
                owner=user,
                start=day - datetime.timedelta(days=rng.randint(200, 700)),
                end=day + datetime.timedelta(days=rng.randint(100, 900)),
            )
            for index in range(PROJECTS)
        )
        m.Project.organisations.through.objects.bulk_create(
            m.Project.organisations.through(
                project_id=project.pk, organisation_id=organisations[(i * 3 + k) % len(organisations)].pk
            )
            for i, project in enumerate(projects)
            for k in range(3)
        )
        phases = m.ProjectPhase.objects.bulk_create(
            m.ProjectPhase(
                project=project,
                order=order,
                name=f"Fase {order + 1}",
                status="completed" if order < 2 else ("active" if order == 2 else "not_started"),
                planned_start=project.start + datetime.timedelta(days=120 * order),
                planned_end=project.start + datetime.timedelta(days=120 * order + 119),
            )
            for project in projects
            for order in range(PHASES)
        )
        gates = m.Gate.objects.bulk_create(
            m.Gate(
                project=phase.project,
                phase=phase,
                order=phase.order,
                code=f"BP{phase.order + 1}",
                name=f"Beslutningspunkt {phase.order + 1}",
                planned_date=phase.planned_end,
            )
            for phase in phases
        )
        m.ChecklistItem.objects.bulk_create(
            m.ChecklistItem(
                gate=gate,
                order=k,
                text=f"Kontrollpunkt {k + 1}",
                mandatory=k == 0,
                done=gate.order < 2,
                done_at=now if gate.order < 2 else None,
            )
            for gate in gates
            for k in range(CHECKLIST_PER_GATE)
        )
        by_project = {p.pk: [ph for ph in phases if ph.project_id == p.pk] for p in projects}
        for project in projects:
            current = by_project[project.pk][2]
            project.current_phase = current
        m.Project.objects.bulk_update(projects, ["current_phase"])
        milestones = []
        for project in projects:
            for k in range(MILESTONES_PER_PROJECT):
                planned = project.start + datetime.timedelta(days=30 * k + rng.randint(0, 20))
                finished = planned < day - datetime.timedelta(days=60)
                milestones.append(
                    m.Milestone(
                        project=project,
                        phase=by_project[project.pk][min(k // 4, PHASES - 1)],
                        order=k,
                        code=str(k + 1),
                        name=f"Milepæl {k + 1}",
                        planned_date=planned,
                        forecast_date=planned + datetime.timedelta(days=rng.choice([0, 0, 14, 30])),
                        actual_date=planned if finished else None,
                        status="reached" if finished else "planned",
                    )
                )
        m.Milestone.objects.bulk_create(milestones, batch_size=2000)
        risks = [
            m.Risk(
                collaboration=national,
                project=project,
                number=k + 1,
                title=f"Risiko {k + 1} i {project.code}",
                probability=rng.randint(1, 5),
                impact=rng.randint(1, 5),
                residual_probability=rng.randint(1, 3),
                residual_impact=rng.randint(1, 3),
                owner=user,
                status="open" if k < 8 else "closed",
            )
            for project in projects
            for k in range(RISKS_PER_PROJECT)
        ]
        m.Risk.objects.bulk_create(risks, batch_size=2000)
        reports = [
            m.StatusReport(
                project=project,
                period=_months_back(day, REPORTS_PER_PROJECT - k),
                state="published",
                overall=rng.choice(rag),
                overall_comment="Fremdrift etter plan.",
                schedule=rng.choice(rag),
                quality=rng.choice(rag),
                economy=rng.choice(rag),
                risk=rng.choice(rag),
                benefits=rng.choice(rag),
                summary="Månedens arbeid: avklaringer med leverandør og opplæring.",
                snapshot={"cost_lines": [], "milestones": [], "risks": []},
                changes={},
                published_at=now,
                published_by=user,
                created_by=user,
            )
            for project in projects
            for k in range(REPORTS_PER_PROJECT)
        ]
        m.StatusReport.objects.bulk_create(reports, batch_size=2000)
        latest = {}
        for report in reports:
            latest[report.project_id] = report
        for project in projects:
            project.latest_status_report = latest[project.pk]
        m.Project.objects.bulk_update(projects, ["latest_status_report"])
        m.StatusCostLine.objects.bulk_create(
            (
                m.StatusCostLine(
                    report=report,
                    order=0,
                    name="Eksterne konsulenter",
                    budget=Decimal(1_000_000),
                    spent=Decimal(rng.randint(0, 900_000)),
                    forecast=Decimal(1_000_000),
                )
                for report in latest.values()
            ),
            batch_size=2000,
        )
        bodies = m.Body.objects.bulk_create(
            m.Body(
                collaboration=national,
                kind="steering_group",
                name=f"{PREFIX} styringsgruppe {k + 1}",
                abbreviation=f"YS{k + 1}",
            )
            for k in range(BODIES)
        )
        decisions = []
        sequence: dict[tuple[int, int], int] = {}
        for k in range(DECISIONS):
            body = bodies[k % BODIES]
            decided = day - datetime.timedelta(days=rng.randint(0, 1000))
            key = (body.pk, decided.year)
            sequence[key] = sequence.get(key, 0) + 1
            decisions.append(
                m.Decision(
                    collaboration=national,
                    body=body,
                    year=decided.year,
                    sequence=sequence[key],
                    decided_on=decided,
                    title=f"{PREFIX} vedtak {k + 1}",
                    text="Styringsgruppen slutter seg til anbefalingen.",
                    project=projects[k % PROJECTS],
                    recorded_by=user,
                )
            )
        m.Decision.objects.bulk_create(decisions, batch_size=2000)
    print(f"Built the governance benchmark portfolio in {time.perf_counter() - started:.0f} s")
    return national


def _url(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(f"governance:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return None


def run(only: list[str]) -> dict[str, Any]:
    from django.core.management import call_command

    from samla.governance import models as m
    from samla.organisations.models import Collaboration, User

    call_command("migrate", verbosity=0)
    ensure_data()
    national = ensure_portfolio()
    sizes = {
        "projects": m.Project.objects.filter(collaboration=national).count(),
        "milestones": m.Milestone.objects.filter(project__collaboration=national).count(),
        "status_reports": m.StatusReport.objects.filter(project__collaboration=national).count(),
        "risks": m.Risk.objects.filter(collaboration=national).count(),
        "decisions": m.Decision.objects.filter(collaboration=national).count(),
    }
    print(f"Governance: {sizes}")
    demo = Collaboration.objects.filter(slug="knutepunkt-sorlandet").first()
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    figures: dict[str, Any] = {"sizes": sizes, "pages": {}, "runs": RUNS}

    def pages(collaboration: Collaboration) -> dict[str, str | None]:
        project = (
            m.Project.objects.filter(collaboration=collaboration)
            .exclude(latest_status_report=None)
            .order_by("name")
            .first()
        )
        slug = collaboration.slug
        return {
            "heat map": _url("project_list", slug=slug),
            "decision register": _url("decision_register", slug=slug),
            "project overview": _url("project_detail", slug=slug, project_id=project.uuid)
            if project
            else None,
        }

    print(
        f"\n{'page':<20} {'queries':>7} {'min ms':>8} {'median':>8} {'demo q':>7}  target <{TARGET_MS} ms"
    )
    demo_pages = pages(demo) if demo else {}
    for name, address in pages(national).items():
        if only and name.replace(" ", "_") not in only:
            continue
        if address is None:
            print(f"{name:<20} (page not built yet)")
            continue
        timing = time_page(client, address)
        demo_address = demo_pages.get(name)
        if demo_address:
            timing["demo_queries"] = time_page(client, demo_address)["queries"]
        figures["pages"][name] = timing
        verdict = "ok" if timing["median_ms"] < TARGET_MS else "SLOW"
        print(
            f"{name:<20} {timing['queries']:>7} {timing['min_ms']:>8} {timing['median_ms']:>8} "
            f"{timing.get('demo_queries', '–'):>7}  {verdict}"
        )
    return figures
