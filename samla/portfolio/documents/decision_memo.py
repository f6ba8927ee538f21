"""The portfolio board's decision memo («Notat for beslutning») for one scenario: a header
table, the background and settings, the pot per year and member, the criteria and their
weights, the chosen proposals with value and cost, the roadmap, budget use, what was left
out and why, how the scenario compares with the other solved ones, and the proposed
decision text."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from samla.core.docx import add_table, document_bytes, new_document
from samla.core.templatetags.samla import format_number, nok, percent
from samla.governance.documents.minutes import clean, day, labelled, paragraphs
from samla.portfolio import selectors_scenarios as selectors
from samla.portfolio.models import Scenario


def _span(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def scenario_memo_docx(scenario: Scenario) -> bytes:
    collaboration = scenario.collaboration
    result = selectors.scenario_result(scenario)
    plan = list(range(scenario.first_year, scenario.first_year + scenario.years))
    document = new_document(
        _("Notat for beslutning"),
        clean(
            _("%(collaboration)s. Laget i Samla %(today)s.")
            % {"collaboration": collaboration.name, "today": day(timezone.localdate())}
        ),
    )
    decision = scenario.decision
    add_table(
        document,
        [_("Felt"), _("Innhold")],
        [
            [_("Til"), clean(decision.body.name if decision else _("Porteføljestyret"))],
            [_("Fra"), clean(collaboration.name)],
            [_("Dato"), day(timezone.localdate())],
            [
                _("Emne"),
                clean(
                    _("Investeringsporteføljen %(years)s: scenarioet «%(name)s»")
                    % {"years": _span(plan), "name": scenario.name}
                ),
            ],
        ],
    )

    document.add_heading(_("1 Bakgrunn"), level=1)
    paragraphs(
        document,
        scenario.description,
        empty=_(
            "Samarbeidets medlemmer legger sine investeringsmidler i en felles pott. Porteføljestyret velger hvilke forslag potten skal finansiere."
        ),
    )
    labelled(document, _("Planperiode"), _span(plan))
    labelled(document, _("Maksimerer"), str(scenario.get_objective_display()))
    labelled(
        document,
        _("Budsjett"),
        _("%(share)s av potten") % {"share": percent(scenario.budget_factor, 0)},
    )
    labelled(
        document, _("Ubrukte midler overføres"), _("ja") if scenario.carry_forward else _("nei")
    )
    labelled(
        document,
        _("Kapasitet i timer"),
        _("tas hensyn til") if scenario.use_capacity else _("tas ikke hensyn til"),
    )
    forced_in = [str(p) for p in scenario.forced_in.all()]
    forced_out = [str(p) for p in scenario.forced_out.all()]
    if forced_in:
        labelled(document, _("Tvunget inn"), ", ".join(forced_in))
    if forced_out:
        labelled(document, _("Holdt utenfor"), ", ".join(forced_out))

    document.add_heading(_("2 Investeringspotten"), level=1)
    pot = selectors.pot_overview(collaboration)
    shown = [i for i, p in enumerate(pot.years) if p.year in plan] or list(range(len(pot.years)))
    if pot.years:
        add_table(
            document,
            [_("Medlem"), *[str(pot.years[i].year) for i in shown]],
            [
                *[
                    [clean(row.organisation.name), *[nok(row.amounts[i]) or "–" for i in shown]]
                    for row in pot.members
                ],
                [_("Sum"), *[nok(pot.totals[i]) for i in shown]],
            ],
        )
    else:
        document.add_paragraph().add_run(_("Potten har ingen år ennå.")).italic = True

    document.add_heading(_("3 Kriterier og vekter"), level=1)
    criteria = selectors.criteria(collaboration)
    if criteria:
        add_table(
            document,
            [_("Kriterium"), _("Vekt"), _("Hva som gir høy score")],
            [[clean(c.name), percent(c.weight), clean(c.description)] for c in criteria],
        )
        document.add_paragraph(
            _("Et forslags verdi er summen av vekt × score / 5 × 100 over kriteriene (0–100).")
        )
    else:
        document.add_paragraph().add_run(_("Ingen kriterier er satt.")).italic = True

    if result is None:
        document.add_heading(_("4 Anbefalt utvalg"), level=1)
        document.add_paragraph().add_run(_("Scenarioet er ikke beregnet ennå.")).italic = True
        return document_bytes(document)

    document.add_heading(_("4 Anbefalt utvalg"), level=1)
    document.add_paragraph(
        _(
            "Scenarioet velger %(count)s forslag med samlet verdi %(value)s og samlet kostnad %(cost)s i "
            "planperioden."
        )
        % {
            "count": len(result.chosen),
            "value": format_number(result.value, 1),
            "cost": nok(result.cost),
        }
    )
    add_table(
        document,
        [_("Nr."), _("Forslag"), _("Innmeldt av"), _("Verdi"), _("Kostnad (kr)")],
        [
            [
                rank,
                clean(r.proposal),
                clean(r.proposal.sponsor.name),
                format_number(r.value, 1),
                nok(r.total),
            ]
            for rank, r in enumerate(result.chosen, start=1)
        ],
    )
    document.add_paragraph(
        _(
            "Løst med HiGHS (blandet heltallsprogrammering) på %(seconds)s s; bevist avstand til optimum %(gap)s. "
            "Tommelfingerregelen «høyest verdi per krone først» ville gitt verdien %(greedy)s."
        )
        % {
            "seconds": format_number(result.seconds, 2),
            "gap": percent(result.gap, 2),
            "greedy": format_number(result.greedy_value, 1),
        }
    )

    document.add_heading(_("5 Veikart"), level=1)
    add_table(
        document,
        [_("Forslag"), _("Oppstart"), *[str(y) for y in result.years]],
        [
            [clean(r.proposal), r.start or "–", *[nok(c) if c else "" for c in r.costs]]
            for r in result.roadmap
        ],
    )

    document.add_heading(_("6 Budsjettbruk per år"), level=1)
    add_table(
        document,
        [_("År"), _("Budsjett"), _("Overført inn"), _("Brukt"), _("Igjen")],
        [
            [b["year"], nok(b["budget"]), nok(b["carried_in"]), nok(b["used"]), nok(b["left"])]
            for b in result.budget
        ],
    )
    if result.per_member:
        document.add_paragraph(
            _("Hvert medlems andel av forbruket, i forhold til bidraget det året:")
        )
        add_table(
            document,
            [_("Medlem"), _("Bidrag i perioden"), _("Forbruk fordelt på medlemmet (kr)")],
            [
                [clean(m["organisation"].name), nok(m["contribution"]), nok(m["spent"])]
                for m in result.per_member
            ],
        )

    document.add_heading(_("7 Hva som er utelatt, og hvorfor"), level=1)
    if result.left_out:
        add_table(
            document,
            [_("Forslag"), _("Verdi"), _("Kostnad (kr)"), _("Hvorfor utelatt")],
            [
                [clean(r.proposal), format_number(r.value, 1), nok(r.total), r.reason]
                for r in result.left_out
            ],
        )
    else:
        document.add_paragraph(_("Alle forslagene som kunne velges, er valgt."))

    document.add_heading(_("8 Sammenligning med andre scenarioer"), level=1)
    others = list(
        Scenario.objects.filter(collaboration=collaboration, result__isnull=False)
        .exclude(pk=scenario.pk)
        .order_by("name")
    )
    if others:
        add_table(
            document,
            [_("Scenario"), _("Verdi"), _("Kostnad (kr)"), _("Antall valgt")],
            [
                [
                    clean(scenario.name),
                    format_number(result.value, 1),
                    nok(result.cost),
                    len(result.chosen),
                ],
                *[
                    [
                        clean(other.name),
                        format_number(other.result["value"], 1),  # type: ignore[index]
                        nok(sum(other.result["spent"])),  # type: ignore[index]
                        len(other.result["chosen"]),  # type: ignore[index]
                    ]
                    for other in others
                ],
            ],
        )
    else:
        document.add_paragraph(_("Ingen andre scenarioer er beregnet."))

    document.add_heading(_("9 Forslag til vedtak"), level=1)
    titles = ", ".join(str(r.proposal) for r in result.chosen) or _("ingen")
    document.add_paragraph(
        clean(
            _(
                "Porteføljestyret velger scenarioet «%(name)s» for %(years)s. Følgende forslag godkjennes og "
                "finansieres av investeringspotten innenfor en samlet ramme på %(cost)s: %(titles)s."
            )
            % {
                "name": scenario.name,
                "years": _span(result.years),
                "cost": nok(result.cost),
                "titles": titles,
            }
        )
    )
    if decision is not None:
        labelled(document, _("Vedtatt"), f"{decision.number} ({day(decision.decided_on)})")
    return document_bytes(document)
