"""A synthetic national landscape for performance work (`samla generate_landscape`).

For every member of a collaboration: most of ~60 categories with one of a few products
each, contracts, and eleven years of ICT cost lines. With the 356 municipalities of
`samla seed_demo --scale national` this gives about 20 000 installations, 10 000 contracts
and 100 000 cost lines. Deterministic (seeded), and written with bulk inserts: the data is
for measuring pages, not a history of edits.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from samla.landscape.models import (
    Contract,
    IctCost,
    Installation,
    Product,
    ServiceArea,
    SystemCategory,
    Vendor,
)
from samla.landscape.services import catalogue_install, default_exposure, target_choice_set
from samla.organisations.models import Collaboration, Organisation

BATCH = 2_000
COST_CATEGORIES = [c for c in IctCost.Category.values if c != IctCost.Category.INVESTMENT]


@dataclass(frozen=True)
class GeneratedCounts:
    categories: int
    products: int
    installations: int
    contracts: int
    cost_lines: int


@transaction.atomic
def generate_landscape(
    collaboration: Collaboration,
    *,
    categories: int = 60,
    installation_share: float = 0.94,
    contracts: int = 10_000,
    cost_years: int = 11,
    cost_lines_per_category: int = 3,
    seed: int = 2026,
) -> GeneratedCounts:
    rng = random.Random(seed)
    catalogue_install(collaboration=collaboration)
    area = ServiceArea.objects.filter(collaboration=collaboration).order_by("order").first()
    existing = SystemCategory.objects.filter(collaboration=collaboration).count()
    SystemCategory.objects.bulk_create(
        SystemCategory(
            collaboration=collaboration,
            service_area=area,
            code=f"GEN-{index:03d}",
            name=f"Generert kategori {index}",
            order=100 + index,
        )
        for index in range(max(categories - existing, 0))
    )
    category_list = list(SystemCategory.objects.filter(collaboration=collaboration).order_by("pk")[:categories])
    members = list(Organisation.objects.filter(memberships__collaboration=collaboration).order_by("pk"))

    vendors = Vendor.objects.bulk_create(
        Vendor(collaboration=collaboration, name=f"Leverandør {index:02d} AS") for index in range(40)
    )
    product_rows = []
    for category in category_list:
        for index in range(rng.randint(3, 8)):
            product_rows.append(
                Product(
                    collaboration=collaboration,
                    vendor=rng.choice(vendors),
                    name=f"{category.code}-system-{index}",
                    hosting=rng.choice(Product.Hosting.values),
                )
            )
    products = Product.objects.bulk_create(product_rows, batch_size=BATCH)
    by_category: dict[int, list[Product]] = {}
    for product in products:
        code = product.name.split("-system-")[0]
        by_category.setdefault(next(c.pk for c in category_list if c.code == code), []).append(product)

    installations = []
    for organisation in members:
        for category in category_list:
            if rng.random() > installation_share:
                continue
            installations.append(
                Installation(
                    collaboration=collaboration,
                    organisation=organisation,
                    category=category,
                    product=rng.choice(by_category[category.pk]),
                    users=rng.randint(5, 2_000),
                    functional_fit=rng.randint(1, 4),
                    technical_fit=rng.randint(1, 4),
                )
            )
    Installation.objects.bulk_create(installations, batch_size=BATCH)

    base = datetime.date.today()  # noqa: TID251 - synthetic data, never compared in tests
    contract_rows = []
    for index in range(contracts):
        start = base - datetime.timedelta(days=rng.randint(0, 3_650))
        contract_rows.append(
            Contract(
                collaboration=collaboration,
                number=f"GEN-{index:05d}",
                title=f"Generert avtale {index}",
                vendor=rng.choice(vendors),
                start_date=start,
                end_date=start + datetime.timedelta(days=rng.randint(365, 3_650)),
                extension_options=rng.choice([0, 0, 1, 2]),
                notice_period_months=rng.choice([3, 6, 12]),
                yearly_value=Decimal(rng.randint(20, 5_000) * 1_000),
            )
        )
    for contract in contract_rows:
        contract.extension_option_months = 12 if contract.extension_options else 0
    created = Contract.objects.bulk_create(contract_rows, batch_size=BATCH)
    Contract.organisations.through.objects.bulk_create(
        (Contract.organisations.through(contract_id=c.pk, organisation_id=rng.choice(members).pk) for c in created),
        batch_size=BATCH,
    )
    Contract.products.through.objects.bulk_create(
        (Contract.products.through(contract_id=c.pk, product_id=rng.choice(products).pk) for c in created),
        batch_size=BATCH,
    )

    lines = []
    first_year = base.year - cost_years
    for organisation in members:
        for year in range(first_year, base.year):
            for cost_category in COST_CATEGORIES:
                for part in range(cost_lines_per_category):
                    amount = Decimal(rng.randint(10, 5_000) * 1_000)
                    lines.append(
                        IctCost(
                            collaboration=collaboration,
                            organisation=organisation,
                            year=year,
                            kind=IctCost.Kind.OPERATING,
                            category=cost_category,
                            amount=-amount if cost_category == IctCost.Category.INCOME else amount,
                            exposed_to_competition=default_exposure(cost_category),
                            description=f"Linje {part + 1}",
                        )
                    )
            lines.append(
                IctCost(
                    collaboration=collaboration,
                    organisation=organisation,
                    year=year,
                    kind=IctCost.Kind.INVESTMENT,
                    category=IctCost.Category.INVESTMENT,
                    amount=Decimal(rng.randint(100, 20_000) * 1_000),
                    exposed_to_competition=True,
                )
            )
    IctCost.objects.bulk_create(lines, batch_size=BATCH)

    # A target system for a third of the categories, so the exit plan has work to do.
    counts: dict[tuple[int, int], int] = {}
    for installation in installations:
        key = (installation.category_id, installation.product_id)
        counts[key] = counts.get(key, 0) + 1
    for category in category_list[: len(category_list) // 3]:
        best = max(by_category[category.pk], key=lambda p: counts.get((category.pk, p.pk), 0))
        target_choice_set(
            collaboration=collaboration,
            category=category,
            product=best,
            decided_by="Porteføljestyret",
            decided_on=base,
            rationale="Mest brukt blant medlemmene.",
            migration_deadline=base.replace(year=base.year + 2),
        )
    return GeneratedCounts(len(category_list), len(products), len(installations), len(created), len(lines))
