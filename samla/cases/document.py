"""A version as a case document (the format of docs/business-case-format.md) and back.

Everything Samla shows about a version's numbers comes from ``evaluate_version``: the
version is written out as the same document a user could save and run through
``samla case evaluate``, parsed by the same reader and evaluated by the same engine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from samla.cases.models import CaseVersion, Line
from samla.finance import caseformat
from samla.finance.cashflow import Case, MonteCarloSettings
from samla.finance.evaluate import CaseResult, evaluate
from samla.organisations.models import CostSharingKey, Organisation
from samla.organisations.selectors import members


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    integral = value.to_integral_value()
    return int(integral) if value == integral else float(value)


def split_of_key(key: CostSharingKey | None, names: Mapping[int, str]) -> Any:
    """A cost-sharing key in the document's ``split`` shape."""
    if key is None or key.method == CostSharingKey.Method.POPULATION:
        return "population"
    if key.method == CostSharingKey.Method.EQUAL:
        return "equal"
    if key.method == CostSharingKey.Method.FIXED_PLUS_POPULATION:
        fixed = float((key.fixed_share_percent or Decimal(0)) / 100)
        return {"fixed": fixed, "population": round(1 - fixed, 10)}
    weights = {
        names[w.organisation_id]: float(w.weight)
        for w in key.weights.all()
        if w.organisation_id in names
    }
    return {"weights": weights}


def organisations_of(version: CaseVersion) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The members a draft is split between (frozen versions keep their own copy)."""
    collaboration = version.case.collaboration
    organisations: list[Organisation] = [m.organisation for m in members(collaboration)]
    names = {o.pk: o.name for o in organisations}
    listed = []
    for organisation in organisations:
        entry: dict[str, Any] = {"name": organisation.name}
        if organisation.population is not None:
            entry["population"] = organisation.population
        listed.append(entry)
    return listed, names


def _amount(line: Line) -> Any:
    kind = Line.Distribution
    if line.distribution == kind.POINT:
        return _number(line.amount)
    if line.distribution in (kind.TRIANGULAR, kind.PERT):
        amount: dict[str, Any] = {
            "min": _number(line.low),
            "mode": _number(line.amount),
            "max": _number(line.high),
        }
        if line.distribution == kind.PERT:
            amount["dist"] = "pert"
        return amount
    if line.distribution == kind.UNIFORM:
        return {"min": _number(line.low), "max": _number(line.high)}
    return {"mean": _number(line.amount), "sd": _number(line.spread)}


def _line(line: Line, names: Mapping[int, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"kind": line.kind, "name": line.name}
    if line.description:
        entry["description"] = line.description
    entry["hours" if line.kind == Line.Kind.TIME_SAVING else "amount"] = _amount(line)
    if line.first_year == line.last_year:
        entry["year"] = line.first_year
    else:
        entry["from"], entry["to"] = line.first_year, line.last_year
    if line.split_key_id is not None:
        entry["split"] = split_of_key(line.split_key, names)
    if line.affects_budget is not None:
        entry["budget"] = line.affects_budget
    return entry


def version_document(version: CaseVersion) -> dict[str, Any]:
    """The version in the case format, ready for YAML or JSON. A frozen version gives the
    document it was frozen with."""
    if version.is_frozen and version.frozen_document is not None:
        return dict(version.frozen_document)
    organisations, names = organisations_of(version)
    document: dict[str, Any] = {
        "name": version.case.name,
        "base_year": version.base_year,
        "years": version.years,
        "discount_rate": _number(version.discount_rate),
        "hourly_rate": _number(version.hourly_rate),
    }
    if version.case.description:
        document["description"] = version.case.description
    if version.tax_financing:
        document["tax_financing"] = True
    if version.optimism_bias:
        document["optimism_bias"] = version.optimism_bias
    if organisations:
        document["organisations"] = organisations
        document["split"] = split_of_key(version.split_key, names)
    alternatives = version.alternatives.prefetch_related("lines__split_key__weights")
    document["alternatives"] = [
        {
            "name": alternative.name,
            **({"description": alternative.description} if alternative.description else {}),
            **({"zero": True} if alternative.is_zero else {}),
            "lines": [_line(line, names) for line in alternative.lines.all()],
        }
        for alternative in alternatives
    ]
    document["monte_carlo"] = {
        "iterations": version.monte_carlo_iterations,
        "seed": version.monte_carlo_seed,
    }
    return document


def document_digest(document: Mapping[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(document, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def parse_document(document: Mapping[str, Any]) -> Case:
    """Parse through the file reader, so the same checks apply (raises CaseFormatError)."""
    return caseformat.parse_case(json.dumps(document, ensure_ascii=False), "json")


def evaluate_version(version: CaseVersion, *, iterations: int | None = None) -> CaseResult:
    """The engine's results. ``iterations`` caps the Monte Carlo draws for a quick view of a
    large case while its full simulation runs in the background."""
    case = parse_document(version_document(version))
    settings = case.monte_carlo or MonteCarloSettings(
        iterations=version.monte_carlo_iterations, seed=version.monte_carlo_seed
    )
    if iterations is not None:
        settings = replace(settings, iterations=min(iterations, settings.iterations))
    return evaluate(case, settings)
