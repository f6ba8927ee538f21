"""The plan, stakeholder and log pages in a real browser: every page passes ``Browsing.visit``
(status, lang, no console or CSP errors, axe at desktop and 360 px, no sideways scrolling),
the Gantt chart switches between months and quarters without a reload, and a dependency is
added with the keyboard alone.

The project of tests/test_governance_plan_pages.py: Analyse → Anskaffelse → Innføring is the
critical path, Opplæring has slack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from e2e.conftest import Browsing
from e2e.test_keyboard import active, tab_to, tab_to_button, tab_to_id
from samla.governance.models import Dependency
from tests.test_governance_plan_pages import Plan, build_plan

pytestmark = pytest.mark.browser


@pytest.fixture
def plan(world: Any) -> Plan:
    return build_plan(world)


def admin_pages(p: Plan) -> list[str]:
    return [
        p.project_url("project_plan"),
        p.project_url("project_plan") + "?zoom=quarter",
        p.project_url("activity_create"),
        p.url("activity_edit", activity_id=p.procurement.uuid),
        p.project_url("dependency_create"),
        p.project_url("stakeholder_list"),
        p.project_url("stakeholder_create"),
        p.url("stakeholder_edit", stakeholder_id=p.stakeholder.uuid),
        p.project_url("communication_item_create"),
        p.url("communication_item_edit", communication_item_id=p.item.uuid),
        p.project_url("project_log"),
        p.project_url("log_entry_create"),
        p.url("log_entry_edit", log_entry_id=p.entry_by_editor.uuid),
        p.url("lessons_learned"),
    ]


def test_every_page_as_admin(browse: Callable[..., Browsing], plan: Plan) -> None:
    browsing = browse("admin")
    for path in admin_pages(plan):
        browsing.visit(path)
        assert browsing.page.locator("h1").count() == 1, path


def test_read_pages_as_viewer(browse: Callable[..., Browsing], plan: Plan) -> None:
    browsing = browse("viewer")
    for name in ("project_plan", "stakeholder_list", "project_log"):
        browsing.visit(plan.project_url(name))
        assert browsing.page.locator("main form[method=post]").count() == 0, name
    browsing.goto(plan.project_url("activity_create"), status=403)


def visible_scale(browsing: Browsing) -> list[str]:
    return browsing.page.evaluate(
        "Array.from(document.querySelectorAll('[data-gantt]'))"
        ".filter((el) => !el.hidden && el.offsetParent !== null)"
        ".map((el) => el.getAttribute('data-gantt'))"
    )


def test_gantt_zoom_switch(browse: Callable[..., Browsing], plan: Plan) -> None:
    browsing = browse("viewer")
    browsing.visit(plan.project_url("project_plan"))
    page = browsing.page
    assert visible_scale(browsing) == ["month"]
    month_chart = page.locator("[data-gantt=month] svg")
    assert month_chart.locator(".gantt-row--critical").count() == 3
    assert month_chart.locator(".gantt-milestone").count() == 1
    month_width = month_chart.bounding_box()["width"]  # type: ignore[index]

    quarter = page.get_by_role("button", name="Kvartal")
    quarter.click()
    assert visible_scale(browsing) == ["quarter"]
    assert quarter.get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="Måned").get_attribute("aria-pressed") == "false"
    assert "zoom=quarter" in page.url
    assert page.locator("[data-gantt-status]").inner_text() == "Viser diagrammet per kvartal."
    quarter_chart = page.locator("[data-gantt=quarter] svg")
    assert "K1 2026" in quarter_chart.inner_html()
    assert quarter_chart.bounding_box()["width"] < month_width  # type: ignore[index]
    browsing.check_a11y()

    # The chosen scale survives a reload (the server reads ?zoom=).
    browsing.goto(page.url)
    assert visible_scale(browsing) == ["quarter"]
    page.get_by_role("button", name="Måned").click()
    assert visible_scale(browsing) == ["month"]
    browsing.assert_no_errors()


def test_zoom_and_dependency_with_the_keyboard(browse: Callable[..., Browsing], plan: Plan) -> None:
    browsing = browse("admin")
    page = browsing.page
    browsing.goto(plan.project_url("project_plan"))
    tab_to_button(page, "Kvartal")
    page.keyboard.press("Space")
    assert visible_scale(browsing) == ["quarter"], active(page)
    # The chart region takes the focus so it can be scrolled with the arrow keys.
    tab_to(page, "(el) => el && el.getAttribute('data-gantt') === 'quarter'")
    tab_to(
        page,
        "(el) => el && el.tagName === 'A' && el.href.includes('successor="
        + str(plan.rollout.uuid)
        + "')",
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    assert page.evaluate("document.getElementById('id_successor').value") == str(plan.rollout.uuid)
    tab_to_id(page, "id_predecessor")
    page.keyboard.type("4")  # «4 Opplæring»
    assert page.evaluate("document.getElementById('id_predecessor').value") == str(
        plan.training.uuid
    ), active(page)
    tab_to_id(page, "id_lag_days")
    page.keyboard.press("Control+a")
    page.keyboard.type("2")
    tab_to_button(page, "Legg til avhengigheten")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    link = Dependency.objects.get(predecessor=plan.training, successor=plan.rollout)
    assert link.lag_days == 2
    assert "Avhengigheten er lagt til." in page.locator("main").inner_text()


def test_cycle_refused_in_the_browser(browse: Callable[..., Browsing], plan: Plan) -> None:
    browsing = browse("admin")
    page = browsing.page
    browsing.goto(plan.project_url("dependency_create"))
    page.select_option("#id_predecessor", str(plan.rollout.uuid))
    page.select_option("#id_successor", str(plan.analyse.uuid))
    with page.expect_navigation():
        page.get_by_role("button", name="Legg til avhengigheten").click()
    browsing.check_a11y()
    assert "Avhengigheten ville gi en sirkel" in page.locator("main").inner_text()
    assert Dependency.objects.count() == 2
