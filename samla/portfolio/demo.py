"""Demo portfolio for Nye Asker, after seed 004 (Digitale Asker 2020): the members pooled
their ICT investment money in one pot decided by a portfolio board — in 2017 Asker
10 000 000, Røyken 9 624 000 and Hurum 3 000 000 kr. The demo carries those yearly
contributions into the plan period 2027–2031.

Five criteria weighted by AHP, thirteen proposals from the domain (sak/arkiv, e-handel,
velferdsteknologi, felles IAM, two alternative school administration systems in an exclusion
group, …) with costs and hours per year, scores, two dependencies, and two solved scenarios:
«Hele potten med overføring», decided by the portfolio board, and «Stram ramme (80 %)».
The costs, scores and hours are assumptions made for the demo."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from samla.organisations.models import Collaboration, Organisation, User
from samla.portfolio import services
from samla.portfolio.models import Criterion, Proposal, ProposalGroup, ProposalStatus, Scenario

# Seed 004: each member's contribution to the pot in 2017.
CONTRIBUTIONS = {
    "Asker kommune": Decimal(10_000_000),
    "Røyken kommune": Decimal(9_624_000),
    "Hurum kommune": Decimal(3_000_000),
}
YEARS = range(2027, 2032)
CRITERIA = [
    (
        "Gevinst for innbyggerne",
        "Bedre, enklere eller raskere tjenester for innbyggere og næringsliv.",
    ),
    (
        "Økonomisk gevinst",
        "Sparte kostnader eller frigjort tid, helst dokumentert i en business case.",
    ),
    ("Risiko ved å la være", "Lovkrav, informasjonssikkerhet, utgått støtte hos leverandøren."),
    ("Strategisk betydning", "Hvor mye forslaget bygger den nye kommunens felles plattform."),
    ("Gjennomførbarhet", "Modenhet, leverandørmarked og kapasitet i organisasjonen."),
]
# Saaty 1–9, upper triangle in the criteria's order (CR about 0.02).
AHP: list[list[float]] = [
    [1, 2, 1, 3, 4],
    [1 / 2, 1, 1 / 2, 2, 3],
    [1, 2, 1, 2, 4],
    [1 / 3, 1 / 2, 1 / 2, 1, 2],
    [1 / 4, 1 / 3, 1 / 4, 1 / 2, 1],
]
# code, title, sponsor, costs per year (million kr) from 2027, risk, NPV (million), scores, status
Row = tuple[str, str, str, tuple[float, ...], int, float, tuple[int, ...], str]
# fmt: off
PROPOSALS: list[Row] = [
    ("P-01", "Felles sak/arkivløsning", "Asker kommune", (6, 5, 2), 3, 14, (4, 4, 5, 5, 3), ProposalStatus.RECOMMENDED),
    ("P-02", "E-handel og innkjøp", "Røyken kommune", (2.5, 1.5), 2, 18, (2, 5, 3, 3, 4), ProposalStatus.RECOMMENDED),
    ("P-03", "Velferdsteknologi: digitalt tilsyn", "Hurum kommune", (3, 4, 4, 2), 4, 9, (5, 3, 3, 4, 2), ProposalStatus.ASSESSED),
    ("P-04", "Felles identitets- og tilgangsstyring (IAM)", "Asker kommune", (4, 2), 3, 3, (2, 2, 5, 5, 3), ProposalStatus.RECOMMENDED),
    ("P-05", "Skoleadministrativt system: videreføre Askers", "Asker kommune", (0, 5, 3), 2, 4, (3, 3, 4, 3, 4), ProposalStatus.ASSESSED),
    ("P-06", "Skoleadministrativt system: ny anskaffelse", "Røyken kommune", (0, 4, 4, 1), 3, 5, (4, 3, 4, 4, 2), ProposalStatus.ASSESSED),
    ("P-07", "Digital selvbetjening og Min side", "Asker kommune", (0, 3, 3, 1), 3, 7, (5, 3, 1, 4, 3), ProposalStatus.SUBMITTED),
    ("P-08", "Felles økonomi- og lønnssystem", "Røyken kommune", (5, 6, 3), 4, 11, (1, 4, 5, 4, 2), ProposalStatus.ASSESSED),
    ("P-09", "Fagsystem for helse og omsorg", "Hurum kommune", (0, 0, 6, 6, 3), 4, 6, (4, 3, 4, 3, 2), ProposalStatus.SUBMITTED),
    ("P-10", "Felles kartløsning og matrikkel", "Hurum kommune", (1, 1), 1, 2, (2, 2, 3, 2, 5), ProposalStatus.ASSESSED),
    ("P-11", "Elektronisk meldingsutveksling med fastleger", "Hurum kommune", (0.8,), 2, 1.5, (3, 2, 4, 2, 5), ProposalStatus.SUBMITTED),
    ("P-12", "Robotisering av fakturaflyten", "Røyken kommune", (0, 1.2, 0.5), 2, 4, (1, 4, 1, 2, 4), ProposalStatus.SUBMITTED),
    ("P-13", "Datavarehus og styringsinformasjon", "Asker kommune", (0, 0, 0, 3, 3), 3, 2, (1, 3, 1, 4, 3), ProposalStatus.SUBMITTED),
]
# fmt: on
REQUIRES = [("P-07", "P-04"), ("P-12", "P-02")]
EXCLUSIVE = ("Ett skoleadministrativt system", ("P-05", "P-06"))


def _status(proposal: Proposal, status: str) -> None:
    steps: dict[str, list[str]] = {
        ProposalStatus.ASSESSED: [ProposalStatus.ASSESSED],
        ProposalStatus.RECOMMENDED: [ProposalStatus.ASSESSED, ProposalStatus.RECOMMENDED],
    }
    for step in steps.get(status, []):
        services.proposal_set_status(proposal=proposal, status=step)


def _decision(collaboration: Collaboration, user: User | None) -> object:
    from samla.governance import services as governance
    from samla.governance.models import Body, BodyKind

    body = Body.objects.filter(collaboration=collaboration, kind=BodyKind.PORTFOLIO_BOARD).first()
    if body is None:
        body = governance.body_create(
            collaboration=collaboration,
            kind=BodyKind.PORTFOLIO_BOARD,
            name="Porteføljestyret for Digitale Asker",
            abbreviation="PFS",
            description="Rådmennene i Asker, Røyken og Hurum; fordeler den felles investeringspotten.",
        )
    return governance.decision_record(
        body=body,
        decided_on=datetime.date(2026, 11, 16),
        title="Investeringsporteføljen 2027–2031",
        text=(
            "Porteføljestyret velger scenarioet «Hele potten med overføring». De valgte forslagene "
            "godkjennes og finansieres av investeringspotten."
        ),
        alternatives="Stram ramme (80 %): holder 20 % av potten igjen til uforutsette behov.",
        user=user,
    )


@transaction.atomic
def seed_demo_portfolio(
    collaboration: Collaboration, *, user: User | None = None
) -> list[Scenario]:
    """Load the demo once; running it again changes nothing."""
    if Criterion.objects.filter(collaboration=collaboration).exists():
        return list(Scenario.objects.filter(collaboration=collaboration))
    members = {
        o.name: o
        for o in Organisation.objects.filter(memberships__collaboration=collaboration).order_by(
            "name"
        )
    }
    criteria = [
        services.criterion_create(collaboration=collaboration, name=name, description=description)
        for name, description in CRITERIA
    ]
    services.weights_from_ahp(collaboration=collaboration, matrix=AHP)

    for year in YEARS:
        pot = services.pot_year_create(
            collaboration=collaboration, year=year, capacity_hours=Decimal(24_000)
        )
        # Seed 004's members by name; in another collaboration its members in turn.
        for (name, amount), other in zip(CONTRIBUTIONS.items(), members.values(), strict=False):
            services.contribution_set(
                pot_year=pot, organisation=members.get(name, other), amount=amount
            )

    sponsors = list(members.values())
    proposals: dict[str, Proposal] = {}
    for code, title, sponsor, costs, risk, npv, scores, status in PROPOSALS:
        proposal = services.proposal_create(
            collaboration=collaboration,
            code=code,
            title=title,
            sponsor=members.get(sponsor, sponsors[0]),
            risk=risk,
            npv=Decimal(int(npv * 1_000_000)),
            earliest_start=YEARS[0],
            description=f"{title}: felles løsning for nye Asker kommune.",
        )
        for year, share in zip(YEARS, costs, strict=False):
            if share:
                millions = Decimal(str(share))
                services.proposal_cost_set(
                    proposal=proposal,
                    year=year,
                    amount=(millions * 1_000_000).quantize(Decimal(1)),
                    hours=(millions * 1_000).quantize(Decimal(1)),
                )
        for criterion, score in zip(criteria, scores, strict=True):
            services.score_set(proposal=proposal, criterion=criterion, score=score)
        _status(proposal, status)
        proposals[code] = proposal
    for source, target in REQUIRES:
        services.proposal_set_requires(proposal=proposals[source], requires=[proposals[target]])
    name, codes = EXCLUSIVE
    services.group_create(
        collaboration=collaboration,
        kind=ProposalGroup.Kind.EXCLUSION,
        name=name,
        members=[proposals[c] for c in codes],
    )

    full = services.scenario_create(
        collaboration=collaboration,
        user=user,
        name="Hele potten med overføring",
        description="Hele potten hvert år; ubrukte midler overføres til neste år. Felles IAM er tvunget inn.",
        first_year=YEARS[0],
        years=len(YEARS),
        carry_forward=True,
        forced_in=[proposals["P-04"]],
    )
    tight = services.scenario_create(
        collaboration=collaboration,
        user=user,
        name="Stram ramme (80 %)",
        description="80 % av potten, uten overføring mellom år: 20 % holdes igjen til uforutsette behov.",
        first_year=YEARS[0],
        years=len(YEARS),
        budget_factor=Decimal("0.8"),
        carry_forward=False,
    )
    tight = services.scenario_run(scenario=tight)
    full = services.scenario_run(scenario=full)
    full = services.scenario_record_decision(scenario=full, decision=_decision(collaboration, user))
    return [full, tight]
