"""Samla works with the keyboard alone: skip link, forms, and errors that take the focus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import World
from e2e.conftest import Browsing

pytestmark = pytest.mark.browser

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el) return "";
  return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "")
    + " «" + (el.innerText || el.value || "").trim().slice(0, 30) + "»";
}"""


def active(page: Any) -> str:
    return page.evaluate(ACTIVE)


def tab_to(page: Any, is_target: str, limit: int = 80) -> None:
    """Press Tab until the JS predicate ``is_target(document.activeElement)`` holds."""
    visited = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(({is_target}))(document.activeElement)"):
            return
        visited.append(active(page))
    raise AssertionError(f"Tab never reached {is_target}; went through: {visited}")


def tab_to_id(page: Any, element_id: str) -> None:
    tab_to(page, f"(el) => el && el.id === {element_id!r}")


def tab_to_button(page: Any, text: str) -> None:
    tab_to(page, f"(el) => el && el.tagName === 'BUTTON' && el.innerText.trim() === {text!r}")


def replace_text(page: Any, text: str) -> None:
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


@pytest.mark.parametrize(
    ("persona", "path"), [("admin", "/s/alfa/organisasjoner/"), (None, "/accounts/login/")]
)
def test_skip_link_is_first_tab_stop(
    browse: Callable[..., Browsing], world: World, persona: str | None, path: str
) -> None:
    browsing = browse(persona)
    browsing.goto(path)
    page = browsing.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('ds-skip-link')"), active(page)
    skip_link = page.locator(".ds-skip-link")
    assert skip_link.inner_text() == "Hopp til hovedinnholdet"
    box = skip_link.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10, "the focused skip link is visible"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab stop is inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)"), (
        active(page)
    )


def test_edit_organisation_with_keyboard_only(
    browse: Callable[..., Browsing], world: World
) -> None:
    browsing = browse("editor_a")
    browsing.goto(f"/s/alfa/organisasjoner/{world.org_a.uuid}/endre/")
    page = browsing.page
    tab_to_id(page, "id_name")
    replace_text(page, "A kommune i Alfa")
    tab_to_id(page, "id_population")
    replace_text(page, "10500")
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/organisasjoner/{world.org_a.uuid}/"), page.url
    browsing.check_document()
    assert page.get_by_role("status").inner_text().strip() == "Endringene er lagret."
    world.org_a.refresh_from_db()
    assert world.org_a.name == "A kommune i Alfa"
    assert world.org_a.population == 10_500


def test_invalid_input_shows_errors_and_takes_focus(
    browse: Callable[..., Browsing], world: World
) -> None:
    browsing = browse("editor_a")
    browsing.goto(f"/s/alfa/organisasjoner/{world.org_a.uuid}/endre/")
    page = browsing.page
    tab_to_id(page, "id_organisation_number")
    replace_text(page, "123456789")  # fails the MOD11 check digit
    tab_to_id(page, "id_population")
    replace_text(page, "-5")
    tab_to_button(page, "Lagre")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    browsing.check_document()

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert "Skjemaet har feil. Ingenting er lagret." in summary.inner_text()
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'error-summary'"
    )
    links = summary.get_by_role("link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs == ["#id_organisation_number", "#id_population"]

    for field in ("organisation_number", "population"):
        field_input = page.locator(f"#id_{field}")
        error = page.locator(f"#id_{field}-error")
        assert error.is_visible(), f"{field} shows its error next to the field"
        assert field_input.get_attribute("aria-invalid") == "true"
        assert f"id_{field}-error" in (field_input.get_attribute("aria-describedby") or "")
    assert "negativt" in page.locator("#id_population-error").inner_text()

    # Nothing was saved.
    world.org_a.refresh_from_db()
    assert world.org_a.organisation_number == "974760673"
    assert world.org_a.population == 10_000
    # The error state passes axe as well.
    browsing.check_a11y()
