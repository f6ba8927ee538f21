"""Two people edit the same organisation in real browsers: the second save gets the conflict
page (409), which passes axe at desktop width and at 360 px and leads back to the form with
the saved data."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from conftest import World

pytestmark = pytest.mark.browser

# The label says the field is required: «Navn (må fylles ut)».
NAME = re.compile(r"^Navn( \(må fylles ut\))?$")


def test_the_second_save_shows_the_conflict_page(browse: Callable[..., Any], world: World) -> None:
    path = reverse("organisations:organisation_edit", args=["alfa", world.org_a.uuid])
    office = browse("office")
    admin = browse("admin")
    office.goto(path)
    admin.goto(path)

    office.page.get_by_label(NAME).fill("A kommune (kontoret)")
    with office.page.expect_navigation():
        office.page.get_by_role("button", name="Lagre").click()
    assert "/endre/" not in office.page.url

    admin.allowed_error_urls.add(admin.url(path))
    admin.page.get_by_label(NAME).fill("A kommune (admin)")
    with admin.page.expect_navigation() as navigation:
        admin.page.get_by_role("button", name="Lagre").click()
    assert navigation.value.status == 409
    admin.check_document()
    page = admin.page
    assert page.get_by_role("heading", level=1).inner_text() == "Endringene dine ble ikke lagret"
    table = page.get_by_role("table")
    assert "A kommune (kontoret)" in table.inner_text()
    assert "A kommune (admin)" in table.inner_text()
    assert "office" in page.get_by_role("alert").inner_text().lower()  # who saved last
    admin.check_a11y()

    with page.expect_navigation():
        page.get_by_role("link", name="Åpne skjemaet med det som er lagret nå").click()
    assert page.get_by_label(NAME).input_value() == "A kommune (kontoret)"
    page.get_by_label(NAME).fill("A kommune (admin)")
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre").click()
    world.org_a.refresh_from_db()
    assert world.org_a.name == "A kommune (admin)"
