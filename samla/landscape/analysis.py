"""Reads for the landscape's analysis pages. Each runs a fixed number of queries,
whatever the number of members, categories, installations or contracts."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum

from samla.landscape.models import (
    Contract,
    IctCost,
    Installation,
    Product,
    ServiceArea,
    SystemCategory,
    TargetChoice,
    TimeClass,
    add_months,
    time_class_from_fit,
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


@dataclass(frozen=True)
class MatrixCell:
    """One installation in the matrix: light enough for 20 000 of them."""

    uuid: object
    product: Product
    time_class: str | None
    colour: int

    @property
    def product_id(self) -> int:
        return self.product.pk

    def get_time_class_display(self) -> str:
        return str(TimeClass(self.time_class).label) if self.time_class else ""


@dataclass
class MatrixRow:
    category: SystemCategory
    cells: list[list[MatrixCell]]
    distinct_products: int = 0


@dataclass
class Matrix:
    organisations: list[Organisation]
    rows: list[MatrixRow]
    colours: dict[int, int]
    legend: list[Product]


TIME_BY_FIT = {(f, t): time_class_from_fit(f, t) for f in (None, 1, 2, 3, 4) for t in (None, 1, 2, 3, 4)}


def landscape_matrix(
    collaboration: Collaboration,
    *,
    service_area: ServiceArea | None = None,
    time_class: str | None = None,
    only_used: bool = True,
    organisations: list[Organisation] | None = None,
) -> Matrix:
    """Categories × members with the products in each cell, in a fixed number of queries.

    ``organisations`` limits the columns (a page of members, for large collaborations); the
    count of distinct products per category is always over all members.
    """
    if organisations is None:
        organisations = member_organisations(collaboration)
    categories = SystemCategory.objects.filter(collaboration=collaboration).select_related("service_area")
    rows_query = Installation.objects.filter(collaboration=collaboration)
    if service_area is not None:
        categories = categories.filter(service_area=service_area)
        rows_query = rows_query.filter(category__service_area=service_area)
    products = {p.pk: p for p in Product.objects.filter(collaboration=collaboration)}
    colours = product_colours(list(products.values()))
    by_cell: dict[tuple[int, int], list[MatrixCell]] = defaultdict(list)
    used: set[int] = set()
    distinct: dict[int, set[int]] = defaultdict(set)
    shown = {o.pk for o in organisations}
    for uuid_value, category_id, organisation_id, product_id, functional, technical, override in rows_query.values_list(
        "uuid", "category_id", "organisation_id", "product_id", "functional_fit", "technical_fit", "time_override"
    ).order_by("product__name"):
        klass = override or TIME_BY_FIT[(functional, technical)]
        if time_class and klass != time_class:
            continue
        distinct[category_id].add(product_id)
        if organisation_id not in shown:
            continue
        by_cell[(category_id, organisation_id)].append(
            MatrixCell(uuid_value, products[product_id], klass, colours[product_id])
        )
        used.add(product_id)
    rows = []
    for category in categories:
        if only_used and not distinct.get(category.pk):
            continue
        cells = [by_cell.get((category.pk, org.pk), []) for org in organisations]
        rows.append(MatrixRow(category=category, cells=cells, distinct_products=len(distinct[category.pk])))
    legend = sorted((products[pk] for pk in used), key=lambda p: p.name)
    return Matrix(organisations, rows, colours, legend)


# --- Harmonisation per category -----------------------------------------------------------


@dataclass(frozen=True)
class ContractRef:
    """What the harmonisation needs of a contract that ends inside the horizon."""

    pk: int
    uuid: object
    number: str
    title: str
    end_date: datetime.date | None


@dataclass
class ProductUse:
    product: Product
    members: dict[int, Organisation] = field(default_factory=dict, repr=False)
    users: int = 0
    yearly_cost: Decimal = Decimal(0)
    contracts_ending: list[ContractRef] = field(default_factory=list)
    organisation_ids: set[int] = field(default_factory=set, repr=False)

    @property
    def organisations(self) -> list[Organisation]:
        """The members using the product, by name (built on demand: a national landscape
        has tens of thousands of uses)."""
        found = [self.members[pk] for pk in self.organisation_ids if pk in self.members]
        return sorted(found, key=lambda o: o.name)

    @property
    def organisation_count(self) -> int:
        return len(self.organisation_ids)

    def used_in(self, member_count: int) -> str:
        return f"{self.organisation_count}/{member_count}"


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
    """Per used category: which products, used by which members, users, cost, contracts ending.

    Reads installations and contract links as plain tuples (no model objects), so a
    national landscape of 20 000 installations and 10 000 contracts stays fast; the query
    count is fixed.
    """
    organisations = {o.pk: o for o in member_organisations(collaboration)}
    end = horizon_end(collaboration, today)
    categories = {
        c.pk: c
        for c in SystemCategory.objects.filter(collaboration=collaboration).select_related("service_area")
    }
    products = {p.pk: p for p in Product.objects.filter(collaboration=collaboration)}
    uses: dict[int, dict[int, ProductUse]] = defaultdict(dict)
    uses_of_product: dict[int, list[ProductUse]] = defaultdict(list)
    rows = Installation.objects.filter(collaboration=collaboration).values_list(
        "category_id", "product_id", "organisation_id", "users"
    )
    for category_id, product_id, organisation_id, users in rows:
        use = uses[category_id].get(product_id)
        if use is None:
            use = uses[category_id][product_id] = ProductUse(product=products[product_id], members=organisations)
            uses_of_product[product_id].append(use)
        use.organisation_ids.add(organisation_id)
        use.users += users or 0
    # Contracts: yearly value split evenly over the products they cover, counted in every
    # category where that product is used.
    contract_values = dict(
        Contract.objects.filter(collaboration=collaboration, yearly_value__isnull=False).values_list(
            "pk", "yearly_value"
        )
    )
    links: dict[int, list[int]] = defaultdict(list)
    for contract_id, product_id in Contract.products.through.objects.filter(
        contract__collaboration=collaboration
    ).values_list("contract_id", "product_id"):
        links[contract_id].append(product_id)
    ending = {
        row[0]: ContractRef(*row)
        for row in Contract.objects.filter(
            collaboration=collaboration, end_date__gte=today, end_date__lte=end
        ).values_list("pk", "uuid", "number", "title", "end_date")
    }
    for contract_id, covered in links.items():
        share = (contract_values.get(contract_id) or Decimal(0)) / len(covered)
        for product_id in covered:
            for use in uses_of_product.get(product_id, ()):
                use.yearly_cost += share
                if contract_id in ending:
                    use.contracts_ending.append(ending[contract_id])
    targets = {
        t.category_id: t
        for t in TargetChoice.objects.filter(collaboration=collaboration).select_related("product")
    }
    result = []
    for category_id, category_uses in uses.items():
        ordered = sorted(category_uses.values(), key=lambda u: (-u.organisation_count, u.product.name))
        result.append(
            CategoryHarmonisation(
                category=categories[category_id],
                products=ordered,
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


def contract_timeline(
    collaboration: Collaboration,
    *,
    today: datetime.date,
    queryset: QuerySet[Contract] | None = None,
) -> list[TimelineEntry]:
    """The contracts (by default all; pass a page of ``contracts()`` for long lists) with
    their flags: ends inside the planning horizon, needs a new procurement (ends inside
    without an option), estimated value above the procurement threshold, notice passed."""
    end = horizon_end(collaboration, today)
    threshold = collaboration.procurement_threshold
    entries = []
    if queryset is None:
        queryset = contracts(collaboration).order_by("end_date", "number")
    for contract in queryset:
        inside = contract.end_date is not None and today <= contract.end_date <= end
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


def organisations_with_costs(collaboration: Collaboration) -> QuerySet[Organisation]:
    # A subquery, not a join + DISTINCT: the join touches every one of ~100 000 cost lines.
    having_costs = IctCost.objects.filter(collaboration=collaboration).values("organisation_id")
    return Organisation.objects.filter(pk__in=having_costs).order_by("name")


def ict_costs(
    collaboration: Collaboration, *, organisations: list[Organisation] | None = None
) -> tuple[list[int], list[OrganisationCosts]]:
    """Per organisation and year, Asker's table: operating cost by category, investments,
    totals and the share exposed to competition (exposed cost / total cost).

    Sums are made in the database; pass ``organisations`` (a page of
    ``organisations_with_costs()``) to limit the work for large collaborations.
    """
    lines = IctCost.objects.filter(collaboration=collaboration)
    if organisations is None:
        organisations = list(organisations_with_costs(collaboration))
    else:
        lines = lines.filter(organisation__in=organisations)
    years = sorted(
        IctCost.objects.filter(collaboration=collaboration).order_by("year").values_list("year", flat=True).distinct()
    )
    table: dict[int, dict[int, CostYear]] = defaultdict(dict)
    sums = lines.values("organisation_id", "year", "kind", "category", "exposed_to_competition").annotate(
        total=Sum("amount")
    ).order_by()
    for row in sums:
        cost_year = table[row["organisation_id"]].setdefault(row["year"], CostYear(year=row["year"]))
        amount = row["total"] or Decimal(0)
        investment = row["kind"] == IctCost.Kind.INVESTMENT
        key = "investment" if investment else row["category"]
        cost_year.by_category[key] = cost_year.by_category.get(key, Decimal(0)) + amount
        if investment:
            cost_year.investment += amount
        else:
            cost_year.operating += amount
        if row["exposed_to_competition"]:
            cost_year.exposed += amount
    result = [
        OrganisationCosts(
            organisation=organisation,
            years=[table[organisation.pk].get(y, CostYear(year=y)) for y in years],
        )
        for organisation in organisations
        if organisation.pk in table
    ]
    return years, result


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

    @property
    def counts(self) -> dict[str, int]:
        result = {"keep": 0, "migrate": 0, "retire": 0, "adopt": 0}
        for transition in self.transitions:
            result[transition.action] += 1
        return result


def target_portfolio(collaboration: Collaboration) -> list[CategoryTarget]:
    """For every category with a chosen product: keep, migrate X → Y, retire X, or adopt Y."""
    choices = list(
        TargetChoice.objects.filter(collaboration=collaboration)
        .select_related("category", "category__service_area", "product")
        .order_by("category__service_area__order", "category__order", "category__name")
    )
    if not choices:
        return []
    organisations = member_organisations(collaboration)
    products = {p.pk: p for p in Product.objects.filter(collaboration=collaboration)}
    used: dict[tuple[int, int], list[Product]] = defaultdict(list)
    rows = (
        Installation.objects.filter(collaboration=collaboration, category_id__in=[c.category_id for c in choices])
        .exclude(lifecycle=Installation.Lifecycle.RETIRED)
        .order_by("product__name")
        .values_list("category_id", "organisation_id", "product_id")
    )
    for category_id, organisation_id, product_id in rows:
        used[(category_id, organisation_id)].append(products[product_id])
    result = []
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
    kind: str  # terminate | migrate | retire
    organisation: Organisation | None
    category: SystemCategory
    product: Product
    target: Product
    contract: Contract | None = None


def exit_plan(collaboration: Collaboration, *, portfolio: list[CategoryTarget] | None = None) -> list[ExitItem]:
    """What must happen to reach the target portfolio, sorted by deadline:

    - ``migrate`` / ``retire``: a member leaves a product for the category's target;
    - ``terminate``: a contract to give notice on, with its notice deadline. A contract is
      terminated only when it covers no target product and every use of its products by
      its parties is being left; a contract still needed by someone stays.
    """
    if portfolio is None:
        portfolio = target_portfolio(collaboration)
    if not portfolio:
        return []
    leaving: dict[tuple[int, int], CategoryTarget] = {}
    items: list[ExitItem] = []
    for category_target in portfolio:
        for transition in category_target.transitions:
            if transition.action not in {"migrate", "retire"}:
                continue
            for product in transition.current:
                leaving[(transition.organisation.pk, product.pk)] = category_target
                items.append(
                    ExitItem(
                        deadline=category_target.choice.migration_deadline,
                        kind=transition.action,
                        organisation=transition.organisation,
                        category=category_target.choice.category,
                        product=product,
                        target=category_target.choice.product,
                    )
                )
    target_products = {ct.choice.product_id for ct in portfolio}
    leaving_products = {product_id for _org, product_id in leaving}
    # Every use of a leaving product, in any category: a use that is not being left keeps
    # the contract alive.
    uses: dict[int, set[int]] = defaultdict(set)
    for organisation_id, product_id in (
        Installation.objects.filter(collaboration=collaboration, product_id__in=leaving_products)
        .exclude(lifecycle=Installation.Lifecycle.RETIRED)
        .values_list("organisation_id", "product_id")
    ):
        uses[product_id].add(organisation_id)
    # Contract links as tuples; model objects only for the contracts to terminate.
    covered: dict[int, set[int]] = defaultdict(set)
    for contract_id, product_id in Contract.products.through.objects.filter(
        contract__collaboration=collaboration
    ).values_list("contract_id", "product_id"):
        covered[contract_id].add(product_id)
    parties_of: dict[int, set[int]] = defaultdict(set)
    for contract_id, organisation_id in Contract.organisations.through.objects.filter(
        contract__collaboration=collaboration
    ).values_list("contract_id", "organisation_id"):
        parties_of[contract_id].add(organisation_id)
    terminate: dict[int, tuple[int, int]] = {}
    for contract_id, product_ids in covered.items():
        if not product_ids & leaving_products or product_ids & target_products:
            continue
        party_ids = parties_of.get(contract_id, set())
        left = sorted((o, p) for p in product_ids for o in party_ids if (o, p) in leaving)
        still_used = any((o, p) not in leaving for p in product_ids for o in uses.get(p, set()) & party_ids)
        if left and not still_used:
            terminate[contract_id] = left[0]
    products = {p.pk: p for p in Product.objects.filter(collaboration=collaboration)}
    members = {o.pk: o for o in member_organisations(collaboration)}
    for contract in Contract.objects.filter(pk__in=list(terminate)).select_related("vendor"):
        organisation_id, product_id = terminate[contract.pk]
        category_target = leaving[(organisation_id, product_id)]
        party_ids = parties_of[contract.pk]
        items.append(
            ExitItem(
                deadline=contract.notice_deadline,
                kind="terminate",
                organisation=members.get(next(iter(party_ids))) if len(party_ids) == 1 else None,
                category=category_target.choice.category,
                product=products[product_id],
                target=category_target.choice.product,
                contract=contract,
            )
        )
    items.sort(key=lambda i: (i.deadline is None, i.deadline or datetime.date.max, i.kind != "terminate"))
    return items
