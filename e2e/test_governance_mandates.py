"""The mandate pages in a real browser: every page passes ``Browsing.visit`` (status, lang, no
console or CSP errors, axe at desktop and 360 px, no sideways scrolling), the viewer is
offered no changes, and the project leader adds a sub-goal with the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from e2e.conftest import Browsing
from e2e.test_keyboard import active, replace_text, tab_to, tab_to_button, tab_to_id
from tests.test_governance_mandate_pages import Mandated, build_mandate

pytestmark = pytest.mark.browser

# The first page of a fresh live server compiles every template; on a busy machine that can
# take longer than the default 10 s.
FIRST_LOAD_MS = 60_000


def leader(browse: Callable[..., Browsing]) -> Browsing:
    browsing = browse("editor_a")
    browsing.page.set_default_navigation_timeout(FIRST_LOAD_MS)
    return browsing


@pytest.fixture
def m(world: Any) -> Mandated:
    return build_mandate(world)


def pages(m: Mandated) -> list[str]:
    P = "/s/alfa/prosjekter/"
    project = f"{P}{m.project.uuid}/mandat/"
    one = f"{P}mandat/"
    return [
        project,
        f"{project}endre/",
        f"{project}finansiering/beregn/",
        f"{project}delmal/ny/",
        f"{project}konsepter/ny/",
        f"{project}organisering/ny/",
        f"{project}budsjett/ny/",
        f"{project}finansiering/ny/",
        f"{project}ressurser/ny/",
        f"{one}delmal/{m.sub_goal.uuid}/endre/",
        f"{one}konsepter/{m.concept.uuid}/endre/",
        f"{one}organisering/{m.role.uuid}/endre/",
        f"{one}budsjett/{m.cost_line.uuid}/endre/",
        f"{one}finansiering/{m.financing.uuid}/endre/",
        f"{one}ressurser/{m.resource.uuid}/endre/",
    ]


def test_every_page_as_the_project_leader(browse: Callable[..., Browsing], m: Mandated) -> None:
    browsing = leader(browse)
    for path in pages(m):
        browsing.visit(path)
        assert browsing.page.locator("h1").count() == 1, path


def test_viewer_reads_and_is_offered_no_changes(
    browse: Callable[..., Browsing], m: Mandated
) -> None:
    browsing = browse("viewer")
    browsing.page.set_default_navigation_timeout(FIRST_LOAD_MS)
    path = pages(m)[0]
    browsing.visit(path)
    main = browsing.page.locator("main")
    assert "Prosjektmandat for Innføring av e-handel" in main.inner_text()
    assert main.get_by_role("link", name="Last ned som Word").count() == 1
    assert main.get_by_role("link", name="Endre tekstene").count() == 0
    assert main.get_by_role("button", name="Slett").count() == 0
    browsing.visit(pages(m)[1], status=403)


def test_add_a_sub_goal_with_the_keyboard(browse: Callable[..., Browsing], m: Mandated) -> None:
    browsing = leader(browse)
    page = browsing.page
    browsing.goto(pages(m)[0])
    tab_to(page, "(el) => el && el.tagName === 'A' && el.innerText.trim() === 'Nytt delmål'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/delmal/ny/"), page.url
    # Submitting it empty: the errors take the focus, nothing is saved.
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'error-summary'"
    )
    assert m.mandate.sub_goals.count() == 1
    tab_to_id(page, "id_text")
    replace_text(page, "Alle ansatte i innkjøp har fullført opplæringen.")
    tab_to_id(page, "id_target")
    replace_text(page, "100 %")
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/mandat/" in page.url and page.url.endswith("#goals-heading"), page.url
    browsing.check_document()
    assert "Alle ansatte i innkjøp har fullført opplæringen." in page.locator("main").inner_text()
    goal = m.mandate.sub_goals.last()
    assert goal is not None and goal.target == "100 %", active(page)
