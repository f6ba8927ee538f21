"""The pages of governance bodies, meetings and decisions in a real browser: each passes
``Browsing.visit`` (status, lang, no console or CSP errors, axe at desktop and 360 px, no
sideways scrolling), the viewer is offered no changes, and a gate is passed by a decision
recorded with the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from e2e.conftest import Browsing
from e2e.test_keyboard import active, tab_to_button, tab_to_id
from samla.governance.models import Gate
from tests.test_governance_meeting_pages import Meetings, build_meetings
from tests.test_governance_services import tick_mandatory

pytestmark = pytest.mark.browser


@pytest.fixture
def m(world: Any) -> Meetings:
    return build_meetings(world)


def manager_pages(m: Meetings) -> list[str]:
    gate = m.project.gates.get(code="BP1")
    return [
        m.url("body_list"),
        m.url("body_detail", body_id=m.body.uuid),
        m.url("meeting_detail", meeting_id=m.meeting.uuid),
        m.url("decision_register"),
        m.url("decision_detail", decision_id=m.decision.uuid),
        m.url("decision_create") + f"?gate={gate.uuid}",
        m.url("action_item_list"),
        m.url("project_decisions", project_id=m.project.uuid),
        m.url("calendar_feed"),
        m.url("meeting_create", body_id=m.body.uuid),
        m.url("agenda_item_create", meeting_id=m.meeting.uuid),
    ]


def test_every_page_as_office(browse: Callable[..., Browsing], m: Meetings) -> None:
    browsing = browse("office")
    for path in manager_pages(m):
        browsing.visit(path)
        assert browsing.page.locator("h1").count() == 1, path


def test_viewer_reads_without_changes(browse: Callable[..., Browsing], m: Meetings) -> None:
    browsing = browse("viewer")
    browsing.visit(m.url("meeting_detail", meeting_id=m.meeting.uuid))
    page = browsing.page
    assert "Valg av arkivløsning" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Lagre oppmøte").count() == 0
    assert page.get_by_role("link", name="Ny sak").count() == 0
    browsing.goto(m.url("decision_create"), status=403)


def test_pass_a_gate_with_the_keyboard(browse: Callable[..., Browsing], m: Meetings) -> None:
    gate = m.project.gates.get(code="BP1")
    tick_mandatory(gate, m.world)
    browsing = browse("office")
    page = browsing.page
    browsing.goto(m.url("decision_create") + f"?gate={gate.uuid}")
    tab_to_id(page, "id_body")
    page.keyboard.press("End")  # the only body
    assert page.evaluate("document.getElementById('id_body').value") == str(m.body.uuid), active(
        page
    )
    tab_to_id(page, "id_text")
    page.keyboard.type("BP1 passeres. Prosjektet går over i konseptfasen.")
    tab_to_id(page, "id_gate_outcome")
    assert page.evaluate("document.activeElement.value") == "passed"
    tab_to_button(page, "Registrer vedtaket")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    assert "Vedtaket er registrert." in page.locator("main").inner_text()
    gate.refresh_from_db()
    assert gate.status == Gate.Status.PASSED
    assert gate.decided_by is not None and gate.decided_by.number == "SG 2/2026"
    browsing.check_a11y()
