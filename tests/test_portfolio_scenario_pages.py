"""The scenario pages: list, create/edit/delete, run (with the forced-in set that does not
fit named by year and amount, nothing written), the result page (chosen ranked by value,
roadmap, budget use per year and per member, bubble chart with its table, what was left out
and why), the efficient frontier, the comparison, the portfolio board's decision (after which
the scenario is frozen), the XLSX workbook reopened, and the result page's query count at two
sizes.

Managers (admin, office) change and run; every role in alfa reads; the outsider gets 404."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import World
from samla.governance import services as governance
from samla.governance.models import Decision
from samla.portfolio import services
from samla.portfolio.models import Criterion, Proposal, ProposalStatus, Scenario

PERSONAS = ["admin", "office", "editor_a", "editor_b", "viewer", "outsider"]
EVERYONE = {"admin", "office", "editor_a", "editor_b", "viewer"}
MANAGERS = {"admin", "office"}


@dataclass
class Portfolio:
    world: World
    criteria: list[Criterion]
    archive: Proposal  # «Felles sak/arkiv»: high value, fits
    ecommerce: Proposal  # «E-handel»: fits
    welfare: Proposal  # «Velferdsteknologi»: too dear for the pot
    iam: Proposal  # «Felles IAM»: requires welfare, so left out
    school: Proposal  # excluded by archive (same exclusion group)
    scenario: Scenario

    def client(self, persona: str | None) -> Client:
        return self.world.client_for(persona)


def proposal(
    world: World,
    title: str,
    costs: dict[int, int],
    scores: list[tuple[Criterion, int]],
    **fields: Any,
) -> Proposal:
    made = services.proposal_create(
        collaboration=world.alfa, title=title, sponsor=fields.pop("sponsor", world.org_a), **fields
    )
    for year, amount in costs.items():
        services.proposal_cost_set(
            proposal=made, year=year, amount=Decimal(amount), hours=Decimal(amount // 1000)
        )
    for criterion, score in scores:
        services.score_set(proposal=made, criterion=criterion, score=score)
    return made


def build_portfolio(world: World, *, extra: int = 0) -> Portfolio:
    criteria = [
        services.criterion_create(collaboration=world.alfa, name=name)
        for name in ("Gevinst for innbyggerne", "Økonomisk gevinst")
    ]
    services.weights_set(
        collaboration=world.alfa, weights={criteria[0]: Decimal("0.6"), criteria[1]: Decimal("0.4")}
    )
    for year in (2027, 2028):
        pot = services.pot_year_create(
            collaboration=world.alfa, year=year, capacity_hours=Decimal(5_000)
        )
        services.contribution_set(pot_year=pot, organisation=world.org_a, amount=Decimal(1_000_000))
        services.contribution_set(pot_year=pot, organisation=world.org_b, amount=Decimal(3_000_000))
    archive = proposal(
        world,
        "Felles sak/arkiv",
        {2027: 1_500_000, 2028: 1_000_000},
        [(criteria[0], 5), (criteria[1], 4)],
        risk=4,
    )
    ecommerce = proposal(
        world,
        "E-handel",
        {2027: 1_000_000},
        [(criteria[0], 2), (criteria[1], 5)],
        sponsor=world.org_b,
    )
    welfare = proposal(
        world,
        "Velferdsteknologi",
        {2027: 3_000_000, 2028: 3_000_000},
        [(criteria[0], 5), (criteria[1], 1)],
    )
    iam = proposal(world, "Felles IAM", {2028: 500_000}, [(criteria[1], 3)])
    services.proposal_set_requires(proposal=iam, requires=[welfare])
    school = proposal(world, "Skoleadministrativt system", {2027: 800_000}, [(criteria[0], 3)])
    services.group_create(
        collaboration=world.alfa, kind="exclusion", name="Ett fagsystem", members=[archive, school]
    )
    for number in range(extra):
        proposal(
            world,
            f"Ekstra forslag {number:03d}",
            {2027: 50_000 + number, 2028: 10_000},
            [(criteria[0], 1)],
        )
    scenario = services.scenario_create(
        collaboration=world.alfa,
        name="Grunnscenario",
        first_year=2027,
        years=2,
        carry_forward=False,
        user=world.office,
    )
    scenario = services.scenario_run(scenario=scenario)
    return Portfolio(world, criteria, archive, ecommerce, welfare, iam, school, scenario)


@pytest.fixture
def portfolio(world: World) -> Portfolio:
    return build_portfolio(world)


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"portfolio:{name}", kwargs={"slug": "alfa", **kwargs})


def decision(world: World) -> Decision:
    body = governance.body_create(
        collaboration=world.alfa,
        kind="portfolio_board",
        name="Porteføljestyret",
        abbreviation="PFS",
    )
    return governance.decision_record(
        body=body,
        decided_on=datetime.date(2026, 12, 1),
        title="Porteføljen 2027–2028",
        text="Vedtatt.",
        user=world.admin,
    )


# --- Who may ---------------------------------------------------------------------------------

READ_PAGES = [
    ("list", lambda p: url("scenario_list")),
    ("detail", lambda p: url("scenario_detail", scenario_id=p.scenario.uuid)),
    ("frontier", lambda p: url("scenario_frontier", scenario_id=p.scenario.uuid)),
    ("compare", lambda p: url("scenario_compare")),
    ("docx", lambda p: url("scenario_docx", scenario_id=p.scenario.uuid)),
    ("xlsx", lambda p: url("scenario_xlsx", scenario_id=p.scenario.uuid)),
]
MANAGER_PAGES = [
    ("create", lambda p: url("scenario_create")),
    ("edit", lambda p: url("scenario_edit", scenario_id=p.scenario.uuid)),
    ("decision", lambda p: url("scenario_decision", scenario_id=p.scenario.uuid)),
]


@pytest.mark.parametrize(
    "page", READ_PAGES + MANAGER_PAGES, ids=[p[0] for p in READ_PAGES + MANAGER_PAGES]
)
def test_get_per_persona(portfolio: Portfolio, page: tuple[str, Any]) -> None:
    name, make = page
    allowed = MANAGERS if page in MANAGER_PAGES else EVERYONE
    address = make(portfolio)
    for persona in PERSONAS:
        response = portfolio.client(persona).get(address)
        expected = 200 if persona in allowed else 404 if persona == "outsider" else 403
        assert response.status_code == expected, f"{persona} on {address}: {response.status_code}"
        if persona == "outsider":
            assert b"Felles sak/arkiv" not in response.content
    assert portfolio.client(None).get(address).status_code == 302


def test_only_managers_run_and_a_forbidden_run_writes_nothing(portfolio: Portfolio) -> None:
    Scenario.objects.filter(pk=portfolio.scenario.pk).update(result=None, solved_at=None)
    address = url("scenario_run", scenario_id=portfolio.scenario.uuid)
    for persona in ("editor_a", "editor_b", "viewer"):
        assert portfolio.client(persona).post(address).status_code == 403
    assert portfolio.client("outsider").post(address).status_code == 404
    assert Scenario.objects.get(pk=portfolio.scenario.pk).result is None
    assert portfolio.client("office").get(address).status_code == 405
    response = portfolio.client("office").post(address)
    assert response.status_code == 302
    assert Scenario.objects.get(pk=portfolio.scenario.pk).result is not None


def test_only_managers_delete(portfolio: Portfolio) -> None:
    address = url("scenario_delete", scenario_id=portfolio.scenario.uuid)
    for persona in ("editor_a", "viewer"):
        assert portfolio.client(persona).post(address).status_code == 403
    assert Scenario.objects.filter(pk=portfolio.scenario.pk).exists()
    assert portfolio.client("admin").post(address).status_code == 302
    assert not Scenario.objects.filter(pk=portfolio.scenario.pk).exists()


# --- The result page --------------------------------------------------------------------------


def test_detail_shows_chosen_roadmap_budget_members_bubbles_and_reasons(
    portfolio: Portfolio,
) -> None:
    p = portfolio
    result = p.scenario.result
    assert result is not None
    assert set(result["chosen"]) == {str(p.archive.uuid), str(p.ecommerce.uuid)}
    page = p.client("viewer").get(url("scenario_detail", scenario_id=p.scenario.uuid))
    html = page.content.decode()
    chosen = html[
        html.index('id="chosen-table"') : html.index("</table>", html.index('id="chosen-table"'))
    ]
    # ranked by value: archive (0.6·100 + 0.4·80 = 92) before e-commerce (24 + 40 = 64)
    assert chosen.index("Felles sak/arkiv") < chosen.index("E-handel")
    assert "92,0" in chosen and "64,0" in chosen
    assert "2\u00a0500\u00a0000\u00a0kr" in chosen  # 2027 spending 1.5 + 1.0 mill
    # budget: 4 mill a year, 2.5 mill used in 2027, 1 mill in 2028
    budget = html[html.index('id="budget-table"') :]
    assert "4\u00a0000\u00a0000\u00a0kr" in budget and "1\u00a0500\u00a0000\u00a0kr" in budget
    # per member: B gives 3/4 of the pot, so 3/4 of 2027's 2.5 mill = 1 875 000
    members = html[html.index('id="member-table"') :]
    assert "1\u00a0875\u00a0000\u00a0kr" in members and "625\u00a0000\u00a0kr" in members
    left = html[html.index('id="left-table"') :]
    assert "Utelukkes av «Felles sak/arkiv», som er valgt." in left
    assert "Forutsetter «Velferdsteknologi», som ikke er valgt." in left
    assert "Budsjettet: 2027 mangler" in left
    assert 'data-scenario-chart="chart-bubble"' in html and 'id="chart-bubble"' in html
    assert 'id="bubble-table"' in html
    assert "<script>" not in html.replace('<script type="application/json"', "")
    assert 'style="' not in html


class _TableCells(HTMLParser):
    """The text of every cell of the table with ``id``, row by row."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.rows = table_id, False, []  # type: ignore[var-annotated]
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("id", self.table_id) in attrs:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _kroner(text: str) -> int:
    """«333 333 kr (33 %)» → 333333."""
    return int(text.split("kr")[0].replace("\u00a0", "").replace(" ", "").replace("\u2212", "-"))


def test_member_table_cells_add_up_to_the_totals_shown(world: World) -> None:
    # A gives 1/3 and B 2/3; 1 mill spent each year gives 333 333,33 and 666 666,67 a year,
    # which summed unrounded would show 666 667 for A although its cells show 333 333 twice.
    for year in (2027, 2028):
        pot = services.pot_year_create(collaboration=world.alfa, year=year)
        services.contribution_set(pot_year=pot, organisation=world.org_a, amount=Decimal(1_000_000))
        services.contribution_set(pot_year=pot, organisation=world.org_b, amount=Decimal(2_000_000))
    made = services.proposal_create(
        collaboration=world.alfa,
        title="Felles plattform",
        sponsor=world.org_a,
        npv=Decimal(1_000_000),
    )
    for year in (2027, 2028):
        services.proposal_cost_set(proposal=made, year=year, amount=Decimal(1_000_000))
    scenario = services.scenario_run(
        scenario=services.scenario_create(
            collaboration=world.alfa,
            name="Deling",
            first_year=2027,
            years=2,
            carry_forward=False,
            objective=Scenario.Objective.NPV,
        )
    )
    assert scenario.result is not None and scenario.result["chosen"] == [str(made.uuid)]
    page = world.client_for("viewer").get(url("scenario_detail", scenario_id=scenario.uuid))
    parser = _TableCells("member-table")
    parser.feed(page.content.decode())
    header, *members, total = parser.rows
    assert header[-3:] == [
        "Forbruk fordelt på medlemmet (kr)",
        "Andel av forbruket",
        "Bidrag i perioden",
    ]
    assert total[0] == "Sum" and all(total[1:]), total
    years = range(1, 3)
    for row in members:
        assert sum(_kroner(row[i]) for i in years) == _kroner(row[3]), row
    for i in (*years, 3, 5):
        assert sum(_kroner(row[i]) for row in members) == _kroner(total[i]), i
    assert [_kroner(total[i]) for i in years] == [1_000_000, 1_000_000]
    assert _kroner(total[3]) == 2_000_000 and _kroner(total[5]) == 6_000_000
    by_name = {row[0]: row for row in members}
    assert _kroner(by_name["A kommune"][3]) == 666_666
    assert _kroner(by_name["B kommune"][3]) == 1_333_334
    assert by_name["B kommune"][4] == "66,7\u00a0%" and total[4] == "100,0\u00a0%"
    # the workbook has the same whole-krone figures and a total row
    workbook = load_workbook(
        io.BytesIO(
            world.client_for("viewer").get(url("scenario_xlsx", scenario_id=scenario.uuid)).content
        )
    )
    rows = {row[0]: row for row in workbook["Per medlem"].iter_rows(min_row=2, values_only=True)}
    assert rows["A kommune"][1:] == (
        1_000_000,
        333_333,
        1_000_000,
        333_333,
        2_000_000,
        666_666,
        33.3,
    )
    assert rows["Sum"][1:] == (
        3_000_000,
        1_000_000,
        3_000_000,
        1_000_000,
        6_000_000,
        2_000_000,
        100.0,
    )


def test_detail_before_the_first_run(portfolio: Portfolio) -> None:
    Scenario.objects.filter(pk=portfolio.scenario.pk).update(result=None, solved_at=None)
    page = portfolio.client("office").get(
        url("scenario_detail", scenario_id=portfolio.scenario.uuid)
    )
    assert "ikke beregnet" in page.content.decode()


def _size_queries(client: Client, address: str, django_assert_max_num_queries: Any) -> int:
    with django_assert_max_num_queries(60) as captured:
        assert client.get(address).status_code == 200
    return len(captured.captured_queries)


def test_detail_query_count_does_not_grow_with_the_portfolio(
    world: World, django_assert_max_num_queries: Any
) -> None:
    small = build_portfolio(world)
    address = url("scenario_detail", scenario_id=small.scenario.uuid)
    client = small.client("viewer")
    client.get(address)
    before = _size_queries(client, address, django_assert_max_num_queries)
    for number in range(30):
        proposal(
            world,
            f"Ekstra {number:02d}",
            {2027: 10_000 + number, 2028: 5_000},
            [(small.criteria[0], 1)],
        )
    # A scenario with the same history (created, run once) over six times the proposals
    large = services.scenario_create(
        collaboration=world.alfa,
        name="Stort",
        first_year=2027,
        years=2,
        carry_forward=False,
        user=world.office,
    )
    large = services.scenario_run(scenario=large)
    assert len(large.result["chosen"]) + len(large.result["left_out"]) == 35  # type: ignore[index]
    address = url("scenario_detail", scenario_id=large.uuid)
    client.get(address)
    after = _size_queries(client, address, django_assert_max_num_queries)
    assert after == before, (before, after)


# --- Create, edit, run: bad input writes nothing --------------------------------------------


def _form(p: Portfolio, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Nytt scenario",
        "description": "",
        "first_year": "2027",
        "years": "2",
        "objective": "score",
        "budget_percent": "100",
        "carry_forward": "on",
    }
    data.update(changes)
    return data


def test_create_and_run(portfolio: Portfolio) -> None:
    client = portfolio.client("office")
    response = client.post(
        url("scenario_create"), _form(portfolio, forced_in=[str(portfolio.school.uuid)])
    )
    assert response.status_code == 302
    created = Scenario.objects.get(name="Nytt scenario")
    assert list(created.forced_in.all()) == [portfolio.school]
    assert created.created_by == portfolio.world.office
    client.post(url("scenario_run", scenario_id=created.uuid))
    created.refresh_from_db()
    assert created.result is not None and str(portfolio.school.uuid) in created.result["chosen"]
    assert (
        str(portfolio.archive.uuid) not in created.result["chosen"]
    )  # excluded by the forced school system


def test_forced_in_and_out_at_once_is_refused_and_nothing_written(portfolio: Portfolio) -> None:
    before = Scenario.objects.count()
    key = str(portfolio.welfare.uuid)
    response = portfolio.client("office").post(
        url("scenario_create"), _form(portfolio, forced_in=[key], forced_out=[key])
    )
    assert response.status_code == 200
    assert (
        "«Velferdsteknologi» kan ikke både tvinges inn og holdes utenfor."
        in response.content.decode()
    )
    assert Scenario.objects.count() == before


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"years": "11"}, "Velg fra 1 til 10 år."),
        ({"budget_percent": "5"}, "Velg mellom 10 og 500 prosent."),
        ({"name": ""}, "Feltet er påkrevet."),
        ({"name": "Grunnscenario"}, "Samarbeidet har allerede et scenario med dette navnet."),
    ],
)
def test_bad_settings_are_refused(
    portfolio: Portfolio, changes: dict[str, str], message: str
) -> None:
    before = Scenario.objects.count()
    response = portfolio.client("office").post(url("scenario_create"), _form(portfolio, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Scenario.objects.count() == before


def test_a_forced_in_set_over_budget_is_named_by_year_and_nothing_written(
    portfolio: Portfolio,
) -> None:
    client = portfolio.client("office")
    address = url("scenario_edit", scenario_id=portfolio.scenario.uuid)
    page = client.get(address)
    version = page.context["instance"].version
    response = client.post(
        address,
        _form(
            portfolio,
            name="Grunnscenario",
            forced_in=[str(portfolio.welfare.uuid), str(portfolio.archive.uuid)],
            _version=version,
        ),
    )
    assert response.status_code == 302
    response = client.post(url("scenario_run", scenario_id=portfolio.scenario.uuid), follow=True)
    text = response.content.decode()
    assert "Forslagene som er tvunget inn, får ikke plass i budsjettet" in text
    assert "2027 mangler 500\u00a0000 kr" in text and "2028 mangler 0 kr" not in text
    assert Scenario.objects.get(pk=portfolio.scenario.pk).result is None


def test_a_stale_edit_is_refused_with_a_conflict(portfolio: Portfolio) -> None:
    client = portfolio.client("office")
    address = url("scenario_edit", scenario_id=portfolio.scenario.uuid)
    version = client.get(address).context["instance"].version
    services.scenario_update(
        scenario=Scenario.objects.get(pk=portfolio.scenario.pk), description="Endret av en annen"
    )
    response = client.post(address, _form(portfolio, name="Grunnscenario 2", _version=version))
    assert response.status_code == 409
    assert Scenario.objects.get(pk=portfolio.scenario.pk).name == "Grunnscenario"


# --- Decision ----------------------------------------------------------------------------------


def test_recording_the_decision_approves_the_chosen_and_freezes_the_scenario(
    portfolio: Portfolio,
) -> None:
    made = decision(portfolio.world)
    client = portfolio.client("office")
    assert (
        client.post(
            url("scenario_decision", scenario_id=portfolio.scenario.uuid), {"decision": ""}
        ).status_code
        == 200
    )
    assert Scenario.objects.get(pk=portfolio.scenario.pk).decision is None
    response = client.post(
        url("scenario_decision", scenario_id=portfolio.scenario.uuid), {"decision": str(made.uuid)}
    )
    assert response.status_code == 302
    scenario = Scenario.objects.get(pk=portfolio.scenario.pk)
    assert scenario.decision == made
    assert Proposal.objects.get(pk=portfolio.archive.pk).status == ProposalStatus.APPROVED
    frozen = scenario.result
    # now frozen: edit, run, delete and a second decision are refused, nothing changes
    version = scenario.version
    response = client.post(
        url("scenario_edit", scenario_id=scenario.uuid),
        _form(portfolio, name="Endret", _version=version),
    )
    assert (
        response.status_code == 200
        and "Scenarioet er vedtatt og kan ikke endres" in response.content.decode()
    )
    client.post(url("scenario_run", scenario_id=scenario.uuid))
    client.post(url("scenario_delete", scenario_id=scenario.uuid))
    response = client.post(
        url("scenario_decision", scenario_id=scenario.uuid), {"decision": str(made.uuid)}
    )
    assert "Scenarioet er allerede vedtatt." in response.content.decode()
    again = Scenario.objects.get(pk=scenario.pk)
    assert (again.name, again.result, again.version) == ("Grunnscenario", frozen, version)
    detail = client.get(url("scenario_detail", scenario_id=scenario.uuid)).content.decode()
    assert "PFS 1/2026" in detail and url("scenario_run", scenario_id=scenario.uuid) not in detail
    listing = client.get(url("scenario_list")).content.decode()
    assert "PFS 1/2026" in listing


def test_a_decision_of_another_collaboration_cannot_be_chosen(portfolio: Portfolio) -> None:
    body = governance.body_create(
        collaboration=portfolio.world.beta,
        kind="portfolio_board",
        name="Betastyret",
        abbreviation="BS",
    )
    foreign = governance.decision_record(
        body=body, decided_on=datetime.date(2026, 12, 1), title="Beta", text="x"
    )
    response = portfolio.client("admin").post(
        url("scenario_decision", scenario_id=portfolio.scenario.uuid),
        {"decision": str(foreign.uuid)},
    )
    assert response.status_code == 200
    assert Scenario.objects.get(pk=portfolio.scenario.pk).decision is None


# --- Frontier and comparison -------------------------------------------------------------------


def test_frontier_rises_with_the_budget(portfolio: Portfolio) -> None:
    response = portfolio.client("viewer").get(
        url("scenario_frontier", scenario_id=portfolio.scenario.uuid)
    )
    points = response.context["points"]
    assert [round(p.factor, 1) for p in points] == [
        0.5,
        0.6,
        0.7,
        0.8,
        0.9,
        1.0,
        1.1,
        1.2,
        1.3,
        1.4,
        1.5,
    ]
    values = [p.value for p in points]
    assert all(v is not None for v in values)
    assert values == sorted(values)
    at_pot = next(p for p in points if round(p.factor, 1) == 1.0)
    assert at_pot.budget == pytest.approx(8_000_000)
    assert at_pot.value == pytest.approx(portfolio.scenario.result["value"])  # type: ignore[index]
    assert values[-1] > values[0]
    assert 'id="frontier-table"' in response.content.decode()


def test_compare_marks_the_differences(portfolio: Portfolio) -> None:
    other = services.scenario_create(
        collaboration=portfolio.world.alfa,
        name="Skole først",
        first_year=2027,
        years=2,
        carry_forward=False,
        forced_in=[portfolio.school],
    )
    services.scenario_run(scenario=other)
    response = portfolio.client("viewer").get(
        url("scenario_compare") + f"?s={portfolio.scenario.uuid}&s={other.uuid}"
    )
    html = response.content.decode()
    # With the school system forced in, the archive is excluded, and the money goes to
    # welfare technology and the IAM that requires it.
    assert "Bare i «Grunnscenario»: E-handel, Felles sak/arkiv." in html
    assert (
        "Bare i «Skole først»: Felles IAM, Skoleadministrativt system, Velferdsteknologi." in html
    )
    assert "156,0" in html and "128,0" in html and "3 800 000 kr" in html
    sets = html[html.index('id="compare-sets"') :]
    assert sets.count("✓") == 5
    assert "ulikt" in sets
    one = portfolio.client("viewer").get(url("scenario_compare") + f"?s={other.uuid}")
    assert "Velg fra to til fire scenarioer." in one.content.decode()
    foreign = portfolio.client("outsider").get(
        f"/s/beta/portefolje/scenarioer/sammenlign/?s={portfolio.scenario.uuid}&s={other.uuid}"
    )
    assert foreign.status_code == 404


# --- Workbook -----------------------------------------------------------------------------------


def test_xlsx_has_the_real_figures(portfolio: Portfolio) -> None:
    response = portfolio.client("viewer").get(
        url("scenario_xlsx", scenario_id=portfolio.scenario.uuid)
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Valgt", "Utelatt", "Budsjett per år", "Per medlem"]
    chosen = list(workbook["Valgt"].iter_rows(values_only=True))
    assert chosen[0][1] == "Forslag" and chosen[0][6:] == ("2027", "2028", "Sum (kr)")
    assert (
        chosen[1][1] == "Felles sak/arkiv" and chosen[1][3] == 92.0 and chosen[1][-1] == 2_500_000
    )
    assert chosen[2][1] == "E-handel"
    left = {row[1]: row[-1] for row in workbook["Utelatt"].iter_rows(min_row=2, values_only=True)}
    assert left["Felles IAM"] == "Forutsetter «Velferdsteknologi», som ikke er valgt."
    budget = list(workbook["Budsjett per år"].iter_rows(min_row=2, values_only=True))
    assert budget[0][:5] == (2027, 4_000_000, 0, 4_000_000, 2_500_000)
    members = {row[0]: row for row in workbook["Per medlem"].iter_rows(min_row=2, values_only=True)}
    assert members["B kommune"][1:3] == (3_000_000, 1_875_000)


# --- Demo data ----------------------------------------------------------------------------------


def test_demo_portfolio_has_two_solved_scenarios_one_decided_and_loads_once(world: World) -> None:
    from samla.portfolio.demo import seed_demo_portfolio
    from samla.portfolio.models import PotYear

    full, tight = seed_demo_portfolio(world.alfa, user=world.admin)
    assert (
        seed_demo_portfolio(world.alfa)
        and Proposal.objects.filter(collaboration=world.alfa).count() == 13
    )
    assert PotYear.objects.filter(collaboration=world.alfa).count() == 5
    assert full.decision is not None and full.result is not None and tight.result is not None
    assert full.result["optimal"] and tight.result["optimal"]
    # the board chose something, and left something out for want of money
    assert 0 < len(full.result["chosen"]) < 13
    codes = {reason["code"] for reason in tight.result["left_out"].values()}
    assert "budget" in codes and "excluded_by" in codes
    assert tight.result["value"] < full.result["value"]
    page = world.client_for("viewer").get(url("scenario_detail", scenario_id=full.uuid))
    assert page.status_code == 200
    frontier = world.client_for("viewer").get(url("scenario_frontier", scenario_id=full.uuid))
    assert all(point.value is not None for point in frontier.context["points"][3:])


def test_saving_the_edit_form_unchanged_keeps_the_result(portfolio: Portfolio) -> None:
    services.scenario_update(scenario=portfolio.scenario, forced_out=[portfolio.iam])
    scenario = services.scenario_run(scenario=Scenario.objects.get(pk=portfolio.scenario.pk))
    client = portfolio.client("office")
    address = url("scenario_edit", scenario_id=scenario.uuid)
    form = client.get(address).context["form"]
    data: dict[str, Any] = {"_version": str(scenario.version)}
    for name, value in form.initial.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value if isinstance(value, list) else str(value)
    assert client.post(address, data).status_code == 302
    again = Scenario.objects.get(pk=scenario.pk)
    assert (again.result, again.version) == (scenario.result, scenario.version)
    assert list(again.forced_out.all()) == [portfolio.iam]
    # a real change clears the result: it no longer answers the settings
    data["years"] = "1"
    client.post(address, data)
    assert Scenario.objects.get(pk=scenario.pk).result is None


def test_history_names_the_forced_proposals(portfolio: Portfolio) -> None:
    services.scenario_update(scenario=portfolio.scenario, forced_out=[portfolio.iam])
    html = (
        portfolio.client("viewer")
        .get(url("scenario_detail", scenario_id=portfolio.scenario.uuid))
        .content.decode()
    )
    history = html[html.index('id="history-heading"') :]
    assert (
        "Felles IAM" in history
        and "'proposal'" not in history
        and "&#x27;proposal&#x27;" not in history
    )
