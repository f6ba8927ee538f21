"""ArchiMate exchange-format export and import (samla.landscape.archimate and its commands).

The Open Group's schemas and Archi's relationship table are read from
../shared/xsd/archimate/ next to the repository; without them those tests are skipped, or
fail when CI is set.
"""

from __future__ import annotations

import datetime
import os
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import World
from samla.landscape import services
from samla.landscape.archimate import (
    EXPORTED_RELATIONSHIPS,
    NS,
    P_FLOW_FROM,
    P_FLOW_TO,
    ArchimateModel,
    Concept,
    RelationshipRules,
    export_collaboration,
    import_archimate,
    model_to_xml,
    parse_archimate,
    relationship_violations,
    schema_errors,
)
from samla.landscape.models import (
    Contract,
    IctCost,
    Installation,
    Product,
    ServiceArea,
    SystemCategory,
    Vendor,
)
from samla.organisations import services as organisation_services
from samla.organisations.models import Collaboration

ROOT = Path(__file__).resolve().parent.parent
ARCHIMATE_DIR = ROOT.parent / "shared" / "xsd" / "archimate"
DATA = Path(__file__).resolve().parent / "data" / "archimate"


@pytest.fixture(scope="module")
def archimate_dir() -> Path:
    if not (ARCHIMATE_DIR / "archimate3_Diagram.xsd").is_file():
        message = f"The ArchiMate schemas are missing: {ARCHIMATE_DIR}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return ARCHIMATE_DIR


@pytest.fixture(scope="module")
def rules(archimate_dir: Path) -> RelationshipRules:
    return RelationshipRules.from_directory(archimate_dir)


# --- Test data, built through the services --------------------------------------------------


@dataclass
class Landscape:
    world: World
    products: dict[str, Product]
    installations: dict[str, Installation]
    contracts: dict[str, Contract]


def build_landscape(world: World) -> Landscape:
    alfa, org_a, org_b = world.alfa, world.org_a, world.org_b
    category = {c.code: c for c in SystemCategory.objects.filter(collaboration=alfa)}
    admin_area = ServiceArea.objects.get(collaboration=alfa, code="ADM")
    shared_area = services.service_area_save(
        collaboration=alfa, code="IKS", name="Interkommunale tjenester", order=50
    )
    category["IKS-POR"] = services.category_save(
        collaboration=alfa,
        service_area=shared_area,
        code="IKS-POR",
        name="Felles innbyggerportal",
        description="Innbyggernes inngang til tjenestene.",
        examples="Min side",
    )
    category["ADM-DOK"] = services.category_save(
        collaboration=alfa, service_area=admin_area, code="ADM-DOK", name="Dokumentfangst", order=99
    )
    visma = services.vendor_save(collaboration=alfa, name="Visma")
    sikri = services.vendor_save(collaboration=alfa, name="Sikri")
    tieto = services.vendor_save(collaboration=alfa, name="Tieto")
    # Names are unique only as written: "SIKRI" is another vendor than "Sikri".
    shouting = services.vendor_save(collaboration=alfa, name="SIKRI")
    products = {
        "flyt": services.product_save(
            collaboration=alfa,
            vendor=visma,
            name="Visma Flyt Barnevern",
            version="5.2",
            hosting=Product.Hosting.SAAS,
            description="Fagsystem for barnevernet.",
        ),
        "elements": services.product_save(
            collaboration=alfa,
            vendor=sikri,
            name="Elements",
            version="2024.1",
            hosting=Product.Hosting.HOSTED,
        ),
        "gerica": services.product_save(
            collaboration=alfa, vendor=tieto, name="Gerica", hosting=Product.Hosting.ON_PREMISES
        ),
        "profil": services.product_save(collaboration=alfa, name="Profil"),
        "portal": services.product_save(collaboration=alfa, vendor=visma, name="Min side"),
        "politics": services.product_save(
            collaboration=alfa, vendor=shouting, name="Elements Politisk"
        ),
    }

    def install(organisation: Any, code: str, product: str, **fields: Any) -> Installation:
        return services.installation_save(
            collaboration=alfa,
            organisation=organisation,
            category=category[code],
            product=products[product],
            **fields,
        )

    installations = {
        "a_flyt": install(
            org_a,
            "HSO-BVT",
            "flyt",
            users=40,
            user_groups="Saksbehandlere",
            functional_fit=3,
            technical_fit=2,
            notes="Oppgradert i 2025.",
        ),
        "a_elements": install(
            org_a, "ADM-SAK", "elements", users=300, functional_fit=4, technical_fit=4
        ),
        "b_elements": install(
            org_b,
            "ADM-SAK",
            "elements",
            users=500,
            functional_fit=2,
            technical_fit=3,
            lifecycle=Installation.Lifecycle.PHASING_OUT,
        ),
        "b_capture": install(org_b, "ADM-DOK", "elements", users=20),
        "b_gerica": install(
            org_b,
            "HSO-PLO",
            "gerica",
            functional_fit=1,
            technical_fit=1,
            time_override="tolerate",
            time_override_reason="Byttes ved sammenslåingen.",
        ),
        "b_profil": install(org_b, "HSO-RUS", "profil"),
        "a_portal": install(org_a, "IKS-POR", "portal", lifecycle=Installation.Lifecycle.PLANNED),
    }
    links = {"a_flyt": ["a_elements"], "b_gerica": ["b_elements"], "b_elements": ["a_elements"]}
    for source, targets in links.items():
        services.installation_save(
            collaboration=alfa,
            installation=installations[source],
            integrations=[installations[t] for t in targets],
        )
    contracts = {
        "flyt": services.contract_save(
            collaboration=alfa,
            organisations=[org_a],
            products=[products["flyt"]],
            number="2023-014",
            title="Barnevernsystem",
            vendor=visma,
            start_date=datetime.date(2023, 1, 1),
            end_date=datetime.date(2027, 12, 31),
            extension_options=2,
            extension_option_months=12,
            notice_period_months=6,
            yearly_value=Decimal("120000"),
            procedure=Contract.Procedure.OPEN,
        ),
        "elements": services.contract_save(
            collaboration=alfa,
            organisations=[org_a, org_b],
            products=[products["elements"]],
            number="RA-2022-3",
            title="Rammeavtale sak/arkiv",
            vendor=sikri,
            end_date=datetime.date(2026, 6, 30),
            yearly_value=Decimal("300000"),
            total_estimated_value=Decimal("1500000"),
            is_framework_agreement=True,
            procedure=Contract.Procedure.FRAMEWORK_CALL_OFF,
            document_url="https://avtaler.example.no/ra-2022-3",
        ),
        "support": services.contract_save(
            collaboration=alfa,
            organisations=[org_b],
            number="X-1",
            title="Driftsstøtte",
            vendor=tieto,
        ),
    }
    services.ict_cost_save(
        collaboration=alfa,
        organisation=org_a,
        year=2025,
        kind=IctCost.Kind.OPERATING,
        category=IctCost.Category.LICENCES,
        amount=Decimal("1000000"),
    )
    return Landscape(world, products, installations, contracts)


@pytest.fixture
def landscape(world: World) -> Landscape:
    return build_landscape(world)


@pytest.fixture
def gamma(world: World) -> Collaboration:
    """An empty collaboration with the same members as alfa."""
    gamma = organisation_services.collaboration_create(
        created_by=world.admin,
        name="Gamma-samarbeidet",
        slug="gamma",
        kind=Collaboration.Kind.MERGER,
    )
    organisation_services.membership_create(collaboration=gamma, organisation=world.org_a)
    organisation_services.membership_create(collaboration=gamma, organisation=world.org_b)
    return gamma


def snapshot() -> dict[str, int]:
    """Row counts of everything an import could write, history included."""
    models: list[Any] = [ServiceArea, SystemCategory, Vendor, Product, Installation, Contract]
    counts = {m.__name__: m.objects.count() for m in models}
    counts.update({f"{m.__name__} history": m.history.count() for m in models})
    counts["integrations"] = Installation.integrations.through.objects.count()
    return counts


def canonical(data: bytes) -> tuple[Counter[Any], Counter[Any], dict[str, str]]:
    """The model without identifiers or order: elements by type, name and properties;
    relationships by type and the canonical form of their ends."""
    model = parse_archimate(data)

    def element_key(element: Concept) -> tuple[Any, ...]:
        return (
            element.type,
            element.name,
            element.documentation,
            tuple(sorted(element.properties.items())),
        )

    def concept_key(identifier: str) -> tuple[Any, ...]:
        if identifier in model.elements:
            return element_key(model.elements[identifier])
        relationship = model.relationships[identifier]
        properties = tuple(
            sorted(
                (name, concept_key(value) if name in {P_FLOW_FROM.name, P_FLOW_TO.name} else value)
                for name, value in relationship.properties.items()
            )
        )
        return (
            relationship.type,
            concept_key(relationship.source),
            concept_key(relationship.target),
            relationship.name,
            relationship.documentation,
            properties,
        )

    return (
        Counter(element_key(e) for e in model.elements.values()),
        Counter(concept_key(r) for r in model.relationships),
        model.property_types,
    )


def serving(model: ArchimateModel, installation: Installation) -> Concept:
    return model.relationships[f"id-{installation.uuid}"]


# --- Export ---------------------------------------------------------------------------------


def test_export_validates_against_the_exchange_format_schema(
    landscape: Landscape, archimate_dir: Path
) -> None:
    data = export_collaboration(landscape.world.alfa)
    assert schema_errors(data, archimate_dir) == []


def test_schema_check_finds_errors(archimate_dir: Path) -> None:
    broken = (
        f'<model xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">'
        '<name>x</name><relationships><relationship identifier="r" source="nowhere" target="nowhere" '
        'xsi:type="Serving"/></relationships></model>'
    ).encode()
    assert schema_errors(broken, archimate_dir)


def test_sample_and_foreign_fixture_are_valid_archimate(archimate_dir: Path) -> None:
    for path in (archimate_dir / "samples" / "Sample1.xml", DATA / "foreign.xml"):
        assert schema_errors(path.read_bytes(), archimate_dir) == [], path


def test_export_uses_only_relationships_archimate_allows(
    landscape: Landscape, rules: RelationshipRules
) -> None:
    for kind, source, target in EXPORTED_RELATIONSHIPS:
        assert rules.allows(kind, source, target), (kind, source, target)
    model = parse_archimate(export_collaboration(landscape.world.alfa))
    assert relationship_violations(model, rules) == []
    used = {
        (r.type, model.concept_type(r.source), model.concept_type(r.target))
        for r in model.relationships.values()
    }
    assert used == EXPORTED_RELATIONSHIPS


def test_relationship_checker_reports_what_archimate_forbids(rules: RelationshipRules) -> None:
    model = ArchimateModel(identifier="m", name="m")
    model.elements = {
        "a": Concept("a", "BusinessActor", "A"),
        "c": Concept("c", "ApplicationComponent", "C"),
        "f": Concept("f", "ApplicationFunction", "F"),
    }
    model.relationships = {
        "ok": Concept("ok", "Serving", source="c", target="a"),
        "bad": Concept("bad", "Composition", source="c", target="a"),
        "backwards": Concept("backwards", "Assignment", source="f", target="c"),
        "dangling": Concept("dangling", "Flow", source="c", target="gone"),
        "on-relationship": Concept("on-relationship", "Association", source="f", target="ok"),
    }
    problems = relationship_violations(model, rules)
    assert [p.split(":")[0] for p in problems] == ["bad", "backwards", "dangling"]


def test_property_definitions_are_typed_and_values_fit_their_types(landscape: Landscape) -> None:
    data = export_collaboration(landscape.world.alfa)
    root = ET.fromstring(data)
    definitions = {
        d.get("identifier", ""): (d.findtext(f"{{{NS}}}name", ""), d.get("type", ""))
        for d in root.iter(f"{{{NS}}}propertyDefinition")
    }
    types = dict(definitions.values())
    assert types["Antall brukere"] == "number"
    assert types["Funksjonell egnethet"] == "number"
    assert types["Årlig kostnad (kr)"] == "number"
    assert types["Avtaleslutt"] == "date"
    assert types["Sluttdato"] == "date"
    assert types["TIME-klasse"] == "string"
    assert types["Rammeavtale"] == "boolean"
    assert set(types.values()) <= {"string", "number", "date", "boolean"}
    seen: Counter[str] = Counter()
    for prop in root.iter(f"{{{NS}}}property"):
        name, kind = definitions[prop.get("propertyDefinitionRef", "")]
        value = prop.findtext(f"{{{NS}}}value")
        assert value, name
        seen[kind] += 1
        if kind == "number":
            assert re.fullmatch(r"-?\d+(\.\d+)?", value), (name, value)
        elif kind == "date":
            datetime.date.fromisoformat(value)
        elif kind == "boolean":
            assert value in {"true", "false"}
    assert seen["number"] and seen["date"] and seen["boolean"]


def test_export_maps_installations_contracts_and_integrations(landscape: Landscape) -> None:
    alfa = landscape.world.alfa
    data = export_collaboration(alfa)
    assert export_collaboration(alfa) == data  # stable: same data, same bytes
    model = parse_archimate(data)
    assert model.is_samla_file
    assert model.identifier == f"id-{alfa.uuid}"
    products = landscape.products
    flyt = model.elements[f"id-{products['flyt'].uuid}"]
    assert flyt.type == "ApplicationComponent"
    assert flyt.properties == {"Leverandør": "Visma", "Versjon": "5.2", "Drift": "saas"}
    assert flyt.documentation == "Fagsystem for barnevernet."
    assert (
        model.elements[f"id-{landscape.world.org_a.uuid}"].properties["Organisasjonsnummer"]
        == "974760673"
    )
    assert landscape.world.org_c.name not in {e.name for e in model.elements.values()}

    a_flyt = serving(model, landscape.installations["a_flyt"])
    assert (a_flyt.type, a_flyt.name) == ("Serving", "Barnevern")
    assert a_flyt.source == flyt.identifier
    assert a_flyt.target == f"id-{landscape.world.org_a.uuid}"
    assert a_flyt.documentation == "Oppgradert i 2025."
    assert a_flyt.properties == {
        "Antall brukere": "40",
        "Brukergrupper": "Saksbehandlere",
        "Livsløp": "active",
        "Funksjonell egnethet": "3",
        "Teknisk egnethet": "2",
        "TIME-klasse": "migrate",
        "Årlig kostnad (kr)": "120000.00",
        "Avtaleslutt": "2027-12-31",
    }
    # The framework agreement (300 000) is split over its two parties, and B's half over
    # B's two installations of Elements.
    assert (
        serving(model, landscape.installations["a_elements"]).properties["Årlig kostnad (kr)"]
        == "150000.00"
    )
    assert (
        serving(model, landscape.installations["b_elements"]).properties["Årlig kostnad (kr)"]
        == "75000.00"
    )
    assert (
        serving(model, landscape.installations["b_capture"]).properties["Årlig kostnad (kr)"]
        == "75000.00"
    )
    gerica = serving(model, landscape.installations["b_gerica"]).properties
    assert gerica["TIME-klasse"] == gerica["TIME overstyrt"] == "tolerate"
    assert (
        "Årlig kostnad (kr)" not in serving(model, landscape.installations["b_profil"]).properties
    )

    # The category of each installation: an association from its function.
    category_of = {
        r.target: model.elements[r.source].name
        for r in model.relationships_of("Association")
        if r.target in model.relationships
    }
    assert category_of[a_flyt.identifier] == "Barnevern"
    assert category_of[f"id-{landscape.installations['b_capture'].uuid}"] == "Dokumentfangst"

    flows = model.relationships_of("Flow")
    assert len(flows) == 3
    cross = next(
        f
        for f in flows
        if f.properties["Fra installasjon"] == f"id-{landscape.installations['b_elements'].uuid}"
    )
    assert (
        cross.properties["Til installasjon"] == f"id-{landscape.installations['a_elements'].uuid}"
    )

    contract = model.elements[f"id-{landscape.contracts['elements'].uuid}"]
    assert contract.type == "Contract"
    assert contract.properties["Rammeavtale"] == "true"
    assert contract.properties["Årlig verdi (kr)"] == "300000.00"
    parties = {
        model.elements[r.target].name
        for r in model.relationships_of("Association")
        if r.source == contract.identifier and model.elements[r.target].type == "BusinessActor"
    }
    assert parties == {"A kommune", "B kommune"}
    groupings = {e.name for e in model.elements_of("Grouping")}
    assert {"Administrasjon og ledelse", "Interkommunale tjenester"} <= groupings
    assert (
        len(model.elements_of("ApplicationFunction"))
        == SystemCategory.objects.filter(collaboration=alfa).count()
    )


def test_export_runs_the_same_number_of_queries_whatever_the_size(landscape: Landscape) -> None:
    world = landscape.world
    with CaptureQueriesContext(connection) as small:
        export_collaboration(world.alfa)
    category = SystemCategory.objects.get(collaboration=world.alfa, code="KUL-BIB")
    vendor = services.vendor_save(collaboration=world.alfa, name="Biblioteksentralen")
    previous = None
    for number in range(6):
        product = services.product_save(
            collaboration=world.alfa, vendor=vendor, name=f"Bibliofil {number}"
        )
        for organisation in (world.org_a, world.org_b):
            installation = services.installation_save(
                collaboration=world.alfa,
                organisation=organisation,
                category=category,
                product=product,
                users=number,
                integrations=[previous] if previous else [],
            )
            previous = installation
        services.contract_save(
            collaboration=world.alfa,
            organisations=[world.org_a, world.org_b],
            products=[product],
            number=f"BIB-{number}",
            title="Bibliotek",
            vendor=vendor,
            yearly_value=Decimal(1000),
        )
    with CaptureQueriesContext(connection) as large:
        data = export_collaboration(world.alfa)
    assert len(parse_archimate(data).relationships_of("Serving")) == 7 + 12
    assert len(large) == len(small)


def test_export_command_writes_a_file_that_passes_its_own_check(
    landscape: Landscape, archimate_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "alfa.xml"
    out = StringIO()
    call_command(
        "export_archimate",
        "--collaboration",
        "alfa",
        "-o",
        str(target),
        "--check-with",
        str(archimate_dir),
        stdout=out,
    )
    assert "Wrote" in out.getvalue()
    assert target.read_bytes() == export_collaboration(landscape.world.alfa)
    out = StringIO()
    call_command("export_archimate", "--collaboration", "alfa", stdout=out)
    assert out.getvalue().encode() == target.read_bytes()
    with pytest.raises(CommandError, match="No collaboration"):
        call_command("export_archimate", "--collaboration", "nowhere", "-o", str(target))


# --- Import ---------------------------------------------------------------------------------


def test_round_trip_into_an_empty_collaboration_gives_the_same_model(
    landscape: Landscape, gamma: Collaboration, tmp_path: Path
) -> None:
    first = export_collaboration(landscape.world.alfa)
    path = tmp_path / "alfa.xml"
    path.write_bytes(first)
    out = StringIO()
    call_command("import_archimate", str(path), "--collaboration", "gamma", stdout=out)
    output = out.getvalue()
    assert (
        "Opprettet: 1 tjenesteområde, 2 kategorier, 4 leverandører, 6 systemer, 3 avtaler, 7 installasjoner, 3 integrasjoner"
        in output
    )
    second = export_collaboration(gamma)
    assert canonical(second) == canonical(first)
    # The new objects are gamma's own, and alfa is untouched.
    assert Product.objects.filter(collaboration=gamma).count() == 6
    assert Product.objects.filter(collaboration=landscape.world.alfa).count() == 6
    assert (
        ServiceArea.objects.get(collaboration=gamma, code="IKS").name == "Interkommunale tjenester"
    )
    assert (
        SystemCategory.objects.get(collaboration=gamma, code="ADM-DOK").service_area.code == "ADM"
    )
    assert not IctCost.objects.filter(collaboration=gamma).exists()

    # Importing again changes nothing.
    before = snapshot()
    report = import_archimate(collaboration=gamma, data=second)
    assert snapshot() == before
    assert not report.changes
    assert report.count("installation", "unchanged") == 7
    assert report.count("integration", "unchanged") == 3


def test_reimport_into_the_same_collaboration_changes_nothing(landscape: Landscape) -> None:
    alfa = landscape.world.alfa
    data = export_collaboration(alfa)
    before = snapshot()
    report = import_archimate(collaboration=alfa, data=data)
    assert snapshot() == before
    assert report.changes == []
    assert report.count("product", "unchanged") == 6
    assert landscape.products["politics"].vendor == Vendor.objects.get(
        collaboration=alfa, name="SIKRI"
    )


def test_import_updates_what_the_file_gives_and_keeps_the_rest(
    landscape: Landscape, gamma: Collaboration
) -> None:
    data = export_collaboration(landscape.world.alfa)
    import_archimate(collaboration=gamma, data=data)
    installation = Installation.objects.get(
        collaboration=gamma, product__name="Visma Flyt Barnevern"
    )
    services.installation_save(collaboration=gamma, installation=installation, users=99, notes="")
    extra = Installation.objects.get(collaboration=gamma, product__name="Gerica")
    services.installation_save(collaboration=gamma, installation=extra, integrations=[installation])
    report = import_archimate(collaboration=gamma, data=data)
    installation.refresh_from_db()
    assert installation.users == 40
    assert installation.notes == "Oppgradert i 2025."
    assert report.count("installation", "updated") == 1
    assert (
        "Endret installasjonen Visma Flyt Barnevern – A kommune – Barnevern: antall brukere, merknader"
        in report.changes
    )
    assert set(extra.integrations.all()) >= {installation}  # import never removes


def test_dry_run_writes_nothing_and_says_what_would_change(
    landscape: Landscape, gamma: Collaboration, tmp_path: Path
) -> None:
    path = tmp_path / "alfa.xml"
    path.write_bytes(export_collaboration(landscape.world.alfa))
    before = snapshot()
    out = StringIO()
    call_command("import_archimate", str(path), "--collaboration", "gamma", "--dry-run", stdout=out)
    assert snapshot() == before
    output = out.getvalue()
    assert "Opprettet systemet «Visma Flyt Barnevern»" in output
    assert "7 installasjoner" in output
    assert "Tørrkjøring: ingenting er lagret." in output


def test_samla_file_naming_a_non_member_is_refused(
    landscape: Landscape, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "alfa.xml"
    path.write_bytes(export_collaboration(landscape.world.alfa))
    before = snapshot()
    with pytest.raises(
        CommandError, match="ikke er medlemmer av Beta-samarbeidet: A kommune, B kommune"
    ):
        call_command("import_archimate", str(path), "--collaboration", "beta", stdout=StringIO())
    assert snapshot() == before


def test_a_bad_value_late_in_the_file_rolls_back_everything(
    landscape: Landscape, gamma: Collaboration
) -> None:
    data = export_collaboration(landscape.world.alfa).decode()
    assert data.count('<value xml:lang="nb">500</value>') == 1  # B's users of Elements
    broken = data.replace(
        '<value xml:lang="nb">500</value>', '<value xml:lang="nb">mange</value>'
    ).encode()
    before = snapshot()
    with pytest.raises(ValidationError, match="«mange» i «Antall brukere» er ikke et heltall"):
        import_archimate(collaboration=gamma, data=broken)
    assert snapshot() == before
    out_of_range, replaced = re.subn(
        r'(pd-functional-fit">\s*<value xml:lang="nb">)1<', r"\g<1>7<", data
    )
    assert replaced == 1  # B's Gerica
    with pytest.raises(
        ValidationError,
        match=r"Serving «Gerica» → «B kommune» \(Pleie og omsorg\): funksjonell egnethet",
    ):
        import_archimate(collaboration=gamma, data=out_of_range.encode())
    assert snapshot() == before


def test_sample1_from_archi_is_read_and_its_unmapped_concepts_reported(
    world: World, archimate_dir: Path
) -> None:
    before = snapshot()
    out = StringIO()
    call_command(
        "import_archimate",
        str(archimate_dir / "samples" / "Sample1.xml"),
        "--collaboration",
        "alfa",
        stdout=out,
    )
    output = out.getvalue()
    assert snapshot() == before
    assert "annet verktøy" in output
    assert "1 BusinessProcess som ikke har noe motstykke i Samla: «Sell Product»" in output
    assert "1 BusinessRole som ikke har noe motstykke i Samla: «Sales Person»" in output
    assert "1 Assignment-relasjon(er) BusinessRole → BusinessProcess" in output


def test_foreign_file_imports_what_maps_and_reports_the_rest(world: World) -> None:
    alfa = world.alfa
    report = import_archimate(collaboration=alfa, data=(DATA / "foreign.xml").read_bytes())
    assert not report.samla_file
    gerica = Product.objects.get(collaboration=alfa, name="Gerica")
    assert gerica.vendor is not None
    assert (gerica.vendor.name, gerica.version) == ("Tieto", "9.4")
    assert gerica.description == "Electronic patient record for home care."
    home_care = SystemCategory.objects.get(collaboration=alfa, name="Hjemmetjenester")
    assert home_care.service_area.name == "Importert"
    case = SystemCategory.objects.get(
        collaboration=alfa, code="ADM-SAK"
    )  # "sak/arkiv" matched by name
    installations = Installation.objects.filter(collaboration=alfa)
    assert {(i.organisation, i.product.name, i.category) for i in installations} == {
        (world.org_a, "Gerica", home_care),
        (world.org_a, "Arkivsystem X", case),
    }
    source = installations.get(product=gerica)
    assert [i.product.name for i in source.integrations.all()] == ["Arkivsystem X"]
    skipped = "\n".join(report.skipped)
    assert "BusinessActor «Ukjent AS»: ikke medlem av samarbeidet" in skipped
    assert "Serving ApplicationComponent «Gerica» → BusinessActor «Ukjent AS»" in skipped
    assert "1 Node som ikke har noe motstykke i Samla: «Application server»" in skipped
    assert "Contract «Service level agreement»: mangler avtalenummer eller leverandør" in skipped
    assert "1 Serving-relasjon(er) Node → ApplicationComponent" in skipped
    assert report.count("category", "created") == 1
    assert report.count("service_area", "created") == 1


HOSTILE = {
    "billion laughs": (
        '<?xml version="1.0"?>\n<!DOCTYPE model [\n <!ENTITY lol "lol">\n'
        + "".join(
            f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
            for n in range(1, 10)
        )
        + f']>\n<model xmlns="{NS}" identifier="m"><name>&lol9;</name></model>\n',
        "DTD",
    ),
    "external entity": (
        '<?xml version="1.0"?>\n<!DOCTYPE model [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        f'<model xmlns="{NS}" identifier="m"><name>&xxe;</name></model>\n',
        "DTD",
    ),
    "external DTD": (
        '<?xml version="1.0"?>\n<!DOCTYPE model SYSTEM "http://example.invalid/model.dtd">\n'
        f'<model xmlns="{NS}" identifier="m"><name>x</name></model>\n',
        "DTD",
    ),
    "not XML": ("Organisasjon;System\nA kommune;Gerica\n", "ikke gyldig XML"),
    "binary": ("\x00\x01\x02PK\x03\x04", "ikke gyldig XML"),
    "empty": ("  \n", "tom"),
    "wrong root": (
        '<?xml version="1.0"?><html><body>Hei</body></html>',
        "ikke en ArchiMate-modell",
    ),
    "ArchiMate 2.1": (
        '<model xmlns="http://www.opengroup.org/xsd/archimate" identifier="m"><name>x</name></model>',
        "ikke en ArchiMate-modell",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_or_wrong_files_give_a_clear_error_and_write_nothing(
    world: World, case: str, tmp_path: Path
) -> None:
    content, message = HOSTILE[case]
    path = tmp_path / "input.xml"
    path.write_bytes(content.encode())
    before = snapshot()
    with pytest.raises(CommandError, match=message):
        call_command("import_archimate", str(path), "--collaboration", "alfa", stdout=StringIO())
    with pytest.raises(ValidationError, match=message):
        import_archimate(collaboration=world.alfa, data=content.encode())
    assert snapshot() == before


def test_import_command_reports_missing_file_and_collaboration(
    world: World, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_archimate", str(tmp_path / "missing.xml"), "--collaboration", "alfa")
    path = tmp_path / "model.xml"
    path.write_bytes(model_to_xml(ArchimateModel(identifier="id-x", name="x")))
    with pytest.raises(CommandError, match="No collaboration"):
        call_command("import_archimate", str(path), "--collaboration", "nowhere")
