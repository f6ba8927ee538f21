"""Reads for the business-case pages. Every number comes from ``document.evaluate_version``
turned into plain values by ``finance.evaluate.to_json_dict``: the page shows exactly what
``samla case evaluate --json`` prints for the version's document.

A version whose Monte Carlo is large (draws × uncertain inputs above
``services.INLINE_MONTE_CARLO_LIMIT``) is shown with its deterministic results and a capped
quick simulation; the full simulation comes from a finished ``MonteCarloRun``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from samla.cases import services
from samla.cases.document import (
    document_digest,
    evaluate_version,
    parse_document,
    version_document,
)
from samla.cases.models import (
    Alternative,
    BusinessCase,
    CaseVersion,
    Effect,
    Line,
    MonteCarloRun,
)
from samla.finance.cashflow import uncertain_inputs
from samla.finance.evaluate import to_json_dict
from samla.organisations.models import Collaboration

QUICK_ITERATIONS = 2_000  # draws of the quick simulation shown while the full one runs
LIST_ITERATIONS = 100  # the case list shows NPVs only; the simulation is not used there


# --- Lists --------------------------------------------------------------------------------


def cases(collaboration: Collaboration) -> QuerySet[BusinessCase]:
    return (
        BusinessCase.objects.filter(collaboration=collaboration)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=CaseVersion.objects.select_related("split_key").order_by("-number"),
            )
        )
        .order_by("name")
    )


@dataclass(frozen=True)
class CaseRow:
    case: BusinessCase
    latest: CaseVersion | None
    best_name: str
    best_npv_vs_zero: float | None
    problem: str = ""


def best_alternative(result: dict[str, Any]) -> tuple[str, float | None]:
    """The alternative with the highest NPV against the zero alternative (not the zero one)."""
    others = [alt for alt in result["alternatives"] if not alt["zero"]]
    if not others:
        return "", None
    best = max(others, key=lambda alt: alt["npv_vs_zero"])
    return best["name"], best["npv_vs_zero"]


def case_rows(case_list: list[BusinessCase]) -> list[CaseRow]:
    rows = []
    for case in case_list:
        versions = list(case.versions.all())
        latest = versions[0] if versions else None
        name, npv, problem = "", None, ""
        if latest is not None:
            latest.case = case
            try:
                result = to_json_dict(evaluate_version(latest, iterations=LIST_ITERATIONS))
            except ValueError as error:  # an invalid draft cannot be saved, but be safe
                problem = str(error)
            else:
                name, npv = best_alternative(result)
        rows.append(CaseRow(case, latest, name, npv, problem))
    return rows


def versions_of(case: BusinessCase) -> QuerySet[CaseVersion]:
    return case.versions.select_related("frozen_by").order_by("-number")


def version_contents(version: CaseVersion) -> QuerySet[Alternative]:
    """Alternatives with their lines and effects, for the edit page and the effect table."""
    return version.alternatives.prefetch_related(
        Prefetch("lines", queryset=Line.objects.select_related("split_key")),
        Prefetch("effects", queryset=Effect.objects.order_by("name")),
    )


# --- The results of one version -----------------------------------------------------------


@dataclass
class MonteCarloState:
    large: bool
    run: MonteCarloRun | None = None  # the full run of the current document, when there is one
    quick: bool = False  # the simulation shown is the capped quick one

    @property
    def pending(self) -> bool:
        return self.run is not None and self.run.status in (
            MonteCarloRun.Status.QUEUED,
            MonteCarloRun.Status.RUNNING,
        )

    @property
    def failed(self) -> bool:
        return self.run is not None and self.run.status == MonteCarloRun.Status.FAILED


@dataclass
class VersionResults:
    result: dict[str, Any]  # to_json_dict of the engine's CaseResult
    monte_carlo: MonteCarloState
    charts: dict[str, Any] = field(default_factory=dict)
    alternatives: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cumulative_rows(self) -> list[tuple[int, list[float]]]:
        """Year by year the cumulative discounted net flow of every alternative."""
        chart = self.charts["cumulative"]
        return [
            (year, [series["values"][t] for series in chart["series"]])
            for t, year in enumerate(chart["x"])
        ]


def is_large(document: dict[str, Any], iterations: int) -> bool:
    """The same rule as ``services.monte_carlo_start``."""
    uncertain = len(uncertain_inputs(parse_document(document)))
    return iterations * max(uncertain, 1) > services.INLINE_MONTE_CARLO_LIMIT


def current_run(version: CaseVersion, digest: str) -> MonteCarloRun | None:
    """The newest run of this very document: a finished one first, else a pending one."""
    runs = list(version.monte_carlo_runs.filter(document_digest=digest).order_by("-created_at"))
    for status in (MonteCarloRun.Status.DONE, MonteCarloRun.Status.RUNNING):
        found = next((run for run in runs if run.status == status), None)
        if found is not None:
            return found
    return runs[0] if runs else None


def monte_carlo_state(version: CaseVersion) -> tuple[MonteCarloState, dict[str, Any]]:
    document = version_document(version)
    iterations = int((document.get("monte_carlo") or {}).get("iterations") or 0)
    if not is_large(document, iterations or version.monte_carlo_iterations):
        return MonteCarloState(large=False), document
    return MonteCarloState(
        large=True, run=current_run(version, document_digest(document))
    ), document


def version_results(version: CaseVersion) -> VersionResults:
    state, _document = monte_carlo_state(version)
    if not state.large:
        result = to_json_dict(evaluate_version(version))
    else:
        result = to_json_dict(evaluate_version(version, iterations=QUICK_ITERATIONS))
        done = state.run is not None and state.run.status == MonteCarloRun.Status.DONE
        if done and state.run is not None and state.run.result:
            full = {alt["name"]: alt["monte_carlo"] for alt in state.run.result["alternatives"]}
            for alt in result["alternatives"]:
                if alt["name"] in full:
                    alt["monte_carlo"] = full[alt["name"]]
        else:
            state.quick = True
    return VersionResults(
        result=result,
        monte_carlo=state,
        charts={"cumulative": cumulative_chart(result)},
        alternatives=[
            alternative_view(alt, index) for index, alt in enumerate(result["alternatives"])
        ],
    )


def cumulative_discounted(alternative: dict[str, Any]) -> list[dict[str, Any]]:
    """Year by year: the discounted net flow and its running sum."""
    total = 0.0
    rows = []
    for year in alternative["yearly"]:
        discounted = year["net"] * year["discount_factor"]
        total += discounted
        rows.append(
            {
                "year": year["year"],
                "discounted": round(discounted, 2),
                "cumulative": round(total, 2),
            }
        )
    return rows


def alternative_view(alternative: dict[str, Any], index: int) -> dict[str, Any]:
    """One alternative's results with the derived tables and the data of its charts."""
    organisations = []
    total = sum(org["npv_vs_zero"] or 0 for org in alternative["by_organisation"].values())
    for name, org in alternative["by_organisation"].items():
        organisations.append(
            {
                "name": name,
                **org,
                "share": (org["npv_vs_zero"] / total) if total else None,
                "rows": list(
                    zip(
                        org["years"], org["costs"], org["benefits"], org["net_vs_zero"], strict=True
                    )
                ),
            }
        )
    mc = alternative["monte_carlo"]
    edges = mc["histogram"]["edges"]
    bins = [
        {"low": edges[i], "high": edges[i + 1], "count": count}
        for i, count in enumerate(mc["histogram"]["counts"])
    ]
    base = alternative["npv"] if alternative["zero"] else alternative["npv_vs_zero"]
    charts = {
        "tornado": {
            "kind": "tornado",
            "base": base,
            "bars": [
                {"label": bar["input"], "low": bar["npv_low"], "high": bar["npv_high"]}
                for bar in alternative["tornado"]
            ],
        },
        "histogram": {
            "kind": "bars",
            "x": [round((b["low"] + b["high"]) / 2) for b in bins],
            "series": [{"name": alternative["name"], "values": [b["count"] for b in bins]}],
        },
        "scurve": {
            "kind": "lines",
            "x": [point["percentile"] for point in mc["s_curve"]],
            "series": [{"name": alternative["name"], "values": [p["npv"] for p in mc["s_curve"]]}],
        },
        "organisations": {
            "kind": "bars",
            "x": [org["name"] for org in organisations],
            "series": [
                {
                    "name": alternative["name"],
                    "values": [org["npv_vs_zero"] for org in organisations],
                }
            ],
        },
    }
    cumulative = cumulative_discounted(alternative)
    return {
        **alternative,
        "index": index,
        "yearly_rows": [
            {**year, "cumulative": row["cumulative"]}
            for year, row in zip(alternative["yearly"], cumulative, strict=True)
        ],
        "base_npv": base,
        "cumulative": cumulative,
        "organisations": organisations,
        "bins": bins,
        "several_roots": len(alternative["irr_roots"]) > 1,
        "has_uncertainty": bool(alternative["tornado"]),
        "charts": charts,
        "ids": {name: f"chart-{name}-{index}" for name in charts},
    }


def cumulative_chart(result: dict[str, Any]) -> dict[str, Any]:
    alternatives = result["alternatives"]
    years = [year["year"] for year in alternatives[0]["yearly"]] if alternatives else []
    return {
        "kind": "lines",
        "x": years,
        "series": [
            {
                "name": alt["name"],
                "values": [row["cumulative"] for row in cumulative_discounted(alt)],
            }
            for alt in alternatives
        ],
    }


# --- Effects --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectRow:
    name: str
    cells: list[Effect | None]


def effect_table(alternatives: list[Alternative]) -> list[EffectRow]:
    """The pluss-minus table: one row per effect, one cell per alternative."""
    names: list[str] = []
    for alternative in alternatives:
        for effect in alternative.effects.all():
            if effect.name not in names:
                names.append(effect.name)
    by_alternative = [{e.name: e for e in alt.effects.all()} for alt in alternatives]
    return [EffectRow(name, [cells.get(name) for cells in by_alternative]) for name in names]


# --- Comparing two versions -----------------------------------------------------------------

COMPARED = (
    ("npv", _("Nåverdi"), "money"),
    ("npv_vs_zero", _("Nåverdi mot nullalternativet"), "money"),
    ("pv_costs", _("Nåverdi av kostnader"), "money"),
    ("pv_benefits", _("Nåverdi av nytte"), "money"),
    ("benefit_cost_ratio", _("Nytte/kostnad"), "ratio"),
    ("irr", _("Internrente"), "percent"),
    ("payback_year", _("Tilbakebetalt (år)"), "year"),
    ("discounted_payback_year", _("Tilbakebetalt diskontert (år)"), "year"),
)


@dataclass(frozen=True)
class LineChange:
    alternative: str
    line: str
    change: str  # "added", "removed", "changed"
    details: list[tuple[str, Any, Any]]


def _difference(first: Any, second: Any) -> Any:
    if isinstance(first, int | float) and isinstance(second, int | float):
        return second - first
    return None


def compare_results(first: CaseVersion, second: CaseVersion) -> list[dict[str, Any]]:
    """Per alternative (by name) the headline figures of both versions and the difference."""
    results = [
        {
            alt["name"]: alt
            for alt in to_json_dict(evaluate_version(v, iterations=LIST_ITERATIONS))["alternatives"]
        }
        for v in (first, second)
    ]
    names = list(results[0]) + [name for name in results[1] if name not in results[0]]
    rows = []
    for name in names:
        a, b = results[0].get(name), results[1].get(name)
        rows.append(
            {
                "name": name,
                "figures": [
                    (
                        label,
                        kind,
                        a[key] if a else None,
                        b[key] if b else None,
                        _difference(a[key], b[key]) if a and b else None,
                    )
                    for key, label, kind in COMPARED
                ],
            }
        )
    return rows


def compare_lines(first: CaseVersion, second: CaseVersion) -> list[LineChange]:
    """Lines added, removed and changed from ``first`` to ``second``, by alternative and name."""
    documents = [version_document(v) for v in (first, second)]
    lines = [
        {
            (alt["name"], line["name"]): line
            for alt in document["alternatives"]
            for line in alt.get("lines", [])
        }
        for document in documents
    ]
    changes: list[LineChange] = []
    for key, line in lines[1].items():
        if key not in lines[0]:
            changes.append(LineChange(key[0], key[1], "added", []))
        elif line != lines[0][key]:
            old = lines[0][key]
            details = [
                (name, old.get(name), line.get(name))
                for name in dict.fromkeys([*old, *line])
                if old.get(name) != line.get(name)
            ]
            changes.append(LineChange(key[0], key[1], "changed", details))
    for key in lines[0]:
        if key not in lines[1]:
            changes.append(LineChange(key[0], key[1], "removed", []))
    return changes
