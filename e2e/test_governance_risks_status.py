"""Risk and status-report pages in a real browser: every page passes ``Browsing.visit``
(status, lang, no console or CSP errors, axe at desktop and 360 px, no sideways scrolling),
and the project leader registers a risk with the keyboard alone."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from e2e.conftest import Browsing
from e2e.test_keyboard import tab_to, tab_to_button, tab_to_id
from samla.governance import services
from samla.governance.models import Risk, StatusReport
from tests.test_governance_risk_pages import Risks, build_risks
from tests.test_governance_services import fill_report

pytestmark = pytest.mark.browser

P = "/s/alfa/prosjekter/"


@dataclass
class Data:
    risks: Risks
    published: StatusReport
    draft: StatusReport


@pytest.fixture
def data(world: Any) -> Data:
    risks = build_risks(world)
    project = risks.project
    services.milestone_create(
        project=project, name="Kontrakt signert", planned_date=datetime.date(2026, 1, 20)
    )
    january = services.status_report_create(project=project, period=datetime.date(2026, 1, 1))
    services.status_cost_line_create(
        report=january,
        name="Lisenser",
        budget=Decimal(100_000),
        spent=Decimal(10_000),
        forecast=Decimal(100_000),
    )
    fill_report(january, overall_comment="Alt i rute", next_steps="Signere kontrakt")
    services.status_report_publish(report=january, user=world.editor_b)
    february = services.status_report_create(project=project, period=datetime.date(2026, 2, 1))
    services.status_report_update(report=february, overall="red", overall_comment="Forsinket")
    return Data(risks, january, february)


def pages(d: Data) -> list[str]:
    r = d.risks
    line = d.draft.cost_lines.get()
    return [
        f"{P}risiko/",
        f"{P}{r.project.uuid}/risiko/",
        f"{P}{r.project.uuid}/risiko/ny/",
        f"{P}risiko/{r.risk.uuid}/",
        f"{P}risiko/{r.risk.uuid}/endre/",
        f"{P}programmer/{r.programme.uuid}/risiko/",
        f"{P}programmer/{r.programme.uuid}/risiko/ny/",
        f"{P}risiko/{r.programme_risk.uuid}/",
        f"{P}{r.project.uuid}/status/",
        f"{P}{r.project.uuid}/status/ny/",
        f"{P}status/{d.published.uuid}/",
        f"{P}status/{d.draft.uuid}/",
        f"{P}status/{d.draft.uuid}/endre/",
        f"{P}status/{d.draft.uuid}/publiser/",
        f"{P}status/{d.draft.uuid}/kostnader/ny/",
        f"{P}status/kostnader/{line.uuid}/endre/",
    ]


def test_every_page_as_admin(browse: Callable[..., Browsing], data: Data) -> None:
    browsing = browse("admin")
    for path in pages(data):
        browsing.visit(path)
        assert browsing.page.locator("h1").count() == 1, path


def test_viewer_reads_the_register_and_the_published_report(
    browse: Callable[..., Browsing], data: Data
) -> None:
    browsing = browse("viewer")
    browsing.visit(f"{P}{data.risks.project.uuid}/risiko/")
    page = browsing.page
    assert page.locator("#matrix-before").is_visible()
    assert page.get_by_role("link", name="Ny risiko").count() == 0
    browsing.visit(f"{P}status/{data.published.uuid}/")
    assert "Første publiserte rapport for prosjektet." in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Endre utkastet").count() == 0


def test_leader_registers_a_risk_with_the_keyboard_only(
    browse: Callable[..., Browsing], data: Data
) -> None:
    browsing = browse("editor_b")
    register = f"{P}{data.risks.project.uuid}/risiko/"
    browsing.goto(register)
    page = browsing.page
    tab_to(page, "(el) => el && el.tagName === 'A' && el.innerText.trim() === 'Ny risiko'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to_id(page, "id_title")
    page.keyboard.type("Nøkkelperson slutter")
    tab_to_id(page, "id_probability")
    page.keyboard.type("4")
    tab_to_id(page, "id_impact")
    page.keyboard.type("3")
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(register)
    browsing.check_document()
    risk = Risk.objects.get(title="Nøkkelperson slutter")
    assert (risk.probability, risk.impact, risk.score) == (4, 3, 12)
    assert "Nøkkelperson slutter" in page.locator("main").inner_text()
    browsing.check_a11y()
