"""Demo data for benefit realisation in Knutepunkt Sørlandet, built on the governance demo
(programme «Felles digitalisering» and its projects) and the e-procurement business case
(seed 003).

Nine benefits of the four classes: e-procurement («5 % av innkjøpsvolumet via elektronisk
handel innen utgangen av første år, 20 % etter to år» — the seed's 2014/2016 moved to the
demo's years), the procurement gain and the saved ordering hours linked to the monetised
lines of a small approved business case for e-procurement in operation («Gevinstplan for
e-handel i drift», base year = the first measured year, so plan and actual share years), hours saved in case handling and archiving, fewer licences,
less paper and postage, more digital applications, faster answers to citizens (non-priced,
not measured yet) and better service quality (non-priced, with no indicator: «mangler
indikator»).

The measurements are quarterly from the baseline up to today, placed against each
indicator's trajectory so that the register shows every status: some on track, some at
risk, some behind plan. Dates are relative to today, so the pages look current; the first
year is this year from July, last year before.

One benefit map for the programme (challenges → objectives → changes delivered by the
projects → benefits) and one for the e-procurement project.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from samla.benefits import services
from samla.benefits.models import Benefit, BenefitMap, Indicator, MapNode, NodeKind
from samla.cases import services as case_services
from samla.cases.models import BusinessCase, CaseVersion, Line
from samla.core.dates import today as current_day
from samla.finance.benefits import Point, add_months, planned_value, realisation
from samla.governance.models import Programme, Project
from samla.organisations.models import Collaboration, Organisation, Role, User

DEMO_MAP = "Gevinstkart for Felles digitalisering"
# How far behind its trajectory each kind of demo indicator is at its latest measurement,
# as a fraction of the way from baseline to target.
ON_TRACK, AT_RISK, BEHIND = 0.01, 0.12, 0.35


@dataclass
class DemoIndicator:
    name: str
    unit: str
    baseline: float
    target: float
    years: int  # target at the end of the baseline year + years − 1
    lag: float | None  # None: not measured yet
    between: list[tuple[int, float]] = field(default_factory=list)  # (year offset, value)
    custom_unit: str = ""
    kroner_per_unit: Decimal | None = None
    decimals: int = 0
    method: str = ""
    data_source: str = ""


@dataclass
class DemoBenefit:
    code: str
    title: str
    benefit_class: str
    kind: str
    description: str
    project: str | None
    indicators: list[DemoIndicator]
    case_line: str | None = None
    preconditions: str = ""
    status: str = "realising"


def _benefits(year: int) -> list[DemoBenefit]:
    return [
        DemoBenefit(
            "G1",
            "Innkjøp via elektronisk handel",
            "budget",
            "direct",
            f"5 % av innkjøpsvolumet via elektronisk handel innen utgangen av {year}, 20 % "
            f"etter to år (innen utgangen av {year + 1}).",
            "Innføring av e-handel",
            [
                DemoIndicator(
                    "Andel av innkjøpsvolumet via e-handel",
                    "percent",
                    0,
                    20,
                    2,
                    ON_TRACK,
                    between=[(1, 5)],
                    decimals=1,
                    method="Fakturert volum via e-handelsplattformen delt på samlet innkjøpsvolum.",
                    data_source="E-handelsplattformen og regnskapet",
                )
            ],
            preconditions="Alle rammeavtaler ligger i katalogen; bestillere har fått opplæring.",
        ),
        DemoBenefit(
            "G2",
            "Lavere innkjøpspriser gjennom avtalelojalitet",
            "budget",
            "direct",
            "Når bestillingene går via avtalte kataloger, betaler kommunene avtalt pris. Difi "
            "anslår gevinsten til 2,5–7 % av volumet som kjøpes elektronisk.",
            "Innføring av e-handel",
            [
                DemoIndicator(
                    "Innkjøpsgevinst per år",
                    "kroner",
                    0,
                    4_000_000,
                    3,
                    AT_RISK,
                    between=[(1, 1_000_000), (2, 2_500_000)],
                    method="Prisdifferanse mot listepris på varer kjøpt via katalog, årlig takt.",
                    data_source="Innkjøpsrapport fra e-handelsplattformen",
                )
            ],
            case_line=PROCUREMENT_LINE,
        ),
        DemoBenefit(
            "G3",
            "Mindre manuelt arbeid fra bestilling til betaling",
            "capacity",
            "direct",
            "Elektroniske ordre og fakturaer matches automatisk; færre fakturaer må "
            "behandles for hånd.",
            "Innføring av e-handel",
            [
                DemoIndicator(
                    "Timer brukt på fakturabehandling",
                    "hours",
                    6_000,
                    4_000,
                    2,
                    ON_TRACK,
                    kroner_per_unit=Decimal(500),
                    method="Timeregistrering i økonomiavdelingene, årlig takt.",
                    data_source="Timelister",
                )
            ],
            case_line=HOURS_LINE,
        ),
        DemoBenefit(
            "G4",
            "Spart saksbehandlingstid i sak/arkiv",
            "capacity",
            "direct",
            "Felles sak/arkivløsning med elektronisk arkiv og maler gir mindre tid til "
            "journalføring, kopiering og leting etter dokumenter.",
            "Felles sak/arkivløsning",
            [
                DemoIndicator(
                    "Timer til journalføring og arkiv per år",
                    "hours",
                    12_000,
                    8_000,
                    2,
                    BEHIND,
                    kroner_per_unit=Decimal(650),
                    method="Tidsstudie i to uker hvert kvartal, regnet om til årlig takt.",
                    data_source="Tidsstudie i arkivtjenesten",
                )
            ],
            preconditions="Alle kommuner tar i bruk felles arkivplan og maler.",
        ),
        DemoBenefit(
            "G5",
            "Færre lisenser",
            "budget",
            "direct",
            "Kommunenes egne sak/arkivsystemer fases ut; brukerlisenser i de gamle systemene "
            "sies opp.",
            "Felles sak/arkivløsning",
            [
                DemoIndicator(
                    "Antall brukerlisenser i gamle fagsystemer",
                    "count",
                    420,
                    300,
                    2,
                    ON_TRACK,
                    kroner_per_unit=Decimal(4_500),
                    method="Antall aktive lisenser på fakturaene fra leverandørene.",
                    data_source="Lisensfakturaer",
                )
            ],
        ),
        DemoBenefit(
            "G6",
            "Mindre papir og porto",
            "budget",
            "direct",
            "Brev sendes digitalt til innbyggernes digitale postkasse i stedet for på papir.",
            "Felles sak/arkivløsning",
            [
                DemoIndicator(
                    "Utgifter til porto og trykk per år",
                    "kroner",
                    800_000,
                    200_000,
                    2,
                    BEHIND,
                    method="Regnskapsført porto og trykk, årlig takt.",
                    data_source="Regnskapet, art 1130",
                )
            ],
        ),
        DemoBenefit(
            "G7",
            "Flere digitale søknader",
            "elsewhere",
            "indirect",
            "Innbyggerne søker digitalt; færre søknader må skrives inn for hånd.",
            "Digital selvbetjening",
            [
                DemoIndicator(
                    "Andel søknader levert digitalt",
                    "percent",
                    35,
                    80,
                    3,
                    AT_RISK,
                    between=[(1, 50)],
                    decimals=1,
                    data_source="Skjemaløsningen og postmottaket",
                )
            ],
        ),
        DemoBenefit(
            "G8",
            "Raskere svar til innbyggerne",
            "non_priced",
            "qualitative",
            "Kortere tid fra søknad til vedtak for de vanligste søknadene.",
            "Digital selvbetjening",
            [
                DemoIndicator(
                    "Gjennomsnittlig svartid",
                    "custom",
                    14,
                    5,
                    3,
                    None,
                    custom_unit="dager",
                    decimals=1,
                    method="Snitt av dager fra mottatt til vedtak i sak/arkiv.",
                    data_source="Sak/arkivløsningen",
                )
            ],
            status="planned",
        ),
        DemoBenefit(
            "G9",
            "Bedre tjenestekvalitet",
            "non_priced",
            "qualitative",
            "Innbyggerne opplever tjenestene som enklere og mer forutsigbare. Indikator er "
            "ikke valgt ennå; brukerundersøkelse vurderes.",
            None,
            [],
            status="identified",
        ),
    ]


def _people(collaboration: Collaboration) -> list[User]:
    """People with a role in the collaboration: the administrator and programme office
    first."""
    order = {Role.Kind.ADMINISTRATOR: 0, Role.Kind.PROGRAMME_OFFICE: 1}
    roles = Role.objects.filter(collaboration=collaboration).select_related("user")
    people: list[User] = []
    for role in sorted(roles, key=lambda r: (order.get(Role.Kind(r.kind), 9), r.pk)):
        if role.user not in people:
            people.append(role.user)
    return people


# The benefits' plan: a small business case of the e-procurement in operation, approved with
# the first measured year as its base year, so that plan and actual meet in the same years.
# (The seed's own case runs 2014–2023, long before the measurements, which are dated
# relative to today.)
PLAN_CASE = "Gevinstplan for e-handel i drift"
PROCUREMENT_LINE = "Innkjøpsgevinst i driftsfasen"
HOURS_LINE = "Mindre manuelt arbeid fra bestilling til betaling"


def _plan_case(collaboration: Collaboration, year: int, user: User) -> dict[str, Line]:
    """The approved plan's monetised lines by name; made once (found again by its name).
    Three years from ``year``: the procurement gain at the middle of Difi's 2,5–7 % range of
    the volume bought electronically, 2 000 hours a year saved in order-to-payment, and the
    platform licence as the cost."""
    case = BusinessCase.objects.filter(collaboration=collaboration, name=PLAN_CASE).first()
    if case is None:
        case = case_services.case_create(
            collaboration=collaboration,
            name=PLAN_CASE,
            description="Gevinstene etter innføringen, fulgt opp i gevinstregisteret.",
            base_year=year,
            years=3,
        )
        version = case.versions.get()
        alternative = case_services.alternative_create(version=version, name="E-handel i drift")
        last = year + 2
        case_services.line_create(
            alternative=alternative,
            kind=Line.Kind.OPERATING,
            name="Lisens e-handelsplattform",
            amount=Decimal(350_000),
            first_year=year,
            last_year=last,
        )
        case_services.line_create(
            alternative=alternative,
            kind=Line.Kind.BENEFIT,
            name=PROCUREMENT_LINE,
            description="Avtalt pris på varer kjøpt via katalog, 2,5–7 % av volumet (Difi).",
            distribution=Line.Distribution.TRIANGULAR,
            low=Decimal(1_000_000),
            amount=Decimal(2_500_000),
            high=Decimal(4_000_000),
            first_year=year,
            last_year=last,
        )
        case_services.line_create(
            alternative=alternative,
            kind=Line.Kind.TIME_SAVING,
            name=HOURS_LINE,
            amount=Decimal(2_000),
            first_year=year,
            last_year=last,
        )
        case_services.version_freeze(version=version, stage=CaseVersion.Stage.APPROVED, user=user)
    lines = Line.objects.filter(
        alternative__version__case=case,
        alternative__version__stage=CaseVersion.Stage.APPROVED,
        kind__in=services.MONETISED_LINE_KINDS,
    )
    return {line.name: line for line in lines}


def _first_year(today: datetime.date) -> int:
    return today.year if today.month >= 7 else today.year - 1


def _round(value: float, decimals: int) -> Decimal:
    return Decimal(str(round(value, decimals)))


def _measure(
    indicator_spec: DemoIndicator,
    indicator: Indicator,
    *,
    baseline: Point,
    target: Point,
    between: list[Point],
    today: datetime.date,
    user: User | None,
) -> None:
    assert indicator_spec.lag is not None
    dates = []
    day = add_months(baseline.on, 3)
    while day <= today and day <= target.on:
        dates.append(day)
        day = add_months(day, 3)
    for number, on in enumerate(dates, start=1):
        planned = realisation(
            planned_value(on, baseline, target, between), baseline.value, target.value
        )
        reached = max(0.0, planned - indicator_spec.lag * number / len(dates))
        value = baseline.value + reached * (target.value - baseline.value)
        services.measurement_create(
            indicator=indicator,
            measured_on=on,
            value=_round(value, indicator_spec.decimals),
            user=user,
            comment="Kvartalsmåling." if number < len(dates) else "Siste kvartal.",
        )


@transaction.atomic
def seed_demo_benefits(
    collaboration: Collaboration, *, today: datetime.date | None = None
) -> list[Benefit]:
    """Load the demo once; running it again changes nothing."""
    if BenefitMap.objects.filter(collaboration=collaboration, name=DEMO_MAP).exists():
        return list(Benefit.objects.filter(collaboration=collaboration))
    today = today or current_day()
    year = _first_year(today)
    people = _people(collaboration)
    if not people:
        return []
    # Owners (gevinsteiere) take turns among the first two people; the other is responsible.
    leads = people[:2]
    organisations = list(
        Organisation.objects.filter(memberships__collaboration=collaboration).order_by("name")
    )
    projects = {p.name: p for p in Project.objects.filter(collaboration=collaboration)}
    programme = Programme.objects.filter(collaboration=collaboration).order_by("pk").first()
    lines = _plan_case(collaboration, year, people[0])
    baseline_day = datetime.date(year, 1, 1)

    made: dict[str, Benefit] = {}
    for number, spec in enumerate(_benefits(year)):
        owner = leads[number % len(leads)]
        responsible = leads[(number + 1) % len(leads)] if len(leads) > 1 else None
        project = projects.get(spec.project) if spec.project else None
        benefit = services.benefit_create(
            collaboration=collaboration,
            code=spec.code,
            title=spec.title,
            description=spec.description,
            benefit_class=spec.benefit_class,
            kind=spec.kind,
            status=spec.status,
            owner=owner,
            responsible=responsible,
            project=project,
            programme=programme if project is None else None,
            case_line=lines.get(spec.case_line) if spec.case_line else None,
            preconditions=spec.preconditions,
            organisations=organisations,
        )
        made[spec.code] = benefit
        for order, ind in enumerate(spec.indicators, start=1):
            baseline = Point(baseline_day, ind.baseline)
            target = Point(datetime.date(year + ind.years - 1, 12, 31), ind.target)
            between = [Point(datetime.date(year + y - 1, 12, 31), v) for y, v in ind.between]
            indicator = services.indicator_create(
                benefit=benefit,
                name=ind.name,
                unit=ind.unit,
                custom_unit=ind.custom_unit,
                baseline_value=Decimal(str(ind.baseline)),
                baseline_date=baseline.on,
                target_value=Decimal(str(ind.target)),
                target_date=target.on,
                frequency="quarterly",
                method=ind.method,
                data_source=ind.data_source,
                kroner_per_unit=ind.kroner_per_unit,
                order=order,
            )
            for point in between:
                services.indicator_target_set(
                    indicator=indicator, date=point.on, value=Decimal(str(point.value))
                )
            if ind.lag is not None:
                _measure(
                    ind,
                    indicator,
                    baseline=baseline,
                    target=target,
                    between=between,
                    today=today,
                    user=responsible or owner,
                )
    _maps(collaboration, made, projects, programme)
    return list(made.values())


def _maps(
    collaboration: Collaboration,
    made: dict[str, Benefit],
    projects: dict[str, Project],
    programme: Programme | None,
) -> None:
    programme_map = services.map_create(
        collaboration=collaboration,
        name=DEMO_MAP,
        description="Fra utfordringene via målene og endringene prosjektene leverer til "
        "gevinstene i registeret.",
        programme=programme,
    )

    def node(benefit_map: BenefitMap, kind: str, title: str, **fields: object) -> MapNode:
        return services.map_node_create(benefit_map=benefit_map, kind=kind, title=title, **fields)

    def link(benefit_map: BenefitMap, source: MapNode, target: MapNode) -> None:
        services.map_link_create(benefit_map=benefit_map, source=source, target=target)

    m = programme_map
    scattered = node(m, NodeKind.CHALLENGE, "Innkjøp spredt på mange leverandører og papir")
    manual = node(m, NodeKind.CHALLENGE, "Tidkrevende manuell saksbehandling og arkivering")
    systems = node(m, NodeKind.CHALLENGE, "Mange parallelle fagsystemer og lisenser")
    purchasing = node(m, NodeKind.OBJECTIVE, "Profesjonelt og samordnet innkjøp")
    efficient = node(m, NodeKind.OBJECTIVE, "Effektiv og digital saksbehandling")
    service = node(m, NodeKind.OBJECTIVE, "Bedre tjenester til innbyggerne")
    changes = {
        "ehandel": node(
            m,
            NodeKind.CHANGE,
            "Felles e-handelsplattform med avtalekataloger",
            project=projects.get("Innføring av e-handel"),
        ),
        "arkiv": node(
            m,
            NodeKind.CHANGE,
            "Felles sak/arkivløsning og digital post",
            project=projects.get("Felles sak/arkivløsning"),
        ),
        "selvbetjening": node(
            m,
            NodeKind.CHANGE,
            "Digitale skjemaer og selvbetjening",
            project=projects.get("Digital selvbetjening"),
        ),
        "opplaering": node(m, NodeKind.CHANGE, "Opplæring og nye arbeidsprosesser"),
    }
    benefit_nodes = {
        code: node(m, NodeKind.BENEFIT, benefit.title, benefit=benefit)
        for code, benefit in made.items()
    }
    for source, target in [
        (scattered, purchasing),
        (manual, efficient),
        (systems, efficient),
        (manual, service),
        (purchasing, changes["ehandel"]),
        (efficient, changes["arkiv"]),
        (efficient, changes["opplaering"]),
        (service, changes["selvbetjening"]),
    ]:
        link(m, source, target)
    for change, codes in [
        ("ehandel", ["G1", "G2", "G3"]),
        ("opplaering", ["G1", "G4"]),
        ("arkiv", ["G4", "G5", "G6"]),
        ("selvbetjening", ["G7", "G8", "G9"]),
    ]:
        for code in codes:
            link(m, changes[change], benefit_nodes[code])

    project = projects.get("Innføring av e-handel")
    if project is None:
        return
    e = services.map_create(
        collaboration=collaboration,
        name="Gevinstkart for Innføring av e-handel",
        description="Prosjektmandatets mål (seed 003) og gevinstene de skal gi.",
        project=project,
    )
    challenge = node(e, NodeKind.CHALLENGE, "Lav avtalelojalitet og papirfakturaer")
    goal = node(e, NodeKind.OBJECTIVE, "20 % av innkjøpsvolumet via e-handel etter to år")
    platform = node(e, NodeKind.CHANGE, "E-handelsplattform og katalog", project=project)
    training = node(e, NodeKind.CHANGE, "Opplæring av bestillere")
    link(e, challenge, goal)
    link(e, goal, platform)
    link(e, goal, training)
    for code in ("G1", "G2", "G3"):
        target = node(e, NodeKind.BENEFIT, made[code].title, benefit=made[code])
        link(e, platform, target)
        if code == "G1":
            link(e, training, target)
