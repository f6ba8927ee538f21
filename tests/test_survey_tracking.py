"""Tracking a running campaign: the figures, their queries, htmx polling, the XLSX export,
and that an anonymous campaign never tells which address has answered.

The scenario is the one of ``test_survey_campaigns``: A kommune's three case officers and
B kommune's two are invited by e-mail, and B kommune's archive (10 people) answers through
an open link. Here kari and ola (A), lise (B) and two from B's archive have answered.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from conftest import World
from samla.surveys import selectors, services
from samla.surveys.models import UserGroup
from tests.test_survey_campaigns import (
    INVITEES_A,
    INVITEES_B,
    TODAY,
    Scenario,
    answer,
    build_scenario,
    frozen_today,  # noqa: F401 - the autouse fixture that pins "today"
    launch,
)


def answered_scenario(world: World, capture: Any, *, anonymous: bool = True) -> Scenario:
    scenario = build_scenario(world, anonymous=anonymous)
    tokens = launch(scenario, capture)
    for address in ("kari@a.kommune.no", "ola@a.kommune.no", "lise@b.kommune.no"):
        answer(tokens[address])
    for _ in range(2):
        answer(scenario.open_b.open_token, open_link=True)
    return scenario


@pytest.fixture
def running(world: World, django_capture_on_commit_callbacks: Any) -> Scenario:
    return answered_scenario(world, django_capture_on_commit_callbacks)


def test_figures_per_group_organisation_and_campaign(running: Scenario) -> None:
    tracking = selectors.campaign_tracking(running.campaign)
    groups = {g.group.name: g for g in tracking.groups}
    a = groups["Saksbehandlere A"]
    assert (a.invited, a.answered, a.expected) == (3, 2, 3)
    assert a.rate == pytest.approx(2 / 3)
    b = groups["Saksbehandlere B"]
    assert (b.invited, b.answered, b.expected, b.rate) == (2, 1, 2, 0.5)
    archive = groups["Arkiv B"]  # open link: measured against the group's size
    assert (archive.invited, archive.answered, archive.expected, archive.rate) == (0, 2, 10, 0.2)
    assert archive.counts.sent == 0 and b.counts.sent == 2
    assert (a.counts.unanswered_sent, b.counts.unanswered_sent) == (1, 1)

    org_a, org_b = tracking.organisations
    assert org_a.organisation == running.world.org_a
    assert (org_a.invited, org_a.answered, org_a.expected) == (3, 2, 3)
    assert (org_b.invited, org_b.answered, org_b.expected, org_b.rate) == (2, 3, 12, 0.25)
    assert [g.group.name for g in org_b.groups] == ["Arkiv B", "Saksbehandlere B"]
    assert (tracking.invited, tracking.answered, tracking.expected) == (5, 5, 15)
    assert tracking.rate == pytest.approx(1 / 3)
    assert not tracking.partial
    assert tracking.unanswered_sent == 2


def test_open_link_group_without_size_has_no_rate(running: Scenario) -> None:
    leaders = services.user_group_create(
        campaign=running.campaign,
        organisation=running.world.org_b,
        product=running.p360,
        name="Ledere B",
        open_link=True,
    )
    answer(leaders.open_token, open_link=True)
    tracking = selectors.campaign_tracking(running.campaign)
    figures = next(g for g in tracking.groups if g.group == leaders)
    assert (figures.answered, figures.expected, figures.rate) == (1, None, None)
    org_b = tracking.organisations[1]
    # The group of unknown size is left out of the rate, and that is said.
    assert (org_b.answered, org_b.expected, org_b.rate, org_b.partial) == (4, 12, 0.25, True)
    assert tracking.partial
    page = running.world.client_for("viewer").get(running.campaign_url("campaign_tracking"))
    html = page.content.decode()
    assert "* Grupper uten kjent antall er ikke med i svarprosenten." in html
    assert "25,0\xa0%*" in html
    assert ">ukjent<" in html


def test_tracking_page_shows_the_figures(running: Scenario) -> None:
    html = running.world.client_for("viewer").get(running.campaign_url("campaign_tracking"))
    page = html.content.decode()
    cells = re.findall(r'<td class="samla-num">([^<]*)</td>', page)
    # A kommune, its group; B kommune, its two groups; the sum.
    assert cells == [
        "3", "", "2", "66,7\xa0%",
        "3", "–", "2", "66,7\xa0%",
        "2", "", "3", "25,0\xa0%",
        "0", "10", "2", "20,0\xa0%",
        "2", "–", "1", "50,0\xa0%",
        "5", "", "5", "33,3\xa0%",
    ]  # fmt: skip
    assert "5 svar, 5 invitert. Svarprosent 33,3\xa0%." in page


def _more_groups(scenario: Scenario, count: int) -> None:
    """``count`` more groups, each with two invitations and an answer through an open link."""
    for index in range(count):
        group = services.user_group_create(
            campaign=scenario.campaign,
            organisation=scenario.world.org_a if index % 2 else scenario.world.org_b,
            product=scenario.elements if index % 2 else scenario.p360,
            name=f"Gruppe {index:02d}",
            size=20,
            open_link=True,
        )
        services.invitations_add(
            group=group,
            emails=[f"p{index}-1@example.no", f"p{index}-2@example.no"],
            base_url="http://testserver/",
        )
        answer(group.open_token, open_link=True)


def _queries(callable_: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def test_selector_takes_three_queries_at_any_size(
    running: Scenario, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):
        small = selectors.campaign_tracking(running.campaign)
        _ = [g.rate for o in small.organisations for g in o.groups]
    _more_groups(running, 12)
    with django_assert_num_queries(3):
        large = selectors.campaign_tracking(running.campaign)
        _ = [g.rate for o in large.organisations for g in o.groups]
    assert len(large.groups) == len(small.groups) + 12


@pytest.mark.parametrize("page", ["campaign_tracking", "campaign_detail"])
def test_page_queries_do_not_grow_with_groups(
    running: Scenario, django_capture_on_commit_callbacks: Any, page: str
) -> None:
    client = running.world.client_for("viewer")
    url = running.campaign_url(page)
    client.get(url)  # warm the session and the caches
    small = _queries(lambda: client.get(url, HTTP_HX_REQUEST="true"))
    _more_groups(running, 12)
    large = _queries(lambda: client.get(url, HTTP_HX_REQUEST="true"))
    assert small == large, (small, large)
    assert small <= 16, small


def test_list_queries_do_not_grow_with_campaigns(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    first = answered_scenario(world, django_capture_on_commit_callbacks)
    client = world.client_for("viewer")
    url = first.url("campaign_list")
    client.get(url)
    small = _queries(lambda: client.get(url))
    for number in range(3):
        services.campaign_create(
            collaboration=world.alfa,
            products=[first.elements, first.p360],
            name=f"Runde {number}",
            questionnaire=first.questionnaire,
            opens_on=TODAY,
            closes_on=TODAY,
        )
    _more_groups(first, 6)
    large = _queries(lambda: client.get(url))
    assert small == large, (small, large)
    rows = selectors.campaign_list(world.alfa, today=TODAY)
    row = next(r for r in rows if r.campaign == first.campaign)
    assert (row.status, row.figures.answered) == ("open", 5 + 6)
    assert [p.name for p in row.products] == ["Elements", "Public 360"]


def test_htmx_polls_a_fragment_and_announces_only_changes(running: Scenario) -> None:
    client = running.world.client_for("viewer")
    url = running.campaign_url("campaign_tracking")
    full = client.get(url).content.decode()
    assert full.count("aria-live") == 1, "one live region: the short summary"
    live = re.search(r'<p [^>]*id="tracking-summary"[^>]*aria-live="polite"[^>]*>([^<]*)</p>', full)
    assert live and len(live.group(1).strip()) < 80, live
    assert 'hx-trigger="every 30s"' in full
    assert f'hx-get="{url}?siste=5"' in full

    same = client.get(url, {"siste": "5"}, HTTP_HX_REQUEST="true").content.decode()
    assert same.startswith('<div id="tracking"')
    assert "<html" not in same and "<main" not in same
    assert 'hx-trigger="every 30s"' in same
    assert "hx-swap-oob" not in same, "no change: the live region is left alone"

    answer(running.open_b.open_token, open_link=True)
    changed = client.get(url, {"siste": "5"}, HTTP_HX_REQUEST="true").content.decode()
    oob = re.search(r'<p id="tracking-summary" hx-swap-oob="innerHTML">([^<]*)</p>', changed)
    assert oob and "6 svar, 5 invitert." in oob.group(1), changed[-400:]
    assert f'hx-get="{url}?siste=6"' in changed


def test_closed_or_draft_campaign_does_not_poll(running: Scenario, world: World) -> None:
    services.campaign_close(campaign=running.campaign)
    page = world.client_for("viewer").get(running.campaign_url("campaign_tracking"))
    assert "hx-trigger" not in page.content.decode()
    draft = build_scenario(world, name="Utkast", invite=False)
    page = world.client_for("viewer").get(draft.campaign_url("campaign_detail"))
    assert "hx-trigger" not in page.content.decode()


def test_xlsx_export_reopens_with_the_figures(running: Scenario) -> None:
    response = running.world.client_for("editor_b").get(
        running.campaign_url("campaign_tracking"), {"format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"svarinngang-{running.campaign.uuid}.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "Organisasjon",
        "Brukergruppe",
        "System",
        "Åpen lenke",
        "Antall personer",
        "Invitert",
        "Svart",
        "Svarprosent (%)",
    ]
    assert rows[1:] == [
        ["A kommune", "Saksbehandlere A", "Elements", "nei", None, 3, 2, 66.7],
        ["Sum A kommune", None, None, None, None, 3, 2, 66.7],
        ["B kommune", "Arkiv B", "Public 360", "ja", 10, 0, 2, 20.0],
        ["B kommune", "Saksbehandlere B", "Public 360", "nei", None, 2, 1, 50.0],
        ["Sum B kommune", None, None, None, None, 2, 3, 25.0],
        ["Sum", None, None, None, None, 5, 5, 33.3],
    ]
    outsider = running.world.client_for("outsider").get(
        running.campaign_url("campaign_tracking"), {"format": "xlsx"}
    )
    assert outsider.status_code == 404


# --- Anonymity: counts per group, never who ----------------------------------------------------


def _invitation_rows(html: str) -> list[list[str]]:
    table = html[html.index('id="invitations-heading"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return [
        re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.mark.parametrize("persona", ["admin", "office", "editor_a"])
def test_anonymous_campaign_never_lists_who_answered(
    running: Scenario, persona: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_remind(campaign=running.campaign, base_url="http://testserver/")
    client = running.world.client_for(persona)
    html = client.get(running.group_url("user_group_invite", running.group_a)).content.decode()
    rows = _invitation_rows(html)
    assert [r[0] for r in rows] == sorted(INVITEES_A)
    # Address and sent only: no answered, no reminded (a reminder goes only to those who have
    # not answered, so it would tell the same).
    assert all(len(r) == 2 for r in rows), rows
    assert "Påminnet</th>" not in html and ">Svart</th>" not in html
    assert "aldri hvem" in html
    # Counts for the group are shown.
    assert "<dt>Svart</dt><dd>2</dd>" in html
    assert "<dt>Påminnet</dt><dd>1</dd>" in html
    # No page about the campaign names an address next to figures.
    for page in ("campaign_detail", "campaign_tracking"):
        text = client.get(running.campaign_url(page)).content.decode()
        assert not any(address in text for address in INVITEES_A + INVITEES_B), page


def test_named_campaign_lists_who_answered_to_the_group_managers(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scenario = answered_scenario(world, django_capture_on_commit_callbacks, anonymous=False)
    html = (
        world.client_for("editor_a")
        .get(scenario.group_url("user_group_invite", scenario.group_a))
        .content.decode()
    )
    rows = {r[0]: r for r in _invitation_rows(html)}
    assert rows["kari@a.kommune.no"][3] == "ja"
    assert rows["per@a.kommune.no"][3] == "nei"
    assert "aldri hvem" not in html


def test_group_with_no_invitations_and_no_size(world: World) -> None:
    scenario = build_scenario(world, invite=False)
    tracking = selectors.campaign_tracking(scenario.campaign)
    empty = next(g for g in tracking.groups if g.group == scenario.group_a)
    assert (empty.invited, empty.answered, empty.expected, empty.rate) == (0, 0, None, None)
    assert UserGroup.objects.filter(campaign=scenario.campaign).count() == 3
