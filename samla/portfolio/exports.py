"""The proposal register as XLSX: the ranked list with value, cost per year, value per
million kroner, risk, dependencies and groups. Written with ``samla.core.xlsx`` (neutralised
cells, frozen header)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from samla.core.xlsx import (
    Column,
    add_register_sheet,
    new_workbook,
    register_xlsx,
    workbook_bytes,
)
from samla.finance import portfolio as engine
from samla.portfolio import selectors, selectors_scenarios
from samla.portfolio.models import Criterion, Proposal, ProposalGroup


def proposal_register_xlsx(rows: Sequence[selectors.RankedProposal]) -> bytes:
    """One row per proposal in the order shown; a column per plan year with a cost."""
    years = selectors.years_of(rows)
    pks = [row.proposal.pk for row in rows]
    requires: dict[int, list[str]] = {}
    for source, code, title in Proposal.requires.through.objects.filter(
        from_proposal_id__in=pks
    ).values_list("from_proposal_id", "to_proposal__code", "to_proposal__title"):
        requires.setdefault(source, []).append(code or title)
    groups: dict[int, list[str]] = {}
    for proposal_id, name in Proposal.groups.through.objects.filter(
        proposal_id__in=pks
    ).values_list("proposal_id", "proposalgroup__name"):
        groups.setdefault(proposal_id, []).append(name)
    columns = [
        Column(_("Rang"), 7, "integer"),
        Column(_("Nummer"), 12),
        Column(_("Tittel"), 40, wrap=True),
        Column(_("Innmeldt av"), 22),
        Column(_("Status"), 16),
        Column(_("Verdi (0–100)"), 12),
        Column(_("Mangler score"), 12),
        Column(_("Kostnad i alt"), 14, "kroner"),
        *(Column(str(year), 13, "kroner") for year in years),
        Column(_("Timer i alt"), 12, "integer"),
        Column(_("Verdi per million kr"), 14),
        Column(_("Risiko (1–5)"), 10, "integer"),
        Column(_("Tidligste oppstart"), 12, "integer"),
        Column(_("Netto nåverdi"), 14, "kroner"),
        Column(_("Forutsetter"), 24, wrap=True),
        Column(_("Grupper"), 24, wrap=True),
    ]
    data = (
        [
            row.rank,
            row.proposal.code,
            row.proposal.title,
            row.proposal.sponsor.name,
            row.proposal.get_status_display(),
            round(row.value, 2),
            _("ja") if row.missing_scores else _("nei"),
            row.cost,
            *(row.costs_by_year.get(year) for year in years),
            row.hours,
            round(row.value_per_million, 2) if row.value_per_million is not None else None,
            row.proposal.risk,
            row.proposal.earliest_start,
            row.proposal.npv,
            ", ".join(sorted(requires.get(row.proposal.pk, []))),
            ", ".join(sorted(groups.get(row.proposal.pk, []))),
        ]
        for row in rows
    )
    workbook = new_workbook()
    add_register_sheet(workbook, _("Forslag"), columns, data)
    return workbook_bytes(workbook)


def _whole(value: object) -> int | None:
    return None if value is None else round(float(value))  # type: ignore[arg-type]


def pot_xlsx(overview: selectors_scenarios.PotOverview) -> bytes:
    """The pot as on its page: each member's contribution per year with the sums, and per
    year the pot, the capacity in hours and what the reference scenario uses."""
    years = [pot.year for pot in overview.years]
    workbook = new_workbook()
    rows: list[list[object]] = [
        [row.organisation.name, *(_whole(a) for a in row.amounts), _whole(row.total)]
        for row in overview.members
    ]
    rows.append([_("Sum"), *(_whole(t) for t in overview.totals), _whole(overview.total)])
    add_register_sheet(
        workbook,
        _("Bidrag"),
        [
            Column(_("Medlem"), 28),
            *(Column(str(year), 15, "kroner") for year in years),
            Column(_("Sum (kr)"), 16, "kroner"),
        ],
        rows,
    )
    use = {u["year"]: u for u in overview.use}
    scenario = overview.scenario.name if overview.scenario is not None else ""
    add_register_sheet(
        workbook,
        _("Per år"),
        [
            Column(_("År"), 8, "integer"),
            Column(_("Potten (kr)"), 16, "kroner"),
            Column(_("Kapasitet (timer)"), 14, "integer"),
            Column(_("Brukt i scenarioet (kr)"), 18, "kroner"),
            Column(_("Andel brukt (%)"), 12),
            Column(_("Scenario"), 30),
        ],
        [
            [
                pot.year,
                _whole(total),
                _whole(pot.capacity_hours),
                _whole(use.get(pot.year, {}).get("used")),
                None
                if use.get(pot.year, {}).get("share") is None
                else round(use[pot.year]["share"] * 100, 1),
                scenario if pot.year in use else "",
            ]
            for pot, total in zip(overview.years, overview.totals, strict=True)
        ],
    )
    return workbook_bytes(workbook)


def criteria_xlsx(
    items: Sequence[Criterion],
    matrix: Sequence[Sequence[float]] | None,
    result: engine.AhpResult | None,
) -> bytes:
    """The criteria with their weights, and the AHP matrix with its consistency ratio when
    the weights came from AHP."""
    workbook = new_workbook()
    rows: list[list[object]] = [
        [c.name, c.description, float(c.weight), round(float(c.weight) * 100, 2)] for c in items
    ]
    total = sum((c.weight for c in items), Decimal(0))
    rows.append([_("Sum"), "", float(total), round(float(total) * 100, 2)])
    add_register_sheet(
        workbook,
        _("Kriterier"),
        [
            Column(_("Kriterium"), 30, wrap=True),
            Column(_("Hva som gir høy score"), 50, wrap=True),
            Column(_("Vekt"), 10),
            Column(_("Vekt (%)"), 10),
        ],
        rows,
    )
    if matrix is not None and result is not None:
        names = [c.name for c in items]
        ahp_rows: list[list[object]] = [
            [name, *(round(v, 4) for v in row), round(weight, 4)]
            for name, row, weight in zip(names, matrix, result.weights, strict=True)
        ]
        ahp_rows += [
            [],
            [_("Konsistensforhold (CR)"), round(result.consistency_ratio, 4)],
            [
                _("Konsistent (CR ≤ 0,10)"),
                _("ja") if result.consistent else _("nei"),
            ],
        ]
        add_register_sheet(
            workbook,
            _("AHP"),
            [
                Column(_("Kriterium mot kriterium"), 30, wrap=True),
                *(Column(name, 14) for name in names),
                Column(_("Vekt fra AHP"), 12),
            ],
            ahp_rows,
        )
    return workbook_bytes(workbook)


def groups_xlsx(groups: Sequence[ProposalGroup]) -> bytes:
    """The groups with their kind and members (prefetched)."""
    return register_xlsx(
        _("Grupper"),
        [
            Column(_("Gruppe"), 30, wrap=True),
            Column(_("Type"), 34),
            Column(_("Antall forslag"), 10, "integer"),
            Column(_("Forslag"), 60, wrap=True),
        ],
        [
            [
                group.name,
                group.get_kind_display(),
                len(members := list(group.members.all())),
                ", ".join(str(m) for m in members),
            ]
            for group in groups
        ],
    )
