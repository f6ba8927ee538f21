"""Demo data: the collaborations of the seed documents, with users for every role.

Populations are close to Statistics Norway's figures for 1 January of the year the seeds
describe.
Organisation numbers are made up but carry a valid MOD11 check digit.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from samla.core.validators import organisation_number_check_digit
from samla.organisations import services
from samla.organisations.models import Collaboration, CostSharingKey, Organisation, Role, User


@dataclass(frozen=True)
class DemoMember:
    name: str
    municipality_number: str
    population: int
    employees: int
    is_host: bool = False


NYE_ASKER = [
    DemoMember("Asker kommune", "0220", 61_523, 5_200, is_host=True),
    DemoMember("Røyken kommune", "0627", 22_096, 1_750),
    DemoMember("Hurum kommune", "0628", 9_405, 850),
]
KNUTEPUNKT_SORLANDET = [
    DemoMember("Lillesand kommune", "0926", 10_240, 820),
    DemoMember("Birkenes kommune", "0928", 5_087, 450),
    DemoMember("Iveland kommune", "0935", 1_317, 140),
    DemoMember("Vennesla kommune", "1014", 14_003, 1_150, is_host=True),
    DemoMember("Songdalen kommune", "1017", 6_321, 520),
    DemoMember("Søgne kommune", "1018", 11_108, 860),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    collaboration: str
    organisation: str = ""


def make_organisation_number(seed: int) -> str:
    """A unique nine-digit number starting with 9 (as municipalities' do), valid MOD11."""
    for suffix in range(1000):
        first_eight = f"9{seed:04d}{suffix:03d}"
        check = organisation_number_check_digit(first_eight)
        if check is not None:
            return first_eight + str(check)
    raise ValueError(seed)  # pragma: no cover - some suffix always works


def _organisation(member: DemoMember, seed: int, population_date: datetime.date) -> Organisation:
    number = make_organisation_number(seed)
    organisation, _ = Organisation.objects.get_or_create(
        organisation_number=number,
        defaults={
            "name": member.name,
            "kind": Organisation.Kind.MUNICIPALITY,
            "municipality_number": member.municipality_number,
            "population": member.population,
            "population_date": population_date,
            "employees": member.employees,
        },
    )
    return organisation


def _user(username: str, first: str, last: str, *, superuser: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@demo.samla.no",
            "is_superuser": superuser,
            "is_staff": superuser,
        },
    )
    if created:
        user.set_password(settings.SAMLA_DEMO_PASSWORD)
        user.save()
    return user


def _collaboration(
    *,
    slug: str,
    name: str,
    kind: str,
    description: str,
    horizon: int,
    members: list[DemoMember],
    seed_offset: int,
    population_date: datetime.date,
    admin: User,
) -> tuple[Collaboration, dict[str, Organisation]]:
    collaboration = Collaboration.objects.filter(slug=slug).first()
    if collaboration is None:
        collaboration = services.collaboration_create(
            created_by=admin,
            name=name,
            slug=slug,
            kind=kind,
            description=description,
            planning_horizon_years=horizon,
        )
    organisations = {}
    for index, member in enumerate(members):
        organisation = _organisation(member, seed_offset + index, population_date)
        organisations[member.name] = organisation
        if not collaboration.memberships.filter(organisation=organisation).exists():
            services.membership_create(
                collaboration=collaboration,
                organisation=organisation,
                valid_from=population_date,
                is_host=member.is_host,
            )
    return collaboration, organisations


def _keys(collaboration: Collaboration, organisations: dict[str, Organisation]) -> None:
    if collaboration.cost_sharing_keys.exists():
        return
    services.cost_sharing_key_create(
        collaboration=collaboration,
        name="Innbyggertall",
        method=CostSharingKey.Method.POPULATION,
        description="Dekkes av deltakerkommunene etter innbyggertall.",
    )
    services.cost_sharing_key_create(
        collaboration=collaboration, name="Like andeler", method=CostSharingKey.Method.EQUAL
    )
    services.cost_sharing_key_create(
        collaboration=collaboration,
        name="30/70 fast og innbyggertall",
        method=CostSharingKey.Method.FIXED_PLUS_POPULATION,
        fixed_share_percent=Decimal(30),
        description="30 % deles likt, 70 % etter innbyggertall.",
    )
    first = next(iter(organisations.values()))
    services.cost_sharing_key_create(
        collaboration=collaboration,
        name="Vertskommunen bærer halvparten",
        method=CostSharingKey.Method.CUSTOM,
        weights={org: Decimal(50) if org == first else Decimal(10) for org in organisations.values()},
    )


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    """Load the demo collaborations. Running it again changes nothing that exists."""
    admin = _user("admin", "Ada", "Administrator", superuser=True)
    asker, asker_orgs = _collaboration(
        slug="nye-asker",
        name="Nye Asker kommune",
        kind=Collaboration.Kind.MERGER,
        description=(
            "Asker, Røyken og Hurum slås sammen til nye Asker kommune 1. januar 2020. "
            "Programmet Digitale Asker 2020 velger én felles systemportefølje."
        ),
        horizon=4,
        members=NYE_ASKER,
        seed_offset=1,
        population_date=datetime.date(2017, 1, 1),
        admin=admin,
    )
    knutepunkt, knutepunkt_orgs = _collaboration(
        slug="knutepunkt-sorlandet",
        name="Knutepunkt Sørlandet",
        kind=Collaboration.Kind.INTER_MUNICIPAL,
        description=(
            "Regionalt samarbeid på Sørlandet om innkjøp, lønn og regnskap, "
            "blant annet innføring av e-handel."
        ),
        horizon=5,
        members=KNUTEPUNKT_SORLANDET,
        seed_offset=20,
        population_date=datetime.date(2013, 1, 1),
        admin=admin,
    )
    _keys(asker, asker_orgs)
    _keys(knutepunkt, knutepunkt_orgs)
    from samla.landscape.demo import seed_nye_asker_landscape

    seed_nye_asker_landscape(asker, asker_orgs)
    from samla.cases.demo import seed_demo_cases

    seed_demo_cases(knutepunkt, user=admin)
    from samla.surveys.demo import seed_nye_asker_surveys

    seed_nye_asker_surveys(asker, asker_orgs, accepted_by=admin)

    people = [
        ("programkontor", "Per", "Programleder", asker, Role.Kind.PROGRAMME_OFFICE, None),
        ("redaktor.asker", "Eva", "Asker", asker, Role.Kind.EDITOR, asker_orgs["Asker kommune"]),
        ("redaktor.royken", "Rune", "Røyken", asker, Role.Kind.EDITOR, asker_orgs["Røyken kommune"]),
        ("leser", "Lise", "Leser", asker, Role.Kind.VIEWER, None),
        ("knutepunkt", "Kari", "Knutepunkt", knutepunkt, Role.Kind.PROGRAMME_OFFICE, None),
    ]
    logins = [DemoLogin("admin", "superbruker og administrator", "alle")]
    for username, first, last, collaboration, kind, organisation in people:
        user = _user(username, first, last)
        if not Role.objects.filter(user=user, collaboration=collaboration).exists():
            services.role_assign(
                collaboration=collaboration, user=user, kind=kind, organisation=organisation
            )
        if user.current_collaboration_id is None:
            services.user_switch_collaboration(user=user, collaboration=collaboration)
        logins.append(
            DemoLogin(username, str(Role.Kind(kind).label), collaboration.name, str(organisation or ""))
        )
    # The programme office of Nye Asker also reads along in Knutepunkt Sørlandet.
    programme = User.objects.get(username="programkontor")
    if not Role.objects.filter(user=programme, collaboration=knutepunkt).exists():
        services.role_assign(collaboration=knutepunkt, user=programme, kind=Role.Kind.VIEWER)
    if admin.current_collaboration_id is None:
        services.user_switch_collaboration(user=admin, collaboration=asker)
    # Projects last: their leader is the programme office, whose role is assigned above.
    from samla.governance.demo import seed_demo_governance

    seed_demo_governance(knutepunkt)
    from samla.benefits.demo import seed_demo_benefits

    seed_demo_benefits(knutepunkt)
    from samla.portfolio.demo import seed_demo_portfolio

    seed_demo_portfolio(asker, user=admin)
    return logins


# --- National scale, for performance work ----------------------------------------------------

REGION_STEMS = [
    "Nord", "Sør", "Øst", "Vest", "Indre", "Ytre", "Øvre", "Nedre", "Midt", "Store",
]
PLACE_STEMS = [
    "fjord", "dal", "vik", "nes", "berg", "heim", "stad", "land", "øy", "sund", "voll",
    "mark", "li", "haug", "bø", "ås", "rud", "set", "tun", "strand",
]
PLACE_ROOTS = [
    "Ask", "Bjørk", "Eik", "Furu", "Gran", "Hegg", "Lind", "Os", "Rogn", "Selje",
    "Alm", "Ly", "Hav", "Sol", "Elv", "Fjell", "Skog", "Myr", "Stein", "Sand",
]


def national_municipalities(count: int = 356, seed: int = 356) -> list[DemoMember]:
    """``count`` made-up municipalities whose populations look like Norway's (≈ 5.5 million)."""
    rng = random.Random(seed)
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = rng.choice(PLACE_ROOTS) + rng.choice(PLACE_STEMS)
        if rng.random() < 0.25:
            name = f"{rng.choice(REGION_STEMS)}-{name}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    # Log-normal sizes, scaled so the total is close to Norway's population.
    raw = [rng.lognormvariate(9.0, 1.1) for _ in range(count)]
    scale = 5_550_000 / sum(raw)
    members = []
    for index, (name, size) in enumerate(zip(names, raw, strict=True)):
        population = max(200, int(size * scale))
        members.append(
            DemoMember(
                name=f"{name} kommune",
                municipality_number=f"{(index + 1) * 28 % 10000:04d}",
                population=population,
                employees=max(20, population // 12),
                is_host=index == 0,
            )
        )
    return members


@transaction.atomic
def seed_national(*, count: int = 356) -> Collaboration:
    admin = _user("admin", "Ada", "Administrator", superuser=True)
    collaboration, organisations = _collaboration(
        slug="nasjonal",
        name="Nasjonalt ytelsessamarbeid",
        kind=Collaboration.Kind.INTER_MUNICIPAL,
        description="356 genererte kommuner for ytelsestester.",
        horizon=6,
        members=national_municipalities(count),
        seed_offset=1_000,
        population_date=datetime.date(2026, 1, 1),
        admin=admin,
    )
    _keys(collaboration, organisations)
    return collaboration
