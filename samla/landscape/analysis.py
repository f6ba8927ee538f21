"""Reads for the landscape's analysis pages. Each runs a fixed number of queries,
whatever the number of members, categories, installations or contracts."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from samla.landscape.models import (
    Contract,
    IctCost,
    Installation,
    Product,
    ServiceArea,
    SystemCategory,
    TargetChoice,
    add_months,
)
from samla.organisations.models import Collaboration, Organisation

PALETTE_SIZE = 12  # colour classes .samla-product-0 … -11 in samla.css


# --- Shared loaders -----------------------------------------------------------------------


def member_organisations(collaboration: Collaboration) -> list[Organisation]:
    return list(
        Organisation.objects.filter(memberships__collaboration=collaboration).order_by("name")
    )


def installations(collaboration: Collaboration) -> QuerySet[Installation]:
    return Installation.objects.filter(collaboration=collaboration).select_related(
        "organisation", "category", "category__service_area", "product", "product__vendor"
    )


def contracts(collaboration: Collaboration) -> QuerySet[Contract]:
    return (
        Contract.objects.filter(collaboration=collaboration)
        .select_related("vendor")
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.order_by("name")),
            Prefetch("products", queryset=Product.objects.order_by("name")),
        )
    )


def product_colours(products: list[Product]) -> dict[int, int]:
    """A stable colour class per product, by name order."""
    return {p.pk: index % PALETTE_SIZE for index, p in enumerate(sorted(products, key=lambda p: p.name))}


# --- Landscape matrix ---------------------------------------------------------------------


@dataclass
class MatrixRow:
    category: SystemCategory
    cells: list[list[Installation]]

    @property
    def distinct_products(self) -> int:
        return len({i.product_id for cell in self.cells for i in cell})


@dataclass
class Matrix:
    organisations: list[Organisation]
    rows: list[MatrixRow]
    colours: dict[int, int]
    legend: list[Product]


def landscape_matrix(
    collaboration: Collaboration,
    *,
    service_area: ServiceArea | None = None,
    time_class: str | None = None,
    only_used: bool = True,
) -> Matrix:
    organisations = member_organisations(collaboration)
    categories = SystemCategory.objects.filter(collaboration=collaboration).select_related("service_area")
    if service_area is not None:
        categories = categories.filter(service_area=service_area)
    items = installations(collaboration)
    if service_area is not None:
        items = items.filter(category__service_area=service_area)
    by_cell: dict[tuple[int, int], list[Installation]] = defaultdict(list)
    products: dict[int, Product] = {}
    for installation in items:
        if time_class and installation.time_class != time_class:
            continue
        by_cell[(installation.category_id, installation.organisation_id)].append(installation)
        products[installation.product_id] = installation.product
    rows = []
    for category in categories:
        cells = [by_cell.get((category.pk, org.pk), []) for org in organisations]
        if only_used and not any(cells):
            continue
        rows.append(MatrixRow(category=category, cells=cells))
    legend = sorted(products.values(), key=lambda p: p.name)
    colours = product_colours(legend)
    for cell in by_cell.values():
        for installation in cell:
            installation.colour = colours[installation.product_id]  # type: ignore[attr-defined]
    return Matrix(organisations, rows, colours, legend)


# --- Harmonisation per category -----------------------------------------------------------


@dataclass
class ProductUse:
    product: Product
    organisations: list[Organisation] = field(default_factory=list)
    users: int = 0
    yearly_cost: Decimal = Decimal(0)
    contracts_ending: list[Contract] = field(default_factory=list)

    def used_in(self, member_count: int) -> str:
        return f"{len(self.organisations)}/{member_count}"


@dataclass
class CategoryHarmonisation:
    category: SystemCategory
    products: list[ProductUse]
    member_count: int
    target: TargetChoice | None = None

    @property
    def distinct_products(self) -> int:
        return len(self.products)

    @property
    def users(self) -> int:
        return sum(p.users for p in self.products)

    @property
    def yearly_cost(self) -> Decimal:
        return sum((p.yearly_cost for p in self.products), Decimal(0))

    @property
    def contracts_ending(self) -> int:
        return len({c.pk for p in self.products for c in p.contracts_ending})


def horizon_end(collaboration: Collaboration, today: datetime.date) -> datetime.date:
    return add_months(today, 12 * collaboration.planning_horizon_years)


def harmonisation(collaboration: Collaboration, *, today: datetime.date) -> list[CategoryHarmonisation]:
    """Per used category: which products, used by which members, users, cost, contracts ending."""
    organisations = member_organisations(collaboration)
    end = horizon_end(collaboration, today)
    uses: dict[int, dict[int, ProductUse]] = defaultdict(dict)
    categories: dict[int, SystemCategory] = {}
    for installation in installations(collaboration).order_by("category__name", "product__name"):
        categories[installation.category_id] = installation.category
        use = uses[installation.category_id].setdefault(
            installation.product_id, ProductUse(product=installation.product)
        )
        if installation.organisation not in use.organisations:
            use.organisations.append(installation.organisation)
        use.users += installation.users or 0
    # Contracts: yearly value split evenly over the products they cover, counted in every
    # category where that product is used.
    for contract in contracts(collaboration):
        covered = list(contract.products.all())
        if not covered:
            continue
        share = (contract.yearly_value or Decimal(0)) / len(covered)
        ends_inside = contract.end_date is not None and today <= contract.end_date <= end
        for product in covered:
            for category_uses in uses.values():
                use = category_uses.get(product.pk)
                if use is None:
                    continue
                use.yearly_cost += share
                if ends_inside:
                    use.contracts_ending.append(contract)
    targets = {
        t.category_id: t
        for t in TargetChoice.objects.filter(collaboration=collaboration).select_related("product")
    }
    result = []
    for category_id, category_uses in uses.items():
        products = sorted(category_uses.values(), key=lambda u: (-len(u.organisations), u.product.name))
        result.append(
            CategoryHarmonisation(
                category=categories[category_id],
                products=products,
                member_count=len(organisations),
                target=targets.get(category_id),
            )
        )
    result.sort(key=lambda h: (h.category.service_area.order, h.category.order, h.category.name))
    return result


# --- Consolidation opportunities ----------------------------------------------------------

# The weights of the score, shown on the page.
SCORE_WEIGHTS = {"products": Decimal("0.4"), "cost": Decimal("0.3"), "contracts": Decimal("0.2"), "users": Decimal("0.1")}


@dataclass
class Opportunity:
    harmonisation: CategoryHarmonisation
    parts: dict[str, Decimal]

    @property
    def score(self) -> Decimal:
        return sum((self.parts[k] for k in SCORE_WEIGHTS), Decimal(0))


def _normalise(value: Decimal, maximum: Decimal) -> Decimal:
    return value / maximum if maximum > 0 else Decimal(0)


def consolidation_opportunities(collaboration: Collaboration, *, today: datetime.date) -> list[Opportunity]:
    """Categories ranked by how much there is to gain from choosing one common product.

    Each part is the category's figure divided by the largest among the categories (0–1),
    times its weight: more distinct products than one (40 %), yearly cost (30 %), contracts
    ending inside the planning horizon (20 %), users (10 %). Categories where every member
    already uses the same product score nothing on the first part.
    """
    rows = harmonisation(collaboration, today=today)
    if not rows:
        return []
    surplus = {r.category.pk: Decimal(max(r.distinct_products - 1, 0)) for r in rows}
    maxima = {
        "products": max(surplus.values()),
        "cost": max(r.yearly_cost for r in rows),
        "contracts": Decimal(max(r.contracts_ending for r in rows)),
        "users": Decimal(max(r.users for r in rows)),
    }
    opportunities = []
    for row in rows:
        raw = {
            "products": surplus[row.category.pk],
            "cost": row.yearly_cost,
            "contracts": Decimal(row.contracts_ending),
            "users": Decimal(row.users),
        }
        parts = {k: (SCORE_WEIGHTS[k] * _normalise(raw[k], maxima[k])).quantize(Decimal("0.001")) for k in SCORE_WEIGHTS}
        opportunities.append(Opportunity(harmonisation=row, parts=parts))
    opportunities.sort(key=lambda o: (-o.score, o.harmonisation.category.name))
    return opportunities


# --- Contract timeline --------------------------------------------------------------------


@dataclass
class TimelineEntry:
    contract: Contract
    ends_inside_horizon: bool
    needs_procurement: bool
    above_threshold: bool
    notice_passed: bool


def contract_timeline(collaboration: Collaboration, *, today: datetime.date) -> list[TimelineEntry]:
    end = horizon_end(collaboration, today)
    threshold = collaboration.procurement_threshold
    entries = []
    for contract in contracts(collaboration).order_by("end_date", "number"):
        inside = contract.end_date is not None and contract.end_date <= end
        value = contract.total_estimated_value
        if value is None and contract.yearly_value is not None and contract.start_date and contract.latest_end_date:
            years = Decimal((contract.latest_end_date - contract.start_date).days) / Decimal("365.25")
            value = contract.yearly_value * years
        deadline = contract.notice_deadline
        entries.append(
            TimelineEntry(
                contract=contract,
                ends_inside_horizon=inside,
                needs_procurement=inside and not contract.has_options,
                above_threshold=value is not None and threshold is not None and value > threshold,
                notice_passed=deadline is not None and deadline < today,
            )
        )
    return entries


# --- ICT costs ----------------------------------------------------------------------------


@dataclass
class CostYear:
    year: int
    by_category: dict[str, Decimal] = field(default_factory=dict)
    operating: Decimal = Decimal(0)
    investment: Decimal = Decimal(0)
    exposed: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.operating + self.investment

    @property
    def exposed_share(self) -> Decimal | None:
        return self.exposed / self.total if self.total else None

    @property
    def personnel(self) -> Decimal:
        return self.by_category.get("personnel", Decimal(0)) + self.by_category.get(
            "personnel_services", Decimal(0)
        )

    @property
    def exposed_operating(self) -> Decimal:
        return sum(
            (self.by_category.get(c, Decimal(0)) for c in ("fibre", "licences", "equipment", "service_agreements", "consultants")),
            Decimal(0),
        )


@dataclass
class OrganisationCosts:
    organisation: Organisation
    years: list[CostYear]


def ict_costs(collaboration: Collaboration) -> tuple[list[int], list[OrganisationCosts]]:
    """Per organisation and year, Asker's table: operating cost by category, investments,
    totals and the share exposed to competition (exposed cost / total cost)."""
    rows = (
        IctCost.objects.filter(collaboration=collaboration)
        .select_related("organisation")
        .order_by("organisation__name", "year")
    )
    table: dict[int, dict[int, CostYear]] = defaultdict(dict)
    organisations: dict[int, Organisation] = {}
    years: set[int] = set()
    for line in rows:
        organisations[line.organisation_id] = line.organisation
        years.add(line.year)
        cost_year = table[line.organisation_id].setdefault(line.year, CostYear(year=line.year))
        key = "investment" if line.kind == IctCost.Kind.INVESTMENT else line.category
        cost_year.by_category[key] = cost_year.by_category.get(key, Decimal(0)) + line.amount
        if line.kind == IctCost.Kind.INVESTMENT:
            cost_year.investment += line.amount
        else:
            cost_year.operating += line.amount
        if line.exposed_to_competition:
            cost_year.exposed += line.amount
    ordered_years = sorted(years)
    result = [
        OrganisationCosts(
            organisation=organisations[org_id],
            years=[by_year.get(y, CostYear(year=y)) for y in ordered_years],
        )
        for org_id, by_year in sorted(table.items(), key=lambda kv: organisations[kv[0]].name)
    ]
    return ordered_years, result


# --- Target portfolio and exit plan -------------------------------------------------------


@dataclass
class MemberTransition:
    organisation: Organisation
    action: str  # keep | migrate | retire | adopt
    current: list[Product]
    target: Product


@dataclass
class CategoryTarget:
    choice: TargetChoice
    transitions: list[MemberTransition]


def target_portfolio(collaboration: Collaboration) -> list[CategoryTarget]:
    """For every category with a chosen product: keep, migrate X → Y, retire X, or adopt Y."""
    organisations = member_organisations(collaboration)
    used: dict[tuple[int, int], list[Product]] = defaultdict(list)
    for installation in installations(collaboration).exclude(lifecycle=Installation.Lifecycle.RETIRED):
        used[(installation.category_id, installation.organisation_id)].append(installation.product)
    result = []
    choices = (
        TargetChoice.objects.filter(collaboration=collaboration)
        .select_related("category", "category__service_area", "product")
        .order_by("category__service_area__order", "category__order", "category__name")
    )
    for choice in choices:
        transitions = []
        for organisation in organisations:
            current = used.get((choice.category_id, organisation.pk), [])
            others = [p for p in current if p.pk != choice.product_id]
            if not current:
                action = "adopt"
            elif not others:
                action = "keep"
            elif len(others) < len(current):
                action = "retire"
            else:
                action = "migrate"
            transitions.append(MemberTransition(organisation, action, others or current, choice.product))
        result.append(CategoryTarget(choice=choice, transitions=transitions))
    return result


@dataclass
class ExitItem:
    deadline: datetime.date | None
    kind: str  # terminate | migrate
    organisation: Organisation | None
    category: SystemCategory
    product: Product
    target: Product
    contract: Contract | None = None


def exit_plan(collaboration: Collaboration) -> list[ExitItem]:
    """Each contract to terminate (with its notice deadline) and each migration, by deadline."""
    portfolio = target_portfolio(collaboration)
    leaving: dict[tuple[int, int], tuple[CategoryTarget, MemberTransition, Product]] = {}
    items: list[ExitItem] = []
    for category_target in portfolio:
        for transition in category_target.transitions:
            if transition.action not in {"migrate", "retire"}:
                continue
            for product in transition.current:
                leaving[(transition.organisation.pk, product.pk)] = (category_target, transition, product)
                items.append(
                    ExitItem(
                        deadline=category_target.choice.migration_deadline,
                        kind="migrate" if transition.action == "migrate" else "retire",
                        organisation=transition.organisation,
                        category=category_target.choice.category,
                        product=product,
                        target=category_target.choice.product,
                    )
                )
    target_products = {ct.choice.product_id for ct in portfolio}
    for contract in contracts(collaboration):
        products = list(contract.products.all())
        parties = list(contract.organisations.all())
        if not products or any(p.pk in target_products for p in products):
            continue
        hits = [leaving.get((o.pk, p.pk)) for o in parties for p in products]
        hits = [h for h in hits if h is not None]
        if not hits:
            continue
        category_target, _transition, product = hits[0]
        items.append(
            ExitItem(
                deadline=contract.notice_deadline,
                kind="terminate",
                organisation=parties[0] if len(parties) == 1 else None,
                category=category_target.choice.category,
                product=product,
                target=category_target.choice.product,
                contract=contract,
            )
        )
    items.sort(key=lambda i: (i.deadline is None, i.deadline or datetime.date.max, i.kind != "terminate"))
    return items
