"""Reads for the risk and status-report pages: registers, the 5×5 matrix as rows of cells,
and what a status report shows (its frozen snapshot, or for a draft the figures as they are
now)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from samla.governance import services
from samla.governance.models import (
    DIMENSION_LABELS,
    Level,
    Programme,
    RagStatus,
    Risk,
    StatusReport,
    risk_level,
)
from samla.organisations.models import Collaboration


def programme_risks(programme: Programme) -> QuerySet[Risk]:
    return (
        Risk.objects.filter(programme=programme)
        .select_related("owner")
        .annotate(score_value=F("probability") * F("impact"))
        .order_by("status", "-score_value", "number")
    )


def open_risks(collaboration: Collaboration) -> QuerySet[Risk]:
    return Risk.objects.filter(collaboration=collaboration, status=Risk.Status.OPEN)


@dataclass
class MatrixCell:
    probability: int
    impact: int
    count: int = 0
    labels: list[str] = field(default_factory=list)

    @property
    def score(self) -> int:
        return self.probability * self.impact

    @property
    def level(self) -> str:
        return str(risk_level(self.score))

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)


@dataclass
class MatrixRow:
    impact: int
    cells: list[MatrixCell]


def matrix_rows(
    risks: list[Risk] | None = None,
    *,
    residual: bool = False,
    counts: list[list[int]] | None = None,
) -> list[MatrixRow]:
    """The 5×5 grid, highest impact first: from a list of risks (cells name them, R1, R2 …)
    or from ``selectors.risk_matrix`` counts (``counts[impact - 1][probability - 1]``)."""
    rows = [
        MatrixRow(impact, [MatrixCell(probability, impact) for probability in range(1, 6)])
        for impact in range(5, 0, -1)
    ]
    by_position = {(c.impact, c.probability): c for row in rows for c in row.cells}
    if counts is not None:
        for impact in range(1, 6):
            for probability in range(1, 6):
                by_position[(impact, probability)].count = counts[impact - 1][probability - 1]
    for risk in risks or []:
        if risk.status != Risk.Status.OPEN:
            continue
        position = (
            (risk.residual_impact, risk.residual_probability)
            if residual
            else (risk.impact, risk.probability)
        )
        if position[0] is None or position[1] is None:
            continue
        cell = by_position[(int(position[0]), int(position[1]))]
        cell.count += 1
        cell.labels.append(f"R{risk.number}")
    return rows


def status_report_list(project: Any) -> QuerySet[StatusReport]:
    return (
        StatusReport.objects.filter(project=project)
        .select_related("published_by", "created_by")
        .order_by("-period")
    )


def latest_published(report: StatusReport) -> StatusReport | None:
    """The published report of the project before this one's month."""
    return (
        StatusReport.objects.filter(
            project_id=report.project_id,
            state=StatusReport.State.PUBLISHED,
            period__lt=report.period,
        )
        .order_by("-period")
        .first()
    )


@dataclass(frozen=True)
class ReportView:
    """What a status report page and its DOCX show."""

    report: StatusReport
    snapshot: dict[str, Any]
    changes: dict[str, Any]
    live: bool  # a draft: figures as they are now, changes as they would be on publishing

    @property
    def dimensions(self) -> list[dict[str, Any]]:
        rows = []
        for key, value in self.snapshot["dimensions"].items():
            rows.append(
                {
                    "key": key,
                    "label": str(DIMENSION_LABELS.get(key, key)),
                    "status": value["status"],
                    "status_label": rag_label(value["status"]),
                    "comment": value["comment"],
                }
            )
        return rows

    def _milestones(self, key: str) -> list[dict[str, Any]]:
        def day(text: str | None) -> datetime.date | None:
            return datetime.date.fromisoformat(text) if text else None

        return [
            {
                **m,
                "planned": day(m["planned"]),
                "forecast": day(m.get("forecast")),
                "actual": day(m.get("actual")),
            }
            for m in self.snapshot.get(key, [])
        ]

    @property
    def milestones_late(self) -> list[dict[str, Any]]:
        return self._milestones("milestones_late")

    @property
    def milestones_due(self) -> list[dict[str, Any]]:
        return self._milestones("milestones_due")

    @property
    def milestones_reached(self) -> list[dict[str, Any]]:
        return self._milestones("milestones_reached")

    @property
    def dimension_changes(self) -> list[dict[str, str]]:
        return [
            {
                **change,
                "label": str(DIMENSION_LABELS.get(change["dimension"], change["dimension"])),
                "from_label": rag_label(change["from"]),
                "to_label": rag_label(change["to"]),
            }
            for change in self.changes.get("dimensions", [])
        ]


def rag_label(code: str) -> str:
    """«Grønn», «Gul», «Rød», or «ikke satt» for an empty colour."""
    if code in RagStatus.values:
        return str(RagStatus(code).label)
    return str(_("ikke satt"))


def report_view(report: StatusReport) -> ReportView:
    if report.is_published and report.snapshot is not None:
        return ReportView(report, report.snapshot, report.changes or {"first": True}, live=False)
    snapshot = services.report_snapshot(report)
    previous = latest_published(report)
    changes = services.snapshot_changes(previous.snapshot if previous else None, snapshot)
    return ReportView(report, snapshot, changes, live=True)
