"""A scenario as a workbook: the chosen proposals, those left out with the reason, budget
use per year and each member's share of the spending. Written with ``samla.core.xlsx``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from samla.core.xlsx import Column, add_register_sheet, new_workbook, workbook_bytes
from samla.portfolio import selectors_scenarios as selectors
from samla.portfolio.models import Scenario


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def scenario_xlsx(scenario: Scenario) -> bytes:
    result = selectors.scenario_result(scenario)
    workbook = new_workbook()
    years = result.years if result else []
    proposal_columns = [
        Column(_("Nummer"), 10),
        Column(_("Forslag"), 40, wrap=True),
        Column(_("Innmeldt av"), 22),
        Column(_("Verdi"), 10),
        Column(_("Risiko (1–5)"), 10, "integer"),
        Column(_("Oppstart"), 10, "integer"),
        *[Column(str(year), 14, "kroner") for year in years],
        Column(_("Sum (kr)"), 15, "kroner"),
    ]

    def proposal_row(row: selectors.ProposalRow) -> list[object]:
        p = row.proposal
        return [
            p.code,
            p.title,
            p.sponsor.name,
            round(row.value, 2),
            p.risk,
            row.start,
            *[_whole(c) for c in row.costs],
            _whole(row.total),
        ]

    add_register_sheet(
        workbook,
        _("Valgt"),
        proposal_columns,
        [proposal_row(r) for r in (result.chosen if result else [])],
    )
    add_register_sheet(
        workbook,
        _("Utelatt"),
        [*proposal_columns, Column(_("Hvorfor utelatt"), 60, wrap=True)],
        [[*proposal_row(r), r.reason] for r in (result.left_out if result else [])],
    )
    add_register_sheet(
        workbook,
        _("Budsjett per år"),
        [
            Column(_("År"), 8, "integer"),
            Column(_("Budsjett (kr)"), 15, "kroner"),
            Column(_("Overført fra året før (kr)"), 18, "kroner"),
            Column(_("Tilgjengelig (kr)"), 15, "kroner"),
            Column(_("Brukt (kr)"), 15, "kroner"),
            Column(_("Igjen (kr)"), 15, "kroner"),
            Column(_("Overføres (kr)"), 15, "kroner"),
        ],
        [
            [
                b["year"],
                _whole(b["budget"]),
                _whole(b["carried_in"]),
                _whole(b["available"]),
                _whole(b["used"]),
                _whole(b["left"]),
                _whole(b["carried_forward"]),
            ]
            for b in (result.budget if result else [])
        ],
    )
    member_columns = [Column(_("Medlem"), 28)]
    for year in years:
        member_columns += [
            Column(_("Bidrag %(year)s (kr)") % {"year": year}, 16, "kroner"),
            Column(_("Forbruk fordelt på medlemmet %(year)s (kr)") % {"year": year}, 20, "kroner"),
        ]
    member_columns += [
        Column(_("Bidrag i alt (kr)"), 16, "kroner"),
        Column(_("Forbruk fordelt på medlemmet i alt (kr)"), 20, "kroner"),
        Column(_("Andel av forbruket (%)"), 14),
    ]
    member_rows: list[list[object]] = []
    for member in result.per_member if result else []:
        cells: list[object] = [member["organisation"].name]
        for cell in member["cells"]:
            cells += [cell["contribution"], cell["spent"]]
        member_rows.append(
            [*cells, member["contribution"], member["spent"], _percent(member["spent_share"])]
        )
    if result and result.per_member:
        total: list[object] = [_("Sum")]
        for given, part in zip(
            result.member_sum["contributions"], result.member_totals, strict=True
        ):
            total += [given, part]
        member_rows.append(
            [
                *total,
                result.member_sum["contribution"],
                result.member_sum["spent"],
                _percent(result.member_sum["spent_share"]),
            ]
        )
    add_register_sheet(workbook, _("Per medlem"), member_columns, member_rows)
    return workbook_bytes(workbook)
