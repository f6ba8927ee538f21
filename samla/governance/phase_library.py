"""The phase models Samla ships: phases, decision gates with checklists, and milestones.

They are data, not tables: ``services.phase_model_install`` copies one into a collaboration
as editable ``PhaseModel`` rows, and a project copies its collaboration's rows in turn. The
texts are Norwegian bokmål (the Danish playbook keeps its Danish names beside the Norwegian
ones, and quotes its deliverables and roles in Danish as the playbook writes them); like the
landscape catalogue, they become user data once copied and are not translated.

Sources:
- ``prosjektveiviseren``: Digitaliseringsdirektoratet (Digdir), *Prosjektveiviseren*,
  https://prosjektveiviseren.digdir.no — phases Idé, Konsept, Planlegge, Gjennomføre,
  Avslutte, Realisere and decision points BP1–BP5, at each of which the business's
  management / the project owner approves the move to the next phase. The checklists and
  milestones are Samla's own summary of the governing documents the wizard asks for at each
  point (prosjektforslag, prosjektbegrunnelse, styringsdokument, gevinstrealiseringsplan,
  sluttrapport), with privacy (DPIA, GDPR art. 35) and information security (ROS) added
  where Norwegian municipalities must do them.
- ``ehandel``: seed 003, *Prosjektmandat for innføring av ehandel i Knutepunkt Sørlandet*:
  the phases of section 3.1 (Difi's project method for introducing e-procurement), the
  main activities and timing of section 4.1, and milestones 1–8 with the bodies that
  approve them from section 4.2 ("aksetansetest" in the seed is spelt "akseptansetest"
  here). The mandate's plan places milestone 1 in the idea phase. The gates follow the
  phase descriptions ("få godkjenning for analysefasen", "… for prosjektoppstart",
  "… for prosjektmandatet") and section 8: the steering group is reported to at every
  change of phase.
- ``drejebog``: seed 002, KL/KOMBIT, *Drejebog for implementering af bølgeplanen*
  (obligatorisk digital selvbetjening, bølge 4): phases planlægning, indkøb and
  implementering and their milestones 1.1–3.10. Deliverables and responsible roles of
  phases 1 and 2 are quoted from the playbook. The seed's excerpt ends before the
  descriptions of phase 3, so for 3.1–3.10 the deliverable restates the milestone and the
  role follows the playbook's generic programme organisation (section 0.2); those are
  marked "(Samla)". The two gates are the playbook's own: approving the programme
  description approves the move to procurement (1.11), and approving contract, business
  case, organisation, detailed plan and benefit action plan approves the move to
  implementation (2.11).
"""

from __future__ import annotations

from dataclasses import dataclass

from samla.governance.models import BodyKind


@dataclass(frozen=True)
class ChecklistTemplate:
    text: str
    mandatory: bool = False


@dataclass(frozen=True)
class GateTemplate:
    code: str
    name: str
    approver: str
    approver_kind: str
    description: str = ""
    checklist: tuple[ChecklistTemplate, ...] = ()


@dataclass(frozen=True)
class MilestoneTemplate:
    code: str
    name: str
    deliverable: str = ""
    responsible_role: str = ""
    approver: str = ""
    approver_kind: str = ""
    original_name: str = ""


@dataclass(frozen=True)
class PhaseTemplate:
    name: str
    duration_weeks: int
    description: str = ""
    original_name: str = ""
    milestones: tuple[MilestoneTemplate, ...] = ()
    gate: GateTemplate | None = None


@dataclass(frozen=True)
class PhaseModelTemplate:
    key: str
    name: str
    description: str
    source: str
    phases: tuple[PhaseTemplate, ...]
    language: str = "nb"

    @property
    def gates(self) -> tuple[GateTemplate, ...]:
        return tuple(phase.gate for phase in self.phases if phase.gate is not None)

    @property
    def milestones(self) -> tuple[MilestoneTemplate, ...]:
        return tuple(m for phase in self.phases for m in phase.milestones)


M = ChecklistTemplate  # mandatory items are written M(..., True)
STEERING = BodyKind.STEERING_GROUP
PROGRAMME = BodyKind.PROGRAMME_BOARD
MANAGEMENT = BodyKind.MANAGEMENT
PORTFOLIO = BodyKind.PORTFOLIO_BOARD
COUNCIL = BodyKind.MUNICIPAL_COUNCIL


# --- Prosjektveiviseren (Digdir) ------------------------------------------------------------

PROSJEKTVEIVISEREN = PhaseModelTemplate(
    key="prosjektveiviseren",
    name="Prosjektveiviseren (Digdir)",
    description=(
        "Digitaliseringsdirektoratets prosjektmodell for offentlige virksomheter: seks faser "
        "med beslutningspunktene BP1–BP5, der virksomhetsledelsen eller prosjekteieren "
        "godkjenner overgangen til neste fase."
    ),
    source="Digitaliseringsdirektoratet, Prosjektveiviseren (prosjektveiviseren.digdir.no)",
    phases=(
        PhaseTemplate(
            name="Idé",
            duration_weeks=4,
            description=(
                "Linjeorganisasjonen beskriver idéen, vurderer den mot strategien og "
                "porteføljen og avgjør om den skal utredes videre i en konseptfase."
            ),
            milestones=(
                MilestoneTemplate(
                    code="I1",
                    name="Idébeskrivelse levert",
                    deliverable="Idébeskrivelse med behov, problem og mulige gevinster",
                    responsible_role="Idéeier i linjen",
                ),
            ),
            gate=GateTemplate(
                code="BP1",
                name="Starte konseptfasen",
                approver="Virksomhetsledelsen / porteføljestyret",
                approver_kind=PORTFOLIO,
                description="Skal idéen utredes videre, og med hvilke ressurser?",
                checklist=(
                    M("Idébeskrivelsen beskriver behov, problem og mulige gevinster", True),
                    M("Idéen er vurdert mot virksomhetens strategi og porteføljen", True),
                    M("Mandat for konseptfasen med ressurser og tidsramme er utarbeidet", True),
                    M("Berørte fagområder og interessenter er identifisert"),
                ),
            ),
        ),
        PhaseTemplate(
            name="Konsept",
            duration_weeks=8,
            description=(
                "Linjeorganisasjonen avklarer hva behovet egentlig er, vurderer konsepter "
                "mot nullalternativet og anbefaler det beste."
            ),
            milestones=(
                MilestoneTemplate(
                    code="K1",
                    name="Konsept anbefalt",
                    deliverable="Prosjektbegrunnelse og prosjektforslag for anbefalt konsept",
                    responsible_role="Konseptansvarlig",
                    approver="Virksomhetsledelsen",
                    approver_kind=MANAGEMENT,
                ),
            ),
            gate=GateTemplate(
                code="BP2",
                name="Starte planleggingsfasen",
                approver="Virksomhetsledelsen / prosjekteier",
                approver_kind=MANAGEMENT,
                description="Er konseptet riktig, og skal det planlegges et prosjekt?",
                checklist=(
                    M("Behov, samfunnsmål og effektmål er beskrevet", True),
                    M("Minst to konsepter i tillegg til nullalternativet er vurdert", True),
                    M("Samfunnsøkonomisk analyse / business case for anbefalt konsept", True),
                    M("Prosjektbegrunnelse og prosjektforslag er utarbeidet", True),
                    M("Overordnet usikkerhetsanalyse er gjennomført", True),
                    M(
                        "Behovet for personvernkonsekvensvurdering (DPIA) og "
                        "risiko- og sårbarhetsanalyse (ROS) er avklart",
                        True,
                    ),
                    M("Faseplan for planleggingsfasen er utarbeidet", True),
                    M("Interessentanalyse er gjennomført"),
                ),
            ),
        ),
        PhaseTemplate(
            name="Planlegge",
            duration_weeks=8,
            description=(
                "Prosjektet etableres, målene forankres, og styringsdokumentet og "
                "gevinstrealiseringsplanen utarbeides."
            ),
            milestones=(
                MilestoneTemplate(
                    code="P1",
                    name="Styringsdokument godkjent",
                    deliverable="Styringsdokument med mål, omfang, organisering, plan og budsjett",
                    responsible_role="Prosjektleder",
                    approver="Styringsgruppen",
                    approver_kind=STEERING,
                ),
                MilestoneTemplate(
                    code="P2",
                    name="Gevinstrealiseringsplan godkjent",
                    deliverable="Gevinstrealiseringsplan med gevinsteiere, indikatorer og nullpunkt",
                    responsible_role="Prosjekteier med gevinsteierne",
                    approver="Styringsgruppen",
                    approver_kind=STEERING,
                ),
            ),
            gate=GateTemplate(
                code="BP3",
                name="Starte gjennomføringsfasen",
                approver="Prosjekteier / styringsgruppen",
                approver_kind=STEERING,
                description="Er prosjektet godt nok planlagt til å settes i gang?",
                checklist=(
                    M(
                        "Styringsdokumentet er utarbeidet: mål, omfang, organisering, plan, budsjett",
                        True,
                    ),
                    M("Gevinstrealiseringsplan med gevinsteiere, indikatorer og nullpunkt", True),
                    M("Plan for endringsledelse og opplæring i linjen er utarbeidet", True),
                    M(
                        "Personvernkonsekvensvurdering (DPIA) er gjennomført der behandlingen "
                        "kan gi høy risiko for de registrerte",
                        True,
                    ),
                    M(
                        "Risiko- og sårbarhetsanalyse (ROS) for informasjonssikkerhet er gjennomført",
                        True,
                    ),
                    M("Usikkerhetsanalysen og risikoregisteret er oppdatert", True),
                    M("Prosjektorganisasjonen er bemannet og ressursene avtalt med linjen", True),
                    M("Anskaffelsesstrategi er avklart"),
                    M("Kommunikasjonsplan er utarbeidet"),
                    M("Tillitsvalgte og verneombud er informert og involvert"),
                ),
            ),
        ),
        PhaseTemplate(
            name="Gjennomføre",
            duration_weeks=26,
            description="Resultatene skapes, testes og leveres til linjen.",
            milestones=(
                MilestoneTemplate(
                    code="G1",
                    name="Leveransen akseptert",
                    deliverable="Godkjent akseptansetest",
                    responsible_role="Prosjektleder",
                    approver="Styringsgruppen",
                    approver_kind=STEERING,
                ),
                MilestoneTemplate(
                    code="G2",
                    name="Overlevert til linjen",
                    deliverable="Overleveringsprotokoll med forvaltningsmodell",
                    responsible_role="Prosjektleder og mottakende linjeleder",
                    approver="Prosjekteier",
                    approver_kind=STEERING,
                ),
            ),
            gate=GateTemplate(
                code="BP4",
                name="Starte avslutningsfasen",
                approver="Styringsgruppen",
                approver_kind=STEERING,
                description="Er leveransene godkjent og linjen klar til å ta dem i bruk?",
                checklist=(
                    M("Leveransene er akseptansetestet og godkjent av mottaker", True),
                    M(
                        "Informasjonssikkerhet og personvern er verifisert før produksjonssetting",
                        True,
                    ),
                    M(
                        "Linjen er klar: opplæring, rutiner og endrede arbeidsprosesser er på plass "
                        "(endringsledelse)",
                        True,
                    ),
                    M(
                        "Forvaltning og drift er etablert: forvaltningsmodell, brukerstøtte, avtaler",
                        True,
                    ),
                    M("Gevinstrealiseringsplanen er oppdatert", True),
                    M("Avvik og endringer er behandlet av styringsgruppen"),
                ),
            ),
        ),
        PhaseTemplate(
            name="Avslutte",
            duration_weeks=4,
            description="Produktansvaret overføres, erfaringer samles og prosjektet oppløses.",
            milestones=(
                MilestoneTemplate(
                    code="A1",
                    name="Sluttrapport godkjent",
                    deliverable="Sluttrapport med måloppnåelse, økonomi og erfaringer",
                    responsible_role="Prosjektleder",
                    approver="Styringsgruppen",
                    approver_kind=STEERING,
                ),
            ),
            gate=GateTemplate(
                code="BP5",
                name="Avslutte prosjektet",
                approver="Prosjekteier / styringsgruppen",
                approver_kind=STEERING,
                description="Kan prosjektet avsluttes og gevinstrealiseringen overtas av linjen?",
                checklist=(
                    M("Sluttrapport er utarbeidet", True),
                    M("Produktansvar og gevinstansvar er overført til linjen", True),
                    M("Erfaringer er dokumentert og delt", True),
                    M("Kontrakter, tilganger og prosjektøkonomi er avsluttet"),
                    M("Prosjektorganisasjonen er oppløst og medarbeiderne tilbakeført"),
                ),
            ),
        ),
        PhaseTemplate(
            name="Realisere",
            duration_weeks=52,
            description=(
                "Linjen følger opp og realiserer gevinstene etter planen, med målinger mot "
                "nullpunktet."
            ),
            milestones=(
                MilestoneTemplate(
                    code="R1",
                    name="Gevinster målt etter ett år",
                    deliverable="Gevinstrapport til virksomhetsledelsen",
                    responsible_role="Gevinsteier",
                    approver="Virksomhetsledelsen",
                    approver_kind=MANAGEMENT,
                ),
            ),
        ),
    ),
)


# --- E-procurement, Knutepunkt Sørlandet (seed 003) -----------------------------------------

EHANDEL = PhaseModelTemplate(
    key="ehandel",
    name="Innføring av e-handel (Difi, Knutepunkt Sørlandet)",
    description=(
        "Difis prosjektmetodikk for innføring av e-handel slik prosjektmandatet for "
        "Knutepunkt Sørlandet bruker den: seks faser og milepælene 1–8 med organet som "
        "godkjenner dem."
    ),
    source=("Prosjektmandat for innføring av ehandel i Knutepunkt Sørlandet, kap. 3.1, 4.1 og 4.2"),
    phases=(
        PhaseTemplate(
            name="Idéfase",
            duration_weeks=12,
            description=(
                "Fange idéen om e-handel og få den behandlet i de rette beslutningsorganene: "
                "forberede og gjennomføre presentasjon av e-handel for ledelsen, utarbeide "
                "prosjektmandat og kommunikasjonsplan, temadag for ledere, etablere "
                "prosjektorganisasjonen, informasjon til kommunene."
            ),
            milestones=(
                MilestoneTemplate(
                    code="1",
                    name="Godkjenning av prosjektmandat",
                    deliverable="Prosjektmandat",
                    responsible_role="Prosjektleder",
                    approver="Styringsgruppen",
                    approver_kind=STEERING,
                ),
            ),
            gate=GateTemplate(
                code="BP1",
                name="Godkjenning for analysefasen (forstudie)",
                approver="Styringsgruppen",
                approver_kind=STEERING,
                checklist=(
                    M("Prosjektmandatet er godkjent", True),
                    M("Prosjektorganisasjonen er etablert", True),
                    M("Kommunikasjonsplan er utarbeidet"),
                    M("Temadag for ledere er arrangert"),
                    M("Kommunene er informert"),
                ),
            ),
        ),
        PhaseTemplate(
            name="Forstudie",
            duration_weeks=26,
            description=(
                "Gjennomføre e-handelsanalyse (interessentanalyse, kartlegging av innkjøp, "
                "prosesser og IKT-verktøy, SWOT), utarbeide innkjøpsstrategi for kommunene "
                "som mangler den, foreslå mål, strategier og handlingsplan."
            ),
            milestones=(
                MilestoneTemplate(
                    code="2",
                    name="Godkjenning av rapport ehandelsanalyse/innkjøpsstrategi",
                    deliverable="Rapport fra e-handelsanalysen med forslag til innkjøpsstrategi",
                    responsible_role="Prosjektleder",
                    approver="Styringsgruppen",
                    approver_kind=STEERING,
                ),
                MilestoneTemplate(
                    code="3",
                    name="Politisk vedtak om innkjøpsstrategi",
                    deliverable="Vedtatt innkjøpsstrategi i hver kommune",
                    responsible_role="Rådmannen i hver kommune",
                    approver="Kommunestyrene",
                    approver_kind=COUNCIL,
                ),
            ),
            gate=GateTemplate(
                code="BP2",
                name="Godkjenning for prosjektoppstart",
                approver="Styringsgruppen",
                approver_kind=STEERING,
                checklist=(
                    M("E-handelsanalysen er gjennomført og rapporten godkjent", True),
                    M("Mål og strategier er godkjent", True),
                    M("Innkjøpsstrategien er politisk behandlet", True),
                    M("Interessentanalyse er gjennomført"),
                    M("Forslag til handlingsplan foreligger"),
                ),
            ),
        ),
        PhaseTemplate(
            name="Forprosjekt",
            duration_weeks=8,
            description=(
                "Etablere en solid organisasjonsstruktur for prosjektet: utarbeide revidert "
                "prosjektplan og få den godkjent, informasjon til kommunene."
            ),
            milestones=(
                MilestoneTemplate(
                    code="4",
                    name="Godkjenning av revidert prosjektplan",
                    deliverable="Revidert prosjektplan",
                    responsible_role="Prosjektleder",
                    approver="Styringsgruppen",
                    approver_kind=STEERING,
                ),
            ),
            gate=GateTemplate(
                code="BP3",
                name="Godkjenning av revidert prosjektplan",
                approver="Styringsgruppen",
                approver_kind=STEERING,
                checklist=(
                    M("Revidert prosjektplan er godkjent", True),
                    M("Ressursene i kommunene er avklart", True),
                    M("Kommunene er informert"),
                ),
            ),
        ),
        PhaseTemplate(
            name="Design og utvikling",
            duration_weeks=30,
            description=(
                "Designe innkjøpsorganisasjonen i detalj: ny prosjektorganisasjon, anskaffe "
                "e-handelssystemer, ny fullmaktstruktur, prosess- og rutinebeskrivelser, "
                "opplæringsplan, installasjon, opplæring av superbrukere, tilpasning av "
                "innhold, testing og akseptansetest, organisatoriske tilpasninger."
            ),
            milestones=(
                MilestoneTemplate(
                    code="5",
                    name="Godkjenning av akseptansetest",
                    deliverable="Godkjent akseptansetest",
                    responsible_role="Prosjektleder",
                    approver="Styringsgruppen",
                    approver_kind=STEERING,
                ),
            ),
            gate=GateTemplate(
                code="BP4",
                name="Godkjenning for implementering og pilotdrift",
                approver="Styringsgruppen",
                approver_kind=STEERING,
                checklist=(
                    M("E-handelssystem er anskaffet", True),
                    M("Ny fullmaktstruktur er utarbeidet", True),
                    M("Prosess- og rutinebeskrivelser er utarbeidet", True),
                    M("Opplæringsplan er utarbeidet og superbrukere opplært", True),
                    M("Akseptansetesten er godkjent", True),
                    M("Leverandørene er informert"),
                ),
            ),
        ),
        PhaseTemplate(
            name="Implementering og overlevering",
            duration_weeks=26,
            description=(
                "Rulle ut e-handel som foretrukket bestillingskanal og overlevere til "
                "mottakerorganisasjonen: pilotdrift, opplæring av brukere, utrulling og "
                "oppfølging, evaluering og korrigering, prosjektrapport."
            ),
            milestones=(
                MilestoneTemplate(
                    code="6",
                    name="Iverksetting av pilotdrift",
                    deliverable="Pilotdrift i gang",
                    responsible_role="Prosjektleder",
                    approver="Styringsgruppen",
                    approver_kind=STEERING,
                ),
                MilestoneTemplate(
                    code="7",
                    name="Iverksetting av utrulling til øvrige kommuner",
                    deliverable="Utrullingsplan og opplærte brukere i øvrige kommuner",
                    responsible_role="Prosjektleder",
                    approver="Styringsgruppen",
                    approver_kind=STEERING,
                ),
                MilestoneTemplate(
                    code="8",
                    name="Sluttrapport godkjennes",
                    deliverable="Sluttrapport (prosjektrapport)",
                    responsible_role="Prosjektleder",
                    approver="Styringsgruppen",
                    approver_kind=STEERING,
                ),
            ),
            gate=GateTemplate(
                code="BP5",
                name="Avslutning og overlevering",
                approver="Styringsgruppen",
                approver_kind=STEERING,
                checklist=(
                    M("Pilotdriften er evaluert og korrigert", True),
                    M("Brukerne er opplært", True),
                    M("Prosjektrapporten er godkjent", True),
                    M("Mottakerorganisasjonen har tatt imot leveransene", True),
                ),
            ),
        ),
        PhaseTemplate(
            name="Gevinstrealisering og evaluering",
            duration_weeks=52,
            description=(
                "Sikre at kommunene realiserer gevinstene, og evaluere prosjektet: måling og "
                "rapportering, vedlikehold (feilretting, justering og forbedring), "
                "videreutvikling."
            ),
        ),
    ),
)


# --- KL/KOMBIT playbook (seed 002) ----------------------------------------------------------

_PS = "Programstyregruppen"


def _da(
    code: str,
    name: str,
    original_name: str,
    deliverable: str,
    responsible_role: str,
    approver: str = "",
) -> MilestoneTemplate:
    return MilestoneTemplate(
        code=code,
        name=name,
        original_name=original_name,
        deliverable=deliverable,
        responsible_role=responsible_role,
        approver=approver,
        approver_kind=PROGRAMME if approver else "",
    )


DREJEBOG = PhaseModelTemplate(
    key="drejebog",
    name="Drejebog for obligatorisk digital selvbetjening (KL/KOMBIT)",
    description=(
        "Den danske drejebogen for kommunenes innføring av obligatorisk digital "
        "selvbetjening: planlegging, innkjøp og implementering med 32 milepæler, hver med "
        "leveranse og ansvarlig rolle."
    ),
    source="KL/KOMBIT, Drejebog for implementering af bølgeplanen (bølge 4)",
    language="da",
    phases=(
        PhaseTemplate(
            name="Planlegging",
            original_name="Planlægning",
            duration_weeks=16,
            description=(
                "Skape klare rammer for programmet: kunnskap om dagens systemer og "
                "arbeidsprosesser, organisering, roller og ansvar, ressurser, økonomi og "
                "gevinster. Fasen ender med en godkjent programbeskrivelse."
            ),
            milestones=(
                _da(
                    "1.1",
                    "Eierskap til oppgaven besluttet og prosjektressurser avsatt",
                    "Ejerskab for opgave besluttet og projektressourcer afsat",
                    "Programejeren, programlederen og de gevinstansvarlige er udpeget.",
                    "Direktionen udpeger programejeren; programejeren udpeger programlederen "
                    "og de gevinstansvarlige.",
                ),
                _da(
                    "1.2",
                    "Samarbeid med fagområdene etablert",
                    "Samarbejde med fagområder etableret",
                    "Kommunens programorganisation og governance er etableret, der er afholdt "
                    "opstartsmøde, og roller og ansvar er gennemgået og accepteret af alle "
                    "programmets deltagere.",
                    "Programlederen, sammen med programstyregruppens medlemmer.",
                ),
                _da(
                    "1.3",
                    "Kunnskap om as-is i kommunen innhentet",
                    "Viden om as is i kommunen indsamlet",
                    "Beskrivelse af as is-billedet, der viser, hvordan opgaven håndteres i "
                    "kommunen i dag.",
                    "Programlederen; projektlederne i forvaltningerne og fagspecialisterne.",
                ),
                _da(
                    "1.4",
                    "Avhengigheter til andre prosjekter og systemer kartlagt",
                    "Afhængigheder til andre projekter og systemer kortlagt",
                    "Afhængigheder til andre projekter og systemer er kortlagt, og der er "
                    "truffet beslutning om hvordan afhængighederne skal håndteres.",
                    "Programlederen.",
                ),
                _da(
                    "1.5",
                    "Visjon, gevinster og kobling til kanalstrategi beskrevet",
                    "Visioner, gevinster og kobling til kanalstrategi beskrevet til brug for "
                    "kommunens to be-billede",
                    "Opgavens vision, effekter og koblingen til kanalstrategi er beskrevet.",
                    "Programejeren ejer visionen; de gevinstansvarlige og programlederen.",
                ),
                _da(
                    "1.6",
                    "Kommunens to-be-bilde beskrevet",
                    "Kommunens to be-billede beskrevet",
                    "To-be-billedet er beskrevet.",
                    "Programlederen; projektlederne i forvaltningerne.",
                ),
                _da(
                    "1.7",
                    "GAP-analyser for IT og arbeidsprosesser gjennomført",
                    "GAP-analyser for it og arbejdsgange foretaget",
                    "GAP-analyser er foretaget, og de afledte opgaver i programmets projekter "
                    "og ad hoc opgaver er defineret.",
                    "Programlederen, projektlederne og fagspecialisterne.",
                ),
                _da(
                    "1.8",
                    "Programplan og detaljplan for innkjøp utarbeidet",
                    "Program- og detailplan for indkøb er udarbejdet",
                    "Programplanen samt detailplanen for indkøbsfasen er udarbejdet.",
                    "Projektlederne, konsolideret med programlederen.",
                ),
                _da(
                    "1.9",
                    "Økonomi avklart og business case etablert",
                    "Økonomi i fht obligatorisk digital selvbetjening afklaret, inklusiv "
                    "business case etableret",
                    "Business cases i version 0.1 er udarbejdet.",
                    "Programlederen og projektlederne.",
                ),
                _da(
                    "1.10",
                    "Plan for intern og ekstern kommunikasjon utarbeidet",
                    "Plan for intern og ekstern kommunikation udarbejdet",
                    "Kommunikationsplanen er udarbejdet.",
                    "Programlederen.",
                ),
                _da(
                    "1.11",
                    "Programbeskrivelse godkjent og politisk behandlet",
                    "Programbeskrivelse godkendt og politisk behandlet",
                    "Programbeskrivelsen er færdig og godkendt.",
                    "Programlederen samler programbeskrivelsen; programejeren bærer den videre "
                    "til direktionen og det politiske niveau.",
                    _PS,
                ),
            ),
            gate=GateTemplate(
                code="F1",
                name="Overgang til innkjøpsfasen",
                approver="Programstyregruppen (evt. direksjonen og det politiske nivået)",
                approver_kind=PROGRAMME,
                description=(
                    "Godkjenningen av programbeskrivelsen er samtidig en godkjenning av "
                    "overgangen til innkjøpsfasen (milepæl 1.11)."
                ),
                checklist=(
                    M("Programorganisasjon og governance er etablert", True),
                    M("As-is- og to-be-bildet er beskrevet", True),
                    M("Gevinster har gevinstansvarlige og er målbare", True),
                    M("Business case (versjon 0.1) er utarbeidet", True),
                    M("Programplan og detaljplan for innkjøpsfasen er utarbeidet", True),
                    M("Kommunikasjonsplan er utarbeidet", True),
                    M("Programbeskrivelsen er godkjent i programstyregruppen", True),
                    M("Programbeskrivelsen er politisk behandlet der det trengs"),
                ),
            ),
        ),
        PhaseTemplate(
            name="Innkjøp",
            original_name="Indkøb",
            duration_weeks=15,
            description=(
                "Innhente tilbud og kjøpe løsninger som oppfyller kommunens og de "
                "felles offentlige kravene; oppdatere business case og planlegge "
                "implementeringen."
            ),
            milestones=(
                _da(
                    "2.1",
                    "Exitstrategi for eksisterende løsninger beskrevet",
                    "Exitstrategi fra eksisterende løsninger beskrevet",
                    "Der er udarbejdet en exit strategi med en plan for, hvornår og hvordan "
                    "udfasning af nuværende selvbetjeningsløsninger skal ske, samt hvem der "
                    "har ansvaret for, at det sker.",
                    "Programlederen; i praksis systemejer i kommunens it-organisation.",
                ),
                _da(
                    "2.2",
                    "Koordinering med eventuell tredjepart gjennomført",
                    "Koordinering med en eventuel 3. part (fx forsyningsselskaber) foretaget",
                    "Der er udarbejdet et overblik over eventuelle 3. parts leverandører, der "
                    "påvirkes af to-be-løsningen, hvordan de påvirkes, samt hvem der skal "
                    "koordinere med leverandørerne og hvornår.",
                    "Program- og projektledere identificerer 3. partsleverandører; "
                    "fagspecialister udfører opgaven.",
                    "Programstyregruppen (kontraktændringer)",
                ),
                _da(
                    "2.3",
                    "Krav til løsninger beskrevet",
                    "Krav til løsninger beskrevet",
                    "En samlet kravspecifikation, der danner grundlag for indkøb af "
                    "selvbetjeningsløsninger.",
                    "Fagspecialisterne, it-repræsentanten og program- og projektlederne.",
                    "De gevinstansvarlige i programstyregruppen og programejeren",
                ),
                _da(
                    "2.4",
                    "Erfaringsutveksling med kommuner og innspill fra leverandørdag",
                    "Sparring med kommuner og input fra leverandørdag",
                    "Input fra leverandørdag indhentet og sparring med andre kommuner gennemført.",
                    "Programlederen, projektledere og it-specialister.",
                ),
                _da(
                    "2.5",
                    "Oversikt over godkjente løsninger innhentet",
                    "Overblik over godkendte løsninger indhentet",
                    "Liste over løsninger indhentet.",
                    "Programlederen.",
                ),
                _da(
                    "2.6",
                    "Tilbud innhentet og leverandørmøter holdt",
                    "Tilbud indhentet og leverandørmøder afholdt",
                    "Tilbud fra udvalgte leverandører er indhentet og leverandørmøder er afholdt.",
                    "Programlederen eller relevante projektledere.",
                ),
                _da(
                    "2.7",
                    "Prisdialog med kommunalt nettverk",
                    "Dialog om pris med kommunalt netværk",
                    "Priser og løsningsbeskrivelser er vurderet som gode sammenholdt med "
                    "tilsvarende priser og løsninger fra andre kommuner.",
                    "Programlederen.",
                ),
                _da(
                    "2.8",
                    "Beslutning om kjøp tatt",
                    "Beslutning om køb truffet",
                    "Der er truffet en beslutning om, hvilke løsninger kommunen vil indkøbe.",
                    "Programlederen udarbejder beslutningsoplæg til programstyregruppen.",
                    _PS,
                ),
                _da(
                    "2.9",
                    "Kontrakt inngått",
                    "Kontrakt indgået",
                    "Der er indgået kontrakt med den ønskede leverandør.",
                    "Programlederen; programejeren underskriver kontrakten.",
                    _PS,
                ),
                _da(
                    "2.10",
                    "Business case oppdatert",
                    "Business case opdateret",
                    "Business casen er opdateret efter løsningsvalg er truffet i indkøbsfasen.",
                    "Programlederen.",
                    _PS,
                ),
                _da(
                    "2.11",
                    "Implementeringsfasen organisert og planlagt",
                    "Implementeringsfasen organiseret og planlagt",
                    "Organisationen for programmet i implementeringsfasen samt detailplanen "
                    "for implementeringsfasen er færdiggjort og godkendt af "
                    "programstyregruppen.",
                    "Programlederen.",
                    _PS,
                ),
            ),
            gate=GateTemplate(
                code="F2",
                name="Overgang til implementeringsfasen",
                approver=_PS,
                approver_kind=PROGRAMME,
                description=(
                    "Godkjenningen av kontrakt, business case, organisasjon, detaljplan for "
                    "implementeringsfasen og gevinsthandlingsplan er samtidig en godkjenning av "
                    "overgangen til implementeringsfasen (milepæl 2.11)."
                ),
                checklist=(
                    M("Exitstrategi for eksisterende løsninger er beskrevet", True),
                    M("Kravspesifikasjonen er godkjent av de gevinstansvarlige", True),
                    M("Kontrakten er godkjent og underskrevet", True),
                    M("Business case er oppdatert med prisen for valgte løsninger", True),
                    M("Organisasjon og detaljplan for implementeringsfasen er godkjent", True),
                    M("Gevinsthandlingsplan er utarbeidet", True),
                ),
            ),
        ),
        PhaseTemplate(
            name="Implementering",
            original_name="Implementering",
            duration_weeks=9,
            description=(
                "Løsningene implementeres, arbeidsprosessene endres, medarbeiderne læres opp "
                "og kommunikasjonen til innbyggerne tilpasses."
            ),
            milestones=(
                _da(
                    "3.1",
                    "Ansvarlig for oppsett, drift og support utpekt",
                    "Ansvarlig for opsætning, drift og support udpeget",
                    "Ansvarlig for opsætning, drift og support er udpeget. (Samla)",
                    "Programlederen med it-organisationen. (Samla)",
                ),
                _da(
                    "3.2",
                    "Kompetanseutviklingsplan besluttet",
                    "Kompetenceudviklingsplan besluttet",
                    "Kompetenceudviklingsplanen er besluttet. (Samla)",
                    "Projektlederne. (Samla)",
                    _PS,
                ),
                _da(
                    "3.3",
                    "Test av løsningen gjennomført",
                    "Test af løsning gennemført",
                    "Løsningen er testet. (Samla)",
                    "Projektlederne og fagspecialisterne. (Samla)",
                ),
                _da(
                    "3.4",
                    "Teknisk implementering gjennomført",
                    "Teknisk implementering gennemført",
                    "Løsningen er teknisk implementeret. (Samla)",
                    "It-organisationen og leverandøren. (Samla)",
                ),
                _da(
                    "3.5",
                    "Opplæring gjennomført",
                    "Undervisning gennemført",
                    "Medarbejderne er undervist. (Samla)",
                    "Projektlederne. (Samla)",
                ),
                _da(
                    "3.6",
                    "Endrede arbeidsprosesser tatt i bruk",
                    "Ændring af arbejdsgange realiseret",
                    "De nye arbejdsgange er taget i brug. (Samla)",
                    "De gevinstansvarlige fagchefer. (Samla)",
                ),
                _da(
                    "3.7",
                    "Løsningen publisert på borger.dk/virk.dk og egen nettside",
                    "Løsning lagt på borger.dk og/eller virk.dk og på egen hjemmeside",
                    "Løsningen er tilgængelig for borgere og virksomheder. (Samla)",
                    "Projektlederne og webredaktionen. (Samla)",
                ),
                _da(
                    "3.8",
                    "Intern og ekstern kommunikasjon gjennomført",
                    "Intern og ekstern kommunikation gennemført",
                    "Kommunikationsplanen er gennemført. (Samla)",
                    "Programlederen. (Samla)",
                ),
                _da(
                    "3.9",
                    "Rapportering oppover i organisasjonen og til KL/KOMBIT gjort",
                    "Afrapportering opad i organisationen og til KL/KOMBIT foretaget",
                    "Afrapportering er sendt. (Samla)",
                    "Programlederen. (Samla)",
                    _PS,
                ),
                _da(
                    "3.10",
                    "Feiring holdt!",
                    "Fejring afholdt!",
                    "Programmets resultater er fejret. (Samla)",
                    "Programejeren. (Samla)",
                ),
            ),
        ),
    ),
)


LIBRARY: dict[str, PhaseModelTemplate] = {
    model.key: model for model in (PROSJEKTVEIVISEREN, EHANDEL, DREJEBOG)
}
