"""The benefits dashboard: planned and realised kroner per year, per organisation and per
programme (each chart with a table of the same figures), the indicators behind plan first
and then at risk, counts by status with «mangler indikator», and a query count that does not
grow with the data.

The data: the approved realisation of tests/test_benefits_plan_vs_actual.py («Program
Saksbehandling»: plan 260 000 kr in 2027 and 2028, actual 227 500 and 195 000 kr), the same
on a draft case («Program Utkast»: actuals only, no plan), and, in no programme, two kroner
indicators from 0 to 1000 during 2026 measured on 1 December 2026 at 100 (behind plan) and
800 (at risk), and a benefit with no indicator."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World
from samla.benefits import selectors_reports
from samla.benefits import services as benefits
from samla.benefits.models import Benefit
from tests.test_benefits_plan_vs_actual import build_realisation, kr

DASHBOARD = reverse("benefits:dashboard", kwargs={"slug": "alfa"})


def kroner_benefit(world: World, title: str, value: int) -> Benefit:
    benefit = benefits.benefit_create(
        collaboration=world.alfa, title=title, benefit_class="budget", owner=world.office
    )
    indicator = benefits.indicator_create(
        benefit=benefit,
        name=f"Innsparing {title}",
        unit="kroner",
        baseline_value=Decimal(0),
        baseline_date=datetime.date(2026, 1, 1),
        target_value=Decimal(1000),
        target_date=datetime.date(2027, 1, 1),
    )
    benefits.measurement_create(
        indicator=indicator, measured_on=datetime.date(2026, 12, 1), value=Decimal(value)
    )
    return benefit


@pytest.fixture
def data(world: World) -> World:
    build_realisation(world)
    build_realisation(world, approved=False, name="Utkast")
    kroner_benefit(world, "Bak plan", 100)
    kroner_benefit(world, "I faresonen", 800)
    benefits.benefit_create(
        collaboration=world.alfa,
        title="Uten indikator",
        benefit_class="non_priced",
        owner=world.office,
    )
    return world


def sums(rows: list[selectors_reports.Sum]) -> dict[str, tuple[Decimal, Decimal]]:
    return {s.label: (s.plan, s.actual) for s in rows}


def test_dashboard_figures(data: World) -> None:
    board = selectors_reports.dashboard(data.alfa)
    assert board.benefits == 5
    assert sums(board.by_year) == {
        "2026": (Decimal(0), Decimal(900)),
        "2027": (Decimal(260_000), Decimal(455_000)),
        "2028": (Decimal(260_000), Decimal(390_000)),
    }
    assert sums(board.by_organisation) == {
        # the approved case's whole-benefit measurement (65 000) shared 1:3 like its plan;
        # the draft's and the unplanned benefits' stay under «Felles»
        "A kommune": (Decimal(130_000), Decimal(341_250)),
        "B kommune": (Decimal(390_000), Decimal(438_750)),
        "Felles": (Decimal(0), Decimal(65_900)),
    }
    assert [s.label for s in board.by_organisation][-1] == "Felles"
    assert sums(board.by_programme) == {
        "Program Saksbehandling": (Decimal(520_000), Decimal(422_500)),
        "Program Utkast": (Decimal(0), Decimal(422_500)),
        "Uten program": (Decimal(0), Decimal(900)),
    }
    assert board.plan == Decimal(520_000) and board.actual == Decimal(845_900)
    assert board.draft_notes == 1
    # behind plan first, then at risk; on track is not listed
    assert [(w.benefit.title, w.progress.status.value) for w in board.watch] == [
        ("Bak plan", "behind"),
        ("I faresonen", "at_risk"),
    ]
    counts = {c.key: c.count for c in board.status_counts}
    assert counts == {
        "behind": 1,
        "at_risk": 1,
        "not_measured": 0,
        "on_track": 2,
        "missing_indicator": 1,
    }


def test_dashboard_page_has_charts_with_tables(data: World) -> None:
    html = data.client_for("viewer").get(DASHBOARD).content.decode()
    for name in ("year", "organisation", "programme"):
        assert f'data-chart="chart-{name}"' in html
        assert f'<script id="chart-{name}" type="application/json">' in html
        assert f'id="by-{name}"' in html
    assert kr(845_900) in html and kr(520_000) in html
    assert "Mangler indikator" in html
    assert html.index("Bak plan</td>") < html.index("I faresonen</td>")
    assert 'data-status="missing_indicator">1<' in html
    assert "vendor/echarts.min.js" in html
    # links on to the register, the maps and the plans
    assert reverse("benefits:map_list", kwargs={"slug": "alfa"}) in html
    assert reverse("benefits:plan_list", kwargs={"slug": "alfa"}) in html
    assert "fortsatt er et utkast" in html
    assert "fordelt etter samme nøkkel som planen" in html
    # each status count links to the register filtered on it
    register = reverse("benefits:benefit_list", kwargs={"slug": "alfa"})
    assert f"{register}?indikator=missing_indicator" in html
    filtered = data.client_for("viewer").get(f"{register}?indikator=behind").content.decode()

    def detail(title: str) -> str:
        benefit = Benefit.objects.get(title=title)
        return reverse(
            "benefits:benefit_detail", kwargs={"slug": "alfa", "benefit_id": benefit.uuid}
        )

    assert detail("Bak plan") in filtered and detail("I faresonen") not in filtered


def test_empty_dashboard(world: World) -> None:
    response = world.client_for("viewer").get(DASHBOARD)
    assert response.status_code == 200
    assert "Ingen planer eller målinger i kroner ennå." in response.content.decode()


def test_outsider_and_anonymous(world: World) -> None:
    assert world.client_for("outsider").get(DASHBOARD).status_code == 404
    assert world.client_for(None).get(DASHBOARD).status_code == 302


def _queries(world: World) -> int:
    client = world.client_for("viewer")
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(DASHBOARD).status_code == 200
    return len(captured)


def test_query_count_is_pinned_at_two_sizes(data: World) -> None:
    small = _queries(data)
    for number in range(6):
        kroner_benefit(data, f"Mer {number}", 100 * number)
    build_realisation(data, name="Tredje")
    assert _queries(data) == small
    assert small <= 20


def test_watch_list_shows_the_worst_and_says_how_many_in_all(
    data: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors_reports, "WATCH_LIMIT", 1)
    board = selectors_reports.dashboard(data.alfa)
    assert [w.benefit.title for w in board.watch] == ["Bak plan"]
    assert board.watch_total == 2
    html = data.client_for("viewer").get(DASHBOARD).content.decode()
    assert "de 1 verste av 2" in html
