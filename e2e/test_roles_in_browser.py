"""What each role sees and may do, checked in the browser rather than only on the server."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import World
from e2e.conftest import Browsing
from samla.organisations import services
from samla.organisations.models import CostSharingKey, Membership

pytestmark = pytest.mark.browser

# The visible text of every link and button in the main content.
CONTROLS_IN_MAIN = """Array.from(document.querySelectorAll("main a[href], main button"))
  .map((el) => el.innerText.trim())"""


def test_viewer_sees_no_edit_buttons_and_gets_403(
    browse: Callable[..., Browsing], world: World
) -> None:
    key = services.cost_sharing_key_create(
        collaboration=world.alfa, name="Drift", method=CostSharingKey.Method.EQUAL
    )
    browsing = browse("viewer")
    page = browsing.page
    edit_words = ["Endre", "Slett", "Fjern", "Ny organisasjon", "Ny fordelingsnøkkel", "Legg til"]
    for path in (
        "/s/alfa/",
        "/s/alfa/organisasjoner/",
        f"/s/alfa/organisasjoner/{world.org_a.uuid}/",
        "/s/alfa/medlemmer/",
        "/s/alfa/fordelingsnokler/",
        f"/s/alfa/fordelingsnokler/{key.uuid}/",
    ):
        browsing.goto(path)
        controls = page.evaluate(CONTROLS_IN_MAIN)
        assert controls, f"no links or buttons found on {path}: the check would be vacuous"
        offered = [c for c in controls if any(c.startswith(word) for word in edit_words)]
        assert not offered, f"the viewer is offered {offered} on {path}"
        assert page.locator("main form[method=post]").count() == 0, f"a form on {path}"
        assert page.get_by_role("link", name="Brukere og roller").count() == 0

    membership = Membership.objects.get(collaboration=world.alfa, organisation=world.org_a)
    for path in (
        f"/s/alfa/organisasjoner/{world.org_a.uuid}/endre/",
        "/s/alfa/organisasjoner/ny/",
        f"/s/alfa/medlemmer/{membership.uuid}/endre/",
        f"/s/alfa/fordelingsnokler/{key.uuid}/endre/",
        "/s/alfa/brukere/",
        "/s/alfa/innstillinger/",
    ):
        browsing.goto(path, status=403)
        assert page.get_by_role("heading", level=1).inner_text() == "Ingen tilgang", path


def test_editor_edits_own_organisation_only(browse: Callable[..., Browsing], world: World) -> None:
    browsing = browse("editor_a")
    page = browsing.page

    browsing.goto(f"/s/alfa/organisasjoner/{world.org_a.uuid}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Endre", exact=True).click()
    assert page.url.endswith(f"/organisasjoner/{world.org_a.uuid}/endre/")
    page.get_by_label("Ansatte").fill("810")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre").click()
    browsing.check_document()
    world.org_a.refresh_from_db()
    assert world.org_a.employees == 810

    browsing.goto(f"/s/alfa/organisasjoner/{world.org_b.uuid}/")
    assert page.locator("main").get_by_role("link", name="Endre", exact=True).count() == 0
    browsing.goto(f"/s/alfa/organisasjoner/{world.org_b.uuid}/endre/", status=403)
    assert page.get_by_role("heading", level=1).inner_text() == "Ingen tilgang"
    world.org_b.refresh_from_db()
    assert world.org_b.employees == 2_000
    # An editor is not a manager: no new organisations, no users and roles.
    browsing.goto("/s/alfa/organisasjoner/ny/", status=403)
    browsing.goto("/s/alfa/brukere/", status=403)


def test_outsider_gets_404_for_alfa(browse: Callable[..., Browsing], world: World) -> None:
    browsing = browse("outsider")
    page = browsing.page
    for path in (
        "/s/alfa/",
        "/s/alfa/organisasjoner/",
        f"/s/alfa/organisasjoner/{world.org_a.uuid}/",
        f"/s/alfa/organisasjoner/{world.org_a.uuid}/endre/",
        "/s/alfa/brukere/",
        "/s/alfa/kommer/landskap/",
    ):
        browsing.goto(path, status=404)
        assert page.get_by_role("heading", level=1).inner_text() == "Fant ikke siden", path
        assert "Alfa" not in page.locator("body").inner_text(), f"{path} leaks alfa's name"
    # Their own collaboration works; the 404 for alfa is not a general failure.
    browsing.goto("/")
    assert page.url.endswith("/s/beta/")
    assert page.get_by_role("heading", level=1).inner_text() == "Beta-samarbeidet"


def test_anonymous_is_sent_to_login(browse: Callable[..., Browsing], world: World) -> None:
    browsing = browse(None)
    browsing.goto("/s/alfa/organisasjoner/")
    assert "/accounts/login/" in browsing.page.url
    assert browsing.page.get_by_role("heading", level=1).inner_text() == "Logg inn i Samla"
