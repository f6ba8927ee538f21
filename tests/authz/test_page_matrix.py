"""The authorisation matrix for pages, generated from the URL configuration.

Every page is requested with GET and with POST (an empty form) by every persona; the table
in ``pages.py`` says who may. A URL without an entry fails ``test_every_url_has_an_entry``.
Beside that, every URL that names objects is requested by alfa's administrator with the
objects of "beta": 404, whatever the method.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.authz.conftest import PERSONAS, Matrix
from tests.authz.harness import Route, fill, judge, perform, variants, walk_urls
from tests.authz.objects import Objects
from tests.authz.pages import PAGES
from tests.authz.rules import Page

ROUTES = [route for route in walk_urls() if not route.key.startswith("api:") or route.key in PAGES]
ROUTE_OF = {route.key: route for route in ROUTES}
CASES = [
    (key, index, method)
    for key in sorted(PAGES)
    if key in ROUTE_OF
    for index, _ in variants(PAGES[key])
    for method in ("GET", "POST")
]


def case_id(case: tuple[str, int, str]) -> str:
    key, index, method = case
    page = list(variants(PAGES[key]))[index][1]
    return f"{method} {key}{'[' + page.label + ']' if page.label else ''}"


def url_of(route: Route, page: Page, objects: Objects) -> str:
    if route.name is None:
        return "/" + route.path
    kwargs = {argument: fill(argument, objects, page.kwargs) for argument in route.arguments}
    return reverse(route.name, kwargs=kwargs)


def test_every_url_has_an_entry() -> None:
    missing = sorted(
        route.key
        for route in walk_urls()
        if route.key not in PAGES and not route.key.startswith("api:")
    )
    stale = sorted(key for key in PAGES if key not in ROUTE_OF)
    assert not missing, (
        "URLs without an entry in tests/authz/pages.py (say who may GET and POST them):\n  "
        + "\n  ".join(
            f"{key}  /{[r for r in walk_urls() if r.key == key][0].path}" for key in missing
        )
    )
    assert not stale, f"Entries in tests/authz/pages.py for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_page(matrix: Matrix, db: None, case: tuple[str, int, str]) -> None:
    key, index, method = case
    page: Page = list(variants(PAGES[key]))[index][1]
    url = url_of(ROUTE_OF[key], page, matrix.alfa)
    who = page.get if method == "GET" else page.post
    problems = []
    for persona in PERSONAS:
        if method == "POST" and who is None and page.get is not None and persona in page.get:
            continue  # a reader posting to a page that only shows is no question of rights
        client = matrix.client(persona)
        send: Any = client.get if method == "GET" else client.post
        outcome = perform(lambda send=send: send(url))
        problem = judge(
            outcome,
            persona,
            allowed=who is not None and persona in who,
            write=method == "POST",
            method_taken=who is not None,
        )
        if problem:
            problems.append(f"{persona}: {problem}")
    assert not problems, f"{method} {url}\n  " + "\n  ".join(problems)


CROSS = [
    (key, index)
    for key in sorted(PAGES)
    if key in ROUTE_OF
    and "slug" in ROUTE_OF[key].arguments
    and any(a.endswith("_id") for a in ROUTE_OF[key].arguments)
    for index, _ in variants(PAGES[key])
]


@pytest.mark.parametrize("case", CROSS, ids=[case_id((k, i, "GET+POST")) for k, i in CROSS])
def test_objects_of_another_collaboration_are_not_found(
    matrix: Matrix, db: None, case: tuple[str, int]
) -> None:
    """Alfa's administrator, at alfa's address, with beta's objects: 404 and nothing written."""
    key, index = case
    page: Page = list(variants(PAGES[key]))[index][1]
    route = ROUTE_OF[key]
    kwargs = {
        argument: matrix.alfa.collaboration.slug
        if argument == "slug"
        else fill(argument, matrix.beta, page.kwargs)
        for argument in route.arguments
    }
    url = reverse(route.name or "", kwargs=kwargs)
    client = matrix.client("admin")
    for method in ("GET", "POST"):
        send: Any = client.get if method == "GET" else client.post
        outcome = perform(lambda send=send: send(url))
        assert outcome.status in (404, 405), f"{method} {url}: {outcome.status} {outcome.error}"
        assert b"Betahemmelig" not in outcome.body
        assert not outcome.writes, f"{method} {url} wrote {outcome.writes}"
