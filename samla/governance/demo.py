"""Demo data for programmes and projects, modelled on seed 003 (e-procurement in
Knutepunkt Sørlandet) and dated relative to today so that the pages look current.

One programme with three projects, one from each shipped phase model:
- «Innføring av e-handel» (seed 003's phase model), with a mandate built from the seed's
  sections (background, goals and sub-goals, frames, organisation, budget, financing by
  population, resource plan, risks, quality assurance, reporting), a steering group with
  two meetings whose decisions approve milestone 1 and pass the first gate, its risk
  register (section 7.1), two published status reports and a draft, a plan with
  finish-to-start dependencies, stakeholders, a communication plan and a log;
- «Felles sak/arkivløsning» (Prosjektveiviseren), which has passed BP1;
- «Digital selvbetjening» (the Danish playbook), just started.

The seed's resource plan lost its per-forum figures when it was turned into text; only the
total of 1 960 hours at 500 kr an hour survives. The split between the fora below is ours
and adds up to that total. The budget amounts are assumptions, marked «antatt».
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from samla.core.dates import today as current_day
from samla.governance import services
from samla.governance.models import (
    ActionItem,
    Activity,
    BodyKind,
    CommunicationItem,
    CostLine,
    Gate,
    Level,
    LogEntry,
    MandateRole,
    Meeting,
    PhaseModel,
    Programme,
    Project,
    RagStatus,
    Risk,
)
from samla.organisations.models import Collaboration, CostSharingKey, Organisation, Role, User

DEMO_PROGRAMME = "Felles digitalisering"


def _months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _phase_model(collaboration: Collaboration, key: str) -> PhaseModel:
    existing = PhaseModel.objects.filter(collaboration=collaboration, library_key=key).first()
    return existing or services.phase_model_install(collaboration=collaboration, key=key)


def _people(collaboration: Collaboration) -> tuple[User | None, User | None]:
    """(owner, leader): an administrator and the programme office, when there are such."""
    roles = {
        role.kind: role.user
        for role in Role.objects.filter(collaboration=collaboration)
        .select_related("user")
        .order_by("-pk")
    }
    leader = roles.get(Role.Kind.PROGRAMME_OFFICE) or roles.get(Role.Kind.ADMINISTRATOR)
    return roles.get(Role.Kind.ADMINISTRATOR), leader


def _tick_mandatory(gate: Gate, user: User | None) -> None:
    for item in gate.checklist.filter(mandatory=True, done=False):
        services.checklist_item_set_done(item=item, done=True, user=user)


@transaction.atomic
def seed_demo_governance(
    collaboration: Collaboration, *, today: datetime.date | None = None
) -> Programme:
    """Load the demo once; running it again changes nothing."""
    existing = Programme.objects.filter(collaboration=collaboration, name=DEMO_PROGRAMME).first()
    if existing is not None:
        return existing
    today = today or current_day()
    this_month = today.replace(day=1)
    owner, leader = _people(collaboration)
    organisations = list(
        Organisation.objects.filter(memberships__collaboration=collaboration).order_by("name")
    )
    models = {
        key: _phase_model(collaboration, key)
        for key in ("ehandel", "prosjektveiviseren", "drejebog")
    }

    programme = services.programme_create(
        collaboration=collaboration,
        name=DEMO_PROGRAMME,
        code="FD",
        description=(
            "Samarbeidets felles digitaliseringsprosjekter: e-handel, sak/arkiv og digital "
            "selvbetjening."
        ),
        owner=owner,
        manager=leader,
        start=_months(this_month, -9),
        end=_months(this_month, 27),
    )
    steering = services.body_create(
        collaboration=collaboration,
        kind=BodyKind.STEERING_GROUP,
        name="Styringsgruppen",
        abbreviation="SG",
        description=(
            "Rådmannsutvalget sammen med to representanter for de tillitsvalgte. Har det "
            "overordnede ansvaret for prosjektenes økonomi, fremdrift og resultatoppnåelse."
        ),
        programme=programme,
    )
    members = [
        services.body_member_create(
            body=steering,
            name=f"Rådmannen i {organisation.name}",
            organisation=organisation,
            role="chair" if index == 0 else "member",
        )
        for index, organisation in enumerate(organisations[:6])
    ]
    members.append(services.body_member_create(body=steering, name="Tillitsvalgt, Fagforbundet"))
    members.append(services.body_member_create(body=steering, name="Tillitsvalgt, Delta"))
    if leader is not None:
        members.append(services.body_member_create(body=steering, user=leader, role="secretary"))

    ehandel = _ehandel(
        collaboration, programme, models["ehandel"], organisations, owner, leader, this_month
    )
    services.project_assign_approver(project=ehandel, kind=BodyKind.STEERING_GROUP, body=steering)
    sakark = services.project_create(
        collaboration=collaboration,
        programme=programme,
        name="Felles sak/arkivløsning",
        code="FD-SA",
        description="Én felles sak/arkivløsning for alle medlemmene, med felles arkivplan.",
        phase_model=models["prosjektveiviseren"],
        start=_months(this_month, -4),
        organisations=organisations,
        owner=owner,
        leader=leader,
    )
    services.project_assign_approver(project=sakark, kind=BodyKind.STEERING_GROUP, body=steering)
    selvbetjening = services.project_create(
        collaboration=collaboration,
        programme=programme,
        name="Digital selvbetjening",
        code="FD-DS",
        description=(
            "Obligatorisk digital selvbetjening på nye tjenesteområder, etter KL/KOMBITs drejebog."
        ),
        phase_model=models["drejebog"],
        start=_months(this_month, -1),
        organisations=organisations[:3],
        owner=owner,
        leader=leader,
    )

    # Two meetings of the steering group with their decisions, and the next one.
    first_meeting_day = ehandel.start + datetime.timedelta(weeks=11)
    meeting = services.meeting_create(
        body=steering,
        title="Styringsgruppemøte – oppstart e-handel",
        starts_at=_at(first_meeting_day, 9),
        ends_at=_at(first_meeting_day, 11),
        location="Rådhuset, møterom 1",
        status=Meeting.Status.HELD,
        minutes="Styringsgruppen gikk gjennom mandatet og planen for forstudien.",
    )
    services.meeting_set_present(meeting=meeting, members=members[:-2])
    mandate_item = services.agenda_item_create(
        meeting=meeting,
        number="1/" + str(first_meeting_day.year)[2:],
        title="Godkjenning av prosjektmandat for innføring av e-handel",
        presenter="Prosjektleder",
        proposal="Styringsgruppen godkjenner prosjektmandatet.",
        project=ehandel,
    )
    gate_item = services.agenda_item_create(
        meeting=meeting,
        number="2/" + str(first_meeting_day.year)[2:],
        title="Overgang til forstudien",
        presenter="Prosjektleder",
        proposal="Prosjektet går over i forstudien.",
        project=ehandel,
    )
    milestone_1 = ehandel.milestones.get(code="1")
    services.decision_record(
        body=steering,
        meeting=meeting,
        agenda_item=mandate_item,
        decided_on=first_meeting_day,
        title="Prosjektmandat for innføring av e-handel godkjent",
        text="Styringsgruppen godkjenner prosjektmandatet for innføring av e-handel.",
        milestone=milestone_1,
        user=leader,
    )
    gate_1 = ehandel.gates.get(code="BP1")
    _tick_mandatory(gate_1, leader)
    services.decision_record(
        body=steering,
        meeting=meeting,
        agenda_item=gate_item,
        decided_on=first_meeting_day,
        title="Godkjenning for forstudien",
        text=(
            "Prosjektet får godkjenning for forstudien: e-handelsanalyse og innkjøpsstrategi "
            "for kommunene som mangler den."
        ),
        alternatives=(
            "Felles innføring av e-handel i alle kommunene.\n\n"
            "Hver kommune innfører e-handel på egen hånd.\n\n"
            "Kommunene fortsetter som i dag (nullalternativet)."
        ),
        gate=gate_1,
        user=leader,
    )
    services.action_item_create(
        collaboration=collaboration,
        meeting=meeting,
        project=ehandel,
        text="Sende mandatet til kommunene til orientering.",
        owner=leader,
        due=first_meeting_day + datetime.timedelta(days=14),
        status=ActionItem.Status.DONE,
    )

    second_day = this_month - datetime.timedelta(days=20)
    second = services.meeting_create(
        body=steering,
        title="Styringsgruppemøte",
        starts_at=_at(second_day, 13),
        ends_at=_at(second_day, 15),
        location="Teams",
        status=Meeting.Status.HELD,
        minutes="Status for e-handel og oppstart av sak/arkiv.",
    )
    services.meeting_set_present(meeting=second, members=members)
    sak_item = services.agenda_item_create(
        meeting=second,
        number="5/" + str(second_day.year)[2:],
        title="Sak/arkiv: start konseptfasen",
        presenter="Prosjektleder",
        project=sakark,
    )
    sak_gate = sakark.gates.get(code="BP1")
    _tick_mandatory(sak_gate, leader)
    from samla.cases.models import CaseVersion

    version = (
        CaseVersion.objects.filter(case__collaboration=collaboration)
        .exclude(stage=CaseVersion.Stage.DRAFT)
        .order_by("pk")
        .first()
    )
    services.decision_record(
        body=steering,
        meeting=second,
        agenda_item=sak_item,
        decided_on=second_day,
        title="Felles sak/arkiv utredes i en konseptfase",
        text="Idéen om felles sak/arkivløsning utredes videre i en konseptfase på åtte uker.",
        gate=sak_gate,
        user=leader,
    )
    if version is not None:
        services.decision_record(
            body=steering,
            meeting=second,
            decided_on=second_day,
            title="Business case for e-handel lagt til grunn",
            text=f"Styringsgruppen legger {version} til grunn for videre arbeid.",
            project=ehandel,
            case_version=version,
            user=leader,
        )
    services.action_item_create(
        collaboration=collaboration,
        meeting=second,
        project=ehandel,
        text="Legge fram rapporten fra e-handelsanalysen.",
        owner=leader,
        due=today + datetime.timedelta(days=21),
    )
    next_day = today + datetime.timedelta(days=30)
    services.meeting_create(
        body=steering,
        title="Styringsgruppemøte",
        starts_at=_at(next_day, 9),
        ends_at=_at(next_day, 11),
        location="Rådhuset, møterom 1",
    )

    _ehandel_reports(ehandel, leader, this_month)
    services.risk_create(
        programme=programme,
        title="Prosjektene konkurrerer om de samme fagpersonene",
        cause="Få personer med innkjøps- og arkivkompetanse i de minste kommunene.",
        consequence="Forsinkelser i flere prosjekter samtidig.",
        probability=3,
        impact=3,
        strategy=Risk.Strategy.REDUCE,
        measures="Felles ressursplan for programmet; prioritering i styringsgruppen.",
        owner=owner,
        user=leader,
    )
    services.log_entry_create(
        project=sakark,
        author=leader,
        kind=LogEntry.Kind.LESSON,
        title="Arkivplanen må med fra start",
        text="Erfaring fra e-handel: ta med arkivansvarlig i idéfasen.",
        date=today - datetime.timedelta(days=10),
    )
    _ = selvbetjening
    return programme


def _ehandel(
    collaboration: Collaboration,
    programme: Programme,
    phase_model: PhaseModel,
    organisations: list[Organisation],
    owner: User | None,
    leader: User | None,
    this_month: datetime.date,
) -> Project:
    from samla.cases.models import BusinessCase

    start = _months(this_month, -9)
    project = services.project_create(
        collaboration=collaboration,
        programme=programme,
        name="Innføring av e-handel",
        code="FD-EH",
        description=(
            "Delprosjekt i oppfølgingen av samarbeidet om lønn og regnskap: e-handel fra "
            "bestilling til betaling i alle kommunene."
        ),
        phase_model=phase_model,
        start=start,
        organisations=organisations,
        owner=owner,
        leader=leader,
        business_case=BusinessCase.objects.filter(collaboration=collaboration)
        .order_by("pk")
        .first(),
    )
    mandate = project.mandate
    services.mandate_update(
        mandate=mandate,
        background=(
            "Kommunene har som mål å ta ut stordriftsfordeler og effektiviseringsgevinster "
            "gjennom samarbeid. Innkjøp av varer og tjenester utgjør om lag 500 mill. kr i "
            "året for kommunene utenom vertskommunen. Vertskommunen har tatt i bruk "
            "e-handelsplattformen fra Difi; de øvrige kommunene har ikke."
        ),
        purpose=(
            "Bedre innkjøpsprosesser, kompetanse og systemer, slik at gevinstene kan styrke "
            "kommunenes primære oppgaver."
        ),
        main_goal=(
            "Kommunene har god kompetanse, rutiner og systemer for innkjøp som bidrar til "
            "effektiv utnyttelse av kommunenes ressurser på en samfunnstjenlig måte."
        ),
        scope=(
            "Innkjøpsprosessen fra bestilling til betaling i alle deltakerkommunene: "
            "innkjøpsstrategi, fullmakter, rutiner, opplæring og e-handelssystem."
        ),
        limits="Organisasjonsmessige endringer i lønns- og regnskapsfunksjonene er ikke en del av prosjektet.",
        frames=(
            "Kommuneloven; lov og forskrift om offentlige anskaffelser; forskrift om lønns- og "
            "arbeidsvilkår i offentlige kontrakter; arbeidsmiljøloven; hovedavtalen; "
            "samarbeidsavtale om felles innkjøp; personalpolitiske retningslinjer ved omstilling."
        ),
        expected_results=(
            "Difi anslår en gevinst på 2,5–7 % av innkjøpsvolumet som går via e-handel: "
            "2,5–7 mill. kr i året når 20 % av 500 mill. kr går via e-handel."
        ),
        risk_summary=(
            "Høy risiko: om lag 80 % knyttet til organisatoriske forhold og 20 % til tekniske. "
            "Endringsledelse, kommunikasjon, medvirkning, motivasjon og opplæring er kritiske."
        ),
        quality_assurance=(
            "Fasene med beslutningspunkter er i seg selv kvalitetssikring: prosjektet kan "
            "stoppes etter forprosjektet uten store kostnader. Sterk forankring hos rådmennene "
            "og medvirkning fra de ansatte."
        ),
        reporting=(
            "Prosjektleder rapporterer status månedlig til økonominettverket: fremdrift, "
            "kvalitet, økonomi og tekstlige kommentarer. Styringsgruppen får rapport ved "
            "overgang mellom faser."
        ),
        financing_note=(
            "Prosjektledelse dekkes av deltakerkommunene etter innbyggertall. Eventuell støtte "
            "fra Difi avklares senere. Indirekte kostnader dekkes av kommunene og sekretariatet."
        ),
    )
    for months, text, measure, target in (
        (
            6,
            "Alle kommunene har en vedtatt innkjøpsstrategi.",
            "Vedtak i kommunestyret",
            "Alle kommunene",
        ),
        (
            15,
            "Alle kommunene har tatt i bruk e-handel, så bestilling til betaling skjer digitalt og sømløst.",
            "Kommuner i drift",
            "Alle kommunene",
        ),
        (
            18,
            "Alle ansatte i innkjøpsprosessene har styrket sin innkjøpskompetanse.",
            "Andel som har fullført opplæring",
            "100 %",
        ),
        (
            18,
            "Kommunene har effektivisert innkjøpene ved at en del av innkjøpsvolumet går via e-handel.",
            "Andel av innkjøpsvolumet via e-handel",
            "5 %",
        ),
        (
            42,
            "Andelen av innkjøpsvolumet via e-handel har økt.",
            "Andel av innkjøpsvolumet via e-handel",
            "20 %",
        ),
    ):
        services.sub_goal_create(
            mandate=mandate,
            text=text,
            measure=measure,
            target=target,
            deadline=_months(start, months) - datetime.timedelta(days=1),
        )
    services.concept_create(
        mandate=mandate,
        name="Nullalternativet",
        description="Kommunene fortsetter med dagens innkjøpsrutiner.",
        is_zero=True,
    )
    services.concept_create(
        mandate=mandate,
        name="Felles innføring av e-handel",
        description="Felles metodikk, felles innkjøpstjeneste og Difis e-handelsplattform.",
        is_chosen=True,
    )
    services.concept_create(
        mandate=mandate,
        name="Hver kommune for seg",
        description="Hver kommune innfører e-handel på selvstendig grunnlag.",
    )
    kind = MandateRole.Kind
    roles: list[dict[str, object]] = [
        {"kind": kind.OWNER, "group": "Rådmannsutvalget"},
        {"kind": kind.STEERING_GROUP, "group": "Rådmannsutvalget", "title": "Styringsgruppe"},
        {
            "kind": kind.STEERING_GROUP,
            "name": "Tillitsvalgt, Fagforbundet",
            "title": "Representant for de tillitsvalgte",
        },
        {
            "kind": kind.STEERING_GROUP,
            "name": "Tillitsvalgt, Delta",
            "title": "Representant for de tillitsvalgte",
        },
        {"kind": kind.PROJECT_GROUP, "group": "Økonominettverket", "title": "Representant"},
        {"kind": kind.PROJECT_GROUP, "group": "Arbeidsgivernettverket", "title": "Representant"},
        {"kind": kind.PROJECT_GROUP, "group": "Felles innkjøpstjeneste", "title": "Leder"},
        {
            "kind": kind.WORKING_GROUP,
            "group": "Innkjøpskoordinatorene",
            "title": "Sammen med felles innkjøpstjeneste",
        },
        {"kind": kind.REFERENCE_GROUP, "group": "Økonominettverket"},
        {"kind": kind.REFERENCE_GROUP, "group": "Arbeidsgivernettverket"},
        {"kind": kind.REFERENCE_GROUP, "group": "IT-utvalget"},
        {"kind": kind.REFERENCE_GROUP, "group": "Innkjøpsforum"},
    ]
    if leader is not None:
        roles.insert(
            1, {"kind": kind.PROJECT_LEADER, "user": leader, "title": "Rådgiver i sekretariatet"}
        )
    for organisation in organisations[:6]:
        roles.append(
            {
                "kind": kind.WORKING_GROUP,
                "group": "Innkjøpskoordinatorene",
                "name": f"Innkjøpskoordinator, {organisation.name}",
                "organisation": organisation,
            }
        )
    for role in roles:
        services.mandate_role_create(mandate=mandate, **role)
    year = start.year
    for name, amount in (
        ("Ekstern konsulentbistand (antatt)", 150_000),
        ("Prosjektledelse (antatt)", 400_000),
        ("Anskaffelse innkjøpssystem (antatt)", 300_000),
        ("Innføring og opplæring innkjøpssystem (antatt)", 150_000),
        ("Anskaffelse e-handelsplattform (antatt)", 100_000),
        ("Tilpasning e-handelsplattform (antatt)", 50_000),
        ("Reise, møter, kurs (antatt)", 40_000),
        ("Kjøp av tjenester fra felles innkjøp (antatt)", 60_000),
    ):
        services.cost_line_create(
            mandate=mandate, kind=CostLine.Kind.DIRECT, name=name, year=year, amount=Decimal(amount)
        )
    services.cost_line_create(
        mandate=mandate,
        kind=CostLine.Kind.INDIRECT,
        name="Lønnsutgifter prosjektdeltakere (1 960 timer à 500 kr)",
        year=year,
        amount=Decimal(980_000),
    )
    # Persons × meetings × hours per meeting; 1 960 hours in all, as in the seed.
    for forum, persons, meetings, hours in (
        ("Styringsgruppe", 8, 6, "2"),
        ("Prosjektleder", 1, 40, "16"),
        ("Prosjektgruppe", 4, 12, "6"),
        ("Felles innkjøpstjeneste", 2, 24, "8"),
        ("Innkjøpskoordinatorer", 6, 23, "4"),
    ):
        services.resource_line_create(
            mandate=mandate,
            forum=forum,
            persons=persons,
            meetings=meetings,
            hours_per_meeting=Decimal(hours),
            hourly_rate=Decimal(500),
        )
    services.financing_create(mandate=mandate, source="Difi (avklares senere)", amount=Decimal(0))
    if organisations:
        key = CostSharingKey.objects.filter(
            collaboration=collaboration, method=CostSharingKey.Method.POPULATION
        ).first()
        if any(o.population for o in organisations):
            services.mandate_financing_compute(mandate=mandate, key=key)

    for title, cause, probability, impact, residual, trend in (
        (
            "For liten forankring av prosjektet i kommunene",
            "Rådmennene og lederne er ikke involvert tidlig nok.",
            3,
            5,
            (2, 4),
            Risk.Trend.FALLING,
        ),
        (
            "Kostnader og tidsbruk er undervurdert",
            "Omfanget av rutineendringer og opplæring er uklart.",
            4,
            3,
            (3, 3),
            Risk.Trend.STABLE,
        ),
        (
            "Gevinstene er overvurdert",
            "Anslaget 2,5–7 % bygger på Difis erfaringstall.",
            3,
            4,
            (2, 4),
            Risk.Trend.STABLE,
        ),
        (
            "Mangler system for å måle gevinster",
            "Nullpunkt og indikatorer er ikke fastsatt.",
            3,
            3,
            (1, 3),
            Risk.Trend.FALLING,
        ),
        (
            "Motstand mot endringer i kommunene",
            "Nye fullmakter og arbeidsprosesser.",
            4,
            4,
            (3, 3),
            Risk.Trend.RISING,
        ),
        (
            "Kompleksiteten er undervurdert",
            "Integrasjon med økonomisystemene i seks kommuner.",
            2,
            4,
            None,
            Risk.Trend.STABLE,
        ),
        (
            "For lite fokus på opplæring og rutineendringer",
            "Opplæring prioriteres ned i en travel driftshverdag.",
            3,
            4,
            (2, 3),
            Risk.Trend.STABLE,
        ),
    ):
        services.risk_create(
            project=project,
            title=title,
            cause=cause,
            consequence="Gevinstene blir mindre eller kommer senere enn planlagt.",
            probability=probability,
            impact=impact,
            residual_probability=residual[0] if residual else None,
            residual_impact=residual[1] if residual else None,
            strategy=Risk.Strategy.REDUCE,
            measures="Endringsledelse, kommunikasjon, medvirkning og opplæring.",
            owner=leader,
            trend=trend,
            user=leader,
        )

    # The plan of section 4.1: length in days and predecessors (finish-to-start). Each
    # activity starts the day after its last predecessor ends; the first ones at the start.
    plan = (
        ("1.1", "Utarbeide prosjektmandat", 30, ()),
        ("1.2", "Utarbeide kommunikasjonsplan", 20, ()),
        ("1.3", "Arrangere temadag for ledere", 10, ("1.1",)),
        ("1.5", "Etablere prosjektorganisasjon", 25, ("1.1",)),
        ("2.1", "Gjennomføre interessentanalyse", 20, ("1.5",)),
        ("2.2", "Kartlegging av innkjøp i kommunene", 60, ("1.5",)),
        ("2.3", "Prosesskartlegging", 50, ("2.1",)),
        ("2.4", "Kartlegging av IKT-verktøy", 30, ("2.1",)),
        ("2.5", "Gjennomføre SWOT-analyse", 20, ("2.2", "2.3", "2.4")),
        ("2.6", "Forslag til mål og strategier", 30, ("2.5",)),
        ("2.9", "Forslag til handlingsplan", 30, ("2.6",)),
        ("3.1", "Utarbeide revidert prosjektplan", 40, ("2.9",)),
        ("4.2", "Anskaffelse e-handelssystemer", 120, ("3.1",)),
        ("4.6", "Installasjon av programvare", 30, ("4.2",)),
        ("4.7", "Opplæring superbrukere", 30, ("4.6",)),
        ("4.9", "Testing og akseptansetest", 45, ("4.6",)),
        ("5.1", "Pilotdrift", 60, ("4.7", "4.9")),
        ("5.3", "Utrulling og oppfølging", 120, ("5.1",)),
    )
    phases = {phase.order: phase for phase in project.phases.all()}
    milestones = {m.code: m for m in project.milestones.all()}
    links = {"1.1": "1", "2.9": "2", "3.1": "4", "4.9": "5", "5.1": "6", "5.3": "7"}
    activities: dict[str, Activity] = {}
    for code, name, length, after in plan:
        begin = max([start] + [activities[p].end + datetime.timedelta(days=1) for p in after])
        end = begin + datetime.timedelta(days=length - 1)
        activities[code] = services.activity_create(
            project=project,
            code=code,
            name=name,
            start=begin,
            end=end,
            phase=phases.get(int(code.split(".")[0])),
            milestone=milestones.get(links.get(code, "")),
            responsible=leader,
            progress=100 if end < this_month else 0,
        )
        for predecessor in after:
            services.dependency_create(
                predecessor=activities[predecessor], successor=activities[code]
            )

    for name, group, interest, influence, affected in (
        ("Rådmennene", "Ledelse", Level.HIGH, Level.HIGH, "Eier prosjektet og gevinstene."),
        (
            "Bestillere i virksomhetene",
            "Ansatte",
            Level.MEDIUM,
            Level.MEDIUM,
            "Nye rutiner og fullmakter for bestilling.",
        ),
        (
            "Tillitsvalgte",
            "Ansatte",
            Level.MEDIUM,
            Level.HIGH,
            "Endrede arbeidsprosesser; drøftingsplikt.",
        ),
        (
            "Leverandører på rammeavtale",
            "Eksterne",
            Level.MEDIUM,
            Level.LOW,
            "Må levere e-katalog og e-faktura.",
        ),
    ):
        stakeholder = services.stakeholder_create(
            project=project,
            name=name,
            group=group,
            interest_level=interest,
            influence=influence,
            affected=affected,
            measures="Informasjon og medvirkning gjennom prosjektet.",
        )
        services.communication_item_create(
            project=project,
            stakeholder=stakeholder,
            audience=name,
            message="Hva e-handel betyr for dem, og hva som skjer når.",
            channel=CommunicationItem.Channel.MEETING
            if influence == Level.HIGH
            else CommunicationItem.Channel.EMAIL,
            date=_months(this_month, 1),
            responsible=leader,
        )
    for kind_, title, days in (
        (LogEntry.Kind.COMMENT, "Temadag for ledere holdt med god oppslutning", 200),
        (LogEntry.Kind.CONCERN, "To kommuner mangler innkjøpskoordinator", 60),
        (LogEntry.Kind.CHANGE_REQUEST, "Ta med e-faktura fra leverandørene i forstudien", 40),
        (LogEntry.Kind.LESSON, "Kartleggingen tar lengre tid i små kommuner", 15),
    ):
        services.log_entry_create(
            project=project,
            author=leader,
            kind=kind_,
            title=title,
            date=this_month - datetime.timedelta(days=days),
        )
    return project


def _ehandel_reports(project: Project, leader: User | None, this_month: datetime.date) -> None:
    """Two published monthly reports and a draft for this month."""
    green, yellow = RagStatus.GREEN, RagStatus.YELLOW
    first = services.status_report_create(
        project=project,
        period=_months(this_month, -2),
        user=leader,
        overall=green,
        overall_comment="Forstudien er i gang etter plan.",
        schedule=green,
        quality=green,
        economy=green,
        risk=yellow,
        risk_comment="Forankringen i de minste kommunene må følges opp.",
        benefits=green,
        next_steps="Kartlegging av innkjøp og prosesser i alle kommunene.",
    )
    lines = list(first.cost_lines.all())
    for index, line in enumerate(lines):
        services.status_cost_line_update(
            line=line, spent=(line.budget * Decimal(index % 3) / 10).quantize(Decimal(1))
        )
    services.status_report_publish(report=first, user=leader)
    second = services.status_report_create(
        project=project, period=_months(this_month, -1), user=leader
    )
    services.status_report_update(
        report=second,
        overall=yellow,
        overall_comment="Kartleggingen tar lengre tid enn planlagt i to kommuner.",
        schedule=yellow,
        schedule_comment="Rapporten fra e-handelsanalysen kommer tre uker senere.",
        next_steps="Ferdigstille SWOT og forslag til mål og strategier.",
    )
    for line in second.cost_lines.all()[:2]:
        services.status_cost_line_update(
            line=line, spent=line.spent + Decimal(25_000), forecast=line.forecast + Decimal(20_000)
        )
    services.status_report_publish(report=second, user=leader)
    services.status_report_create(project=project, period=this_month, user=leader)
