"""`samla case evaluate FILE [--json]`: evaluate a business case file (YAML or JSON).

A thin wrapper over samla.finance: it reads the file, evaluates it and prints the results,
as a Norwegian table or as JSON. An invalid file exits with status 2 and one message per
problem, each naming the field and the line.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samla.finance.caseformat import CaseFormatError, load_case
from samla.finance.cashflow import MonteCarloSettings
from samla.finance.evaluate import AlternativeResult, CaseResult, evaluate, to_json_dict

INVALID_FILE = 2


def kroner(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}".replace(",", " ").replace("-", "−") + " kr"


def decimal(value: float | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}".replace(".", ",").replace("-", "−")


def percent(value: float | None) -> str:
    return "–" if value is None else decimal(value * 100, 1) + " %"


def year(value: int | None, years: float | None) -> str:
    return "aldri" if value is None else f"{value} ({decimal(years, 1)} år)"


class Command(BaseCommand):
    help = "Business cases: `case evaluate FILE [--json]` evaluates a YAML or JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        evaluate_parser = actions.add_parser("evaluate", help="evaluate a business-case file")
        evaluate_parser.add_argument("file", help="a YAML or JSON business case")
        evaluate_parser.add_argument(
            "--json", action="store_true", help="print the results as JSON"
        )
        evaluate_parser.add_argument(
            "--iterations", type=int, help="Monte Carlo iterations (overrides the file)"
        )
        evaluate_parser.add_argument(
            "--seed", type=int, help="Monte Carlo seed (overrides the file)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            case = load_case(options["file"])
        except CaseFormatError as error:
            raise CommandError(
                f"Ugyldig fil {options['file']}:\n" + "\n".join(f"  {p}" for p in error.problems),
                returncode=INVALID_FILE,
            ) from error
        settings = case.monte_carlo or MonteCarloSettings(iterations=10_000, seed=0)
        if options.get("iterations") is not None or options.get("seed") is not None:
            settings = MonteCarloSettings(
                iterations=options.get("iterations") or settings.iterations,
                seed=settings.seed if options.get("seed") is None else options["seed"],
                bins=settings.bins,
            )
        result = evaluate(case, settings)
        if options["json"]:
            self.stdout.write(json.dumps(to_json_dict(result), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render(result))


def render(result: CaseResult) -> str:
    lines = [
        f"{result.name}: {result.base_year}–{result.base_year + result.years - 1} "
        f"({result.years} år, basisår {result.base_year} udiskontert)",
        "",
        f"{'Alternativ':<28}{'Nåverdi':>18}{'Mot nullalt.':>18}{'IRR':>9}"
        f"{'Tilbakebetalt':>16}{'Diskontert':>16}{'Nytte/kost':>12}{'NNB':>8}",
    ]
    for alt in result.alternatives:
        label = alt.name + (" (null)" if alt.zero else "")
        irr = percent(alt.irr) if alt.irr is not None or not alt.irr_roots else "flere"
        lines.append(
            f"{label[:27]:<28}{kroner(alt.npv):>18}{kroner(alt.npv_vs_zero):>18}{irr:>9}"
            f"{year(alt.payback_year, None).split(' ')[0]:>16}"
            f"{year(alt.discounted_payback_year, None).split(' ')[0]:>16}"
            f"{decimal(alt.benefit_cost_ratio_vs_zero):>12}{decimal(alt.npv_per_budget_krone_vs_zero):>8}"
        )
    for alt in result.alternatives:
        lines += ["", *render_alternative(alt)]
    lines += [
        "",
        "Nåverdi mot nullalternativet, IRR, tilbakebetaling, følsomhet og Monte Carlo gjelder",
        "endringen fra nullalternativet. NNB: netto nåverdi per budsjettkrone.",
    ]
    return "\n".join(lines) + "\n"


def render_alternative(alt: AlternativeResult) -> list[str]:
    basis = "egne kontantstrømmer" if alt.zero else "mot nullalternativet"
    lines = [
        f"== {alt.name} ==",
        f"  Nåverdi {kroner(alt.npv)}; mot nullalternativet {kroner(alt.npv_vs_zero)}",
        f"  Nåverdi nytte {kroner(alt.pv_benefits)}, kostnader {kroner(alt.pv_costs)}, "
        f"skattefinansiering {kroner(alt.pv_tax_financing)}",
        f"  Internrente ({basis}): "
        + (
            ", ".join(percent(root) for root in alt.irr_roots)
            if alt.irr_roots
            else "ingen (ingen fortegnsskifte)"
        ),
        f"  Tilbakebetalt: {year(alt.payback_year, alt.payback_years)}; "
        f"diskontert: {year(alt.discounted_payback_year, alt.discounted_payback_years)}",
    ]
    mc = alt.monte_carlo
    if alt.tornado:
        lines.append(f"  Monte Carlo ({mc.iterations} trekk, frø {mc.seed}, {basis}):")
        lines.append(
            f"    P10 {kroner(mc.p10)}  P50 {kroner(mc.p50)}  P90 {kroner(mc.p90)}  "
            f"snitt {kroner(mc.mean)}  P(nåverdi > 0) {percent(mc.prob_positive)}"
        )
        lines.append(f"  Følsomhet ({basis}), størst utslag først:")
        lines.append(f"    {'Inndata':<40}{'Lav':>16}{'Høy':>16}{'Utslag':>18}{'Nullpunkt':>16}")
        for bar in alt.tornado[:15]:
            lines.append(
                f"    {bar.input[:39]:<40}{kroner(bar.npv_low):>16}{kroner(bar.npv_high):>16}"
                f"{kroner(bar.swing):>18}{decimal(bar.break_even, 0):>16}"
            )
    if alt.by_organisation and any(org.npv for org in alt.by_organisation):
        lines.append("  Per organisasjon:")
        lines.append(
            f"    {'Organisasjon':<24}{'Nåverdi':>18}{'Mot nullalt.':>18}{'Tilbakebetalt':>15}"
        )
        for org in alt.by_organisation:
            lines.append(
                f"    {org.name[:23]:<24}{kroner(float(org.npv)):>18}{kroner(float(org.npv_vs_zero)):>18}"
                f"{org.payback_year or 'aldri'!s:>15}"
            )
        years = [item.year for item in alt.by_organisation[0].yearly]
        lines.append("    Netto per år mot nullalternativet (kr):")
        lines.append(f"    {'':<24}" + "".join(f"{y:>12}" for y in years))
        for org in alt.by_organisation:
            lines.append(
                f"    {org.name[:23]:<24}"
                + "".join(f"{kroner(float(item.net_vs_zero))[:-3]:>12}" for item in org.yearly)
            )
    return lines
