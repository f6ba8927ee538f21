"""Campaigns in a real browser.

The list, the create form, the detail page with its user groups and tracking, the tracking
page, the user-group form and the invitations page are opened with ``Browsing.visit`` as the
administrator and (where the viewer may) as the viewer: status, ``<html lang="nb">``, no
console errors or CSP violations, axe-core at desktop and at 360 px, no sideways scrolling.
Then a campaign is created and a user group added with the keyboard alone; the category
refreshes the product choices through htmx on the way.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conftest import World
from e2e.conftest import Browsing
from e2e.test_keyboard import active, tab_to_button, tab_to_id
from samla.surveys import services
from samla.surveys.models import Campaign, UserGroup
from tests.test_survey_campaigns import TODAY, Scenario, build_scenario, freeze

pytestmark = pytest.mark.browser

BASE = "/s/alfa/undersokelser/"


@pytest.fixture
def scenario(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[Scenario]:
    """A running campaign with answers from A, B and B's open link; "today" is pinned."""
    freeze(monkeypatch, TODAY)
    scenario = build_scenario(world)
    services.campaign_launch(campaign=scenario.campaign, base_url="http://testserver/")
    for _ in range(2):  # two answers through B kommune's open link
        link = services.link_resolve(scenario.open_b.open_token, open_link=True)
        assert link is not None
        services.response_submit(link=link, answers={}, submission_key=secrets.token_hex(16))
    yield scenario


def _one_h1(browsing: Browsing) -> str:
    headings = browsing.page.locator("h1")
    assert headings.count() == 1, f"{browsing.page.url}: every page has exactly one <h1>"
    return headings.inner_text()


def test_every_page_as_admin(browse: Callable[..., Browsing], scenario: Scenario) -> None:
    browsing = browse("admin")
    page = browsing.page
    browsing.visit(BASE)
    assert _one_h1(browsing) == "Undersøkelser"
    assert page.locator("main table tbody tr").count() == 1
    assert "Åpen" in page.locator("main table tbody tr").inner_text()
    assert page.locator(".samla-nav a[aria-current=page]").inner_text() == "Undersøkelser"

    browsing.visit(f"{BASE}ny/")
    assert _one_h1(browsing) == "Ny undersøkelse"

    detail = f"{BASE}{scenario.campaign.uuid}/"
    browsing.visit(detail)
    assert _one_h1(browsing) == "Sak/arkiv 2026"
    assert page.locator("article.ds-card").count() == 3
    link = page.locator(f"#open-link-{scenario.open_b.uuid}")
    assert link.input_value().endswith(f"/svar/apen/{scenario.open_b.open_token}/")
    assert page.get_by_label("Lenke for Arkiv B (kopier og del)").count() == 1
    assert page.locator("#tracking[hx-trigger='every 30s']").count() == 1
    assert page.locator("[aria-live]").count() == 1
    assert "2 svar, 5 invitert." in page.locator("#tracking-summary").inner_text()

    browsing.visit(f"{detail}svarinngang/")
    assert _one_h1(browsing) == "Svarinngang: Sak/arkiv 2026"
    browsing.visit(f"{detail}brukergrupper/ny/")
    assert _one_h1(browsing) == "Ny brukergruppe"
    browsing.visit(f"{detail}brukergrupper/{scenario.group_a.uuid}/endre/")
    browsing.visit(f"{detail}brukergrupper/{scenario.group_a.uuid}/inviter/")
    assert _one_h1(browsing) == "Invitasjoner: Saksbehandlere A"
    assert page.locator("#invitations-heading ~ div table tbody tr").count() == 3
    browsing.visit(f"{detail}endre/")


def test_pages_as_viewer(browse: Callable[..., Browsing], scenario: Scenario) -> None:
    browsing = browse("viewer")
    page = browsing.page
    detail = f"{BASE}{scenario.campaign.uuid}/"
    for path in (BASE, detail, f"{detail}svarinngang/"):
        browsing.visit(path)
        assert page.locator("main form[method=post]").count() == 0, f"a form that writes on {path}"
        assert page.locator(".samla-token").count() == 0, "no open links for the viewer"
    browsing.goto(f"{BASE}ny/", status=403)
    browsing.goto(f"{detail}brukergrupper/{scenario.group_a.uuid}/inviter/", status=403)


def test_create_campaign_with_keyboard_only(
    browse: Callable[..., Browsing], scenario: Scenario
) -> None:
    browsing = browse("office")
    page = browsing.page
    browsing.goto(BASE)
    page.keyboard.press("Tab")
    for _ in range(60):
        if page.evaluate("document.activeElement.innerText === 'Ny undersøkelse'"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"Tab never reached «Ny undersøkelse»; at {active(page)}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/undersokelser/ny/"), page.url
    browsing.check_document()

    tab_to_id(page, "id_name")
    page.keyboard.type("Sak/arkiv høst")
    tab_to_id(page, "id_questionnaire")
    page.keyboard.type("Kort")
    # Choosing the category swaps in its systems, all ticked (htmx, same document).
    page.evaluate("window.__samlaMarker = 'same document'")
    tab_to_id(page, "id_category")
    with page.expect_response(lambda r: "category=" in r.url):
        page.keyboard.type("Sak/arkiv")
    page.wait_for_function(
        "() => document.querySelectorAll('#product-choices input:checked').length === 2"
    )
    assert page.evaluate("window.__samlaMarker") == "same document"
    labels = page.locator("#product-choices label").all_inner_texts()
    assert labels == ["Elements", "Public 360"]
    # Untick Public 360 with the space bar.
    tab_to_id(page, "id_products_1")
    page.keyboard.press("Space")
    assert not page.locator("#id_products_1").is_checked()
    tab_to_id(page, "id_anonymous")
    assert page.locator("#id_anonymous").is_checked()
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    campaign = Campaign.objects.get(name="Sak/arkiv høst")
    assert page.url.endswith(f"/undersokelser/{campaign.uuid}/"), page.url
    assert page.get_by_role("status").inner_text().strip() == "Undersøkelsen er lagret."
    assert [p.name for p in campaign.products.all()] == ["Elements"]
    assert campaign.category is not None and campaign.category.name == "Sak/arkiv"
    assert campaign.anonymous and campaign.launched_at is None
    browsing.check_a11y()


def test_add_user_group_with_keyboard_only(
    browse: Callable[..., Browsing], scenario: Scenario
) -> None:
    browsing = browse("editor_a")
    page = browsing.page
    browsing.goto(f"{BASE}{scenario.campaign.uuid}/")
    tab_to_link(page, "Ny brukergruppe")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    options = page.locator("#id_organisation option").all_inner_texts()
    assert [o for o in options if "kommune" in o] == ["A kommune"]
    tab_to_id(page, "id_name")
    page.keyboard.type("Arkivarer A")
    tab_to_id(page, "id_organisation")
    page.keyboard.type("A kommune")
    tab_to_id(page, "id_product")
    page.keyboard.type("Elements")
    tab_to_id(page, "id_size")
    page.keyboard.type("8")
    tab_to_id(page, "id_open_link")
    page.keyboard.press("Space")
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browsing.check_document()
    group = UserGroup.objects.get(name="Arkivarer A")
    assert (group.organisation, group.product, group.size) == (
        scenario.world.org_a,
        scenario.elements,
        8,
    )
    assert group.open_token
    assert (
        page.get_by_role("status").inner_text().strip() == "Brukergruppen «Arkivarer A» er lagret."
    )
    assert (
        page.locator(f"#open-link-{group.uuid}")
        .input_value()
        .endswith(f"/svar/apen/{group.open_token}/")
    )
    browsing.check_a11y()


def tab_to_link(page: Any, text: str, limit: int = 120) -> None:
    page.keyboard.press("Tab")
    for _ in range(limit):
        if page.evaluate(f"document.activeElement.innerText.trim() === {text!r}"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached «{text}»; at {active(page)}")


def test_tracking_updates_itself_while_open(
    browse: Callable[..., Browsing], scenario: Scenario
) -> None:
    """htmx asks every 30 s; a new answer changes the table and the short live summary."""
    browsing = browse("viewer")
    page = browsing.page
    page.clock.install()
    browsing.goto(f"{BASE}{scenario.campaign.uuid}/svarinngang/")
    summary = page.locator("#tracking-summary")
    assert summary.inner_text().startswith("2 svar, 5 invitert.")
    link = services.link_resolve(scenario.open_b.open_token, open_link=True)
    assert link is not None
    services.response_submit(link=link, answers={}, submission_key=secrets.token_hex(16))
    with page.expect_response(lambda r: "siste=2" in r.url) as polled:
        page.clock.fast_forward("00:31")
    assert polled.value.request.headers.get("hx-request") == "true"
    page.wait_for_function(
        "() => document.getElementById('tracking-summary').innerText.startsWith('3 svar')"
    )
    cells = [t.replace("\xa0", " ") for t in page.locator("#tracking tfoot td").all_inner_texts()]
    assert cells == ["", "5", "", "3", "20,0 %"]
    assert page.locator("[aria-live]").count() == 1
    browsing.assert_no_errors()
