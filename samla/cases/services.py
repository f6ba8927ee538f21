"""Writes for business cases. Each runs in one transaction and validates before saving.

A draft version is checked against the case format after every change to its numbers:
what the page accepts is exactly what ``samla case evaluate`` accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samla.cases.document import document_digest, evaluate_version, parse_document, version_document
from samla.cases.models import (
    Alternative,
    Assumption,
    BusinessCase,
    CaseVersion,
    Effect,
    Line,
    MonteCarloRun,
)
from samla.core.services import apply_fields
from samla.finance.caseformat import CaseFormatError
from samla.organisations.models import Collaboration, CostSharingKey, User

CASE_FIELDS = ("name", "description", "category")
VERSION_FIELDS = (
    "note",
    "base_year",
    "years",
    "discount_rate",
    "hourly_rate",
    "tax_financing",
    "optimism_bias",
    "split_key",
    "monte_carlo_iterations",
    "monte_carlo_seed",
)
ALTERNATIVE_FIELDS = ("name", "description", "is_zero", "order")
LINE_FIELDS = (
    "kind",
    "name",
    "description",
    "distribution",
    "amount",
    "low",
    "high",
    "spread",
    "first_year",
    "last_year",
    "split_key",
    "affects_budget",
    "order",
)
ASSUMPTION_FIELDS = ("text", "source", "order")
EFFECT_FIELDS = ("name", "score", "reason")

# Above this many draws × inputs a Monte Carlo run goes to the background worker.
INLINE_MONTE_CARLO_LIMIT = 3_000_000


def format_problems(error: CaseFormatError) -> list[str]:
    return [str(problem) for problem in error.problems]


def _check_document(version: CaseVersion) -> None:
    """Refuse a change that makes the version an invalid case (the transaction rolls back)."""
    try:
        parse_document(version_document(version))
    except CaseFormatError as error:
        raise ValidationError(
            [
                _("Endringen gir en ugyldig business case: %(problem)s") % {"problem": p}
                for p in format_problems(error)
            ]
        ) from error


def _require_draft(version: CaseVersion) -> None:
    if version.is_frozen:
        raise ValidationError(_("Versjonen er låst. Lag en ny versjon for å endre den."))


def _require_key(
    collaboration_id: int, key: CostSharingKey | None, field: str = "split_key"
) -> None:
    if key is not None and key.collaboration_id != collaboration_id:
        raise ValidationError({field: _("Hører til et annet samarbeid.")})


# --- Cases and versions -------------------------------------------------------------------


@transaction.atomic
def case_create(
    *, collaboration: Collaboration, base_year: int, years: int = 10, **fields: Any
) -> BusinessCase:
    """A case with a first draft version holding the zero alternative."""
    case = BusinessCase(collaboration=collaboration)
    apply_fields(case, fields, CASE_FIELDS)
    if case.category is not None and case.category.collaboration_id != collaboration.pk:
        raise ValidationError({"category": _("Hører til et annet samarbeid.")})
    case.full_clean()
    case.save()
    version = CaseVersion(case=case, number=1, base_year=base_year, years=years)
    version.full_clean()
    version.save()
    Alternative.objects.create(version=version, name=_("Nullalternativet"), is_zero=True, order=0)
    return case


@transaction.atomic
def case_update(*, case: BusinessCase, **fields: Any) -> BusinessCase:
    apply_fields(case, fields, CASE_FIELDS)
    if case.category is not None and case.category.collaboration_id != case.collaboration_id:
        raise ValidationError({"category": _("Hører til et annet samarbeid.")})
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def case_delete(*, case: BusinessCase) -> None:
    if case.versions.exclude(stage=CaseVersion.Stage.DRAFT).exists():
        raise ValidationError(
            _("Saken har låste versjoner og kan ikke slettes; de er beslutningsgrunnlag.")
        )
    case.delete()


@transaction.atomic
def version_update(*, version: CaseVersion, **fields: Any) -> CaseVersion:
    _require_draft(version)
    apply_fields(version, fields, VERSION_FIELDS)
    _require_key(version.case.collaboration_id, version.split_key)
    version.full_clean()
    outside = Line.objects.filter(alternative__version=version).exclude(
        first_year__gte=version.base_year, last_year__lte=version.last_year
    )
    if outside.exists():
        raise ValidationError(
            {
                "years": _("Linjen «%(line)s» ligger utenfor analyseperioden.")
                % {"line": outside.first()}
            }
        )
    version.save()
    _check_document(version)
    return version


@transaction.atomic
def version_freeze(*, version: CaseVersion, stage: str, user: User) -> CaseVersion:
    """Approve (or mark as updated after procurement, or final) and lock the version."""
    version = CaseVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    if stage not in CaseVersion.Stage.values or stage == CaseVersion.Stage.DRAFT:
        raise ValidationError(
            {"stage": _("Velg godkjent, oppdatert etter anskaffelse eller endelig.")}
        )
    if not version.alternatives.filter(is_zero=True).exists():
        raise ValidationError(_("Versjonen trenger et nullalternativ før den kan låses."))
    if version.alternatives.count() < 2:
        raise ValidationError(
            _("Versjonen trenger minst ett alternativ i tillegg til nullalternativet.")
        )
    _check_document(version)
    version.frozen_document = version_document(version)
    version.stage = stage
    version.frozen_at = timezone.now()
    version.frozen_by = user
    version.save()
    return version


@transaction.atomic
def version_new(*, source: CaseVersion) -> CaseVersion:
    """A new draft, copied from ``source`` (one draft per case at a time)."""
    case = BusinessCase.objects.select_for_update().get(pk=source.case_id)
    if case.versions.filter(stage=CaseVersion.Stage.DRAFT).exists():
        raise ValidationError(_("Saken har allerede et utkast. Lås det eller arbeid videre i det."))
    number = (case.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    draft = CaseVersion.objects.create(
        case=case,
        number=number,
        note="",
        **{name: getattr(source, name) for name in VERSION_FIELDS if name != "note"},
    )
    for alternative in source.alternatives.prefetch_related("lines", "effects"):
        copy = Alternative.objects.create(
            version=draft,
            name=alternative.name,
            description=alternative.description,
            is_zero=alternative.is_zero,
            order=alternative.order,
        )
        for line in alternative.lines.all():
            Line.objects.create(
                alternative=copy, **{name: getattr(line, name) for name in LINE_FIELDS}
            )
        for effect in alternative.effects.all():
            Effect.objects.create(
                alternative=copy, **{name: getattr(effect, name) for name in EFFECT_FIELDS}
            )
    for assumption in source.assumptions.all():
        Assumption.objects.create(
            version=draft, **{name: getattr(assumption, name) for name in ASSUMPTION_FIELDS}
        )
    return draft


# --- Alternatives, lines, assumptions, effects --------------------------------------------


@transaction.atomic
def alternative_create(*, version: CaseVersion, **fields: Any) -> Alternative:
    _require_draft(version)
    alternative = Alternative(version=version)
    apply_fields(alternative, fields, ALTERNATIVE_FIELDS)
    if "order" not in fields:
        alternative.order = (version.alternatives.aggregate(m=Max("order"))["m"] or 0) + 1
    _validate_alternative(alternative)
    alternative.save()
    return alternative


def _validate_alternative(alternative: Alternative) -> None:
    alternative.full_clean(validate_constraints=False)
    others = Alternative.objects.filter(version=alternative.version_id).exclude(pk=alternative.pk)
    if others.filter(name=alternative.name).exists():
        raise ValidationError({"name": _("Et alternativ med dette navnet finnes allerede.")})
    if alternative.is_zero and others.filter(is_zero=True).exists():
        raise ValidationError({"is_zero": _("Versjonen har allerede et nullalternativ.")})


@transaction.atomic
def alternative_update(*, alternative: Alternative, **fields: Any) -> Alternative:
    _require_draft(alternative.version)
    apply_fields(alternative, fields, ALTERNATIVE_FIELDS)
    _validate_alternative(alternative)
    alternative.save()
    _check_document(alternative.version)
    return alternative


@transaction.atomic
def alternative_delete(*, alternative: Alternative) -> None:
    _require_draft(alternative.version)
    alternative.delete()


def _validate_line(line: Line) -> None:
    version = line.alternative.version
    errors: dict[str, str] = {}
    required = {
        Line.Distribution.POINT: ("amount",),
        Line.Distribution.TRIANGULAR: ("low", "amount", "high"),
        Line.Distribution.PERT: ("low", "amount", "high"),
        Line.Distribution.UNIFORM: ("low", "high"),
        Line.Distribution.NORMAL: ("amount", "spread"),
    }.get(line.distribution, ())  # type: ignore[call-overload]
    for name in required:
        if getattr(line, name) is None:
            errors[name] = _("Feltet må fylles ut for denne usikkerheten.")
    for name in ("amount", "low", "high", "spread"):
        if name not in required:
            setattr(line, name, None)
    low, mode, high = line.low, line.amount, line.high
    if not errors and line.distribution in (Line.Distribution.TRIANGULAR, Line.Distribution.PERT):
        assert low is not None and mode is not None and high is not None
        if not low <= mode <= high:
            errors["amount"] = _("Lavt ≤ mest sannsynlig ≤ høyt må gjelde.")
        elif low == high:
            errors["high"] = _("Høyt må være større enn lavt; bruk fast beløp ellers.")
    if not errors and line.distribution == Line.Distribution.UNIFORM:
        assert low is not None and high is not None
        if high <= low:
            errors["high"] = _("Høyt må være større enn lavt.")
    if (
        line.first_year is not None
        and not version.base_year <= line.first_year <= version.last_year
    ):
        errors["first_year"] = _("Året må ligge i analyseperioden %(first)s–%(last)s.") % {
            "first": version.base_year,
            "last": version.last_year,
        }
    if line.last_year is not None and not version.base_year <= line.last_year <= version.last_year:
        errors["last_year"] = _("Året må ligge i analyseperioden %(first)s–%(last)s.") % {
            "first": version.base_year,
            "last": version.last_year,
        }
    if (
        line.split_key is not None
        and line.split_key.collaboration_id != version.case.collaboration_id
    ):
        errors["split_key"] = _("Hører til et annet samarbeid.")
    if errors:
        raise ValidationError(errors)
    line.full_clean(validate_constraints=False)
    if line.last_year < line.first_year:
        raise ValidationError({"last_year": _("Til år kan ikke være før fra år.")})
    if (
        Line.objects.filter(alternative=line.alternative_id, name=line.name)
        .exclude(pk=line.pk)
        .exists()
    ):
        raise ValidationError({"name": _("Alternativet har allerede en linje med dette navnet.")})


@transaction.atomic
def line_create(*, alternative: Alternative, **fields: Any) -> Line:
    _require_draft(alternative.version)
    line = Line(alternative=alternative)
    apply_fields(line, fields, LINE_FIELDS)
    if "order" not in fields:
        line.order = (alternative.lines.aggregate(m=Max("order"))["m"] or 0) + 1
    _validate_line(line)
    line.save()
    _check_document(alternative.version)
    return line


@transaction.atomic
def line_update(*, line: Line, **fields: Any) -> Line:
    _require_draft(line.alternative.version)
    apply_fields(line, fields, LINE_FIELDS)
    _validate_line(line)
    line.save()
    _check_document(line.alternative.version)
    return line


@transaction.atomic
def line_delete(*, line: Line) -> None:
    _require_draft(line.alternative.version)
    line.delete()


@transaction.atomic
def assumption_create(*, version: CaseVersion, **fields: Any) -> Assumption:
    _require_draft(version)
    assumption = Assumption(version=version)
    apply_fields(assumption, fields, ASSUMPTION_FIELDS)
    if "order" not in fields:
        assumption.order = (version.assumptions.aggregate(m=Max("order"))["m"] or 0) + 1
    assumption.full_clean()
    assumption.save()
    return assumption


@transaction.atomic
def assumption_update(*, assumption: Assumption, **fields: Any) -> Assumption:
    _require_draft(assumption.version)
    apply_fields(assumption, fields, ASSUMPTION_FIELDS)
    assumption.full_clean()
    assumption.save()
    return assumption


@transaction.atomic
def assumption_delete(*, assumption: Assumption) -> None:
    _require_draft(assumption.version)
    assumption.delete()


@transaction.atomic
def effect_create(*, alternative: Alternative, **fields: Any) -> Effect:
    _require_draft(alternative.version)
    effect = Effect(alternative=alternative)
    apply_fields(effect, fields, EFFECT_FIELDS)
    effect.full_clean()
    effect.save()
    return effect


@transaction.atomic
def effect_update(*, effect: Effect, **fields: Any) -> Effect:
    _require_draft(effect.alternative.version)
    apply_fields(effect, fields, EFFECT_FIELDS)
    effect.full_clean()
    effect.save()
    return effect


@transaction.atomic
def effect_delete(*, effect: Effect) -> None:
    _require_draft(effect.alternative.version)
    effect.delete()


# --- Import -------------------------------------------------------------------------------


def _key_for_split(collaboration: Collaboration, split: Any, where: str) -> CostSharingKey | None:
    """The collaboration's key that splits as the document says; population needs none."""
    if split is None or split == "population":
        return None
    keys = list(collaboration.cost_sharing_keys.prefetch_related("weights__organisation"))
    method = CostSharingKey.Method
    for key in keys:
        if split == "equal" and key.method == method.EQUAL:
            return key
        if (
            isinstance(split, Mapping)
            and "fixed" in split
            and key.method == method.FIXED_PLUS_POPULATION
            and key.fixed_share_percent is not None
            and abs(float(key.fixed_share_percent) - float(split["fixed"]) * 100) < 1e-6
        ):
            return key
        if isinstance(split, Mapping) and "weights" in split and key.method == method.CUSTOM:
            weights = {w.organisation.name: float(w.weight) for w in key.weights.all()}
            if weights == {str(k): float(v) for k, v in split["weights"].items()}:
                return key
    raise ValidationError(
        _(
            "%(where)s: fordelingen %(split)s finnes ikke som fordelingsnøkkel i samarbeidet. Lag nøkkelen først."
        )
        % {"where": where, "split": split}
    )


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _line_fields(
    entry: Mapping[str, Any], version: CaseVersion, collaboration: Collaboration, where: str
) -> dict[str, Any]:
    amount = entry.get("hours", entry.get("amount"))
    fields: dict[str, Any] = {
        "kind": entry["kind"],
        "name": entry["name"],
        "description": entry.get("description", ""),
    }
    if isinstance(amount, Mapping):
        if "sd" in amount:
            fields.update(
                distribution=Line.Distribution.NORMAL,
                amount=_decimal(amount["mean"]),
                spread=_decimal(amount["sd"]),
            )
        elif "mode" in amount:
            distribution = (
                Line.Distribution.PERT
                if amount.get("dist") == "pert"
                else Line.Distribution.TRIANGULAR
            )
            fields.update(
                distribution=distribution,
                low=_decimal(amount["min"]),
                amount=_decimal(amount["mode"]),
                high=_decimal(amount["max"]),
            )
        else:
            fields.update(
                distribution=Line.Distribution.UNIFORM,
                low=_decimal(amount["min"]),
                high=_decimal(amount["max"]),
            )
    else:
        fields.update(distribution=Line.Distribution.POINT, amount=_decimal(amount))
    if "year" in entry:
        fields["first_year"] = fields["last_year"] = entry["year"]
    elif "from" not in entry and "to" not in entry and entry["kind"] == Line.Kind.INVESTMENT:
        fields["first_year"] = fields["last_year"] = version.base_year  # as the case format
    elif "from" not in entry and "to" not in entry and entry["kind"] == Line.Kind.RESIDUAL:
        fields["first_year"] = fields["last_year"] = version.last_year  # as the case format
    else:
        fields["first_year"] = entry.get("from", version.base_year)
        fields["last_year"] = entry.get("to", version.last_year)
    if "split" in entry:
        fields["split_key"] = _key_for_split(collaboration, entry["split"], where)
    if "budget" in entry:
        fields["affects_budget"] = entry["budget"]
    return fields


def _unsupported_in_samla(document: Mapping[str, Any]) -> list[str]:
    """What the case format allows but a stored version cannot hold yet."""
    found = []
    if isinstance(document.get("discount_rate"), list):
        found.append(_("Trinnvis kalkulasjonsrente"))
    bias = document.get("optimism_bias")
    if bias not in (None, False, "") and not (
        isinstance(bias, str) and bias in CaseVersion.OptimismBias.values
    ):
        found.append(_("Egne påslag for optimismebias (bare Green Book-anslagene)"))
    lines = [line for alt in document.get("alternatives", []) for line in alt.get("lines", [])]
    if any("hourly_rate" in line for line in lines):
        found.append(_("Egen timepris på en linje"))
    return found


@transaction.atomic
def case_import(
    *, collaboration: Collaboration, document: Mapping[str, Any], name: str = ""
) -> BusinessCase:
    """A new case from a case document. Organisations come from the collaboration's members;
    a split must exist as one of the collaboration's cost-sharing keys."""
    try:
        parsed = parse_document(document)
    except CaseFormatError as error:
        raise ValidationError(format_problems(error)) from error
    unsupported = _unsupported_in_samla(document)
    if unsupported:
        # Refused rather than dropped: the stored case would otherwise give other numbers
        # than the file does from the command line.
        raise ValidationError(
            [
                _("%(what)s kan brukes med «samla case evaluate», men ikke ennå i Samlas sider.")
                % {"what": what}
                for what in unsupported
            ]
        )
    if parsed.monte_carlo is not None:
        iterations, seed = parsed.monte_carlo.iterations, parsed.monte_carlo.seed
    else:
        iterations, seed = 10_000, 1
    case = case_create(
        collaboration=collaboration,
        name=name or str(document["name"]),
        description=str(document.get("description", "")),
        base_year=parsed.base_year,
        years=parsed.years,
    )
    version = case.versions.get()
    version.alternatives.all().delete()
    apply_fields(
        version,
        dict(
            discount_rate=Decimal(str(document.get("discount_rate", "0.04"))),
            hourly_rate=Decimal(str(parsed.hourly_rate)),
            tax_financing=bool(document.get("tax_financing", False)),
            optimism_bias=document.get("optimism_bias", "")
            if isinstance(document.get("optimism_bias"), str)
            else "",
            split_key=_key_for_split(collaboration, document.get("split"), "split"),
            monte_carlo_iterations=iterations,
            monte_carlo_seed=seed if seed is not None else 1,
        ),
        VERSION_FIELDS,
    )
    version.full_clean()
    version.save()
    for index, entry in enumerate(document["alternatives"]):
        alternative = Alternative.objects.create(
            version=version,
            name=entry["name"],
            description=entry.get("description", ""),
            is_zero=bool(entry.get("zero", False)),
            order=index,
        )
        for line_index, line_entry in enumerate(entry.get("lines", [])):
            where = f"alternatives[{index}].lines[{line_index}]"
            line = Line(
                alternative=alternative,
                order=line_index,
                **_line_fields(line_entry, version, collaboration, where),
            )
            _validate_line(line)
            line.save()
    if document.get("correlations"):
        # Not stored yet: said plainly in the version's assumptions instead of dropped unseen.
        pairs = "; ".join(
            " – ".join(str(name) for name in item.get("between", [])) + f" (ρ = {item.get('rho')})"
            for item in document["correlations"]
            if isinstance(item, Mapping)
        )
        Assumption.objects.create(
            version=version,
            order=0,
            text=_(
                "Korrelasjonene i den importerte filen er ikke med i Samlas simulering, som trekker "
                "linjene uavhengig av hverandre: %(pairs)s."
            )
            % {"pairs": pairs},
            source=_("Import"),
        )
    _check_document(version)
    return case


# --- Monte Carlo --------------------------------------------------------------------------


def monte_carlo_start(*, version: CaseVersion) -> MonteCarloRun:
    """Reuse a finished run of the same document, run small ones now, queue large ones."""
    document = version_document(version)
    digest = document_digest(document)
    done = version.monte_carlo_runs.filter(
        document_digest=digest, status=MonteCarloRun.Status.DONE
    ).first()
    if done is not None:
        return done
    pending = version.monte_carlo_runs.filter(
        document_digest=digest,
        status__in=[MonteCarloRun.Status.QUEUED, MonteCarloRun.Status.RUNNING],
    ).first()
    if pending is not None:
        return pending
    run = MonteCarloRun.objects.create(version=version, document_digest=digest)
    parsed = parse_document(document)
    uncertain = sum(
        1
        for alt in parsed.alternatives
        for line in alt.lines
        if not isinstance(line.amount, int | float)
    )
    if version.monte_carlo_iterations * max(uncertain, 1) <= INLINE_MONTE_CARLO_LIMIT:
        monte_carlo_execute(run_id=run.pk)
    else:
        from samla.cases.tasks import run_monte_carlo

        transaction.on_commit(lambda: run_monte_carlo.enqueue(run.pk))
    run.refresh_from_db()
    return run


def monte_carlo_execute(*, run_id: int) -> None:
    """Run one simulation and store its results (called inline or by the worker)."""
    from samla.finance.evaluate import to_json_dict

    run = MonteCarloRun.objects.select_related("version__case__collaboration").get(pk=run_id)
    MonteCarloRun.objects.filter(pk=run_id).update(status=MonteCarloRun.Status.RUNNING)
    try:
        result = evaluate_version(run.version)
    except Exception as error:  # noqa: BLE001 - a failed run is shown, not raised at a worker
        MonteCarloRun.objects.filter(pk=run_id).update(
            status=MonteCarloRun.Status.FAILED, error=str(error), finished_at=timezone.now()
        )
        return
    MonteCarloRun.objects.filter(pk=run_id).update(
        status=MonteCarloRun.Status.DONE, result=to_json_dict(result), finished_at=timezone.now()
    )
