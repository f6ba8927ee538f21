"""Reads for the project mandate: its parts in the order of a Norwegian prosjektmandat, with
the sums the page and the Word document show (budget by year, financing against the direct
costs, the resource plan's hours and cost)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from samla.governance.models import (
    Concept,
    CostLine,
    Financing,
    Mandate,
    MandateRole,
    ResourceLine,
    SubGoal,
)

ZERO = Decimal(0)


@dataclass
class BudgetRow:
    name: str
    by_year: list[Decimal | None]
    total: Decimal
    lines: list[CostLine]


@dataclass
class BudgetPart:
    kind: str
    label: str
    rows: list[BudgetRow]
    by_year: list[Decimal]
    total: Decimal


@dataclass
class RoleGroup:
    kind: str
    label: str
    roles: list[MandateRole]


@dataclass
class MandateOverview:
    mandate: Mandate
    sub_goals: list[SubGoal]
    concepts: list[Concept]
    role_groups: list[RoleGroup]
    cost_lines: list[CostLine]
    years: list[int]
    budget: list[BudgetPart]
    budget_total: Decimal
    direct_total: Decimal
    financing: list[Financing]
    financing_total: Decimal
    financing_gap: Decimal
    resources: list[ResourceLine]
    resource_hours: Decimal
    resource_cost: Decimal

    @property
    def zero_concept(self) -> Concept | None:
        return next((c for c in self.concepts if c.is_zero), None)

    @property
    def has_computed_financing(self) -> bool:
        return any(f.computed for f in self.financing)


def _budget(lines: list[CostLine], years: list[int]) -> list[BudgetPart]:
    parts = []
    for kind, label in CostLine.Kind.choices:
        rows: dict[str, BudgetRow] = {}
        for line in lines:
            if line.kind != kind:
                continue
            row = rows.get(line.name)
            if row is None:
                row = rows[line.name] = BudgetRow(line.name, [None] * len(years), ZERO, [])
            index = years.index(line.year)
            row.by_year[index] = (row.by_year[index] or ZERO) + line.amount
            row.total += line.amount
            row.lines.append(line)
        by_year = [
            sum((r.by_year[i] or ZERO for r in rows.values()), ZERO) for i in range(len(years))
        ]
        parts.append(BudgetPart(kind, str(label), list(rows.values()), by_year, sum(by_year, ZERO)))
    return parts


def mandate_overview(mandate: Mandate) -> MandateOverview:
    """Everything the mandate page and the DOCX show, in a handful of queries."""
    sub_goals = list(mandate.sub_goals.all())
    concepts = list(mandate.concepts.all())
    roles = list(mandate.roles.select_related("user", "organisation"))
    order = [kind for kind, _label in MandateRole.Kind.choices]
    labels = dict(MandateRole.Kind.choices)
    role_groups = [
        RoleGroup(kind, str(labels[kind]), [r for r in roles if r.kind == kind])
        for kind in order
        if any(r.kind == kind for r in roles)
    ]
    cost_lines = list(mandate.cost_lines.all())
    years = sorted({line.year for line in cost_lines})
    budget = _budget(cost_lines, years)
    direct_total = next(p.total for p in budget if p.kind == CostLine.Kind.DIRECT)
    financing = list(mandate.financing.select_related("organisation"))
    financing_total = sum((f.amount for f in financing), ZERO)
    resources = list(mandate.resources.all())
    overview = MandateOverview(
        mandate=mandate,
        sub_goals=sub_goals,
        concepts=concepts,
        role_groups=role_groups,
        cost_lines=cost_lines,
        years=years,
        budget=budget,
        budget_total=sum((p.total for p in budget), ZERO),
        direct_total=direct_total,
        financing=financing,
        financing_total=financing_total,
        financing_gap=direct_total - financing_total,
        resources=resources,
        resource_hours=sum((r.hours for r in resources), ZERO),
        resource_cost=sum((r.cost for r in resources), ZERO),
    )
    return overview


def role_person(role: MandateRole) -> str:
    """Who fills the role, as one line: the person (or the group) and whom they represent."""
    who = role.person_name or role.group
    parts: list[Any] = [who]
    if role.person_name and role.group:
        parts.append(role.group)
    return ", ".join(str(p) for p in parts if p)
