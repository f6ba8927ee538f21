"""Reads of the benefit register: each indicator's progress against its trajectory and the
register with the worst first. The arithmetic is ``samla.finance.benefits``.

Which measurement counts: an indicator's *latest* measurement is the one with the latest date;
on the same day a measurement for the whole benefit (no organisation) comes before an
organisation's, then the most recently entered. The status is judged at that date (see
``STATUS_RULE``); the next measurement is due a frequency's worth of months after it (after
the baseline when nothing is measured yet), and is *overdue* once that day has passed while
the benefit is still being pursued (not realised, not abandoned).

``benefits_with_progress`` runs a fixed number of queries however many benefits, indicators
and measurements there are: it prefetches each indicator's latest measurement only (with its
organisation; who measured is read through ``measurements_of``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, FloatField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samla.benefits.models import (
    FREQUENCY_MONTHS,
    Benefit,
    BenefitStatus,
    Frequency,
    Indicator,
    IndicatorTarget,
    Measurement,
)
from samla.core.dates import today as current_day
from samla.finance.benefits import (
    AT_RISK_MARGIN,
    ON_TRACK_MARGIN,
    Assessment,
    Point,
    Status,
    assess,
    monetised,
    next_due,
    status_rank,
)
from samla.organisations.models import Collaboration, Organisation

STATUS_LABELS = {
    Status.ON_TRACK: _("I rute"),
    Status.AT_RISK: _("I faresonen"),
    Status.BEHIND: _("Bak plan"),
    Status.NOT_MEASURED: _("Ikke målt"),
}
MISSING_INDICATOR_LABEL = _("Mangler indikator")
# The filter value for benefits with no indicator (``status=`` of benefits_with_progress).
MISSING_INDICATOR = "missing_indicator"
# Benefits no longer pursued: no reminders, nothing overdue.
CLOSED_STATUSES = (BenefitStatus.REALISED, BenefitStatus.ABANDONED)


def _status_rule() -> str:
    return gettext(
        "Status beregnes på datoen for siste måling. Planen er den rette linjen fra nullpunktet "
        "gjennom delmålene til målet. Indikatoren er i rute når målt realisering er høyst "
        "%(on_track)s prosentpoeng bak planen, i faresonen når den er høyst %(at_risk)s "
        "prosentpoeng bak, og bak plan når den er mer enn %(at_risk)s prosentpoeng bak. "
        "Realisering = (målt verdi − nullpunkt) / (mål − nullpunkt), der 0 er nullpunktet og "
        "100 %% er målet."
    ) % {
        "on_track": round(ON_TRACK_MARGIN * 100),
        "at_risk": round(AT_RISK_MARGIN * 100),
    }


STATUS_RULE: Any = lazy(_status_rule, str)()


def status_label(status: Status | str | None) -> str:
    if status is None:
        return str(MISSING_INDICATOR_LABEL)
    return str(STATUS_LABELS[Status(status)])


@dataclass
class IndicatorProgress:
    indicator: Indicator
    latest: Measurement | None
    assessment: Assessment
    next_due: datetime.date
    overdue: bool

    @property
    def status(self) -> Status:
        return self.assessment.status

    @property
    def status_label(self) -> str:
        return status_label(self.assessment.status)

    @property
    def realisation(self) -> float | None:
        return self.assessment.realisation

    @property
    def planned_realisation(self) -> float:
        return self.assessment.planned_realisation

    @property
    def kroner(self) -> float | None:
        """The latest measurement's improvement in kroner (positive toward the target);
        None when not measured or the indicator cannot be priced."""
        factor = self.indicator.kroner_factor
        if self.latest is None or factor is None:
            return None
        return monetised(
            float(self.latest.value),
            float(self.indicator.baseline_value),
            float(self.indicator.target_value),
            float(factor),
        )


@dataclass
class BenefitRow:
    benefit: Benefit
    indicators: list[IndicatorProgress] = field(default_factory=list)
    missing_indicator: bool = False
    worst: Status | None = None  # None when the benefit has no indicator

    @property
    def status_label(self) -> str:
        return status_label(self.worst)

    @property
    def overdue(self) -> bool:
        return any(p.overdue for p in self.indicators)

    @property
    def sort_rank(self) -> int:
        return status_rank(self.worst) if self.worst is not None else len(Status)


def _latest_first(queryset: QuerySet[Measurement]) -> QuerySet[Measurement]:
    return queryset.order_by(
        F("measured_on").desc(), F("organisation_id").asc(nulls_first=True), F("pk").desc()
    )


def _latest_key(measurement: Measurement) -> tuple[int, bool, int, int]:
    """Sorts the latest measurement first (see the module's docstring)."""
    return (
        -measurement.measured_on.toordinal(),
        measurement.organisation_id is not None,
        measurement.organisation_id or 0,
        -(measurement.pk or 0),
    )


def _on_latest_date() -> QuerySet[Measurement]:
    """Each indicator's measurements on its latest measurement date (usually one; ties are
    settled in Python by ``_latest_key``). Comparing with the latest date uses the index on
    (indicator, date), which is much faster than ordering each indicator's rows."""
    latest_date = (
        Measurement.objects.filter(indicator=OuterRef("indicator"))
        .order_by("-measured_on")
        .values("measured_on")[:1]
    )
    return Measurement.objects.filter(measured_on=Subquery(latest_date)).select_related(
        "organisation"
    )


def _indicator_prefetches(prefix: str = "") -> list[Prefetch[Any]]:
    """Targets as ``target_list`` and the latest measurements as ``latest_measurements`` on
    each indicator (lists: no queryset per object)."""
    return [
        Prefetch(
            f"{prefix}targets",
            queryset=IndicatorTarget.objects.order_by("date"),
            to_attr="target_list",
        ),
        Prefetch(
            f"{prefix}measurements", queryset=_on_latest_date(), to_attr="latest_measurements"
        ),
    ]


def prefetch_indicators(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """``indicators`` with what ``indicator_progress`` reads, in two more queries."""
    return indicators.select_related("benefit").prefetch_related(*_indicator_prefetches())


def _latest(indicator: Indicator) -> Measurement | None:
    prefetched = getattr(indicator, "latest_measurements", None)
    if prefetched is None:
        cache = getattr(indicator, "_prefetched_objects_cache", {})
        if "measurements" not in cache:
            return (
                _latest_first(indicator.measurements.all())
                .select_related("organisation", "measured_by")
                .first()
            )
        prefetched = list(cache["measurements"])
    return min(prefetched, key=_latest_key) if prefetched else None


def _targets(indicator: Indicator) -> list[Point]:
    """The intermediate targets as points: attached by ``benefits_with_progress``
    (``target_points``), prefetched (``target_list`` or ``targets``), or queried."""
    points = getattr(indicator, "target_points", None)
    if points is not None:
        return list(points)
    prefetched = getattr(indicator, "target_list", None)
    if prefetched is None:
        cache = getattr(indicator, "_prefetched_objects_cache", {})
        prefetched = cache["targets"] if "targets" in cache else indicator.targets.all()
    return [Point(t.date, float(t.value)) for t in prefetched]


def indicator_progress(
    indicator: Indicator, *, today: datetime.date | None = None
) -> IndicatorProgress:
    """Where ``indicator`` stands. Uses prefetched targets and measurements when present
    (``latest_measurements`` from this module, or all ``measurements``)."""
    today = today or current_day()
    latest = _latest(indicator)
    baseline = Point(indicator.baseline_date, float(indicator.baseline_value))
    target = Point(indicator.target_date, float(indicator.target_value))
    between = _targets(indicator)
    measured = Point(latest.measured_on, float(latest.value)) if latest is not None else None
    assessment = assess(baseline, target, between, measured, today=today)
    due = next_due(
        latest.measured_on if latest is not None else None,
        indicator.baseline_date,
        FREQUENCY_MONTHS[Frequency(indicator.frequency)],
    )
    pursued = indicator.benefit.status not in CLOSED_STATUSES
    return IndicatorProgress(indicator, latest, assessment, due, pursued and due < today)


def register(
    collaboration: Collaboration,
    *,
    organisation: Organisation | None = None,
    project: Any = None,
    programme: Any = None,
    benefit_class: str | None = None,
    benefit_status: str | None = None,
    light: bool = False,
) -> QuerySet[Benefit]:
    """The collaboration's benefits, filtered, with everything the register shows prefetched:
    owner, responsible, project, programme and business-case line; the organisations; the
    indicators as ``indicator_list``, each with ``target_list`` and ``latest_measurements``
    (use ``benefit_row`` or ``indicator_progress`` rather than reading those).

    ``light`` leaves out the collaboration and the intermediate targets, which
    ``benefits_with_progress`` fills in more cheaply (a register of thousands builds tens
    of thousands of objects otherwise)."""
    benefits = Benefit.objects.filter(collaboration=collaboration)
    if organisation is not None:
        benefits = benefits.filter(organisations=organisation)
    if project is not None:
        benefits = benefits.filter(project=project)
    if programme is not None:
        benefits = benefits.filter(Q(programme=programme) | Q(project__programme=programme))
    if benefit_class:
        benefits = benefits.filter(benefit_class=benefit_class)
    if benefit_status:
        benefits = benefits.filter(status=benefit_status)
    related = ["owner", "responsible", "project", "programme", "case_line"]
    prefetches = _indicator_prefetches("indicator_list__")
    if not light:
        related.append("collaboration")
    else:
        prefetches = prefetches[1:]  # the latest measurements only
    return (
        benefits.select_related(*related)
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.order_by("name")),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("order", "pk"),
                to_attr="indicator_list",
            ),
            *prefetches,
        )
        .order_by("code", "title")
    )


def _attach_targets(benefits: list[Benefit]) -> None:
    """``target_points`` on every indicator of ``benefits``, in one query of plain values."""
    indicators = {i.pk: i for b in benefits for i in getattr(b, "indicator_list", [])}
    for indicator in indicators.values():
        indicator.target_points = []  # type: ignore[attr-defined]
    if not indicators:
        return
    rows = (
        IndicatorTarget.objects.filter(indicator__benefit__in=[b.pk for b in benefits])
        .order_by("indicator_id", "date")
        .values_list("indicator_id", "date", "value")
    )
    for indicator_id, day, value in rows:
        if indicator_id in indicators:
            indicators[indicator_id].target_points.append(Point(day, float(value)))  # type: ignore[attr-defined]


def benefit_row(benefit: Benefit, *, today: datetime.date | None = None) -> BenefitRow:
    indicators = getattr(benefit, "indicator_list", None)
    if indicators is None:
        indicators = list(benefit.indicators.all())  # prefetched or not; ordered by the model
    progress = [indicator_progress(i, today=today) for i in indicators]
    worst = min((p.status for p in progress), key=status_rank) if progress else None
    return BenefitRow(benefit, progress, not progress, worst)


def sort_rows(rows: Iterable[BenefitRow]) -> list[BenefitRow]:
    """Behind plan first, then at risk, not measured, on track, and those with no indicator
    last (listed all the same); within each, by number and title (a stable sort)."""
    return sorted(rows, key=lambda row: row.sort_rank)


def benefits_with_progress(
    collaboration: Collaboration,
    *,
    status: str | None = None,
    organisation: Organisation | None = None,
    project: Any = None,
    programme: Any = None,
    benefit_class: str | None = None,
    today: datetime.date | None = None,
) -> list[BenefitRow]:
    """The register with each benefit's indicators assessed, worst first.

    ``status`` filters either on the benefit's own status (a ``BenefitStatus`` value such as
    ``realising``) or on its worst indicator (a ``Status`` value such as ``behind``, or
    ``missing_indicator`` for benefits with none). ``programme`` takes the programme's own
    benefits and those of its projects."""
    today = today or current_day()
    benefit_status = status if status in BenefitStatus.values else None
    benefits = list(
        register(
            collaboration,
            organisation=organisation,
            project=project,
            programme=programme,
            benefit_class=benefit_class,
            benefit_status=benefit_status,
            light=True,
        )
    )
    for benefit in benefits:
        benefit.collaboration = collaboration
    _attach_targets(benefits)
    rows = [benefit_row(benefit, today=today) for benefit in benefits]
    if status == MISSING_INDICATOR:
        rows = [row for row in rows if row.missing_indicator]
    elif status in {s.value for s in Status}:
        rows = [row for row in rows if row.worst == status]
    return sort_rows(rows)


def measurements_of(indicator: Indicator) -> QuerySet[Measurement]:
    """Every measurement of ``indicator``, oldest first, with who measured and for whom."""
    return (
        Measurement.objects.filter(indicator=indicator)
        .select_related("organisation", "measured_by")
        .order_by("measured_on", F("organisation_id").asc(nulls_first=True), "pk")
    )


# --- The register from plain values ------------------------------------------------------------
#
# A register of thousands of benefits cannot build every benefit, indicator and measurement as
# model objects for each page view (some 25 000 objects at 2 000 benefits). The register's
# order and filter counts need only each indicator's status, which these functions compute
# from ``values()`` rows in five queries; the page then loads full objects for the benefits it
# shows (``rows_for``).


@dataclass
class IndicatorStatus:
    """One indicator's status computed from plain values (see ``register_entries``)."""

    pk: int
    benefit_id: int
    assessment: Assessment

    @property
    def status(self) -> Status:
        return self.assessment.status


@dataclass
class RegisterEntry:
    """What the register sorts and filters a benefit by, without model objects."""

    pk: int
    status: str
    benefit_class: str
    project_id: int | None
    programme_ids: set[int]
    organisation_ids: set[int]
    position: int = 0  # in the order of number and title
    indicators: list[IndicatorStatus] = field(default_factory=list)
    worst: Status | None = None

    @property
    def missing_indicator(self) -> bool:
        return not self.indicators

    @property
    def statuses(self) -> set[str]:
        return {str(i.status) for i in self.indicators}

    @property
    def sort_rank(self) -> int:
        return status_rank(self.worst) if self.worst is not None else len(Status)


def _real(name: str) -> Cast:
    """A decimal column read as a float (the arithmetic is in floats; no Decimal per value)."""
    return Cast(name, FloatField())


def indicator_statuses(
    indicators: QuerySet[Indicator], *, today: datetime.date | None = None
) -> dict[int, IndicatorStatus]:
    """Indicator pk → its status, for every indicator of ``indicators``, from plain values
    in three queries (indicators, intermediate targets, latest measurements)."""
    today = today or current_day()
    rows = list(
        indicators.values_list(
            "pk",
            "benefit_id",
            "baseline_date",
            _real("baseline_value"),
            "target_date",
            _real("target_value"),
        )
    )
    if not rows:
        return {}
    ids = indicators.values("pk")
    between: dict[int, list[Point]] = {}
    for indicator_id, day, value in (
        IndicatorTarget.objects.filter(indicator__in=ids)
        .order_by("indicator_id", "date")
        .values_list("indicator_id", "date", _real("value"))
    ):
        between.setdefault(indicator_id, []).append(Point(day, value))
    latest: dict[int, tuple[tuple[int, bool, int, int], Point]] = {}
    on_latest = (
        _on_latest_date()
        .filter(indicator__in=ids)
        .values_list("indicator_id", "measured_on", "organisation_id", "pk", _real("value"))
    )
    for indicator_id, day, organisation_id, pk, value in on_latest:
        key = (-day.toordinal(), organisation_id is not None, organisation_id or 0, -pk)
        known = latest.get(indicator_id)
        if known is None or key < known[0]:
            latest[indicator_id] = (key, Point(day, value))
    result = {}
    for pk, benefit_id, baseline_date, baseline_value, target_date, target_value in rows:
        measured = latest.get(pk)
        assessment = assess(
            Point(baseline_date, baseline_value),
            Point(target_date, target_value),
            between.get(pk, []),
            measured[1] if measured is not None else None,
            today=today,
        )
        result[pk] = IndicatorStatus(pk, benefit_id, assessment)
    return result


def register_entries(
    collaboration: Collaboration, *, today: datetime.date | None = None
) -> list[RegisterEntry]:
    """Every benefit of the collaboration with its indicators' statuses, worst first and then
    by number and title (the register's order), in five queries of plain values."""
    benefits = Benefit.objects.filter(collaboration=collaboration)
    entries: dict[int, RegisterEntry] = {}
    for (
        pk,
        status,
        benefit_class,
        project_id,
        programme_id,
        project_programme_id,
    ) in benefits.order_by("code", "title").values_list(
        "pk", "status", "benefit_class", "project_id", "programme_id", "project__programme_id"
    ):
        programmes = {p for p in (programme_id, project_programme_id) if p is not None}
        entries[pk] = RegisterEntry(
            pk, status, benefit_class, project_id, programmes, set(), len(entries)
        )
    if not entries:
        return []
    through = Benefit.organisations.through.objects.filter(benefit__collaboration=collaboration)
    for benefit_id, organisation_id in through.values_list("benefit_id", "organisation_id"):
        entries[benefit_id].organisation_ids.add(organisation_id)
    indicators = Indicator.objects.filter(benefit__collaboration=collaboration).order_by(
        "order", "pk"
    )
    for indicator in indicator_statuses(indicators, today=today).values():
        entries[indicator.benefit_id].indicators.append(indicator)
    for entry in entries.values():
        if entry.indicators:
            entry.worst = min((i.status for i in entry.indicators), key=status_rank)
    return sorted(entries.values(), key=lambda entry: entry.sort_rank)


def rows_for(
    collaboration: Collaboration, pks: Sequence[int], *, today: datetime.date | None = None
) -> list[BenefitRow]:
    """Full register rows (model objects, as ``benefits_with_progress`` builds them) for the
    benefits ``pks``, in that order; a fixed number of queries."""
    today = today or current_day()
    benefits = list(register(collaboration, light=True).filter(pk__in=list(pks)))
    for benefit in benefits:
        benefit.collaboration = collaboration
    _attach_targets(benefits)
    by_pk = {benefit.pk: benefit_row(benefit, today=today) for benefit in benefits}
    return [by_pk[pk] for pk in pks if pk in by_pk]
