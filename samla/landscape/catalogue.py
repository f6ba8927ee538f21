"""The Norwegian municipal system catalogue every new collaboration starts with.

Service areas (tjenesteområder) and system categories, with typical products named in
the seeds (Gerica, Familia, Agresso, Visma, Gatsoft, Bibliofil, SpeedAdmin …) as examples
only. Every collaboration gets its own copy and may edit it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogueCategory:
    code: str
    name: str
    examples: str = ""


@dataclass(frozen=True)
class CatalogueArea:
    code: str
    name: str
    categories: tuple[CatalogueCategory, ...]


C = CatalogueCategory

CATALOGUE: tuple[CatalogueArea, ...] = (
    CatalogueArea(
        "ADM",
        "Administrasjon og ledelse",
        (
            C("ADM-SAK", "Sak/arkiv", "Elements, Public 360, WebSak, ePhorte"),
            C("ADM-OKO", "Økonomi/regnskap", "Agresso (Unit4 ERP), Visma Enterprise"),
            C("ADM-LON", "Lønn/HR", "Visma Enterprise HRM, SAP HR"),
            C("ADM-TUR", "Turnus", "Gatsoft, Visma Ressursstyring"),
            C("ADM-KOM", "Kompetanse", "Kompetansebroen, Kompetanseportalen"),
            C("ADM-KVA", "Kvalitetssystem", "Compilo, EQS, Landax"),
            C("ADM-PRO", "Prosjekt/portefølje", "Prosjektportalen, Samla"),
            C("ADM-TID", "Tids- og timeregistrering", "Visma Tid, Tamigo"),
            C("ADM-EHA", "E-handel", "Visma e-Handel, Unit4 Procurement"),
            C("ADM-FAK", "Fakturabehandling", "Contempus, Unit4 Invoice"),
            C("ADM-SPO", "Spørreundersøkelser", "Questback, Enalyzer, Nettskjema"),
            C("ADM-STY", "Styringsinformasjon og rapportering", "Framsikt, Power BI"),
            C("ADM-POL", "Politisk saksbehandling", "Elements Politisk, eInnsyn"),
            C("ADM-AVV", "Avvikssystem og HMS", "Compilo, Synergi"),
            C("ADM-INN", "Innbyggerdialog og selvbetjening", "Digitale skjema, chatbot"),
            C("ADM-IAM", "Identitet og tilgang", "Entra ID, Fortinet"),
        ),
    ),
    CatalogueArea(
        "OPP",
        "Oppvekst",
        (
            C("OPP-SKO", "Skoleadministrasjon", "Visma Flyt Skole, IST Everyday"),
            C("OPP-BHG", "Barnehage", "Visma Flyt Barnehage, IST Barnehage"),
            C("OPP-LAR", "Læringsplattform", "Itslearning, Google Classroom, Teams"),
            C("OPP-PPT", "PPT", "Visma Flyt PPT, Public 360 PPT"),
            C("OPP-SFO", "SFO", "Visma Flyt SFO"),
            C("OPP-OPP", "Opptak skole og barnehage", "Visma Flyt Opptak"),
            C("OPP-VOK", "Voksenopplæring", "Visma Flyt Voksenopplæring"),
        ),
    ),
    CatalogueArea(
        "HSO",
        "Helse, sosial og omsorg",
        (
            C("HSO-PLO", "Pleie og omsorg", "Gerica, Profil, CosDoc"),
            C("HSO-BVT", "Barnevern", "Familia, Visma Flyt Barnevern"),
            C("HSO-HST", "Helsestasjon og skolehelsetjeneste", "HsPro, Infodoc"),
            C("HSO-NAV", "NAV/sosial", "Socio, Modia"),
            C("HSO-LEG", "Legevakt og legekontor", "Infodoc, System X"),
            C("HSO-VEL", "Velferdsteknologi", "Digital tilsyn, medisindispensere"),
            C("HSO-FYS", "Fysio- og ergoterapi", "Pridok"),
            C("HSO-RUS", "Rus og psykisk helse", "Profil, CosDoc"),
            C("HSO-FLY", "Flyktningtjeneste", "Visma Flyt Flyktning"),
            C("HSO-TAN", "Tannhelse", "Opus"),
        ),
    ),
    CatalogueArea(
        "KUL",
        "Kultur, idrett og frivillighet",
        (
            C("KUL-BIB", "Bibliotek", "Bibliofil, Quria, Mikromarc"),
            C("KUL-KSK", "Kulturskole", "SpeedAdmin, Visma Flyt Kulturskole"),
            C("KUL-BOO", "Booking av lokaler og anlegg", "Bookup, Aktiv kommune"),
            C("KUL-TIL", "Tilskudd", "Aktørbasen, Regionalforvaltning"),
            C("KUL-BIL", "Billettsalg", "TicketCo, Hoopla"),
        ),
    ),
    CatalogueArea(
        "KMT",
        "Klima, miljø og teknisk",
        (
            C("KMT-BYG", "Byggesak", "ISY Byggesak, Komtek"),
            C("KMT-KAR", "Kart og geodata (GIS)", "ISY GIS, Norkart, Geomatikk"),
            C("KMT-MAT", "Matrikkel", "Matrikkelklient, ISY"),
            C("KMT-VAR", "Vann og avløp", "Gemini VA, Norkart VA"),
            C("KMT-AVF", "Renovasjon og avfall", "Komtek Renovasjon"),
            C("KMT-GEB", "Kommunale gebyrer og eiendomsskatt", "Komtek, Infoland"),
            C("KMT-LAN", "Landbruk", "Landbruksforvaltning"),
        ),
    ),
    CatalogueArea(
        "EIE",
        "Eiendom",
        (
            C("EIE-FDV", "FDV (forvaltning, drift og vedlikehold)", "Plania, Facilit, Lydia"),
            C("EIE-ENE", "Energioppfølging", "Entro, Energinet"),
            C("EIE-ADG", "Adgangskontroll og låssystem", "Bravida, Salto"),
            C("EIE-UTL", "Utleieboliger", "Visma Boligforvaltning"),
            C("EIE-REN", "Renhold", "Facilit Renhold"),
        ),
    ),
)


def category_count() -> int:
    return sum(len(area.categories) for area in CATALOGUE)
