"""Walk every page of Samla in a real browser.

Each page is opened as a persona who may see it and checked by ``Browsing.visit``: the HTTP
status, ``<html lang="nb">``, no console errors or CSP violations, axe-core (WCAG 2.1 A/AA)
at desktop width and at 360 px, and no sideways scrolling of the document at 360 px.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from conftest import PASSWORD, World
from e2e.conftest import Browsing, login_with_form
from samla.organisations import services
from samla.organisations.models import ApiToken, CostSharingKey, Membership, Role

pytestmark = pytest.mark.browser


def _key(world: World) -> CostSharingKey:
    return services.cost_sharing_key_create(
        collaboration=world.alfa,
        name="Driftsutgifter",
        method=CostSharingKey.Method.POPULATION,
        description="Felles drift etter innbyggertall.",
    )


def _membership(world: World) -> Membership:
    return Membership.objects.get(collaboration=world.alfa, organisation=world.org_a)


def _role(world: World) -> Role:
    return Role.objects.get(collaboration=world.alfa, user=world.editor_a)


def _superuser(world: World) -> str:
    world.admin.is_superuser = True
    world.admin.save(update_fields=["is_superuser"])
    return "/samarbeid/nytt/"


# (test id, persona, path from the world, expected status)
PAGES: list[tuple[str, str | None, Callable[[World], str], int]] = [
    ("login", None, lambda w: "/accounts/login/", 200),
    ("password-reset", None, lambda w: "/accounts/password/reset/", 200),
    ("dashboard", "admin", lambda w: "/s/alfa/", 200),
    ("dashboard-viewer", "viewer", lambda w: "/s/alfa/", 200),
    ("organisation-list", "admin", lambda w: "/s/alfa/organisasjoner/", 200),
    ("organisation-detail", "admin", lambda w: f"/s/alfa/organisasjoner/{w.org_a.uuid}/", 200),
    ("organisation-edit", "admin", lambda w: f"/s/alfa/organisasjoner/{w.org_a.uuid}/endre/", 200),
    ("organisation-new", "admin", lambda w: "/s/alfa/organisasjoner/ny/", 200),
    ("member-list", "admin", lambda w: "/s/alfa/medlemmer/", 200),
    ("member-edit", "admin", lambda w: f"/s/alfa/medlemmer/{_membership(w).uuid}/endre/", 200),
    ("role-list", "admin", lambda w: "/s/alfa/brukere/", 200),
    ("role-invite", "admin", lambda w: "/s/alfa/brukere/inviter/", 200),
    ("role-edit", "admin", lambda w: f"/s/alfa/brukere/{_role(w).uuid}/endre/", 200),
    ("cost-key-list", "admin", lambda w: (_key(w), "/s/alfa/fordelingsnokler/")[1], 200),
    ("cost-key-detail", "admin", lambda w: f"/s/alfa/fordelingsnokler/{_key(w).uuid}/", 200),
    ("cost-key-new", "admin", lambda w: "/s/alfa/fordelingsnokler/ny/", 200),
    ("cost-key-edit", "admin", lambda w: f"/s/alfa/fordelingsnokler/{_key(w).uuid}/endre/", 200),
    ("collaboration-settings", "admin", lambda w: "/s/alfa/innstillinger/", 200),
    ("collaboration-new", "admin", _superuser, 200),
    ("profile", "admin", lambda w: "/profil/", 200),
    ("password-change", "admin", lambda w: "/accounts/password/change/", 200),
    ("mfa", "admin", lambda w: "/accounts/2fa/", 200),
    ("not-found", "admin", lambda w: "/s/alfa/finnes-ikke/", 404),
    ("not-found-other-collaboration", "outsider", lambda w: "/s/alfa/", 404),
    ("not-found-anonymous", None, lambda w: "/finnes-ikke/", 404),
    ("forbidden", "viewer", lambda w: f"/s/alfa/organisasjoner/{w.org_a.uuid}/endre/", 403),
]


@pytest.mark.parametrize(
    ("persona", "make_path", "status"),
    [pytest.param(p, m, s, id=i) for i, p, m, s in PAGES],
)
def test_page(
    browse: Callable[..., Browsing],
    world: World,
    persona: str | None,
    make_path: Callable[[World], str],
    status: int,
) -> None:
    path = make_path(world)
    browsing = browse(persona)
    browsing.visit(path, status=status)
    assert browsing.page.locator("h1").count() == 1, "every page has exactly one <h1>"


def test_choose_collaboration(browse: Callable[..., Browsing], world: World) -> None:
    """A user in two collaborations, with none chosen, is asked to choose."""
    services.role_assign(collaboration=world.beta, user=world.admin, kind=Role.Kind.VIEWER)
    browsing = browse("admin")
    browsing.visit("/")
    page = browsing.page
    assert page.get_by_role("heading", level=1).inner_text() == "Velg samarbeid"
    with page.expect_navigation():
        page.get_by_role("link", name="Beta-samarbeidet").click()
    assert page.url.endswith("/s/beta/")
    browsing.check_document()
    world.admin.refresh_from_db()
    assert world.admin.current_collaboration == world.beta
    # With two collaborations the header offers a switcher.
    page.get_by_label("Samarbeid", exact=True).select_option("alfa")
    with page.expect_navigation():
        page.get_by_role("button", name="Bytt").click()
    assert page.url.endswith("/s/alfa/")
    browsing.check_a11y()


def test_login_through_the_form(browse: Callable[..., Browsing], world: World) -> None:
    browsing = browse(None)
    login_with_form(browsing, "editor_a@example.no", "wrong password")
    page = browsing.page
    assert "/accounts/login/" in page.url
    assert page.locator("#error-summary").is_visible()
    browsing.check_document()
    browsing.check_a11y()

    login_with_form(browsing, "editor_a", PASSWORD)
    assert page.url.endswith("/s/alfa/"), page.url
    browsing.check_document()
    assert page.get_by_role("heading", level=1).inner_text() == "Alfa-samarbeidet"
    assert page.get_by_role("button", name="Logg ut").is_visible()


def _kroner(text: str) -> Decimal:
    cleaned = (
        text.replace("kr", "").replace("\xa0", "").replace(" ", "").replace("\u2212", "-").strip()
    )
    return Decimal(cleaned.replace(",", "."))


def test_cost_key_split_with_htmx(browse: Callable[..., Browsing], world: World) -> None:
    key = _key(world)
    browsing = browse("viewer")
    path = f"/s/alfa/fordelingsnokler/{key.uuid}/"
    browsing.visit(path)
    page = browsing.page
    page.evaluate("window.__samlaMarker = 'same document'")
    page.get_by_label("Beløp (kr)").fill("1 000 000,00")
    with page.expect_response(lambda r: "amount=" in r.url) as response_info:
        page.get_by_role("button", name="Fordel").click()
    response = response_info.value
    assert response.request.headers.get("hx-request") == "true", "the split is fetched by htmx"
    table = page.locator("#split-result table")
    table.wait_for()
    assert page.evaluate("window.__samlaMarker") == "same document", "htmx swapped, no reload"
    assert "amount=" in page.url, "the result has its own address"

    amounts = [_kroner(t) for t in table.locator("tbody td:last-child").all_inner_texts()]
    total_text = table.locator("tfoot td:last-child").inner_text()
    total = _kroner(total_text)
    assert len(amounts) == 2
    assert sum(amounts) == total == Decimal("1000000.00")
    # B has three times A's population.
    assert amounts == [Decimal("250000.00"), Decimal("750000.00")]
    browsing.assert_no_errors()
    browsing.check_a11y()

    # The pushed address works on its own, without htmx.
    browsing.visit(page.url)
    assert page.locator("#split-result tfoot td:last-child").inner_text() == total_text


def test_split_error_is_announced(browse: Callable[..., Browsing], world: World) -> None:
    key = _key(world)
    browsing = browse("viewer")
    browsing.visit(f"/s/alfa/fordelingsnokler/{key.uuid}/")
    page = browsing.page
    page.get_by_label("Beløp (kr)").fill("mange penger")
    page.get_by_role("button", name="Fordel").click()
    alert = page.locator("#split-result [role=alert]")
    alert.wait_for()
    assert "Skriv et tall" in alert.inner_text()
    browsing.check_a11y()


def test_api_token_is_shown_once(browse: Callable[..., Browsing], world: World) -> None:
    browsing = browse("editor_a")
    browsing.visit("/profil/")
    page = browsing.page
    page.get_by_label("Navn på nøkkelen").fill("Rapportverktøy")
    with page.expect_navigation():
        page.get_by_role("button", name="Lag ny nøkkel").click()
    browsing.check_document()
    assert page.get_by_role("heading", level=1).inner_text() == "Ny API-nøkkel"
    plain = page.get_by_label("Rapportverktøy").input_value()
    token = ApiToken.objects.get(user=world.editor_a)
    assert plain.startswith(token.prefix)
    browsing.check_a11y()
    # Back on the profile the token is listed by its prefix only.
    browsing.visit("/profil/")
    assert plain not in page.content()
    assert token.prefix in page.content()


def test_csp_blocks_inline_script_but_not_axe(
    browse: Callable[..., Browsing], world: World
) -> None:
    """The checks rely on this: the CSP stops inline <script>, evaluate() is not subject to it."""
    from playwright.sync_api import Error as PlaywrightError

    browsing = browse(None)
    response = browsing.goto("/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page = browsing.page
    with pytest.raises(PlaywrightError, match="Content Security Policy"):
        page.add_script_tag(content="window.__inline = 1")
    assert page.evaluate("typeof window.__inline") == "undefined"
    # The violation was seen both by the console listener and by the CSP listener.
    assert any("Content Security Policy" in e for e in browsing.errors)
    assert page.evaluate("window.__samlaCsp.length") == 1
    browsing.errors.clear()
    page.evaluate("window.__samlaCsp = []")

    browsing.axe()
    assert page.evaluate("typeof window.axe.run") == "function"
