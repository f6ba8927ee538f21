"""Business cases as YAML or JSON documents (schema: docs/business-case-format.md).

:func:`load_case` and :func:`parse_case` return a :class:`~samla.finance.cashflow.Case` or
raise :class:`CaseFormatError` listing every problem, each naming the field by its path
(``alternatives[1].lines[0].amount``) and the line of the file it is on.

Line numbers come from PyYAML's composed nodes for YAML, and for JSON from a decoder that
records where each object and array starts.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import yaml

from samla.finance.cashflow import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_HOURLY_RATE,
    DEFAULT_TAX_FINANCING_RATE,
    Alternative,
    Case,
    Correlation,
    DiscountSchedule,
    Line,
    LineKind,
    MonteCarloSettings,
    Organisation,
    RateBand,
    SplitKey,
    SplitMethod,
    input_id,
    uncertain_inputs,
)
from samla.finance.distributions import Amount, Normal, Pert, Triangular, Uniform
from samla.finance.metrics import OPTIMISM_BIAS_PRESETS
from samla.finance.uncertainty import correlation_matrix

PathKey = tuple[str | int, ...]
_json_internals: Any = json.decoder
_json_scanner: Any = json.scanner
MAX_YEARS = 200
MAX_ITERATIONS = 10_000_000


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.path or '(document)'}: {self.message}"


class CaseFormatError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def load_case(path: str | Path) -> Case:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CaseFormatError([Problem("", None, f"cannot read {file}: {error}")]) from error
    return parse_case(text, "json" if file.suffix.lower() == ".json" else "yaml")


def parse_case(text: str, syntax: str = "yaml") -> Case:
    data, lines = _load_json(text) if syntax == "json" else _load_yaml(text)
    return _Reader(lines).case(data)


# Reading the text with line numbers.


def _load_yaml(text: str) -> tuple[Any, dict[PathKey, int]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise CaseFormatError(
            [Problem("", mark.line + 1 if mark else None, f"not valid YAML: {error.problem}")]
        ) from error
    except yaml.YAMLError as error:
        raise CaseFormatError([Problem("", None, f"not valid YAML: {error}")]) from error
    finally:
        loader.dispose()
    lines: dict[PathKey, int] = {}
    if node is not None:
        _yaml_lines(node, (), lines)
    return data, lines


def _yaml_lines(node: yaml.Node, path: PathKey, lines: dict[PathKey, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, str(key_node.value))
            lines[child] = key_node.start_mark.line + 1  # the key's line names the field
            _yaml_lines(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _yaml_lines(item, (*path, index), lines)


def _load_json(text: str) -> tuple[Any, dict[PathKey, int]]:
    spans: dict[int, tuple[int, int]] = {}  # id(container) -> (start, end) offsets
    keep: list[Any] = []  # keeps every container alive so ids stay unique

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        value, end = _json_internals.JSONObject(s_and_end, *args)
        spans[id(value)] = (s_and_end[1] - 1, end)
        keep.append(value)
        return value, end

    def parse_array(s_and_end: tuple[str, int], scan_once: Callable[..., Any]) -> tuple[Any, int]:
        value, end = _json_internals.JSONArray(s_and_end, scan_once)
        spans[id(value)] = (s_and_end[1] - 1, end)
        keep.append(value)
        return value, end

    # The pure-Python scanner calls back into parse_object/parse_array, so they can record
    # where each container starts; the C scanner would not.
    defaults = json.JSONDecoder()
    context = SimpleNamespace(
        parse_object=parse_object,
        parse_array=parse_array,
        parse_string=_json_internals.scanstring,
        strict=True,
        object_hook=None,
        object_pairs_hook=None,
        parse_float=defaults.parse_float,
        parse_int=defaults.parse_int,
        parse_constant=defaults.parse_constant,
        memo={},
    )
    scan_once = _json_scanner.py_make_scanner(context)
    whitespace = _json_internals.WHITESPACE
    try:
        start = whitespace.match(text, 0).end()
        try:
            data, end = scan_once(text, start)
        except StopIteration as error:
            raise json.JSONDecodeError("Expecting value", text, error.value) from None
        end = whitespace.match(text, end).end()
        if end != len(text):
            raise json.JSONDecodeError("Extra data", text, end)
    except json.JSONDecodeError as error:
        raise CaseFormatError(
            [Problem("", error.lineno, f"not valid JSON: {error.msg}")]
        ) from error

    def line_at(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    lines: dict[PathKey, int] = {}

    def walk(value: Any, path: PathKey, offset: int) -> None:
        lines.setdefault(path, line_at(offset))
        if isinstance(value, dict):
            cursor = spans[id(value)][0]
            for key, item in value.items():
                found = text.find(json.dumps(key, ensure_ascii=False), cursor)
                key_offset = found if found >= 0 else spans[id(value)][0]
                lines[(*path, str(key))] = line_at(key_offset)
                if isinstance(item, dict | list):
                    walk(item, (*path, str(key)), spans[id(item)][0])
                    cursor = spans[id(item)][1]
                else:
                    cursor = max(cursor, key_offset + 1)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                start = spans[id(item)][0] if isinstance(item, dict | list) else offset
                walk(item, (*path, index), start)

    walk(data, (), spans[id(data)][0] if isinstance(data, dict | list) else 0)
    return data, lines


# Validation.


def format_path(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Reader:
    def __init__(self, lines: dict[PathKey, int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, path: PathKey) -> int | None:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def error(self, path: PathKey, message: str) -> None:
        self.problems.append(Problem(format_path(path), self.line(path), message))

    def mapping(
        self, value: Any, path: PathKey, allowed: set[str], required: tuple[str, ...] = ()
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, "must be a mapping of fields")
            return None
        for key in value:
            if str(key) not in allowed:
                self.error(
                    (*path, str(key)), f"unknown field (allowed: {', '.join(sorted(allowed))})"
                )
        for key in required:
            if key not in value:
                self.error((*path, key), "is required")
        return {str(key): item for key, item in value.items()}

    def number(
        self,
        value: Any,
        path: PathKey,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        above: float | None = None,
        integer: bool = False,
    ) -> float | None:
        kind = "a whole number" if integer else "a number"
        if not _is_number(value) or (integer and not isinstance(value, int)):
            self.error(path, f"must be {kind}, not {value!r}")
            return None
        if (
            (minimum is not None and value < minimum)
            or (maximum is not None and value > maximum)
            or (above is not None and value <= above)
        ):
            bounds = []
            if minimum is not None:
                bounds.append(f">= {minimum:.12g}")
            if above is not None:
                bounds.append(f"> {above:.12g}")
            if maximum is not None:
                bounds.append(f"<= {maximum:.12g}")
            self.error(path, f"must be {kind} {' and '.join(bounds)}, not {value!r}")
            return None
        return float(value)

    def integer(self, value: Any, path: PathKey, minimum: int, maximum: int) -> int | None:
        result = self.number(value, path, minimum=minimum, maximum=maximum, integer=True)
        return None if result is None else int(result)

    def text(self, value: Any, path: PathKey) -> str | None:
        if value is None or isinstance(value, bool):
            # YAML reads an unquoted Null, No, Yes, On or Off as a value, not a word.
            self.error(path, f"must be a non-empty text, not {value!r} (put the text in quotes)")
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(path, "must be a non-empty text")
            return None
        return value.strip()

    def boolean(self, value: Any, path: PathKey) -> bool | None:
        if not isinstance(value, bool):
            self.error(path, f"must be true or false, not {value!r}")
            return None
        return value

    # The document.

    def case(self, data: Any) -> Case:
        fields = self.mapping(
            data,
            (),
            {
                "name",
                "description",
                "sources",
                "base_year",
                "years",
                "discount_rate",
                "hourly_rate",
                "organisations",
                "split",
                "alternatives",
                "monte_carlo",
                "tax_financing",
                "optimism_bias",
                "correlations",
            },
            ("name", "base_year", "years", "alternatives"),
        )
        if fields is None:
            raise CaseFormatError(self.problems)
        name = self.text(fields.get("name", ""), ("name",)) if "name" in fields else None
        base_year = (
            self.integer(fields["base_year"], ("base_year",), 1900, 2200)
            if "base_year" in fields
            else None
        )
        years = (
            self.integer(fields["years"], ("years",), 1, MAX_YEARS) if "years" in fields else None
        )
        discount = self.discount(fields.get("discount_rate", DEFAULT_DISCOUNT_RATE))
        hourly_rate = self.number(
            fields.get("hourly_rate", DEFAULT_HOURLY_RATE), ("hourly_rate",), minimum=0
        )
        organisations = self.organisations(fields.get("organisations", []))
        split = (
            self.split(fields["split"], ("split",), organisations) if "split" in fields else None
        )
        if split is None and "split" not in fields and organisations:
            self.check_default_split(organisations)
        alternatives: tuple[Alternative, ...] = ()
        if base_year is not None and years is not None:
            alternatives = self.alternatives(
                fields.get("alternatives"), base_year, base_year + years - 1, organisations
            )
        case = Case(
            name=name or "",
            base_year=base_year or 0,
            years=years or 1,
            alternatives=alternatives,
            discount=discount,
            hourly_rate=DEFAULT_HOURLY_RATE if hourly_rate is None else hourly_rate,
            organisations=organisations,
            split=split,
            monte_carlo=self.monte_carlo(fields["monte_carlo"])
            if "monte_carlo" in fields
            else None,
            tax_financing_rate=self.tax_financing(fields.get("tax_financing", False)),
            optimism_bias=self.optimism_bias(fields.get("optimism_bias", {})),
        )
        correlations = self.correlations(fields.get("correlations", []), case)
        if self.problems:
            raise CaseFormatError(self.problems)
        return replace(case, correlations=correlations)

    def discount(self, value: Any) -> DiscountSchedule:
        path: PathKey = ("discount_rate",)
        if not isinstance(value, list):
            rate = self.number(value, path, above=-1)
            return DiscountSchedule.constant(DEFAULT_DISCOUNT_RATE if rate is None else rate)
        if not value:
            self.error(path, "needs at least one band")
        bands = []
        for index, item in enumerate(value):
            band_path = (*path, index)
            fields = self.mapping(item, band_path, {"rate", "years"}, ("rate",))
            if fields is None or "rate" not in fields:
                continue
            rate = self.number(fields["rate"], (*band_path, "rate"), above=-1)
            last = index == len(value) - 1
            length = None
            if "years" in fields:
                length = self.integer(fields["years"], (*band_path, "years"), 1, 10_000)
            elif not last:
                self.error((*band_path, "years"), "is required on every band but the last")
            if rate is not None:
                bands.append(RateBand(rate, None if last else length))
        return DiscountSchedule(tuple(bands)) if bands else DiscountSchedule()

    def organisations(self, value: Any) -> tuple[Organisation, ...]:
        path: PathKey = ("organisations",)
        if not isinstance(value, list):
            self.error(path, "must be a list of organisations")
            return ()
        result = []
        seen: set[str] = set()
        for index, item in enumerate(value):
            org_path = (*path, index)
            fields = self.mapping(item, org_path, {"name", "population", "users"}, ("name",))
            if fields is None or "name" not in fields:
                continue
            name = self.text(fields["name"], (*org_path, "name"))
            if name in seen:
                self.error((*org_path, "name"), f"{name!r} is listed twice")
            population = users = None
            if "population" in fields:
                population = self.integer(fields["population"], (*org_path, "population"), 0, 10**9)
            if "users" in fields:
                users = self.integer(fields["users"], (*org_path, "users"), 0, 10**9)
            if name:
                seen.add(name)
                result.append(Organisation(name, population, users))
        return tuple(result)

    def check_default_split(self, organisations: tuple[Organisation, ...]) -> None:
        """Without a split, costs are shared by population if every organisation has one."""
        given = [org.population for org in organisations if org.population is not None]
        if given and len(given) < len(organisations):
            self.error(("split",), "is required when only some organisations have a population")

    def split(
        self, value: Any, path: PathKey, organisations: tuple[Organisation, ...]
    ) -> SplitKey | None:
        names = {org.name for org in organisations}
        if isinstance(value, str):
            try:
                method = SplitMethod(value)
            except ValueError:
                method = None
            if method not in (SplitMethod.POPULATION, SplitMethod.EQUAL, SplitMethod.USERS):
                self.error(
                    path,
                    "must be population, equal, users, {fixed: …, population: …} or {weights: {…}}",
                )
                return None
            attribute = {SplitMethod.POPULATION: "population", SplitMethod.USERS: "users"}.get(
                method
            )
            if attribute:
                missing = [org.name for org in organisations if getattr(org, attribute) is None]
                if missing:
                    self.error(
                        path,
                        f"needs {attribute} on every organisation; missing for {', '.join(missing)}",
                    )
                    return None
                if organisations and not sum(getattr(org, attribute) for org in organisations):
                    self.error(path, f"the organisations' {attribute} add up to zero")
                    return None
            return SplitKey(method)
        if isinstance(value, dict) and "weights" in value:
            fields = self.mapping(value, path, {"weights"})
            weights_path = (*path, "weights")
            raw = fields["weights"] if fields else None
            if not isinstance(raw, dict) or not raw:
                self.error(weights_path, "must map organisation names to weights")
                return None
            weights = []
            for key, weight in raw.items():
                if str(key) not in names:
                    self.error((*weights_path, str(key)), "is not one of the organisations")
                    continue
                number = self.number(weight, (*weights_path, str(key)), minimum=0)
                if number is not None:
                    weights.append((str(key), number))
            if weights and not sum(weight for _, weight in weights):
                self.error(weights_path, "the weights add up to zero")
                return None
            return SplitKey(SplitMethod.WEIGHTS, weights=tuple(weights))
        if isinstance(value, dict):
            fields = self.mapping(value, path, {"fixed", "population"}, ("fixed", "population"))
            if not fields or "fixed" not in fields or "population" not in fields:
                return None
            fixed = self.number(fields["fixed"], (*path, "fixed"), minimum=0, maximum=1)
            by_population = self.number(
                fields["population"], (*path, "population"), minimum=0, maximum=1
            )
            if fixed is None or by_population is None:
                return None
            if abs(fixed + by_population - 1) > 1e-9:
                self.error(
                    path, f"fixed and population must add up to 1, not {fixed + by_population:.12g}"
                )
                return None
            if any(org.population is None for org in organisations):
                self.error(path, "needs population on every organisation")
                return None
            return SplitKey(SplitMethod.MIX, fixed_share=fixed)
        self.error(
            path, "must be population, equal, users, {fixed: …, population: …} or {weights: {…}}"
        )
        return None

    def alternatives(
        self, value: Any, first_year: int, last_year: int, organisations: tuple[Organisation, ...]
    ) -> tuple[Alternative, ...]:
        path: PathKey = ("alternatives",)
        if not isinstance(value, list) or not value:
            self.error(path, "must be a list of at least one alternative")
            return ()
        result = []
        names: set[str] = set()
        zeros = 0
        for index, item in enumerate(value):
            alt_path = (*path, index)
            fields = self.mapping(
                item, alt_path, {"name", "zero", "lines", "description"}, ("name",)
            )
            if fields is None:
                continue
            name = self.text(fields.get("name"), (*alt_path, "name")) if "name" in fields else None
            if name in names:
                self.error((*alt_path, "name"), f"{name!r} is used by another alternative")
            zero = bool(self.boolean(fields.get("zero", False), (*alt_path, "zero")))
            if zero:
                zeros += 1
                if zeros > 1:
                    self.error(
                        (*alt_path, "zero"), "only one alternative can be the zero alternative"
                    )
            raw_lines = fields.get("lines", [])
            if not isinstance(raw_lines, list):
                self.error((*alt_path, "lines"), "must be a list of lines")
                raw_lines = []
            lines = []
            line_names: set[str] = set()
            for line_index, raw in enumerate(raw_lines):
                line = self.cash_line(
                    raw, (*alt_path, "lines", line_index), first_year, last_year, organisations
                )
                if line is None:
                    continue
                if line.name in line_names:
                    self.error(
                        (*alt_path, "lines", line_index, "name"),
                        f"{line.name!r} is used twice in this alternative",
                    )
                line_names.add(line.name)
                lines.append(line)
            if name:
                names.add(name)
                result.append(Alternative(name, tuple(lines), zero))
        return tuple(result)

    def cash_line(
        self,
        value: Any,
        path: PathKey,
        first_year: int,
        last_year: int,
        organisations: tuple[Organisation, ...],
    ) -> Line | None:
        fields = self.mapping(
            value,
            path,
            {
                "kind",
                "name",
                "amount",
                "hours",
                "hourly_rate",
                "year",
                "from",
                "to",
                "split",
                "budget",
                "description",
            },
            ("kind", "name"),
        )
        if fields is None or "kind" not in fields or "name" not in fields:
            return None
        try:
            kind = LineKind(fields["kind"])
        except ValueError:
            self.error(
                (*path, "kind"),
                f"must be one of {', '.join(k.value for k in LineKind)}, not {fields['kind']!r}",
            )
            return None
        name = self.text(fields["name"], (*path, "name"))
        quantity = "hours" if kind is LineKind.TIME_SAVING else "amount"
        other = "amount" if quantity == "hours" else "hours"
        amount: Amount | None = None
        if other in fields:
            self.error((*path, other), f"is not used by {kind.value} lines; give {quantity}")
        if quantity not in fields:
            self.error((*path, quantity), f"is required for {kind.value} lines")
        else:
            amount = self.amount(fields[quantity], (*path, quantity), kind)
        hourly_rate = None
        if "hourly_rate" in fields:
            if kind is not LineKind.TIME_SAVING:
                self.error((*path, "hourly_rate"), "is only used by time_saving lines")
            hourly_rate = self.number(fields["hourly_rate"], (*path, "hourly_rate"), minimum=0)
        years = self.line_years(fields, path, kind, first_year, last_year)
        split = (
            self.split(fields["split"], (*path, "split"), organisations)
            if "split" in fields
            else None
        )
        budget = self.boolean(fields["budget"], (*path, "budget")) if "budget" in fields else None
        if name is None or amount is None or years is None:
            return None
        return Line(kind, name, amount, years[0], years[1], hourly_rate, split, budget)

    def line_years(
        self, fields: dict[str, Any], path: PathKey, kind: LineKind, first_year: int, last_year: int
    ) -> tuple[int, int] | None:
        def year(key: str) -> int | None:
            result = self.integer(fields[key], (*path, key), 1900, 2300)
            if result is not None and not first_year <= result <= last_year:
                self.error(
                    (*path, key),
                    f"{result} is outside the analysis period {first_year}–{last_year}",
                )
                return None
            return result

        if "year" in fields:
            for key in ("from", "to"):
                if key in fields:
                    self.error((*path, key), "give either year or from/to, not both")
            single = year("year")
            return None if single is None else (single, single)
        if "from" not in fields and "to" not in fields:
            # One-off kinds default to a single year; recurring kinds to the whole period.
            if kind is LineKind.INVESTMENT:
                return first_year, first_year
            if kind is LineKind.RESIDUAL:
                return last_year, last_year
        start = year("from") if "from" in fields else first_year
        end = year("to") if "to" in fields else last_year
        if start is None or end is None:
            return None
        if start > end:
            self.error((*path, "to"), f"{end} is before from ({start})")
            return None
        return start, end

    def amount(self, value: Any, path: PathKey, kind: LineKind) -> Amount | None:
        if _is_number(value):
            if value < 0:
                self.error(path, f"must be positive ({kind.value} gives the sign), not {value!r}")
                return None
            return float(value)
        if not isinstance(value, dict):
            self.error(path, f"must be a number or a distribution, not {value!r}")
            return None
        keys = set(map(str, value)) - {"dist"}
        dist = value.get("dist")
        if dist is None:
            dist = {
                frozenset({"min", "mode", "max"}): "triangular",
                frozenset({"min", "max"}): "uniform",
                frozenset({"mean", "sd"}): "normal",
            }.get(frozenset(keys))
            if dist is None:
                self.error(
                    path,
                    "a distribution needs min/mode/max, min/max or mean/sd (and optionally dist)",
                )
                return None
        needed = {
            "triangular": ("min", "mode", "max"),
            "pert": ("min", "mode", "max"),
            "uniform": ("min", "max"),
            "normal": ("mean", "sd"),
        }
        if dist not in needed:
            self.error((*path, "dist"), f"must be one of {', '.join(needed)}, not {dist!r}")
            return None
        fields = self.mapping(value, path, {*needed[dist], "dist"}, needed[dist])
        if fields is None or any(key not in fields for key in needed[dist]):
            return None
        numbers = {key: self.number(fields[key], (*path, key), minimum=0) for key in needed[dist]}
        if any(number is None for number in numbers.values()):
            return None
        n: dict[str, float] = {key: float(number or 0) for key, number in numbers.items()}
        if dist == "normal":
            if n["sd"] <= 0:
                self.error((*path, "sd"), "must be greater than 0")
                return None
            return Normal(n["mean"], n["sd"])
        if n["min"] >= n["max"]:
            self.error((*path, "max"), f"must be greater than min ({n['min']:.12g})")
            return None
        if dist == "uniform":
            return Uniform(n["min"], n["max"])
        if not n["min"] <= n["mode"] <= n["max"]:
            self.error(
                (*path, "mode"), f"must lie between min and max ({n['min']:.12g}–{n['max']:.12g})"
            )
            return None
        family = Pert if dist == "pert" else Triangular
        return family(n["min"], n["mode"], n["max"])

    def monte_carlo(self, value: Any) -> MonteCarloSettings | None:
        path: PathKey = ("monte_carlo",)
        fields = self.mapping(value, path, {"iterations", "seed", "bins"})
        if fields is None:
            return None
        defaults = MonteCarloSettings()
        iterations = self.integer(
            fields.get("iterations", defaults.iterations), (*path, "iterations"), 1, MAX_ITERATIONS
        )
        seed = (
            self.integer(fields["seed"], (*path, "seed"), 0, 2**63 - 1) if "seed" in fields else 0
        )
        bins = self.integer(fields.get("bins", defaults.bins), (*path, "bins"), 1, 1000)
        return MonteCarloSettings(iterations or defaults.iterations, seed, bins or defaults.bins)

    def tax_financing(self, value: Any) -> float:
        path: PathKey = ("tax_financing",)
        if isinstance(value, bool):
            return DEFAULT_TAX_FINANCING_RATE if value else 0.0
        rate = self.number(value, path, minimum=0, maximum=1)
        return rate or 0.0

    def optimism_bias(self, value: Any) -> tuple[tuple[LineKind, float], ...]:
        path: PathKey = ("optimism_bias",)
        if isinstance(value, str):
            if value not in OPTIMISM_BIAS_PRESETS:
                self.error(
                    path,
                    f"must be one of {', '.join(OPTIMISM_BIAS_PRESETS)} or a mapping of kind to uplift",
                )
                return ()
            return tuple(OPTIMISM_BIAS_PRESETS[value].items())
        fields = self.mapping(value, path, {kind.value for kind in LineKind})
        if fields is None:
            return ()
        result = []
        for key, uplift in fields.items():
            if key not in {kind.value for kind in LineKind}:
                continue
            kind = LineKind(key)
            number = self.number(
                uplift, (*path, key), minimum=0, maximum=None if kind.is_cost else 1
            )
            if number is not None:
                result.append((kind, number))
        return tuple(result)

    def correlations(self, value: Any, case: Case) -> tuple[Correlation, ...]:
        path: PathKey = ("correlations",)
        if not isinstance(value, list):
            self.error(path, "must be a list of {between: [input, input], rho: …}")
            return ()
        uncertain = {
            input_id(alt, line)
            for alt in case.alternatives
            for line in alt.lines
            if not isinstance(line.amount, int | float)
        }
        result = []
        seen: set[frozenset[str]] = set()
        for index, item in enumerate(value):
            item_path = (*path, index)
            fields = self.mapping(item, item_path, {"between", "rho"}, ("between", "rho"))
            if fields is None or "between" not in fields or "rho" not in fields:
                continue
            pair = fields["between"]
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not all(isinstance(p, str) for p in pair)
            ):
                self.error((*item_path, "between"), 'must name two inputs as "Alternative/Line"')
                continue
            unknown = [p for p in pair if p not in uncertain]
            if unknown:
                self.error(
                    (*item_path, "between"),
                    f'{", ".join(unknown)} is not an uncertain input ("Alternative/Line" with a distribution)',
                )
                continue
            if pair[0] == pair[1] or frozenset(pair) in seen:
                self.error((*item_path, "between"), "must name two different inputs, once")
                continue
            seen.add(frozenset(pair))
            rho = self.number(fields["rho"], (*item_path, "rho"), minimum=-1, maximum=1)
            if rho is not None:
                result.append(Correlation(pair[0], pair[1], rho))
        if result:
            inputs = uncertain_inputs(case)
            matrix = correlation_matrix(inputs, tuple(result))
            if np.any(np.linalg.eigvalsh(matrix) <= 1e-12):
                self.error(
                    path,
                    "the correlations contradict each other (the matrix is not positive definite)",
                )
        return tuple(result)
