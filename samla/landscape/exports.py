"""The landscape's analyses as XLSX, and the target portfolio with its exit plan as DOCX.

Each export reads the same selectors as the pages (samla.landscape.analysis), so what
is downloaded is what is shown.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samla.core.docx import add_table, document_bytes, new_document
from samla.core.xlsx import Column, add_register_sheet, new_workbook, register_xlsx, workbook_bytes
from samla.landscape import analysis
from samla.organisations.models import Collaboration

ACTION_LABELS = {
    "keep": gettext_lazy("beholder"),
    "migrate": gettext_lazy("migrerer"),
    "retire": gettext_lazy("avvikler"),
    "adopt": gettext_lazy("tar i bruk"),
    "terminate": gettext_lazy("si opp avtale"),
}


def _action(key: str) -> str:
    return str(ACTION_LABELS.get(key, key))


def matrix_xlsx(collaboration: Collaboration) -> bytes:
    result = analysis.landscape_matrix(collaboration)
    columns = [Column(_("Kategori"), 30), Column(_("Tjenesteområde"), 26)]
    columns += [Column(o.name, 24, wrap=True) for o in result.organisations]
    columns.append(Column(_("Ulike systemer"), 14, "integer"))
    rows = [
        [row.category.name, row.category.service_area.name]
        + [", ".join(i.product.name for i in cell) for cell in row.cells]
        + [row.distinct_products]
        for row in result.rows
    ]
    return register_xlsx(_("Landskap"), columns, rows)


def harmonisation_xlsx(collaboration: Collaboration, *, today: datetime.date) -> bytes:
    columns = [
        Column(_("Kategori"), 30),
        Column(_("System"), 26),
        Column(_("Brukes i"), 10),
        Column(_("Organisasjoner"), 40, wrap=True),
        Column(_("Brukere"), 10, "integer"),
        Column(_("Årlig kostnad"), 16, "kroner"),
        Column(_("Avtaler som går ut"), 12, "integer"),
        Column(_("Målsystem"), 22),
    ]
    rows = []
    for row in analysis.harmonisation(collaboration, today=today):
        for use in row.products:
            rows.append(
                [
                    row.category.name,
                    use.product.name,
                    use.used_in(row.member_count),
                    ", ".join(o.name for o in use.organisations),
                    use.users,
                    use.yearly_cost,
                    len(use.contracts_ending),
                    row.target.product.name if row.target else "",
                ]
            )
    return register_xlsx(_("Harmonisering"), columns, rows)


def consolidation_xlsx(collaboration: Collaboration, *, today: datetime.date) -> bytes:
    columns = [
        Column(_("Rang"), 6, "integer"),
        Column(_("Kategori"), 30),
        Column(_("Ulike systemer"), 10, "integer"),
        Column(_("Årlig kostnad"), 16, "kroner"),
        Column(_("Avtaler som går ut"), 12, "integer"),
        Column(_("Brukere"), 10, "integer"),
        Column(_("Poeng: systemer"), 12),
        Column(_("Poeng: kostnad"), 12),
        Column(_("Poeng: avtaler"), 12),
        Column(_("Poeng: brukere"), 12),
        Column(_("Poengsum"), 12),
    ]
    rows = []
    for rank, o in enumerate(analysis.consolidation_opportunities(collaboration, today=today), start=1):
        h = o.harmonisation
        rows.append(
            [rank, h.category.name, h.distinct_products, h.yearly_cost, h.contracts_ending, h.users]
            + [float(o.parts[k]) for k in analysis.SCORE_WEIGHTS]
            + [float(o.score)]
        )
    return register_xlsx(_("Konsolidering"), columns, rows)


def contract_timeline_xlsx(collaboration: Collaboration, *, today: datetime.date) -> bytes:
    columns = [
        Column(_("Avtalenummer"), 14),
        Column(_("Tittel"), 30),
        Column(_("Leverandør"), 20),
        Column(_("Parter"), 30, wrap=True),
        Column(_("Start"), 12, "date"),
        Column(_("Slutt"), 12, "date"),
        Column(_("Siste frist for oppsigelse"), 14, "date"),
        Column(_("Seneste slutt med opsjoner"), 14, "date"),
        Column(_("Årlig verdi"), 14, "kroner"),
        Column(_("Ny anskaffelse trengs"), 12),
        Column(_("Over terskelverdi"), 12),
    ]
    rows = []
    for e in analysis.contract_timeline(collaboration, today=today):
        c = e.contract
        rows.append(
            [
                c.number,
                c.title,
                c.vendor.name,
                ", ".join(o.name for o in c.organisations.all()),
                c.start_date,
                c.end_date,
                c.notice_deadline,
                c.latest_end_date,
                c.yearly_value,
                _("ja") if e.needs_procurement else _("nei"),
                _("ja") if e.above_threshold else _("nei"),
            ]
        )
    return register_xlsx(_("Avtaletidslinje"), columns, rows)


COST_ROWS = [
    ("personnel", gettext_lazy("Lønn inkl. sosiale utgifter")),
    ("personnel_services", gettext_lazy("Kjøp av tjenester – personalrelatert")),
    ("fibre", gettext_lazy("Fiber / kommunikasjonslinjer")),
    ("licences", gettext_lazy("Programvare – lisenser / vedlikehold")),
    ("equipment", gettext_lazy("IT-utstyr")),
    ("service_agreements", gettext_lazy("Serviceavtaler")),
    ("consultants", gettext_lazy("Konsulenttjenester")),
    ("income", gettext_lazy("Inntekter")),
]


def ict_costs_xlsx(collaboration: Collaboration) -> bytes:
    years, organisations = analysis.ict_costs(collaboration)
    columns = [Column(_("Organisasjon"), 24), Column(_("Linje"), 44)] + [
        Column(str(y), 14, "kroner") for y in years
    ]
    rows: list[list[object]] = []
    for org in organisations:
        def line(label: str, values: list[Decimal | None], name: str = org.organisation.name) -> None:
            rows.append([name, label, *values])

        for key, label in COST_ROWS:
            line(str(label), [y.by_category.get(key, Decimal(0)) for y in org.years])
        line(_("Totale IKT-driftskostnader"), [y.operating for y in org.years])
        line(_("Investeringskostnader"), [y.investment for y in org.years])
        line(_("Totale IKT-kostnader (drift og investering)"), [y.total for y in org.years])
        line(_("Totale IKT-kostnader – konkurranseutsatte IKT-tjenester"), [y.exposed for y in org.years])
        rows.append(
            [org.organisation.name, _("Andel konkurranseutsatt (%)")]
            + [float(round(y.exposed_share * 100, 1)) if y.exposed_share is not None else None for y in org.years]
        )
    return register_xlsx(_("IKT-kostnader"), columns, rows)


def _portfolio_rows(collaboration: Collaboration) -> list[list[object]]:
    rows: list[list[object]] = []
    for ct in analysis.target_portfolio(collaboration):
        for t in ct.transitions:
            rows.append(
                [
                    ct.choice.category.name,
                    ct.choice.product.name,
                    t.organisation.name,
                    _action(t.action),
                    ", ".join(p.name for p in t.current) if t.action != "adopt" else "",
                    ct.choice.decided_by,
                    ct.choice.decided_on,
                    ct.choice.rationale,
                ]
            )
    return rows


def _exit_rows(collaboration: Collaboration) -> list[list[object]]:
    return [
        [
            item.deadline,
            _action(item.kind),
            item.organisation.name if item.organisation else _("flere"),
            item.category.name,
            item.product.name,
            item.target.name,
            item.contract.number if item.contract else "",
        ]
        for item in analysis.exit_plan(collaboration)
    ]


def target_portfolio_xlsx(collaboration: Collaboration) -> bytes:
    workbook = new_workbook()
    add_register_sheet(
        workbook,
        _("Målportefølje"),
        [
            Column(_("Kategori"), 28),
            Column(_("Målsystem"), 22),
            Column(_("Organisasjon"), 22),
            Column(_("Tiltak"), 14),
            Column(_("Nåværende system"), 26),
            Column(_("Besluttet av"), 24),
            Column(_("Besluttet dato"), 12, "date"),
            Column(_("Begrunnelse"), 50, wrap=True),
        ],
        _portfolio_rows(collaboration),
    )
    add_register_sheet(
        workbook,
        _("Exitplan"),
        [
            Column(_("Frist"), 12, "date"),
            Column(_("Tiltak"), 16),
            Column(_("Organisasjon"), 22),
            Column(_("Kategori"), 28),
            Column(_("Fra"), 22),
            Column(_("Til"), 22),
            Column(_("Avtale"), 14),
        ],
        _exit_rows(collaboration),
    )
    return workbook_bytes(workbook)


def _date(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value else "–"


def target_portfolio_docx(collaboration: Collaboration, *, today: datetime.date) -> bytes:
    """The decision document: chosen systems with reasons, every member's transition, and
    the exit plan with notice deadlines."""
    document = new_document(
        _("Målportefølje og exitplan – %(name)s") % {"name": collaboration.name},
        _("Laget i Samla %(date)s.") % {"date": _date(today)},
    )
    portfolio = analysis.target_portfolio(collaboration)
    document.add_heading(_("Valgte systemer"), level=1)
    if not portfolio:
        document.add_paragraph(_("Ingen målsystemer er valgt ennå."))
    for ct in portfolio:
        choice = ct.choice
        document.add_heading(f"{choice.category.name}: {choice.product.name}", level=2)
        document.add_paragraph(
            _("Besluttet av %(who)s %(when)s. Frist for overgang: %(deadline)s.")
            % {"who": choice.decided_by, "when": _date(choice.decided_on), "deadline": _date(choice.migration_deadline)}
        )
        document.add_paragraph(choice.rationale)
        add_table(
            document,
            [_("Organisasjon"), _("Tiltak"), _("Nåværende system")],
            [
                [t.organisation.name, _action(t.action), ", ".join(p.name for p in t.current) if t.action != "adopt" else "–"]
                for t in ct.transitions
            ],
        )
    document.add_heading(_("Exitplan"), level=1)
    document.add_paragraph(
        _("Avtaler som må sies opp innen siste frist for oppsigelse, og overganger, sortert etter frist.")
    )
    add_table(
        document,
        [_("Frist"), _("Tiltak"), _("Organisasjon"), _("Kategori"), _("Fra"), _("Til"), _("Avtale")],
        [[_date(r[0]), *r[1:]] for r in _exit_rows(collaboration)],
    )
    return document_bytes(document)
