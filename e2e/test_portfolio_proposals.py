"""The portfolio's proposal, criteria, AHP and group pages in a real browser: every page
passes ``Browsing.visit`` (status, lang, no console or CSP errors, axe at desktop and 360 px,
no sideways scrolling) for the programme office, A's editor and the viewer; A's editor
submits a proposal with the keyboard alone; the AHP result with its inconsistency warning
is axe-clean too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from e2e.conftest import Browsing
from e2e.test_keyboard import tab_to, tab_to_button, tab_to_id
from samla.portfolio.models import Proposal, ProposalStatus
from tests.test_portfolio_proposal_pages import Portfolio, build_portfolio

pytestmark = pytest.mark.browser

P = "/s/alfa/portefolje/"


@pytest.fixture(scope="module", autouse=True)
def warm_server(live_server: Any) -> None:
    """The live server's first answer can take longer than a page's time limit on a busy
    machine (it loads every module then); ask for one page before the browser does."""
    import contextlib
    import urllib.error
    import urllib.request

    with contextlib.suppress(urllib.error.URLError):  # any answer will do
        urllib.request.urlopen(live_server.url + "/helse/", timeout=120).close()  # noqa: S310


@pytest.fixture
def pf(world: Any) -> Portfolio:
    return build_portfolio(world)


def reader_pages(p: Portfolio) -> list[str]:
    return [
        P,
        f"{P}forslag/{p.mine.uuid}/",
        f"{P}forslag/{p.approved.uuid}/",
        f"{P}kriterier/",
        f"{P}kriterier/ahp/",
        f"{P}grupper/",
    ]


def manager_pages(p: Portfolio) -> list[str]:
    mine = f"{P}forslag/{p.mine.uuid}/"
    return [
        *reader_pages(p),
        f"{P}forslag/ny/",
        f"{mine}endre/",
        f"{mine}forutsetter/",
        f"{mine}kostnader/ny/",
        f"{mine}kostnader/2027/",
        f"{mine}score/",
        f"{P}forslag/{p.approved.uuid}/start/",
        f"{P}kriterier/ny/",
        f"{P}kriterier/{p.criteria[0].uuid}/endre/",
        f"{P}grupper/ny/",
        f"{P}grupper/{p.group.uuid}/endre/",
    ]


def test_every_page_as_the_programme_office(browse: Callable[..., Browsing], pf: Portfolio) -> None:
    browsing = browse("office")
    for path in manager_pages(pf):
        browsing.visit(path)
        assert browsing.page.locator("h1").count() == 1, path


def test_viewer_reads_without_change_buttons(
    browse: Callable[..., Browsing], pf: Portfolio
) -> None:
    browsing = browse("viewer")
    for path in reader_pages(pf):
        browsing.visit(path)
    page = browsing.page
    browsing.goto(f"{P}forslag/{pf.mine.uuid}/")
    assert "Verdi 70,0 av 100" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Sett til «Vurdert»").count() == 0
    assert page.get_by_role("link", name="Endre", exact=True).count() == 0


def test_ahp_result_with_warning_is_accessible(
    browse: Callable[..., Browsing], pf: Portfolio
) -> None:
    browsing = browse("office")
    browsing.goto(f"{P}kriterier/ahp/")
    page = browsing.page
    selects = page.locator("main select")
    assert selects.count() == 3
    selects.nth(0).select_option("9")
    selects.nth(1).select_option("1/9")
    selects.nth(2).select_option("9")
    with page.expect_navigation():
        page.get_by_role("button", name="Beregn").click()
    main = page.locator("main").inner_text()
    assert "Resultat av sammenligningene (ikke lagret)" in main
    assert "motsier hverandre" in main
    browsing.check_a11y()
    with page.expect_navigation():
        page.get_by_role("button", name="Bruk vektene").click()
    main = page.locator("main").inner_text()
    assert "Dagens vekter kommer fra disse sammenligningene" in main
    assert "Sammenligningsmatrisen" in main
    browsing.check_a11y()


def test_editor_submits_a_proposal_with_the_keyboard_only(
    browse: Callable[..., Browsing], pf: Portfolio
) -> None:
    browsing = browse("editor_a")
    browsing.visit(P)
    page = browsing.page
    tab_to(page, "(el) => el && el.tagName === 'A' && el.innerText.trim() === 'Meld inn forslag'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to_id(page, "id_title")
    page.keyboard.type("Felles chatbot")
    tab_to_id(page, "id_earliest_start")
    page.keyboard.type("2028")
    tab_to_button(page, "Lagre")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    proposal = Proposal.objects.get(title="Felles chatbot")
    assert (proposal.sponsor, proposal.status, proposal.earliest_start) == (
        pf.world.org_a,
        ProposalStatus.SUBMITTED,
        2028,
    )
    assert page.url.endswith(f"{P}forslag/{proposal.uuid}/")
    assert "Forslaget er meldt inn." in page.locator("main").inner_text()
    browsing.check_a11y()


def test_ranked_list_draws_the_bubble_chart_and_the_case_button_is_accessible(
    browse: Callable[..., Browsing], pf: Portfolio
) -> None:
    from samla.portfolio import services
    from tests.test_portfolio_services import case_version

    services.proposal_update(proposal=pf.mine, case_version=case_version(pf.world))
    browsing = browse("editor_a")
    browsing.visit(P)
    chart = browsing.page.locator('[data-scenario-chart="chart-ranked"]')
    chart.locator("canvas").wait_for()
    assert chart.get_attribute("data-drawn") == "true"
    browsing.visit(f"{P}forslag/{pf.mine.uuid}/")
    button = browsing.page.get_by_role("button", name="Hent kostnader fra business case")
    with browsing.page.expect_navigation():
        button.click()
    browsing.check_a11y()  # the page with its success message
    assert (
        "hentet fra alternativet «Felles plattform»" in browsing.page.locator("main").inner_text()
    )
