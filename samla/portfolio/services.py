"""Every write of the portfolio: keyword-only, one transaction each, validated before saving,
refusals as Norwegian ValidationErrors naming the field. The arithmetic (AHP, the MILP,
reasons) lives in ``samla.finance.portfolio``; this module turns stored rows into its input
and its refusals into messages."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from samla.core.services import apply_fields
from samla.finance import portfolio as engine
from samla.finance import sharing
from samla.organisations.models import Collaboration, CostSharingKey, Membership, Organisation, User
from samla.portfolio.models import (
    TRANSITIONS,
    Comparison,
    Contribution,
    Criterion,
    PotYear,
    Proposal,
    ProposalCost,
    ProposalGroup,
    ProposalStatus,
    Scenario,
    Score,
)

CRITERION_FIELDS = ("name", "description", "order")
PROPOSAL_FIELDS = (
    "code",
    "title",
    "description",
    "sponsor",
    "contact",
    "expected_benefits",
    "risk",
    "earliest_start",
    "npv",
    "case_version",
    "category",
)
SCENARIO_FIELDS = (
    "name",
    "description",
    "first_year",
    "years",
    "objective",
    "budget_factor",
    "carry_forward",
    "use_capacity",
)
POT_FIELDS = ("year", "capacity_hours")
# Proposals the optimiser may choose; started ones count as already delivered.
OPEN_STATUSES = (
    ProposalStatus.SUBMITTED,
    ProposalStatus.ASSESSED,
    ProposalStatus.RECOMMENDED,
    ProposalStatus.APPROVED,
)


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _kroner(amount: float | Decimal) -> str:
    whole = int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole:,}".replace(",", "\u00a0") + " kr"


def _same_collaboration(collaboration_id: int, **objects: Any) -> None:
    for field, obj in objects.items():
        if (
            obj is not None
            and getattr(obj, "collaboration_id", collaboration_id) != collaboration_id
        ):
            raise _error(field, _("Velg noe fra samme samarbeid."))


def _member(collaboration_id: int, organisation: Organisation | None, field: str) -> None:
    if (
        organisation is not None
        and not Membership.objects.filter(
            collaboration_id=collaboration_id, organisation=organisation
        ).exists()
    ):
        raise _error(field, _("Organisasjonen er ikke medlem av samarbeidet."))


# --- Criteria and weights -------------------------------------------------------------------


@transaction.atomic
def criterion_create(*, collaboration: Collaboration, **fields: Any) -> Criterion:
    criterion = Criterion(collaboration=collaboration)
    fields.setdefault(
        "order",
        (Criterion.objects.filter(collaboration=collaboration).aggregate(m=Max("order"))["m"] or 0)
        + 1,
    )
    apply_fields(criterion, fields, CRITERION_FIELDS)
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_update(*, criterion: Criterion, **fields: Any) -> Criterion:
    apply_fields(criterion, fields, CRITERION_FIELDS)
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion) -> None:
    """Removing a criterion leaves the others' weights summing to less than 1: they must be
    set again (directly or by AHP) before scores count."""
    Comparison.objects.filter(collaboration_id=criterion.collaboration_id).delete()
    criterion.delete()


def _criteria(collaboration: Collaboration) -> list[Criterion]:
    return list(Criterion.objects.filter(collaboration=collaboration).order_by("order", "pk"))


@transaction.atomic
def weights_set(
    *, collaboration: Collaboration, weights: Mapping[Criterion, Decimal]
) -> list[Criterion]:
    """Weights entered directly: one for every criterion, together exactly 1."""
    criteria = _criteria(collaboration)
    if {c.pk for c in weights} != {c.pk for c in criteria}:
        raise _error("weights", _("Gi hvert kriterium en vekt."))
    given = {c.pk: Decimal(w) for c, w in weights.items()}
    try:
        engine.check_weights([float(w) for w in given.values()])
    except engine.PortfolioInputError as exc:
        raise _error("weights", _weights_message(exc)) from exc
    for criterion in criteria:
        criterion.weight = given[criterion.pk]
        criterion.full_clean()
        criterion.save(update_fields=["weight"])
    Comparison.objects.filter(collaboration=collaboration).delete()
    return criteria


def _weights_message(exc: engine.PortfolioInputError) -> str:
    if exc.code == "weights_sum":
        return _("Vektene summerer til %(total)s; de må summere til 1.") % {
            "total": f"{exc.params['total']:.4g}".replace(".", ",")
        }
    return _("Hver vekt må ligge mellom 0 og 1.")


@transaction.atomic
def weights_from_ahp(
    *, collaboration: Collaboration, matrix: Sequence[Sequence[float]]
) -> engine.AhpResult:
    """Weights from a full pairwise comparison matrix in the criteria's order. An
    inconsistent matrix (CR > 0.10) is still saved; the result says so and names the
    comparisons to look at again. A matrix that is not reciprocal or leaves Saaty's scale is
    refused."""
    criteria = _criteria(collaboration)
    if len(criteria) < 2:
        raise _error("matrix", _("AHP trenger minst to kriterier."))
    if len(matrix) != len(criteria) or any(len(row) != len(criteria) for row in matrix):
        raise _error(
            "matrix",
            _("Matrisen må ha én rad og én kolonne per kriterium (%(n)s).") % {"n": len(criteria)},
        )
    try:
        result = engine.ahp(matrix)
    except engine.PortfolioInputError as exc:
        raise _error("matrix", ahp_message(exc, criteria)) from exc
    for criterion, weight in zip(criteria, result.weights, strict=True):
        criterion.weight = Decimal(str(round(weight, 6)))
        criterion.save(update_fields=["weight"])
    # Rounding to six decimals may leave the sum a millionth off 1; the largest absorbs it.
    drift = Decimal(1) - sum((c.weight for c in criteria), Decimal(0))
    if drift:
        largest = max(criteria, key=lambda c: c.weight)
        largest.weight += drift
        largest.save(update_fields=["weight"])
    Comparison.objects.filter(collaboration=collaboration).delete()
    # One by one (at most 45 rows) so each judgement gets its history row; bulk_create skips it.
    for i in range(len(criteria)):
        for j in range(i + 1, len(criteria)):
            Comparison.objects.create(
                collaboration=collaboration,
                first=criteria[i],
                second=criteria[j],
                value=float(matrix[i][j]),
            )
    return result


def ahp_message(exc: engine.PortfolioInputError, criteria: Sequence[Criterion]) -> str:
    if exc.code == "not_reciprocal":
        first, second = criteria[int(exc.params["row"])], criteria[int(exc.params["column"])]  # type: ignore[call-overload]
        return _(
            "Matrisen er ikke resiprok: «%(a)s» mot «%(b)s» er %(given)s, så «%(b)s» mot «%(a)s» må være "
            "%(expected)s, ikke %(mirrored)s."
        ) % {
            "a": first.name,
            "b": second.name,
            "given": _number(float(exc.params["given"])),  # type: ignore[arg-type]
            "expected": _number(1 / float(exc.params["given"])),  # type: ignore[arg-type]
            "mirrored": _number(float(exc.params["mirrored"])),  # type: ignore[arg-type]
        }
    messages = {
        "outside_scale": _("Hver sammenligning må ligge på Saatys skala fra 1/9 til 9."),
        "not_positive": _("Hver sammenligning må være et positivt tall."),
        "diagonal": _("Et kriterium sammenlignet med seg selv skal være 1."),
        "too_many_criteria": _("AHP kan brukes med høyst 10 kriterier; sett vektene direkte."),
    }
    return messages.get(exc.code, _("Matrisen må være kvadratisk."))


def _number(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    for denominator in range(2, 10):
        if abs(value * denominator - 1) < 1e-6:
            return f"1/{denominator}"
    return f"{value:.3g}".replace(".", ",")


# --- Proposals ------------------------------------------------------------------------------


def _validate_proposal(proposal: Proposal) -> None:
    _member(proposal.collaboration_id, proposal.sponsor, "sponsor")
    if proposal.case_version_id is not None:
        case = proposal.case_version.case  # type: ignore[union-attr]
        _same_collaboration(proposal.collaboration_id, case_version=case)
    _same_collaboration(proposal.collaboration_id, category=proposal.category)


@transaction.atomic
def proposal_create(*, collaboration: Collaboration, **fields: Any) -> Proposal:
    proposal = Proposal(collaboration=collaboration)
    apply_fields(proposal, fields, PROPOSAL_FIELDS)
    proposal.full_clean()
    _validate_proposal(proposal)
    proposal.save()
    return proposal


@transaction.atomic
def proposal_update(*, proposal: Proposal, **fields: Any) -> Proposal:
    if proposal.status == ProposalStatus.STARTED:
        raise _error("status", _("Forslaget er startet som prosjekt og kan ikke endres."))
    apply_fields(proposal, fields, PROPOSAL_FIELDS)
    proposal.full_clean()
    _validate_proposal(proposal)
    proposal.save()
    return proposal


@transaction.atomic
def proposal_delete(*, proposal: Proposal) -> None:
    if proposal.status == ProposalStatus.STARTED:
        raise _error("status", _("Forslaget er startet som prosjekt og kan ikke slettes."))
    if proposal.required_by.exists():
        names = ", ".join(str(p) for p in proposal.required_by.all()[:3])
        raise _error(
            "requires", _("Andre forslag forutsetter dette: %(names)s.") % {"names": names}
        )
    proposal.delete()


CASE_ITERATIONS = 100  # the costs and NPV taken are point estimates; few draws suffice


@dataclass(frozen=True)
class CaseCosts:
    proposal: Proposal
    alternative: str  # the alternative the figures came from
    draft: bool  # the version is a draft, so its figures may still change


@transaction.atomic
def proposal_costs_from_case(*, proposal: Proposal, alternative: str = "") -> CaseCosts:
    """Cost per year and NPV from the linked business-case version: the alternative named
    ``alternative``, or else, of its alternatives other than the zero one, the one with the
    highest NPV against the zero alternative (as the case's own pages rank them). Each plan year's investment and operating cost (optimism
    bias included, real prices, whole kroner) replaces the proposal's cost rows; the hours of
    a year that stays are kept. A draft version is allowed (its figures may still change)."""
    from samla.cases.document import evaluate_version

    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("case_version")
        .get(pk=proposal.pk)
    )
    version = proposal.case_version
    if version is None:
        raise _error("case_version", _("Forslaget er ikke knyttet til en business case."))
    if proposal.status == ProposalStatus.STARTED:
        raise _error("status", _("Forslaget er startet som prosjekt og kan ikke endres."))
    result = evaluate_version(version, iterations=CASE_ITERATIONS)
    others = [alt for alt in result.alternatives if not alt.zero]
    if not others:
        raise _error(
            "case_version",
            _(
                "Business casen har ikke noe alternativ utenom nullalternativet å hente kostnader fra."
            ),
        )
    if alternative:
        named = [alt for alt in others if alt.name == alternative]
        if not named:
            raise _error(
                "alternative",
                _("Business casen har ikke noe alternativ «%(name)s» å hente kostnader fra.")
                % {"name": alternative},
            )
        best = named[0]
    else:
        best = max(others, key=lambda alt: alt.npv_vs_zero)
    amounts = {
        flow.year: Decimal(str(flow.costs)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        for flow in best.yearly
    }
    amounts = {year: amount for year, amount in amounts.items() if amount > 0}
    if not amounts:
        raise _error(
            "case_version",
            _("Alternativet «%(name)s» har ingen investerings- eller driftskostnader.")
            % {"name": best.name},
        )
    existing = {cost.year: cost for cost in proposal.costs.all()}
    for year, cost in existing.items():
        if year not in amounts:
            cost.delete()
    for year, amount in sorted(amounts.items()):
        row = existing.get(year) or ProposalCost(proposal=proposal, year=year)
        if row.pk is not None and row.amount == amount:
            continue
        row.amount = amount
        row.full_clean()
        row.save()
    proposal.npv = Decimal(str(best.npv_vs_zero)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    proposal.full_clean()
    proposal.save(update_fields=["npv"])
    return CaseCosts(
        proposal=proposal,
        alternative=best.name,
        draft=version.stage == version.Stage.DRAFT,
    )


@transaction.atomic
def proposal_set_status(*, proposal: Proposal, status: str) -> Proposal:
    """Move along the flow; «startet» only by ``proposal_start_project``."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if status == ProposalStatus.STARTED:
        raise _error("status", _("Et forslag startes som prosjekt fra forslagets side."))
    if status not in TRANSITIONS.get(proposal.status, ()):
        raise _error(
            "status",
            _("Et forslag med status «%(from)s» kan ikke bli «%(to)s».")
            % {"from": ProposalStatus(proposal.status).label, "to": ProposalStatus(status).label},
        )
    proposal.status = status
    proposal.save(update_fields=["status"])
    return proposal


@transaction.atomic
def proposal_set_requires(*, proposal: Proposal, requires: Iterable[Proposal]) -> Proposal:
    """What the proposal depends on; a cycle through the collaboration's proposals is refused
    with the cycle named."""
    wanted = list(requires)
    for other in wanted:
        _same_collaboration(proposal.collaboration_id, requires=other)
        if other.pk == proposal.pk:
            raise _error("requires", _("Et forslag kan ikke forutsette seg selv."))
    graph: dict[str, tuple[str, ...]] = {}
    titles = {}
    through = Proposal.requires.through.objects.filter(
        from_proposal__collaboration_id=proposal.collaboration_id
    )
    edges: dict[int, set[int]] = {}
    for row in through.values_list("from_proposal_id", "to_proposal_id"):
        edges.setdefault(row[0], set()).add(row[1])
    edges[proposal.pk] = {p.pk for p in wanted}
    for pk, title in Proposal.objects.filter(
        collaboration_id=proposal.collaboration_id
    ).values_list("pk", "title"):
        titles[str(pk)] = title
        graph[str(pk)] = tuple(str(o) for o in sorted(edges.get(pk, ())))
    cycle = engine.dependency_cycle(
        [engine.Proposal(key, 0.0, (), requires=others) for key, others in graph.items()]
    )
    if cycle:
        raise _error(
            "requires",
            _("Avhengighetene går i ring: %(cycle)s.")
            % {"cycle": " → ".join(titles[k] for k in cycle)},
        )
    proposal.requires.set(wanted)
    return proposal


@transaction.atomic
def proposal_cost_set(
    *, proposal: Proposal, year: int, amount: Decimal, hours: Decimal = Decimal(0)
) -> ProposalCost:
    row = ProposalCost.objects.filter(proposal=proposal, year=year).first() or ProposalCost(
        proposal=proposal, year=year
    )
    row.amount = amount
    row.hours = hours
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def proposal_cost_delete(*, cost: ProposalCost) -> None:
    cost.delete()


@transaction.atomic
def score_set(
    *, proposal: Proposal, criterion: Criterion, score: int, rationale: str = ""
) -> Score:
    _same_collaboration(proposal.collaboration_id, criterion=criterion)
    row = Score.objects.filter(proposal=proposal, criterion=criterion).first() or Score(
        proposal=proposal, criterion=criterion
    )
    row.score = score
    row.rationale = rationale
    row.full_clean()
    row.save()
    return row


# --- Groups ---------------------------------------------------------------------------------


def _validate_group_members(group: ProposalGroup, members: Sequence[Proposal]) -> None:
    if len(members) < 2:
        raise _error("members", _("En gruppe må ha minst to forslag."))
    for member in members:
        _same_collaboration(group.collaboration_id, members=member)


@transaction.atomic
def group_create(
    *, collaboration: Collaboration, kind: str, name: str, members: Sequence[Proposal]
) -> ProposalGroup:
    group = ProposalGroup(collaboration=collaboration, kind=kind, name=name)
    group.full_clean()
    _validate_group_members(group, members)
    group.save()
    group.members.set(members)
    return group


@transaction.atomic
def group_update(
    *, group: ProposalGroup, name: str | None = None, members: Sequence[Proposal] | None = None
) -> ProposalGroup:
    if name is not None:
        group.name = name
    group.full_clean()
    if members is not None:
        _validate_group_members(group, members)
        group.members.set(members)
    group.save()
    return group


@transaction.atomic
def group_delete(*, group: ProposalGroup) -> None:
    group.delete()


# --- The pot --------------------------------------------------------------------------------


@transaction.atomic
def pot_year_create(*, collaboration: Collaboration, **fields: Any) -> PotYear:
    pot = PotYear(collaboration=collaboration)
    apply_fields(pot, fields, POT_FIELDS)
    pot.full_clean()
    pot.save()
    return pot


@transaction.atomic
def pot_year_update(*, pot_year: PotYear, **fields: Any) -> PotYear:
    apply_fields(pot_year, fields, POT_FIELDS)
    pot_year.full_clean()
    pot_year.save()
    return pot_year


@transaction.atomic
def pot_year_delete(*, pot_year: PotYear) -> None:
    pot_year.delete()


@transaction.atomic
def contribution_set(
    *, pot_year: PotYear, organisation: Organisation, amount: Decimal
) -> Contribution:
    _member(pot_year.collaboration_id, organisation, "organisation")
    row = Contribution.objects.filter(
        pot_year=pot_year, organisation=organisation
    ).first() or Contribution(pot_year=pot_year, organisation=organisation)
    row.amount = amount
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def contributions_compute(
    *, pot_year: PotYear, total: Decimal, key: CostSharingKey | None = None
) -> list[Contribution]:
    """Replace the year's contributions with shares of ``total`` by ``key`` (None: by
    population) between all members."""
    from samla.governance.services import key_weights

    if total < 0:
        raise _error("total", _("Beløpet som skal fordeles kan ikke være negativt."))
    if key is not None:
        _same_collaboration(pot_year.collaboration_id, key=key)
    organisations = [
        m.organisation
        for m in Membership.objects.filter(collaboration_id=pot_year.collaboration_id)
        .select_related("organisation")
        .order_by("organisation__name")
    ]
    if not organisations:
        raise _error("key", _("Samarbeidet har ingen medlemmer å fordele mellom."))
    try:
        shares = sharing.split_amount(total, key_weights(key, organisations))
    except sharing.SharingError as exc:
        raise _error("key", _("Nøkkelen kan ikke fordele beløpet: vektene er null.")) from exc
    pot_year.contributions.all().delete()
    rows = []
    for organisation in organisations:
        row = Contribution(
            pot_year=pot_year, organisation=organisation, amount=shares[organisation]
        )
        row.full_clean()
        row.save()
        rows.append(row)
    return rows


# --- Scenarios ------------------------------------------------------------------------------


def _forced(
    scenario: Scenario, forced_in: Sequence[Proposal], forced_out: Sequence[Proposal]
) -> None:
    for proposal in (*forced_in, *forced_out):
        _same_collaboration(scenario.collaboration_id, forced=proposal)
    both = {p.pk for p in forced_in} & {p.pk for p in forced_out}
    if both:
        title = next(p.title for p in forced_in if p.pk in both)
        raise _error(
            "forced_out",
            _("«%(title)s» kan ikke både tvinges inn og holdes utenfor.") % {"title": title},
        )


def _decided(scenario: Scenario) -> bool:
    """Read under a row lock, not from the (possibly stale) object in hand."""
    return (
        Scenario.objects.select_for_update().filter(pk=scenario.pk, decision__isnull=False).exists()
    )


@transaction.atomic
def scenario_create(
    *,
    collaboration: Collaboration,
    user: User | None = None,
    forced_in: Sequence[Proposal] = (),
    forced_out: Sequence[Proposal] = (),
    **fields: Any,
) -> Scenario:
    scenario = Scenario(collaboration=collaboration, created_by=user)
    apply_fields(scenario, fields, SCENARIO_FIELDS)
    scenario.full_clean()
    _forced(scenario, forced_in, forced_out)
    scenario.save()
    scenario.forced_in.set(forced_in)
    scenario.forced_out.set(forced_out)
    return scenario


@transaction.atomic
def scenario_update(
    *,
    scenario: Scenario,
    forced_in: Sequence[Proposal] | None = None,
    forced_out: Sequence[Proposal] | None = None,
    **fields: Any,
) -> Scenario:
    if _decided(scenario):
        raise _error("decision", _("Scenarioet er vedtatt og kan ikke endres. Lag en kopi."))
    apply_fields(scenario, fields, SCENARIO_FIELDS)
    scenario.full_clean()
    new_in = list(scenario.forced_in.all()) if forced_in is None else list(forced_in)
    new_out = list(scenario.forced_out.all()) if forced_out is None else list(forced_out)
    _forced(scenario, new_in, new_out)
    scenario.result = None  # settings changed: the old result no longer answers them
    scenario.solved_at = None
    scenario.save()
    scenario.forced_in.set(new_in)
    scenario.forced_out.set(new_out)
    return scenario


@transaction.atomic
def scenario_delete(*, scenario: Scenario) -> None:
    if _decided(scenario):
        raise _error("decision", _("Scenarioet er vedtatt og kan ikke slettes."))
    scenario.delete()


def proposal_values(collaboration: Collaboration) -> dict[int, float]:
    """Each proposal's weighted score, 0–100: Σ weight × score / 5 × 100."""
    weights = dict(
        Criterion.objects.filter(collaboration=collaboration).values_list("pk", "weight")
    )
    values: dict[int, float] = {}
    for proposal_id, criterion_id, score in Score.objects.filter(
        proposal__collaboration=collaboration
    ).values_list("proposal_id", "criterion_id", "score"):
        values[proposal_id] = (
            values.get(proposal_id, 0.0) + float(weights.get(criterion_id, 0)) * score / 5 * 100
        )
    return {k: round(v, 4) for k, v in values.items()}


def scenario_problem(scenario: Scenario) -> tuple[engine.Problem, dict[str, Proposal]]:
    """The optimiser's input for ``scenario``, keyed by proposal uuid."""
    collaboration = scenario.collaboration
    plan = list(range(scenario.first_year, scenario.first_year + scenario.years))
    candidates = {
        str(p.uuid): p
        for p in Proposal.objects.filter(
            collaboration=collaboration, status__in=OPEN_STATUSES
        ).order_by("title")
    }
    by_pk = {p.pk: key for key, p in candidates.items()}
    values = proposal_values(collaboration)
    costs: dict[int, list[float]] = {p.pk: [0.0] * len(plan) for p in candidates.values()}
    hours: dict[int, list[float]] = {p.pk: [0.0] * len(plan) for p in candidates.values()}
    for row in ProposalCost.objects.filter(proposal_id__in=costs):
        if row.year in plan:
            costs[row.proposal_id][plan.index(row.year)] = float(row.amount)
            hours[row.proposal_id][plan.index(row.year)] = float(row.hours)
    requires: dict[int, list[str]] = {p.pk: [] for p in candidates.values()}
    unavailable: set[int] = set()
    started = set(
        Proposal.objects.filter(
            collaboration=collaboration, status=ProposalStatus.STARTED
        ).values_list("pk", flat=True)
    )
    for source, target in Proposal.requires.through.objects.filter(
        from_proposal_id__in=requires
    ).values_list("from_proposal_id", "to_proposal_id"):
        if target in by_pk:
            requires[source].append(by_pk[target])
        elif target not in started:  # needs a rejected or parked proposal: cannot be chosen
            unavailable.add(source)
    objective = scenario.objective
    proposals = tuple(
        engine.Proposal(
            key,
            float(p.npv or 0) if objective == Scenario.Objective.NPV else values.get(p.pk, 0.0),
            tuple(costs[p.pk]),
            tuple(hours[p.pk]),
            tuple(sorted(requires[p.pk])),
        )
        for key, p in candidates.items()
    )
    pots = {
        pot.year: pot
        for pot in PotYear.objects.filter(collaboration=collaboration, year__in=plan).annotate(
            total=Sum("contributions__amount")
        )
    }
    factor = float(scenario.budget_factor)
    budgets = tuple(float(getattr(pots.get(y), "total", 0) or 0) * factor for y in plan)
    capacities: tuple[float, ...] = ()
    if scenario.use_capacity:
        capacities = tuple(float(getattr(pots.get(y), "capacity_hours", 0) or 0) for y in plan)

    def keys(queryset: Any) -> frozenset[str]:
        return frozenset(by_pk[pk] for pk in queryset.values_list("pk", flat=True) if pk in by_pk)

    groups = list(
        ProposalGroup.objects.filter(collaboration=collaboration).prefetch_related("members")
    )

    def members(kind: str) -> tuple[tuple[str, ...], ...]:
        found = []
        for group in groups:
            if group.kind == kind:
                inside = tuple(by_pk[m.pk] for m in group.members.all() if m.pk in by_pk)
                if len(inside) > 1:
                    found.append(inside)
        return tuple(found)

    problem = engine.Problem(
        proposals=proposals,
        budgets=budgets,
        capacities=capacities,
        carry_forward=scenario.carry_forward,
        forced_in=keys(scenario.forced_in),
        forced_out=keys(scenario.forced_out) | frozenset(by_pk[pk] for pk in unavailable),
        exclusions=members(ProposalGroup.Kind.EXCLUSION),
        inclusions=members(ProposalGroup.Kind.INCLUSION),
    )
    return problem, candidates


def _selection_message(
    exc: engine.PortfolioInputError, candidates: Mapping[str, Proposal], first_year: int
) -> str:
    def title(key: object) -> str:
        proposal = candidates.get(str(key))
        return proposal.title if proposal else str(key)

    if exc.code == "cycle":
        return _("Avhengighetene går i ring: %(cycle)s.") % {
            "cycle": " → ".join(title(k) for k in exc.params["cycle"])  # type: ignore[attr-defined]
        }
    if exc.code == "forced_over_budget":
        years = "; ".join(
            _("%(year)s mangler %(amount)s")
            % {"year": first_year + year, "amount": _kroner(amount)}
            for year, amount in exc.params["years"]  # type: ignore[attr-defined]
        )
        return _("Forslagene som er tvunget inn, får ikke plass i budsjettet: %(years)s.") % {
            "years": years
        }
    if exc.code == "forced_requires_out":
        return _(
            "Et forslag som er tvunget inn, forutsetter «%(title)s», som er holdt utenfor eller ikke kan velges."
        ) % {"title": title(exc.params["key"])}
    if exc.code == "forced_exclusive":
        return _("«%(a)s» og «%(b)s» er begge tvunget inn, men utelukker hverandre.") % {
            "a": title(exc.params["key"]),
            "b": title(exc.params["other"]),
        }
    if exc.code == "forced_both":
        return _("«%(title)s» kan ikke både tvinges inn og holdes utenfor.") % {
            "title": title(exc.params["key"])
        }
    return _("Ingen utvelgelse oppfyller alle betingelsene.")


@transaction.atomic
def scenario_run(*, scenario: Scenario) -> Scenario:
    """Solve the scenario and freeze the result (chosen proposals, value, spending and
    hours per year, the reason for each proposal left out, the solver's proven gap, and the
    greedy rule's value for comparison)."""
    scenario = (
        Scenario.objects.select_for_update(of=("self",))
        .select_related("collaboration")
        .get(pk=scenario.pk)
    )
    if scenario.decision_id is not None:
        raise _error("decision", _("Scenarioet er vedtatt; resultatet står."))
    problem, candidates = scenario_problem(scenario)
    try:
        best = engine.select(problem)
        quick = engine.greedy(problem)
    except engine.PortfolioInputError as exc:
        raise _error("__all__", _selection_message(exc, candidates, scenario.first_year)) from exc
    scenario.result = {
        "years": [scenario.first_year + k for k in range(scenario.years)],
        "budgets": list(problem.budgets),
        "capacities": list(problem.capacities),
        "chosen": list(best.chosen),
        "value": best.value,
        "spent": list(best.spent),
        "hours": list(best.hours),
        "left_out": {
            key: {
                "code": reason.code,
                "other": reason.other,
                "years": [[scenario.first_year + y, amount] for y, amount in reason.years],
            }
            for key, reason in best.left_out.items()
        },
        "gap": best.gap,
        "optimal": best.optimal,
        "seconds": round(best.seconds, 3),
        "greedy_value": quick.value,
        "greedy_chosen": list(quick.chosen),
    }
    scenario.solved_at = timezone.now()
    scenario.save(update_fields=["result", "solved_at"])
    return scenario


@transaction.atomic
def scenario_record_decision(*, scenario: Scenario, decision: Any) -> Scenario:
    """The portfolio board chose this scenario: link its decision, and approve the chosen
    proposals that were not yet approved."""
    scenario = Scenario.objects.select_for_update(of=("self",)).get(pk=scenario.pk)
    if decision.collaboration_id != scenario.collaboration_id:
        raise _error("decision", _("Velg noe fra samme samarbeid."))
    if scenario.decision_id is not None:
        raise _error("decision", _("Scenarioet er allerede vedtatt."))
    if not scenario.result:
        raise _error("decision", _("Beregn scenarioet før det vedtas."))
    scenario.decision = decision
    scenario.save(update_fields=["decision"])
    # Each one saved on its own so its history records the approval and its version goes up
    # (an editor with the proposal open gets a conflict rather than undoing the approval).
    approvable = Proposal.objects.select_for_update().filter(
        collaboration_id=scenario.collaboration_id,
        uuid__in=scenario.result["chosen"],
        status__in=(ProposalStatus.SUBMITTED, ProposalStatus.ASSESSED, ProposalStatus.RECOMMENDED),
    )
    for proposal in approvable:
        proposal.status = ProposalStatus.APPROVED
        proposal.save(update_fields=["status"])
    return scenario


@transaction.atomic
def proposal_start_project(
    *,
    proposal: Proposal,
    phase_model: Any = None,
    leader: User | None = None,
    start: datetime.date,
    end: datetime.date | None = None,
) -> Proposal:
    """An approved proposal becomes a project (from a phase-model template when given)."""
    from samla.governance import services as governance

    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.APPROVED:
        raise _error("status", _("Bare godkjente forslag kan startes som prosjekt."))
    project = governance.project_create(
        collaboration=proposal.collaboration,
        phase_model=phase_model,
        name=proposal.title,
        description=proposal.description,
        leader=leader,
        start=start,
        end=end,
        organisations=[proposal.sponsor],
    )
    proposal.project = project
    proposal.status = ProposalStatus.STARTED
    proposal.save(update_fields=["project", "status"])
    return proposal


# --- proposal pages -------------------------------------------------------------------------


@transaction.atomic
def scores_set(
    *, proposal: Proposal, rows: Iterable[tuple[Criterion, int | None, str]]
) -> list[Score]:
    """All of a proposal's scores at once: (criterion, score or None, rationale) per
    criterion; None removes the criterion's score (not assessed)."""
    saved = []
    for criterion, score, rationale in rows:
        if score is None:
            _same_collaboration(proposal.collaboration_id, criterion=criterion)
            Score.objects.filter(proposal=proposal, criterion=criterion).delete()
        else:
            saved.append(
                score_set(proposal=proposal, criterion=criterion, score=score, rationale=rationale)
            )
    return saved
