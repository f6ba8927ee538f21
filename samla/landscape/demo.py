"""Demo landscape for Nye Asker: the systems of Asker, Røyken and Hurum as described in
the status report of Digitale Asker 2020 (seed 004), and Asker's ICT cost table 2013–2016.

Which member uses what follows the report ("Gerica – brukes i Røyken og Asker", "Familia –
brukes i alle kommuner" …); where it names no system for a member, a plausible one is used.
Users, fits, contracts and values are illustrative.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from samla.core.dates import today
from samla.landscape import services
from samla.landscape.models import IctCost, Installation, Product, SystemCategory, Vendor
from samla.organisations.models import Collaboration, Organisation

# category code → {member short name: (product, vendor, users, functional fit, technical fit)}
NYE_ASKER_SYSTEMS: dict[str, dict[str, tuple[str, str, int, int, int]]] = {
    "HSO-PLO": {
        "Asker": ("Gerica", "Tieto", 1400, 3, 3),
        "Røyken": ("Gerica", "Tieto", 520, 3, 3),
        "Hurum": ("Profil", "Visma", 210, 2, 2),
    },
    "HSO-BVT": {
        "Asker": ("Familia", "Visma", 90, 3, 2),
        "Røyken": ("Familia", "Visma", 35, 3, 2),
        "Hurum": ("Familia", "Visma", 15, 3, 2),
    },
    "HSO-HST": {
        "Asker": ("HsPro", "CGM", 60, 4, 3),
        "Røyken": ("Infodoc", "Infodoc", 25, 2, 3),
        "Hurum": ("CosDoc", "DIPS Front", 10, 2, 2),
    },
    "HSO-NAV": {
        "Asker": ("Socio", "Visma", 70, 3, 3),
        "Røyken": ("Socio", "Visma", 30, 3, 3),
        "Hurum": ("Velferd", "Acos", 12, 2, 1),
    },
    "KUL-BIB": {
        "Asker": ("Bibliofil", "Bibliotek-Systemer", 40, 3, 3),
        "Røyken": ("Bibliofil", "Bibliotek-Systemer", 12, 3, 3),
        "Hurum": ("Bibliofil", "Bibliotek-Systemer", 6, 3, 3),
    },
    "KUL-KSK": {
        "Asker": ("SpeedAdmin", "SpeedAdmin", 80, 4, 4),
        "Røyken": ("SpeedAdmin", "SpeedAdmin", 30, 4, 4),
        "Hurum": ("SpeedAdmin", "SpeedAdmin", 12, 4, 4),
    },
    "KUL-BOO": {"Asker": ("Vega", "Vega", 50, 3, 2)},
    "ADM-OKO": {
        "Asker": ("Agresso", "Unit4", 600, 3, 2),
        "Røyken": ("Agresso", "Unit4", 220, 3, 2),
        "Hurum": ("Visma Enterprise Økonomi", "Visma", 90, 2, 3),
    },
    "ADM-LON": {
        "Asker": ("Visma HRM", "Visma", 250, 3, 3),
        "Røyken": ("Agresso Lønn", "Unit4", 80, 2, 2),
        "Hurum": ("Visma HRM", "Visma", 40, 3, 3),
    },
    "ADM-TUR": {
        "Asker": ("Gatsoft", "Gatsoft", 700, 3, 3),
        "Røyken": ("Gatsoft", "Gatsoft", 260, 3, 3),
        "Hurum": ("Gatsoft", "Gatsoft", 120, 3, 3),
    },
    "ADM-KOM": {"Asker": ("Obisoft", "Obisoft", 300, 3, 3)},
    "ADM-KVA": {
        "Asker": ("Simpli", "Simpli", 5000, 4, 4),
        "Røyken": ("Compilo", "Compilo", 1700, 2, 3),
        "Hurum": ("Compilo", "Compilo", 800, 2, 3),
    },
    "ADM-PRO": {
        "Asker": ("Prosjektveiviser på SharePoint", "Microsoft", 400, 3, 3),
        "Røyken": ("Prosjektveiviser på SharePoint", "Microsoft", 100, 3, 3),
    },
    "ADM-SAK": {
        "Asker": ("ePhorte", "Sopra Steria", 900, 2, 1),
        "Røyken": ("WebSak", "ACOS", 300, 2, 2),
        "Hurum": ("Public 360", "Tieto", 150, 3, 2),
    },
}

HOSTING = {"Simpli": Product.Hosting.SAAS, "SpeedAdmin": Product.Hosting.SAAS, "Gatsoft": Product.Hosting.HOSTED}

# (number, title, vendor, parties, products, start, end, options, months per option, notice
# months, yearly value). Years are offsets from the year the demo is loaded, so that the
# contract timeline always has something ending inside the planning horizon.
CONTRACTS = [
    ("NA-2012-014", "Pleie- og omsorgssystem", "Tieto", ["Asker", "Røyken"], ["Gerica"], (-6, 1, 1), (1, 12, 31), 2, 12, 6, 2_400_000),
    ("HU-2014-003", "Fagsystem pleie og omsorg", "Visma", ["Hurum"], ["Profil"], (-4, 6, 1), (1, 5, 31), 0, 0, 6, 380_000),
    ("NA-2015-022", "Økonomisystem", "Unit4", ["Asker", "Røyken"], ["Agresso"], (-3, 1, 1), (2, 12, 31), 1, 24, 6, 3_100_000),
    ("HU-2016-011", "Økonomi og lønn", "Visma", ["Hurum"], ["Visma Enterprise Økonomi"], (-2, 1, 1), (1, 12, 31), 0, 0, 3, 450_000),
    ("AS-2013-007", "Sak og arkiv", "Sopra Steria", ["Asker"], ["ePhorte"], (-5, 3, 1), (1, 2, 28), 0, 0, 12, 1_250_000),
    ("RO-2011-002", "Sak og arkiv", "ACOS", ["Røyken"], ["WebSak"], (-7, 1, 1), (0, 12, 31), 1, 12, 6, 420_000),
    ("NA-2017-001", "Kvalitetssystem for nye Asker", "Simpli", ["Asker"], ["Simpli"], (-1, 1, 1), (3, 12, 31), 2, 12, 3, 600_000),
    ("RH-2015-009", "Kvalitetssystem", "Compilo", ["Røyken", "Hurum"], ["Compilo"], (-3, 1, 1), (1, 6, 30), 0, 0, 3, 240_000),
    ("AL-2016-004", "Turnus og ressursstyring", "Gatsoft", ["Asker", "Røyken", "Hurum"], ["Gatsoft"], (-2, 1, 1), (2, 12, 31), 2, 12, 6, 1_600_000),
    ("AL-2014-018", "Barnevernssystem", "Visma", ["Asker", "Røyken", "Hurum"], ["Familia"], (-4, 1, 1), (6, 12, 31), 0, 0, 6, 900_000),
]


# Asker kommune's ICT cost table (seed 004), thousand kroner, 2013–2016.
ASKER_COSTS: dict[str, tuple[int, int, int, int]] = {
    "personnel": (18_239, 20_262, 19_880, 20_337),
    "personnel_services": (1_779, 2_620, 2_910, 2_282),
    "fibre": (5_289, 5_678, 5_547, 5_164),
    "licences": (8_786, 9_581, 11_925, 12_402),
    "equipment": (2_815, 2_741, 2_960, 3_148),
    "service_agreements": (1_266, 1_407, 1_563, 2_341),
    "consultants": (1_672, 842, 1_430, 2_084),
    "income": (-1_807, -2_136, -1_334, -1_514),
    "investment": (15_782, 15_682, 10_853, 20_463),
}
COST_YEARS = (2013, 2014, 2015, 2016)

# Choices the programme took (seed 004, "Anbefalt portefølje pr delområde").
TARGETS = [
    ("HSO-PLO", "Gerica", "Omforent ønske om valg av Gerica. Brukes i Røyken og Asker."),
    ("HSO-BVT", "Familia", "Omforent ønske om valg av Familia. Brukes i alle kommuner."),
    ("HSO-HST", "HsPro", "Ulike system i alle kommuner; HsPro er beste praksis."),
    ("HSO-NAV", "Socio", "Anbefalt valg Socio. Brukes i Røyken og Asker."),
    ("KUL-BIB", "Bibliofil", "Omforent ønske om å videreføre Bibliofil."),
    ("KUL-KSK", "SpeedAdmin", "Omforent ønske om å bruke SpeedAdmin."),
    ("ADM-KVA", "Simpli", "Passer fremtidig arkitektur og ivaretar flere funksjoner enn Compilo."),
    ("ADM-OKO", "Agresso", "Videreføre dagens løsning i Asker; kjent for ansatte i Røyken og Asker."),
]


def _member(organisations: dict[str, Organisation], short: str) -> Organisation:
    return organisations[f"{short} kommune"]


def _relative(base_year: int, offset: tuple[int, int, int]) -> datetime.date:
    years, month, day = offset
    return datetime.date(base_year + years, month, day)


@transaction.atomic
def seed_nye_asker_landscape(collaboration: Collaboration, organisations: dict[str, Organisation]) -> None:
    """Load the demo landscape once; nothing happens if the collaboration has installations."""
    if Installation.objects.filter(collaboration=collaboration).exists():
        return
    base_year = today().year
    categories = {c.code: c for c in SystemCategory.objects.filter(collaboration=collaboration)}
    vendors: dict[str, Vendor] = {}
    products: dict[str, Product] = {}

    def product(name: str, vendor_name: str) -> Product:
        if name not in products:
            if vendor_name not in vendors:
                vendors[vendor_name] = services.vendor_save(collaboration=collaboration, name=vendor_name)
            products[name] = services.product_save(
                collaboration=collaboration,
                name=name,
                vendor=vendors[vendor_name],
                hosting=HOSTING.get(name, Product.Hosting.ON_PREMISES),
            )
        return products[name]

    for code, uses in NYE_ASKER_SYSTEMS.items():
        for short, (name, vendor_name, users, functional, technical) in uses.items():
            services.installation_save(
                collaboration=collaboration,
                organisation=_member(organisations, short),
                category=categories[code],
                product=product(name, vendor_name),
                users=users,
                lifecycle=Installation.Lifecycle.ACTIVE,
                functional_fit=functional,
                technical_fit=technical,
            )
    for number, title, vendor_name, parties, names, start, end, options, months, notice, value in CONTRACTS:
        if vendor_name not in vendors:
            vendors[vendor_name] = services.vendor_save(collaboration=collaboration, name=vendor_name)
        services.contract_save(
            collaboration=collaboration,
            organisations=[_member(organisations, p) for p in parties],
            products=[products[n] for n in names],
            number=number,
            title=title,
            vendor=vendors[vendor_name],
            start_date=_relative(base_year, start),
            end_date=_relative(base_year, end),
            extension_options=options,
            extension_option_months=months,
            notice_period_months=notice,
            yearly_value=Decimal(value),
            procedure="open",
        )
    asker = _member(organisations, "Asker")
    for category, figures in ASKER_COSTS.items():
        for year, thousands in zip(COST_YEARS, figures, strict=True):
            services.ict_cost_save(
                collaboration=collaboration,
                organisation=asker,
                year=year,
                kind=IctCost.Kind.INVESTMENT if category == "investment" else IctCost.Kind.OPERATING,
                category=category,
                amount=Decimal(thousands) * 1000,
                exposed_to_competition=services.default_exposure(category),
            )
    for code, name, rationale in TARGETS:
        services.target_choice_set(
            collaboration=collaboration,
            category=categories[code],
            product=products[name],
            decided_by="Programstyret for Digitale Asker 2020",
            decided_on=datetime.date(base_year, 1, 15),
            rationale=rationale,
            migration_deadline=datetime.date(base_year + 2, 12, 31),
        )
