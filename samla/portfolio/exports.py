"""The proposal register as XLSX: the ranked list with value, cost per year, value per
million kroner, risk, dependencies and groups. Written with ``samla.core.xlsx`` (neutralised
cells, frozen header)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from samla.core.xlsx import Column, add_register_sheet, new_workbook, workbook_bytes
from samla.portfolio import selectors
from samla.portfolio.models import Proposal


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
