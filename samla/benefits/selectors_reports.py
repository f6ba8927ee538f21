"""Reads for the benefit reports: plan versus actual against the business case, the benefit
realisation plans (per project and per organisation), the benefit maps' text alternative and
the collaboration's dashboard.

Plan versus actual, per benefit linked to a business-case line (``Benefit.case_line``):
- PLAN per year: the line's amount for each year from its first to its last year; a time
  saving line is hours, made kroner with the kroner per unit of the benefit's hours
  indicator (or the case version's hourly rate when it has none). The plan is split between
  the organisations by the line's cost-sharing key (or the version's), as the case pages
  split it. Only an approved (frozen) version is a plan: a draft's lines are shown with a
  note and count for nothing.
- ACTUAL per year: for every priced indicator of the benefit (kroner, or a kroner per unit),
  the latest measurement in the year made kroner, ``monetised(value, baseline, target,
  kroner_per_unit)``, summed over the indicators; per organisation by the measurement's
  organisation. A measurement for the whole benefit (no organisation) is shared between the
  organisations by the same key as the plan (the page says so), so the organisations' rows
  sum to the total; with no plan to share by, it stays under «Felles».

Query counts stay bounded: every function here reads a fixed number of queries whatever the
number of benefits, indicators and measurements.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from samla.benefits.models import (
    Benefit,
    BenefitMap,
    Indicator,
    MapLink,
    MapNode,
    Measurement,
    NodeKind,
    Unit,
)
from samla.benefits.selectors import (
    MISSING_INDICATOR,
    BenefitRow,
    IndicatorProgress,
    RegisterEntry,
    benefit_row,
    indicator_progress,
    prefetch_indicators,
    register,
    register_entries,
    status_label,
)
from samla.cases.document import parse_document, version_document
from samla.cases.models import CaseVersion, Line
from samla.core.dates import today as current_day
from samla.finance import sharing
from samla.finance.benefits import STATUS_ORDER, Status, monetised, status_rank
from samla.finance.evaluate import default_split, split_weights
from samla.governance.models import Programme, Project
from samla.organisations.models import Collaboration, Organisation

ORE = Decimal("0.01")
COMMON = "Felles"  # measurements for no organisation; translated where shown


def common_label() -> str:
    return _("Felles")


# --- Plan versus actual ---------------------------------------------------------------------


@dataclass
class YearCell:
    year: int
    plan: Decimal | None
    actual: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        if self.plan is None and self.actual is None:
            return None
        return (self.actual or Decimal(0)) - (self.plan or Decimal(0))


@dataclass
class OrganisationRow:
    name: str
    cells: list[YearCell]

    @property
    def plan(self) -> Decimal | None:
        values = [c.plan for c in self.cells if c.plan is not None]
        return sum(values, Decimal(0)) if values else None

    @property
    def actual(self) -> Decimal | None:
        values = [c.actual for c in self.cells if c.actual is not None]
        return sum(values, Decimal(0)) if values else None


@dataclass
class PlanVersusActual:
    benefit: Benefit
    line: Line | None
    version: CaseVersion | None
    plan_counts: bool  # the line belongs to an approved (frozen) version
    rate: Decimal | None  # kroner an hour for a time saving line
    years: list[int]
    totals: list[YearCell]
    rows: list[OrganisationRow]
    priced: bool  # the benefit has an indicator that can be made kroner
    notes: list[str] = field(default_factory=list)

    @property
    def plan(self) -> Decimal | None:
        values = [c.plan for c in self.totals if c.plan is not None]
        return sum(values, Decimal(0)) if values else None

    @property
    def actual(self) -> Decimal | None:
        values = [c.actual for c in self.totals if c.actual is not None]
        return sum(values, Decimal(0)) if values else None

    @property
    def has_figures(self) -> bool:
        return bool(self.years)


def _line_amount(line: Line) -> Decimal | None:
    """The yearly amount the plan uses: the value, the most likely or the mean; for a
    uniform distribution the middle of low and high."""
    if line.amount is not None:
        return line.amount
    if line.low is not None and line.high is not None:
        return (line.low + line.high) / 2
    return None


def _hours_rate(indicators: Sequence[Indicator], version: CaseVersion) -> Decimal:
    for indicator in indicators:
        if indicator.unit == Unit.HOURS and indicator.kroner_per_unit is not None:
            return indicator.kroner_per_unit
    return version.hourly_rate


def _weights(version: CaseVersion, line: Line, cache: dict[int, Any]) -> dict[str, Decimal]:
    """Organisation name → weight for ``line`` in a frozen ``version`` (from the document it
    was frozen with, so the split never changes); empty when the case names no organisation."""
    if version.pk not in cache:
        try:
            cache[version.pk] = parse_document(version_document(version))
        except Exception:  # noqa: BLE001 - a document that no longer parses splits nothing
            cache[version.pk] = None
    case = cache[version.pk]
    if case is None or not case.organisations:
        return {}
    key = None
    for alternative in case.alternatives:
        for parsed in alternative.lines:
            if parsed.name == line.name and alternative.name == line.alternative.name:
                key = parsed.split
    weights = split_weights(key or default_split(case), case.organisations)
    if not weights or sum(weights.values(), Decimal(0)) == 0:
        return {}
    return weights


# An indicator's pricing: (baseline value, target value, kroner per unit).
Pricing = tuple[float, float, float]
# A measurement as the actuals read it: (organisation name or None, date, value), oldest first.
MeasuredValue = tuple[str | None, datetime.date, Decimal]


def actuals_from_values(
    pricing: dict[int, Pricing], measured: dict[int, list[MeasuredValue]]
) -> dict[tuple[str, int], Decimal]:
    """(organisation name, year) → kroner realised, from each priced indicator's latest
    measurement in the year per organisation («Felles» for none)."""
    actual: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for indicator_id, (baseline, target, factor) in pricing.items():
        latest: dict[tuple[str, int], Decimal] = {}
        for name, day, value in measured.get(indicator_id, []):
            latest[(name if name is not None else COMMON, day.year)] = value
        for key, value in latest.items():
            kroner = monetised(float(value), baseline, target, factor)
            actual[key] += Decimal(repr(kroner)).quantize(ORE)
    return actual


def _actuals(
    indicators: Sequence[Indicator],
) -> tuple[dict[tuple[str, int], Decimal], bool]:
    """(organisation name, year) → kroner realised; and whether any indicator is priced."""
    pricing: dict[int, Pricing] = {}
    measured: dict[int, list[MeasuredValue]] = {}
    for indicator in indicators:
        factor = indicator.kroner_factor
        if factor is None:
            continue
        pricing[indicator.pk] = (
            float(indicator.baseline_value),
            float(indicator.target_value),
            float(factor),
        )
        measured[indicator.pk] = [
            (
                m.organisation.name if m.organisation is not None else None,
                m.measured_on,
                m.value,
            )
            for m in indicator.measurements.all()  # ordered by date
        ]
    return actuals_from_values(pricing, measured), bool(pricing)


def _distribute_common(actual: dict[tuple[str, int], Decimal], weights: dict[str, Decimal]) -> bool:
    """Share each year's actual for the whole benefit («Felles») between the organisations
    by the plan's key, added to what was measured for each; whether there was any."""
    common = [(year, value) for (name, year), value in actual.items() if name == COMMON]
    for year, value in common:
        del actual[(COMMON, year)]
        for name, share in sharing.split_amount(value, weights).items():
            actual[(name, year)] = actual.get((name, year), Decimal(0)) + share
    return bool(common)


def plan_versus_actual(
    benefit: Benefit,
    *,
    cache: dict[int, Any] | None = None,
    actuals: tuple[dict[tuple[str, int], Decimal], bool] | None = None,
) -> PlanVersusActual:
    """Plan against actual for one benefit whose indicators, measurements (with their
    organisation) and case line (with alternative and version) are loaded; see
    :func:`with_plan_data`. ``actuals`` (from :func:`actuals_from_values`, and whether an
    indicator is priced) spares loading the measurements."""
    cache = {} if cache is None else cache
    indicators = list(benefit.indicators.all())
    actual, priced = _actuals(indicators) if actuals is None else actuals
    line = benefit.case_line
    version = line.alternative.version if line is not None else None
    notes: list[str] = []
    plan: dict[tuple[str, int], Decimal] = {}
    plan_total: dict[int, Decimal] = {}
    rate: Decimal | None = None
    plan_counts = version is not None and version.is_frozen
    if line is None:
        notes.append(
            _("Gevinsten er ikke koblet til en linje i en business case, så den har ingen plan.")
        )
    elif not plan_counts:
        notes.append(
            _(
                "Business case-versjonen er et utkast. Planen teller først når versjonen er godkjent og låst."
            )
        )
    weights: dict[str, Decimal] = {}
    if line is not None and version is not None and plan_counts:
        weights = _weights(version, line, cache)
        amount = _line_amount(line)
        if amount is not None and line.kind == Line.Kind.TIME_SAVING:
            rate = _hours_rate(indicators, version)
            amount = amount * rate
        if amount is not None:
            amount = amount.quantize(ORE)
            for year in range(line.first_year, line.last_year + 1):
                plan_total[year] = amount
                if weights:
                    for name, share in sharing.split_amount(amount, weights).items():
                        plan[(name, year)] = share
                else:
                    plan[(COMMON, year)] = amount
    if weights and _distribute_common(actual, weights):
        notes.append(_("Målinger for hele gevinsten er fordelt etter samme nøkkel som planen."))
    if not priced and indicators:
        notes.append(
            _("Ingen av indikatorene kan regnes om til kroner (kroner per enhet mangler).")
        )
    elif not indicators:
        notes.append(_("Gevinsten mangler indikator, så ingenting er målt."))
    years = sorted({year for _name, year in plan} | {year for _name, year in actual})
    names = sorted({name for name, _year in plan} | {name for name, _year in actual})
    if COMMON in names:  # «Felles» last
        names.remove(COMMON)
        names.append(COMMON)
    rows = [
        OrganisationRow(
            name=common_label() if name == COMMON else name,
            cells=[
                YearCell(year, plan.get((name, year)), actual.get((name, year))) for year in years
            ],
        )
        for name in names
    ]
    totals = []
    for year in years:
        actual_values = [v for (_n, y), v in actual.items() if y == year]
        totals.append(
            YearCell(
                year,
                plan_total.get(year),
                sum(actual_values, Decimal(0)) if actual_values else None,
            )
        )
    return PlanVersusActual(
        benefit=benefit,
        line=line,
        version=version,
        plan_counts=plan_counts,
        rate=rate,
        years=years,
        totals=totals,
        rows=rows,
        priced=priced,
        notes=notes,
    )


def with_plan_data(benefits: QuerySet[Benefit]) -> QuerySet[Benefit]:
    """Everything :func:`plan_versus_actual` reads, in a fixed number of queries."""
    return benefits.select_related(
        "case_line__alternative__version__case",
        "owner",
        "responsible",
        "project__programme",
        "programme",
    ).prefetch_related(
        "organisations",
        Prefetch(
            "indicators",
            queryset=Indicator.objects.prefetch_related(
                "targets",
                Prefetch(
                    "measurements",
                    queryset=Measurement.objects.select_related("organisation", "measured_by"),
                ),
            ),
        ),
    )


def plans_versus_actual(benefits: Iterable[Benefit]) -> list[PlanVersusActual]:
    cache: dict[int, Any] = {}
    return [plan_versus_actual(benefit, cache=cache) for benefit in benefits]


def benefit_plan_versus_actual(benefit: Benefit) -> PlanVersusActual:
    """For one benefit's page."""
    loaded = with_plan_data(Benefit.objects.filter(pk=benefit.pk)).get()
    return plan_versus_actual(loaded)


def case_version_benefits(version: CaseVersion) -> list[PlanVersusActual]:
    """The benefits linked to a line of ``version``, each with plan against actual (for the
    business case's version page). A fixed number of queries."""
    benefits = with_plan_data(
        Benefit.objects.filter(case_line__alternative__version=version).order_by("code", "title")
    )
    return plans_versus_actual(benefits)


# --- Benefit maps ---------------------------------------------------------------------------


@dataclass
class MapColumn:
    kind: str
    label: str
    nodes: list[MapNode]


@dataclass
class MapView:
    benefit_map: BenefitMap
    nodes: list[MapNode]
    links: list[MapLink]
    columns: list[MapColumn]
    leads_to: dict[int, list[MapNode]]  # node pk → the nodes it leads to
    comes_from: dict[int, list[MapNode]]


def map_list(
    collaboration: Collaboration,
    *,
    programme: Programme | None = None,
    project: Project | None = None,
) -> QuerySet[BenefitMap]:
    maps = BenefitMap.objects.filter(collaboration=collaboration)
    if programme is not None:
        maps = maps.filter(Q(programme=programme) | Q(project__programme=programme))
    if project is not None:
        maps = maps.filter(project=project)
    return maps.select_related("programme", "project").prefetch_related("nodes", "links")


def map_view(benefit_map: BenefitMap) -> MapView:
    nodes = list(benefit_map.nodes.select_related("benefit", "project").order_by("order", "pk"))
    links = list(benefit_map.links.all())
    by_pk = {node.pk: node for node in nodes}
    leads_to: dict[int, list[MapNode]] = {node.pk: [] for node in nodes}
    comes_from: dict[int, list[MapNode]] = {node.pk: [] for node in nodes}
    for link in links:
        if link.source_id in by_pk and link.target_id in by_pk:
            leads_to[link.source_id].append(by_pk[link.target_id])
            comes_from[link.target_id].append(by_pk[link.source_id])
    columns = [
        MapColumn(kind, str(NodeKind(kind).label), [n for n in nodes if n.kind == kind])
        for kind in NodeKind.values
    ]
    for node in nodes:
        node.leads_to = leads_to[node.pk]  # type: ignore[attr-defined]
        node.comes_from = comes_from[node.pk]  # type: ignore[attr-defined]
    return MapView(benefit_map, nodes, links, columns, leads_to, comes_from)


def map_benefit_statuses(view: MapView) -> dict[int, str]:
    """Benefit pk → «status in the register, worst indicator» for the map's benefit boxes."""
    ids = {node.benefit_id for node in view.nodes if node.benefit_id is not None}
    if not ids:
        return {}
    benefits = register(view.benefit_map.collaboration).filter(pk__in=ids)
    return {
        benefit.pk: f"{benefit.get_status_display()}, {benefit_row(benefit).status_label.lower()}"
        for benefit in benefits
    }


def map_links(benefit_map: BenefitMap) -> list[MapLink]:
    return list(benefit_map.links.select_related("source", "target"))


# --- Realisation plans ----------------------------------------------------------------------


def project_benefits(project: Project) -> QuerySet[Benefit]:
    return with_plan_data(
        Benefit.objects.filter(collaboration=project.collaboration, project=project).order_by(
            "code", "title"
        )
    )


def organisation_benefits(
    collaboration: Collaboration, organisation: Organisation
) -> QuerySet[Benefit]:
    """The benefits that accrue to ``organisation`` or were measured for it."""
    ids = Benefit.objects.filter(collaboration=collaboration).filter(
        Q(organisations=organisation) | Q(indicators__measurements__organisation=organisation)
    )
    return with_plan_data(Benefit.objects.filter(pk__in=ids.values("pk")).order_by("code", "title"))


@dataclass
class PlanEntry:
    row: BenefitRow
    pva: PlanVersusActual
    measurements: dict[int, list[Measurement]]  # indicator pk → its measurements, oldest first

    @property
    def benefit(self) -> Benefit:
        return self.row.benefit


@dataclass
class RealisationPlan:
    title: str
    scope: str  # «Prosjekt: …» or «Organisasjon: …»
    collaboration: Collaboration
    entries: list[PlanEntry]
    organisation: Organisation | None = None
    made_on: datetime.date = field(default_factory=lambda: current_day())

    @property
    def plan(self) -> Decimal:
        return sum((e.pva.plan or Decimal(0) for e in self.entries), Decimal(0))

    @property
    def actual(self) -> Decimal:
        return sum((e.pva.actual or Decimal(0) for e in self.entries), Decimal(0))


def _only_organisation(pva: PlanVersusActual, organisation: Organisation) -> PlanVersusActual:
    """The organisation's own share of plan and actual."""
    rows = [row for row in pva.rows if row.name == organisation.name]
    totals = rows[0].cells if rows else []
    years = [cell.year for cell in totals]
    return PlanVersusActual(
        benefit=pva.benefit,
        line=pva.line,
        version=pva.version,
        plan_counts=pva.plan_counts,
        rate=pva.rate,
        years=years,
        totals=totals,
        rows=rows,
        priced=pva.priced,
        notes=pva.notes,
    )


def realisation_plan(
    benefits: QuerySet[Benefit],
    *,
    title: str,
    scope: str,
    collaboration: Collaboration,
    organisation: Organisation | None = None,
) -> RealisationPlan:
    """Everything the realisation plan (DOCX, XLSX) shows, from ``benefits`` loaded by
    :func:`with_plan_data`; a fixed number of queries."""
    cache: dict[int, Any] = {}
    entries = []
    for benefit in benefits:
        pva = plan_versus_actual(benefit, cache=cache)
        if organisation is not None:
            pva = _only_organisation(pva, organisation)
        measurements = {
            indicator.pk: list(indicator.measurements.all())
            for indicator in benefit.indicators.all()
        }
        entries.append(PlanEntry(benefit_row(benefit), pva, measurements))
    return RealisationPlan(title, scope, collaboration, entries, organisation)


def project_plan(project: Project) -> RealisationPlan:
    return realisation_plan(
        project_benefits(project),
        title=_("Gevinstrealiseringsplan for %(name)s") % {"name": project.name},
        scope=_("Prosjekt: %(name)s") % {"name": project.name},
        collaboration=project.collaboration,
    )


def organisation_plan(collaboration: Collaboration, organisation: Organisation) -> RealisationPlan:
    return realisation_plan(
        organisation_benefits(collaboration, organisation),
        title=_("Gevinstrealiseringsplan for %(name)s") % {"name": organisation.name},
        scope=_("Organisasjon: %(name)s") % {"name": organisation.name},
        collaboration=collaboration,
        organisation=organisation,
    )


@dataclass
class PlanChoice:
    name: str
    uuid: Any
    benefits: int


def plan_choices(collaboration: Collaboration) -> tuple[list[PlanChoice], list[PlanChoice]]:
    """Projects and member organisations with how many benefits each plan would hold."""
    from django.db.models import Count

    projects = [
        PlanChoice(p.name, p.uuid, p.benefit_count)
        for p in Project.objects.filter(collaboration=collaboration)
        .annotate(benefit_count=Count("benefits", distinct=True))
        .order_by("name")
    ]
    organisations = [
        PlanChoice(o.name, o.uuid, o.benefit_count)
        for o in Organisation.objects.filter(memberships__collaboration=collaboration)
        .annotate(
            benefit_count=Count(
                "benefits", filter=Q(benefits__collaboration=collaboration), distinct=True
            )
        )
        .order_by("name")
    ]
    return projects, organisations


# --- Dashboard ------------------------------------------------------------------------------


@dataclass
class Sum:
    label: str
    plan: Decimal = Decimal(0)
    actual: Decimal = Decimal(0)

    @property
    def difference(self) -> Decimal:
        return self.actual - self.plan


@dataclass
class Watch:
    """An indicator behind plan or at risk, for the dashboard's list."""

    benefit: Benefit
    progress: IndicatorProgress


@dataclass
class StatusCount:
    key: str
    label: str
    count: int


@dataclass
class Dashboard:
    benefits: int
    by_year: list[Sum]
    by_organisation: list[Sum]
    by_programme: list[Sum]
    watch: list[Watch]
    status_counts: list[StatusCount]
    draft_notes: int  # benefits whose case line is in a draft version (no plan yet)
    watch_total: int = 0  # indicators behind plan or at risk in all (``watch`` is the worst)

    @property
    def plan(self) -> Decimal:
        return sum((s.plan for s in self.by_year), Decimal(0))

    @property
    def actual(self) -> Decimal:
        return sum((s.actual for s in self.by_year), Decimal(0))


def _add(sums: dict[str, Sum], label: str, plan: Decimal | None, actual: Decimal | None) -> None:
    entry = sums.setdefault(label, Sum(label))
    entry.plan += plan or Decimal(0)
    entry.actual += actual or Decimal(0)


def _programme_of(benefit: Benefit) -> str:
    if benefit.programme is not None:
        return benefit.programme.name
    if benefit.project is not None and benefit.project.programme is not None:
        return benefit.project.programme.name
    return _("Uten program")


# The dashboard lists at most this many indicators behind plan or at risk (the worst).
WATCH_LIMIT = 50


def _priced_indicators(collaboration: Collaboration) -> QuerySet[Indicator]:
    return Indicator.objects.filter(benefit__collaboration=collaboration).filter(
        Q(unit=Unit.KRONER) | Q(kroner_per_unit__isnull=False)
    )


def _dashboard_actuals(
    collaboration: Collaboration,
) -> dict[int, tuple[dict[tuple[str, int], Decimal], bool]]:
    """Benefit pk → (its actuals, True) for every benefit with a priced indicator, from
    plain values in two queries (no measurement objects)."""
    priced = _priced_indicators(collaboration)
    pricing: dict[int, dict[int, Pricing]] = defaultdict(dict)
    for pk, benefit_id, unit, factor, baseline, target in priced.values_list(
        "pk", "benefit_id", "unit", "kroner_per_unit", "baseline_value", "target_value"
    ):
        # as Indicator.kroner_factor: an amount in kroner is worth 1 kroner a unit
        per_unit = (factor or Decimal(1)) if unit == Unit.KRONER else factor
        if per_unit is not None:  # always, by the filter
            pricing[benefit_id][pk] = (float(baseline), float(target), float(per_unit))
    measured: dict[int, list[MeasuredValue]] = defaultdict(list)
    rows = (
        Measurement.objects.filter(indicator__in=priced.values("pk"))
        .order_by("indicator_id", "measured_on", "pk")
        .values_list("indicator_id", "organisation__name", "measured_on", "value")
    )
    for indicator_id, name, day, value in rows:
        measured[indicator_id].append((name, day, value))
    return {
        benefit_id: (actuals_from_values(prices, measured), True)
        for benefit_id, prices in pricing.items()
    }


def _watch(entries: list[RegisterEntry], today: datetime.date) -> tuple[list[Watch], int]:
    """The worst ``WATCH_LIMIT`` indicators behind plan or at risk (behind first, then the
    largest shortfall), loaded as objects; and how many there are in all."""
    position = {entry.pk: index for index, entry in enumerate(entries)}
    flagged = [
        indicator
        for entry in entries
        for indicator in entry.indicators
        if indicator.status in (Status.BEHIND, Status.AT_RISK)
    ]
    flagged.sort(
        key=lambda i: (
            status_rank(i.status),
            -(i.assessment.shortfall or 0),
            position[i.benefit_id],
        )
    )
    chosen = [i.pk for i in flagged[:WATCH_LIMIT]]
    loaded = {
        indicator.pk: indicator
        for indicator in prefetch_indicators(Indicator.objects.filter(pk__in=chosen))
    }
    watch = [
        Watch(loaded[pk].benefit, indicator_progress(loaded[pk], today=today))
        for pk in chosen
        if pk in loaded
    ]
    return watch, len(flagged)


def dashboard(collaboration: Collaboration) -> Dashboard:
    """The collaboration's benefits in kroner per year, organisation and programme, the
    indicators behind plan and at risk, and how many benefits have each status. A fixed
    number of queries, and model objects only for the benefits with a plan or a priced
    indicator (without their measurements) and for the indicators listed."""
    today = current_day()
    entries = sorted(register_entries(collaboration, today=today), key=lambda e: e.position)
    actuals = _dashboard_actuals(collaboration)
    benefits = (
        Benefit.objects.filter(collaboration=collaboration)
        .filter(
            Q(case_line__isnull=False)
            | Q(pk__in=_priced_indicators(collaboration).values("benefit_id"))
        )
        .select_related("case_line__alternative__version__case", "project__programme", "programme")
        .prefetch_related("indicators")
        .order_by("code", "title")
    )
    cache: dict[int, Any] = {}
    by_year: dict[str, Sum] = {}
    by_organisation: dict[str, Sum] = {}
    by_programme: dict[str, Sum] = {}
    drafts = 0
    for benefit in benefits:
        pva = plan_versus_actual(benefit, cache=cache, actuals=actuals.get(benefit.pk, ({}, False)))
        if pva.line is not None and not pva.plan_counts:
            drafts += 1
        for cell in pva.totals:
            _add(by_year, str(cell.year), cell.plan, cell.actual)
        for org_row in pva.rows:
            _add(by_organisation, org_row.name, org_row.plan, org_row.actual)
        if pva.years:
            _add(by_programme, _programme_of(benefit), pva.plan, pva.actual)
    worst: dict[str, int] = defaultdict(int)
    for entry in entries:
        worst[entry.worst.value if entry.worst is not None else MISSING_INDICATOR] += 1
    watch, watch_total = _watch(entries, today)
    counts = [
        StatusCount(status.value, status_label(status), worst.get(status.value, 0))
        for status in STATUS_ORDER
    ]
    counts.append(
        StatusCount(MISSING_INDICATOR, status_label(None), worst.get(MISSING_INDICATOR, 0))
    )
    organisations = sorted(by_organisation.values(), key=lambda s: s.label)
    common = [s for s in organisations if s.label == common_label()]
    organisations = [s for s in organisations if s.label != common_label()] + common
    return Dashboard(
        benefits=len(entries),
        by_year=sorted(by_year.values(), key=lambda s: s.label),
        by_organisation=organisations,
        by_programme=sorted(by_programme.values(), key=lambda s: s.label),
        watch=watch,
        status_counts=counts,
        draft_notes=drafts,
        watch_total=watch_total,
    )


def chart(sums: list[Sum], *, plan_label: str, actual_label: str) -> dict[str, Any]:
    """The spec samla/static/samla/charts.js draws: planned and realised kroner per row."""
    return {
        "kind": "grouped",
        "unit": "kr",
        "categories": [s.label for s in sums],
        "series": [
            {"name": plan_label, "data": [float(s.plan) for s in sums]},
            {"name": actual_label, "data": [float(s.actual) for s in sums]},
        ],
    }
