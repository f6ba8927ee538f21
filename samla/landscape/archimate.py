"""A collaboration's landscape in the ArchiMate Model Exchange File Format 3.1, out and in.

The mapping (the file's property names are fixed Norwegian strings, not translated, so a
file reads the same whatever language the exporting user had):

=====================  =====================================================================
Samla                  ArchiMate
=====================  =====================================================================
member organisation    BusinessActor (Organisasjonsnummer, Kommunenummer)
service area           Grouping (Kode)
system category        ApplicationFunction (Kode, Eksempler; documentation = description),
                       Grouping —Composition→ ApplicationFunction
product                ApplicationComponent (Leverandør, Versjon, Drift; documentation =
                       description)
installation           ApplicationComponent —Serving→ BusinessActor, identified by the
                       installation, named after the category, carrying Antall brukere,
                       Brukergrupper, Livsløp, Funksjonell/Teknisk egnethet, TIME-klasse,
                       TIME overstyrt (+ begrunnelse), Årlig kostnad (kr), Avtaleslutt;
                       documentation = notes.
                       ApplicationFunction —Association→ that Serving relationship says in
                       which category; ApplicationComponent —Assignment→ ApplicationFunction
                       once per product and category says the same for tools that do not
                       draw associations to relationships.
integration            ApplicationComponent —Flow→ ApplicationComponent with "Fra
                       installasjon"/"Til installasjon" naming the two Serving relationships
contract               Contract (Avtalenummer, Leverandør, dates, options, values …),
                       Contract —Association→ BusinessActor for each party and
                       —Association→ ApplicationComponent for each product covered
=====================  =====================================================================

Why ApplicationFunction rather than BusinessService for a category: a category such as
"Sak/arkiv" or "Bibliotek" names what a class of *applications* does, which is what an
application function is; ArchiMate assigns a component to the function it performs
(Assignment), the plainest way to say "this product is a case-management system". A
BusinessService is what the municipality offers its inhabitants, a different layer. The
importer still reads BusinessServices as categories, since other tools use them.

Vendors are a property of the product (and the contract), not elements of their own:
BusinessActor stands for the members, and a vendor is only ever seen through what it sells.
ICT cost lines and the target portfolio are not exported: they are not tied to products.
"Årlig kostnad" and "Avtaleslutt" on an installation, "TIME-klasse" and "Oppsigelsesfrist"
are derived (from contracts and fits) and ignored by the importer, which recomputes them.

Identifiers are ``id-<uuid>`` of our objects; relationships that have no object of their
own get a UUID-5 derived from the objects they join, so exporting twice gives the same file.

Import matches by natural keys (organisation number or name, service area and category code
or name, product and vendor by name, contract by number), creates what is missing, updates
fields that the file gives a value for, and never clears or deletes anything. Organisations
are never created: membership is decided in Samla, not by a file.

- A file written by Samla (it carries the model property "Samla-format") must name only
  member organisations, or nothing is imported: a missing member would silently drop its
  installations. Its Groupings are service areas and are created when missing.
- From any other file (Archi, Sparx …) the importer takes what maps and reports the rest as
  skipped: actors that are not members, elements and relationships Samla has no place for.
  ApplicationFunctions and BusinessServices that match no category are created in the service
  area "Importert". A Serving relationship without an associated function gets the functions
  the component is assigned to or realises; a Flow without our two properties joins the two
  systems where one organisation uses both.

Everything runs in one transaction through the landscape services; a dry run rolls it back.
Files are parsed with defusedxml and any DTD is refused, so entity expansion (billion laughs)
and external entities never happen.
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Generic, TypeVar
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils.translation import gettext as _

from samla.landscape import services
from samla.landscape.models import (
    Contract,
    Installation,
    Product,
    ServiceArea,
    SystemCategory,
    TimeClass,
    Vendor,
)
from samla.organisations.models import Collaboration, Organisation

NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SCHEMA_LOCATION = f"{NS} http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd"
XML_XSD_URL = "http://www.w3.org/2001/xml.xsd"
LANGUAGE = "nb"
FORMAT_VERSION = "1"
IMPORTED_AREA_NAME = "Importert"  # data, not interface text: the same whatever the language
VIEW_NAME = "Applikasjonslandskap"
MAX_FILE_BYTES = 50 * 1024 * 1024
# Fixed namespace for the UUID-5 identifiers of relationships that have no object of their own.
ID_NAMESPACE = uuid.UUID("5d1c7a52-3f1e-4b8e-9a55-7d0c2f8e4a61")

T = TypeVar("T")

ACTOR = "BusinessActor"
COMPONENT = "ApplicationComponent"
FUNCTION = "ApplicationFunction"
BUSINESS_SERVICE = "BusinessService"
GROUPING = "Grouping"
CONTRACT = "Contract"
CATEGORY_TYPES = (FUNCTION, BUSINESS_SERVICE)

# The relationships the export writes: (type, source type, target type). Tests check each
# against the Open Group's table (relationships.xml); "Relationship" is a relationship as end.
EXPORTED_RELATIONSHIPS = frozenset(
    {
        ("Composition", GROUPING, FUNCTION),
        ("Assignment", COMPONENT, FUNCTION),
        ("Serving", COMPONENT, ACTOR),
        ("Association", FUNCTION, "Relationship"),
        ("Flow", COMPONENT, COMPONENT),
        ("Association", CONTRACT, ACTOR),
        ("Association", CONTRACT, COMPONENT),
    }
)


# --- Property definitions -----------------------------------------------------------------


@dataclass(frozen=True)
class PropertyDefinition:
    key: str
    name: str
    type: str  # an ArchiMate DataType: string, number, date, boolean
    aliases: tuple[str, ...] = ()

    @property
    def identifier(self) -> str:
        return "pd-" + self.key.replace("_", "-")

    def matches(self, name: str) -> bool:
        folded = name.strip().casefold()
        return folded == self.name.casefold() or folded in self.aliases


P_FORMAT = PropertyDefinition("format", "Samla-format", "string")
P_ORGANISATION_NUMBER = PropertyDefinition(
    "organisation_number", "Organisasjonsnummer", "string", ("organisation number",)
)
P_MUNICIPALITY_NUMBER = PropertyDefinition("municipality_number", "Kommunenummer", "string")
P_CODE = PropertyDefinition("code", "Kode", "string", ("code",))
P_EXAMPLES = PropertyDefinition("examples", "Eksempler", "string")
P_VENDOR = PropertyDefinition(
    "vendor", "Leverandør", "string", ("vendor", "supplier", "leverandor")
)
P_VERSION = PropertyDefinition("version", "Versjon", "string", ("version",))
P_HOSTING = PropertyDefinition("hosting", "Drift", "string")
P_USERS = PropertyDefinition("users", "Antall brukere", "number")
P_USER_GROUPS = PropertyDefinition("user_groups", "Brukergrupper", "string")
P_LIFECYCLE = PropertyDefinition("lifecycle", "Livsløp", "string")
P_FUNCTIONAL_FIT = PropertyDefinition("functional_fit", "Funksjonell egnethet", "number")
P_TECHNICAL_FIT = PropertyDefinition("technical_fit", "Teknisk egnethet", "number")
P_TIME_CLASS = PropertyDefinition("time_class", "TIME-klasse", "string")
P_TIME_OVERRIDE = PropertyDefinition("time_override", "TIME overstyrt", "string")
P_TIME_OVERRIDE_REASON = PropertyDefinition(
    "time_override_reason", "Begrunnelse for TIME-overstyring", "string"
)
P_YEARLY_COST = PropertyDefinition("yearly_cost", "Årlig kostnad (kr)", "number")
P_CONTRACT_END = PropertyDefinition("contract_end", "Avtaleslutt", "date")
P_CONTRACT_NUMBER = PropertyDefinition("contract_number", "Avtalenummer", "string")
P_START_DATE = PropertyDefinition("start_date", "Startdato", "date")
P_END_DATE = PropertyDefinition("end_date", "Sluttdato", "date")
P_EXTENSION_OPTIONS = PropertyDefinition("extension_options", "Antall opsjoner", "number")
P_EXTENSION_OPTION_MONTHS = PropertyDefinition(
    "extension_option_months", "Måneder per opsjon", "number"
)
P_NOTICE_PERIOD = PropertyDefinition("notice_period_months", "Oppsigelsestid (måneder)", "number")
P_NOTICE_DEADLINE = PropertyDefinition("notice_deadline", "Oppsigelsesfrist", "date")
P_YEARLY_VALUE = PropertyDefinition("yearly_value", "Årlig verdi (kr)", "number")
P_TOTAL_VALUE = PropertyDefinition("total_estimated_value", "Estimert totalverdi (kr)", "number")
P_PROCEDURE = PropertyDefinition("procedure", "Anskaffelsesprosedyre", "string")
P_FRAMEWORK = PropertyDefinition("is_framework_agreement", "Rammeavtale", "boolean")
P_DOCUMENT_URL = PropertyDefinition("document_url", "Lenke til avtalen", "string")
P_FLOW_FROM = PropertyDefinition("integration_from", "Fra installasjon", "string")
P_FLOW_TO = PropertyDefinition("integration_to", "Til installasjon", "string")

PROPERTY_DEFINITIONS: tuple[PropertyDefinition, ...] = (
    P_FORMAT,
    P_ORGANISATION_NUMBER,
    P_MUNICIPALITY_NUMBER,
    P_CODE,
    P_EXAMPLES,
    P_VENDOR,
    P_VERSION,
    P_HOSTING,
    P_USERS,
    P_USER_GROUPS,
    P_LIFECYCLE,
    P_FUNCTIONAL_FIT,
    P_TECHNICAL_FIT,
    P_TIME_CLASS,
    P_TIME_OVERRIDE,
    P_TIME_OVERRIDE_REASON,
    P_YEARLY_COST,
    P_CONTRACT_END,
    P_CONTRACT_NUMBER,
    P_START_DATE,
    P_END_DATE,
    P_EXTENSION_OPTIONS,
    P_EXTENSION_OPTION_MONTHS,
    P_NOTICE_PERIOD,
    P_NOTICE_DEADLINE,
    P_YEARLY_VALUE,
    P_TOTAL_VALUE,
    P_PROCEDURE,
    P_FRAMEWORK,
    P_DOCUMENT_URL,
    P_FLOW_FROM,
    P_FLOW_TO,
)
_DEFINITION_BY_NAME = {d.name: d for d in PROPERTY_DEFINITIONS}


# --- The model in memory (both directions) ------------------------------------------------


@dataclass
class Concept:
    """An element or a relationship. Properties are keyed by property-definition name."""

    identifier: str
    type: str
    name: str = ""
    documentation: str = ""
    properties: dict[str, str] = field(default_factory=dict)
    source: str = ""  # relationships only
    target: str = ""
    display: str = ""  # how messages name it; set by the parser for relationships

    def get(self, definition: PropertyDefinition) -> str | None:
        """The property's value, or None when absent or blank."""
        for name, value in self.properties.items():
            if definition.matches(name) and value.strip():
                return value.strip()
        return None

    @property
    def label(self) -> str:
        if self.display:
            return self.display
        return f"{self.type} «{self.name}»" if self.name else f"{self.type} {self.identifier}"


@dataclass
class ArchimateModel:
    identifier: str
    name: str
    documentation: str = ""
    properties: dict[str, str] = field(default_factory=dict)
    elements: dict[str, Concept] = field(default_factory=dict)
    relationships: dict[str, Concept] = field(default_factory=dict)
    property_types: dict[str, str] = field(default_factory=dict)  # name → data type
    view_count: int = 0
    _touching: dict[str, list[Concept]] | None = field(default=None, repr=False, compare=False)

    def touching(self, identifier: str) -> list[Concept]:
        """The relationships with ``identifier`` at either end (indexed on first use)."""
        if self._touching is None:
            self._touching = defaultdict(list)
            for relationship in self.relationships.values():
                self._touching[relationship.source].append(relationship)
                if relationship.target != relationship.source:
                    self._touching[relationship.target].append(relationship)
        return self._touching.get(identifier, [])

    @property
    def is_samla_file(self) -> bool:
        return any(P_FORMAT.matches(name) for name in self.properties)

    def concept(self, identifier: str) -> Concept | None:
        return self.elements.get(identifier) or self.relationships.get(identifier)

    def concept_type(self, identifier: str) -> str | None:
        """The type as relationships.xml names it: a relationship end is "Relationship"."""
        if identifier in self.relationships:
            return "Relationship"
        element = self.elements.get(identifier)
        if element is None:
            return None
        return (
            "Junction"
            if element.type in {"AndJunction", "OrJunction", "Junction"}
            else element.type
        )

    def elements_of(self, *types: str) -> list[Concept]:
        return [e for e in self.elements.values() if e.type in types]

    def relationships_of(self, *types: str) -> list[Concept]:
        return [r for r in self.relationships.values() if r.type in types]


def _object_id(value: uuid.UUID) -> str:
    return f"id-{value}"


def _derived_id(kind: str, *parts: uuid.UUID) -> str:
    return _object_id(uuid.uuid5(ID_NAMESPACE, "/".join([kind, *map(str, parts)])))


def _number(value: Decimal | int) -> str:
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01')):f}"
    return str(value)


def _properties(*pairs: tuple[PropertyDefinition, Any]) -> dict[str, str]:
    """Values as the file writes them; empty values are left out."""
    result = {}
    for definition, value in pairs:
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, datetime.date):
            text = value.isoformat()
        elif isinstance(value, Decimal | int):
            text = _number(value)
        else:
            text = str(value)
        result[definition.name] = text
    return result


# --- Export -------------------------------------------------------------------------------


def _installation_costs(
    installations: list[Installation], contracts: list[Contract]
) -> dict[int, tuple[Decimal | None, datetime.date | None]]:
    """Per installation: its share of the yearly value of the contracts that cover its
    product with its organisation as a party, and the earliest end date among them.

    A contract's yearly value is split evenly over its products and parties, and a party's
    share of one product evenly over that party's installations of it (one per category),
    so that the shares add up to the contracts' values.
    """
    per_pair = Counter((i.organisation_id, i.product_id) for i in installations)
    cost: dict[tuple[int, int], Decimal] = {}
    end: dict[tuple[int, int], datetime.date] = {}
    for contract in contracts:
        products = list(contract.products.all())
        parties = list(contract.organisations.all())
        if not products or not parties:
            continue
        share = None
        if contract.yearly_value is not None:
            share = services.yearly_value_per_product(contract, len(products)) / len(parties)
        for organisation in parties:
            for product in products:
                pair = (organisation.pk, product.pk)
                if pair not in per_pair:
                    continue
                if share is not None:
                    cost[pair] = cost.get(pair, Decimal(0)) + share
                if contract.end_date and (pair not in end or contract.end_date < end[pair]):
                    end[pair] = contract.end_date
    result: dict[int, tuple[Decimal | None, datetime.date | None]] = {}
    for installation in installations:
        pair = (installation.organisation_id, installation.product_id)
        yearly = cost.get(pair)
        result[installation.pk] = (
            yearly / per_pair[pair] if yearly is not None else None,
            end.get(pair),
        )
    return result


def build_model(collaboration: Collaboration) -> ArchimateModel:
    """The collaboration's landscape as an ArchiMate model, in a stable order."""
    organisations = list(
        Organisation.objects.filter(memberships__collaboration=collaboration).order_by("name", "pk")
    )
    areas = list(ServiceArea.objects.filter(collaboration=collaboration).order_by("order", "name"))
    categories = list(
        SystemCategory.objects.filter(collaboration=collaboration)
        .select_related("service_area")
        .order_by("service_area__order", "service_area__name", "order", "name")
    )
    products = list(
        Product.objects.filter(collaboration=collaboration)
        .select_related("vendor")
        .order_by("name")
    )
    installations = list(
        Installation.objects.filter(collaboration=collaboration)
        .select_related("organisation", "category", "product")
        .prefetch_related(
            Prefetch("integrations", queryset=Installation.objects.select_related("product"))
        )
        .order_by("product__name", "organisation__name", "category__name")
    )
    contracts = list(
        Contract.objects.filter(collaboration=collaboration)
        .select_related("vendor")
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.order_by("name")),
            Prefetch("products", queryset=Product.objects.order_by("name")),
        )
        .order_by("number")
    )

    model = ArchimateModel(
        identifier=_object_id(collaboration.uuid),
        name=collaboration.name,
        documentation=collaboration.description,
        properties=_properties((P_FORMAT, FORMAT_VERSION)),
        property_types={d.name: d.type for d in PROPERTY_DEFINITIONS},
    )

    def add_element(concept: Concept) -> None:
        model.elements[concept.identifier] = concept

    def add_relationship(
        kind: str, source: str, target: str, identifier: str, **extra: Any
    ) -> None:
        model.relationships[identifier] = Concept(
            identifier, kind, source=source, target=target, **extra
        )

    for organisation in organisations:
        add_element(
            Concept(
                _object_id(organisation.uuid),
                ACTOR,
                organisation.name,
                properties=_properties(
                    (P_ORGANISATION_NUMBER, organisation.organisation_number),
                    (P_MUNICIPALITY_NUMBER, organisation.municipality_number),
                ),
            )
        )
    for product in products:
        add_element(
            Concept(
                _object_id(product.uuid),
                COMPONENT,
                product.name,
                product.description,
                _properties(
                    (P_VENDOR, product.vendor.name if product.vendor else None),
                    (P_VERSION, product.version),
                    (P_HOSTING, product.hosting),
                ),
            )
        )
    for area in areas:
        add_element(
            Concept(
                _object_id(area.uuid),
                GROUPING,
                area.name,
                properties=_properties((P_CODE, area.code)),
            )
        )
    for category in categories:
        add_element(
            Concept(
                _object_id(category.uuid),
                FUNCTION,
                category.name,
                category.description,
                _properties((P_CODE, category.code), (P_EXAMPLES, category.examples)),
            )
        )
        add_relationship(
            "Composition",
            _object_id(category.service_area.uuid),
            _object_id(category.uuid),
            _derived_id("composition", category.service_area.uuid, category.uuid),
        )
    for contract in contracts:
        add_element(
            Concept(
                _object_id(contract.uuid),
                CONTRACT,
                contract.title,
                properties=_properties(
                    (P_CONTRACT_NUMBER, contract.number),
                    (P_VENDOR, contract.vendor.name),
                    (P_START_DATE, contract.start_date),
                    (P_END_DATE, contract.end_date),
                    (P_EXTENSION_OPTIONS, contract.extension_options),
                    (P_EXTENSION_OPTION_MONTHS, contract.extension_option_months),
                    (P_NOTICE_PERIOD, contract.notice_period_months),
                    (P_NOTICE_DEADLINE, contract.notice_deadline),
                    (P_YEARLY_VALUE, contract.yearly_value),
                    (P_TOTAL_VALUE, contract.total_estimated_value),
                    (P_PROCEDURE, contract.procedure),
                    (P_FRAMEWORK, contract.is_framework_agreement),
                    (P_DOCUMENT_URL, contract.document_url),
                ),
            )
        )
        for organisation in contract.organisations.all():
            add_relationship(
                "Association",
                _object_id(contract.uuid),
                _object_id(organisation.uuid),
                _derived_id("party", contract.uuid, organisation.uuid),
            )
        for product in contract.products.all():
            add_relationship(
                "Association",
                _object_id(contract.uuid),
                _object_id(product.uuid),
                _derived_id("covers", contract.uuid, product.uuid),
            )

    costs = _installation_costs(installations, contracts)
    assigned: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for installation in installations:
        product, category = installation.product, installation.category
        if (product.uuid, category.uuid) not in assigned:
            assigned.add((product.uuid, category.uuid))
            add_relationship(
                "Assignment",
                _object_id(product.uuid),
                _object_id(category.uuid),
                _derived_id("assignment", product.uuid, category.uuid),
            )
        yearly_cost, contract_end = costs[installation.pk]
        serving = _object_id(installation.uuid)
        add_relationship(
            "Serving",
            _object_id(product.uuid),
            _object_id(installation.organisation.uuid),
            serving,
            name=category.name,
            documentation=installation.notes,
            properties=_properties(
                (P_USERS, installation.users),
                (P_USER_GROUPS, installation.user_groups),
                (P_LIFECYCLE, installation.lifecycle),
                (P_FUNCTIONAL_FIT, installation.functional_fit),
                (P_TECHNICAL_FIT, installation.technical_fit),
                (P_TIME_CLASS, installation.time_class),
                (P_TIME_OVERRIDE, installation.time_override),
                (P_TIME_OVERRIDE_REASON, installation.time_override_reason),
                (P_YEARLY_COST, yearly_cost),
                (P_CONTRACT_END, contract_end),
            ),
        )
        add_relationship(
            "Association",
            _object_id(category.uuid),
            serving,
            _derived_id("category", installation.uuid),
        )
    for installation in installations:
        for target in sorted(installation.integrations.all(), key=lambda i: str(i.uuid)):
            add_relationship(
                "Flow",
                _object_id(installation.product.uuid),
                _object_id(target.product.uuid),
                _derived_id("flow", installation.uuid, target.uuid),
                properties=_properties(
                    (P_FLOW_FROM, _object_id(installation.uuid)),
                    (P_FLOW_TO, _object_id(target.uuid)),
                ),
            )
    return model


# The writer spells prefixes out (a default namespace, "xsi:" and "xml:") instead of using
# ElementTree's namespace handling, which cannot write a default namespace together with
# unqualified attributes. The root element declares them.
XSI_TYPE = "xsi:type"
XML_LANG = "xml:lang"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    child = ET.SubElement(parent, tag, attributes)
    if text is not None:
        child.text = text
    return child


def _write_texts(parent: ET.Element, concept_name: str, documentation: str) -> None:
    if concept_name:
        _sub(parent, "name", concept_name, **{XML_LANG: LANGUAGE})
    if documentation:
        _sub(parent, "documentation", documentation, **{XML_LANG: LANGUAGE})


def _write_properties(parent: ET.Element, properties: dict[str, str]) -> None:
    if not properties:
        return
    container = _sub(parent, "properties")
    for name, value in properties.items():
        definition = _DEFINITION_BY_NAME[name]
        prop = _sub(container, "property", propertyDefinitionRef=definition.identifier)
        _sub(prop, "value", value, **{XML_LANG: LANGUAGE})


NODE_WIDTH, NODE_HEIGHT, GAP, COLUMNS = 180, 60, 24, 6


def _write_view(parent: ET.Element, model: ArchimateModel) -> None:
    """One diagram, "Applikasjonslandskap": members in a row, their systems below, the
    Serving relationships between them. Enough for a modelling tool to open the file on
    something useful; arranging it further is the modeller's job."""
    views = _sub(parent, "views")
    diagrams = _sub(views, "diagrams")
    view = _sub(
        diagrams,
        "view",
        identifier=f"{model.identifier}-view",
        viewpoint="Application Usage",
        **{XSI_TYPE: "Diagram"},
    )
    _sub(view, "name", VIEW_NAME, **{XML_LANG: LANGUAGE})
    nodes: dict[str, str] = {}
    rows = [model.elements_of(ACTOR), model.elements_of(COMPONENT)]
    y = GAP
    for row in rows:
        for index, element in enumerate(row):
            column, line = index % COLUMNS, index // COLUMNS
            node_id = f"{element.identifier}-node"
            nodes[element.identifier] = node_id
            _sub(
                view,
                "node",
                identifier=node_id,
                elementRef=element.identifier,
                x=str(GAP + column * (NODE_WIDTH + GAP)),
                y=str(y + line * (NODE_HEIGHT + GAP)),
                w=str(NODE_WIDTH),
                h=str(NODE_HEIGHT),
                **{XSI_TYPE: "Element"},
            )
        lines = (len(row) + COLUMNS - 1) // COLUMNS
        y += max(lines, 1) * (NODE_HEIGHT + GAP) + 3 * GAP
    for relationship in model.relationships_of("Serving"):
        if relationship.source in nodes and relationship.target in nodes:
            _sub(
                view,
                "connection",
                identifier=f"{relationship.identifier}-line",
                relationshipRef=relationship.identifier,
                source=nodes[relationship.source],
                target=nodes[relationship.target],
                **{XSI_TYPE: "Relationship"},
            )


def model_to_xml(model: ArchimateModel) -> bytes:
    root = ET.Element(
        "model",
        {
            "xmlns": NS,
            "xmlns:xsi": XSI,
            "xsi:schemaLocation": SCHEMA_LOCATION,
            "identifier": model.identifier,
        },
    )
    _sub(root, "name", model.name, **{XML_LANG: LANGUAGE})
    if model.documentation:
        _sub(root, "documentation", model.documentation, **{XML_LANG: LANGUAGE})
    _write_properties(root, model.properties)
    if model.elements:
        container = _sub(root, "elements")
        for element in model.elements.values():
            node = _sub(
                container, "element", identifier=element.identifier, **{XSI_TYPE: element.type}
            )
            _write_texts(node, element.name, element.documentation)
            _write_properties(node, element.properties)
    if model.relationships:
        container = _sub(root, "relationships")
        for relationship in model.relationships.values():
            node = _sub(
                container,
                "relationship",
                identifier=relationship.identifier,
                source=relationship.source,
                target=relationship.target,
                **{XSI_TYPE: relationship.type},
            )
            _write_texts(node, relationship.name, relationship.documentation)
            _write_properties(node, relationship.properties)
    definitions = _sub(root, "propertyDefinitions")
    for definition in PROPERTY_DEFINITIONS:
        item = _sub(
            definitions,
            "propertyDefinition",
            identifier=definition.identifier,
            type=definition.type,
        )
        _sub(item, "name", definition.name, **{XML_LANG: LANGUAGE})
    _write_view(root, model)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def export_collaboration(collaboration: Collaboration) -> bytes:
    """The collaboration's landscape as an ArchiMate exchange file (UTF-8 bytes)."""
    return model_to_xml(build_model(collaboration))


# --- Parsing ------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text_in_language(nodes: list[ET.Element]) -> str:
    """Norwegian if the file has it, else the first given."""
    if not nodes:
        return ""
    for node in nodes:
        if (node.get(f"{{{XML_NS}}}lang") or "").lower() in {"nb", "no", "nn", "nb-no"}:
            return (node.text or "").strip()
    return (nodes[0].text or "").strip()


def _read_properties(node: ET.Element, definitions: dict[str, str]) -> dict[str, str]:
    result: dict[str, str] = {}
    container = node.find(f"{{{NS}}}properties")
    if container is None:
        return result
    for prop in container.findall(f"{{{NS}}}property"):
        name = definitions.get(prop.get("propertyDefinitionRef") or "")
        if name is None:
            continue
        result[name] = _text_in_language(prop.findall(f"{{{NS}}}value"))
    return result


def parse_archimate(data: bytes) -> ArchimateModel:
    """Read an exchange file. Refuses DTDs and entities (billion laughs, external entities),
    anything that is not XML, and XML that is not an ArchiMate 3.x model."""
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            _("Filen er for stor (over %(mb)s MB).") % {"mb": MAX_FILE_BYTES // 1024 // 1024}
        )
    if not data.strip():
        raise ValidationError(_("Filen er tom."))
    try:
        root = defused_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ValidationError(
            _(
                "Filen inneholder en dokumenttypedeklarasjon (DTD), entiteter eller eksterne "
                "referanser. Det brukes ikke i ArchiMate-filer og avvises av sikkerhetshensyn."
            )
        ) from exc
    except ET.ParseError as exc:
        raise ValidationError(_("Filen er ikke gyldig XML: %(error)s") % {"error": exc}) from exc
    if root.tag != f"{{{NS}}}model":
        raise ValidationError(
            _(
                "Filen er ikke en ArchiMate-modell i utvekslingsformatet 3.x: rotelementet er "
                "«%(tag)s», ventet «model» i navnerommet %(ns)s."
            )
            % {"tag": root.tag, "ns": NS}
        )
    definitions: dict[str, str] = {}
    property_types: dict[str, str] = {}
    container = root.find(f"{{{NS}}}propertyDefinitions")
    for definition in (
        container.findall(f"{{{NS}}}propertyDefinition") if container is not None else []
    ):
        name = _text_in_language(definition.findall(f"{{{NS}}}name"))
        definitions[definition.get("identifier") or ""] = name
        property_types[name] = definition.get("type") or "string"
    model = ArchimateModel(
        identifier=root.get("identifier") or "",
        name=_text_in_language(root.findall(f"{{{NS}}}name")),
        documentation=_text_in_language(root.findall(f"{{{NS}}}documentation")),
        properties=_read_properties(root, definitions),
        property_types=property_types,
    )
    seen: set[str] = set()

    def concept(node: ET.Element) -> Concept:
        identifier = node.get("identifier") or ""
        if not identifier:
            raise ValidationError(_("Et element eller en relasjon mangler identifikator."))
        if identifier in seen:
            raise ValidationError(
                _("Identifikatoren %(id)s er brukt flere ganger.") % {"id": identifier}
            )
        seen.add(identifier)
        kind = (node.get(f"{{{XSI}}}type") or "").rsplit(":", 1)[-1]
        return Concept(
            identifier,
            kind.removesuffix("Relationship") if _local(node.tag) == "relationship" else kind,
            _text_in_language(node.findall(f"{{{NS}}}name")),
            _text_in_language(node.findall(f"{{{NS}}}documentation")),
            _read_properties(node, definitions),
            source=node.get("source") or "",
            target=node.get("target") or "",
        )

    elements = root.find(f"{{{NS}}}elements")
    for node in elements.findall(f"{{{NS}}}element") if elements is not None else []:
        element = concept(node)
        model.elements[element.identifier] = element
    relationships = root.find(f"{{{NS}}}relationships")
    for node in relationships.findall(f"{{{NS}}}relationship") if relationships is not None else []:
        relationship = concept(node)
        model.relationships[relationship.identifier] = relationship
    model.view_count = len(root.findall(f"{{{NS}}}views/{{{NS}}}diagrams/{{{NS}}}view"))
    for relationship in model.relationships.values():
        ends = [model.concept(relationship.source), model.concept(relationship.target)]
        names = [f"«{end.name}»" if end is not None and end.name else "?" for end in ends]
        relationship.display = f"{relationship.type} {names[0]} → {names[1]}" + (
            f" ({relationship.name})" if relationship.name else ""
        )
    return model


# --- Import -------------------------------------------------------------------------------

KIND_LABELS = {
    "service_area": ("tjenesteområde", "tjenesteområder"),
    "category": ("kategori", "kategorier"),
    "vendor": ("leverandør", "leverandører"),
    "product": ("system", "systemer"),
    "contract": ("avtale", "avtaler"),
    "installation": ("installasjon", "installasjoner"),
    "integration": ("integrasjon", "integrasjoner"),
}


@dataclass
class ImportReport:
    samla_file: bool
    dry_run: bool = False
    counts: Counter[tuple[str, str]] = field(
        default_factory=Counter
    )  # (kind, created|updated|unchanged)
    changes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def count(self, kind: str, action: str) -> int:
        return self.counts[(kind, action)]

    def lines(self) -> list[str]:
        if self.samla_file:
            lines = [_("Fil skrevet av Samla.")]
        else:
            lines = [
                _("Fil fra et annet verktøy: det som kan tolkes, importeres; resten hoppes over.")
            ]
        lines += self.changes
        for action, title in (
            ("created", _("Opprettet")),
            ("updated", _("Endret")),
            ("unchanged", _("Uendret")),
        ):
            parts = []
            for kind, (singular, plural) in KIND_LABELS.items():
                number = self.count(kind, action)
                if number:
                    parts.append(f"{number} {singular if number == 1 else plural}")
            lines.append(f"{title}: {', '.join(parts) if parts else '–'}")
        lines += [_("Hoppet over: %(what)s") % {"what": line} for line in self.skipped]
        if self.dry_run:
            lines.append(_("Tørrkjøring: ingenting er lagret."))
        return lines


def _parse_error(
    concept: Concept, definition: PropertyDefinition, value: str, expected: str
) -> ValidationError:
    return ValidationError(
        _("%(concept)s: «%(value)s» i «%(property)s» er ikke %(expected)s.")
        % {
            "concept": concept.label,
            "value": value,
            "property": definition.name,
            "expected": expected,
        }
    )


def _integer(concept: Concept, definition: PropertyDefinition) -> int | None:
    value = concept.get(definition)
    if value is None:
        return None
    try:
        number = Decimal(value.replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value():
        raise _parse_error(concept, definition, value, _("et heltall"))
    return int(number)


def _decimal(concept: Concept, definition: PropertyDefinition) -> Decimal | None:
    value = concept.get(definition)
    if value is None:
        return None
    try:
        number = Decimal(value.replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise _parse_error(concept, definition, value, _("et tall"))
    return number


def _date(concept: Concept, definition: PropertyDefinition) -> datetime.date | None:
    value = concept.get(definition)
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError as exc:
        raise _parse_error(concept, definition, value, _("en dato (ÅÅÅÅ-MM-DD)")) from exc


def _boolean(concept: Concept, definition: PropertyDefinition) -> bool | None:
    value = concept.get(definition)
    if value is None:
        return None
    folded = value.casefold()
    if folded in {"true", "1", "ja", "yes"}:
        return True
    if folded in {"false", "0", "nei", "no"}:
        return False
    raise _parse_error(concept, definition, value, _("sann eller usann"))


def _choice(
    concept: Concept, definition: PropertyDefinition, choices: Iterable[tuple[str, Any]]
) -> str | None:
    """A choice given by its code or its label (Norwegian or the active language)."""
    value = concept.get(definition)
    if value is None:
        return None
    folded = value.casefold()
    for code, label in choices:
        if folded in {code.casefold(), str(label).casefold()}:
            return code
    raise _parse_error(concept, definition, value, _("en av verdiene som Samla kjenner"))


def _field_label(model: type[Any], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # NON_FIELD_ERRORS
        return ""


def _described(
    concept: Concept, error: ValidationError, model: type[Any] | None = None
) -> ValidationError:
    """The service's error, saying which concept of the file and which field it is about."""
    if hasattr(error, "error_dict") and model is not None:
        parts = []
        for name, messages in error.message_dict.items():
            label = _field_label(model, name)
            parts.append(f"{label}: {' '.join(messages)}" if label else " ".join(messages))
        text = "; ".join(parts)
    else:
        text = " ".join(error.messages)
    return ValidationError(
        _("%(concept)s: %(messages)s") % {"concept": concept.label, "messages": text}
    )


def _changes(obj: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields whose values differ from the object's."""
    return {name: value for name, value in fields.items() if getattr(obj, name) != value}


def _field_list(model: type[Any], names: Iterable[str]) -> str:
    return ", ".join(_field_label(model, name) or name for name in names)


class _Lookup(Generic[T]):
    """Objects by a name or code, exactly as written; with ``fold``, failing that, ignoring
    case. Names are unique only as written ("ACOS" and "Acos" may be two vendors), so files
    from Samla are matched exactly; files from other tools are forgiven their capitals."""

    def __init__(self, items: Iterable[T], key: Callable[[T], str], *, fold: bool) -> None:
        self._key = key
        self._fold = fold
        self._exact: dict[str, T] = {}
        self._folded: dict[str, T] = {}
        for item in items:
            self.add(item)

    def add(self, item: T) -> None:
        key = self._key(item)
        self._exact.setdefault(key, item)
        self._folded.setdefault(key.casefold(), item)

    def get(self, key: str | None) -> T | None:
        if not key:
            return None
        found = self._exact.get(key)
        if found is None and self._fold:
            found = self._folded.get(key.casefold())
        return found


class _Importer:
    """Reads the model into the collaboration through the services, in dependency order."""

    def __init__(self, collaboration: Collaboration, model: ArchimateModel) -> None:
        self.collaboration = collaboration
        self.model = model
        self.report = ImportReport(samla_file=model.is_samla_file)
        self.fold = not model.is_samla_file  # see _Lookup
        self.handled: set[str] = set()  # identifiers of elements and relationships understood
        self.organisations: dict[str, Organisation] = {}
        self.areas: dict[str, ServiceArea] = {}
        self.categories: dict[str, SystemCategory] = {}
        self.products: dict[str, Product] = {}
        self.installations: dict[str, list[Installation]] = defaultdict(list)  # Serving id → …
        self.vendors = _Lookup(
            Vendor.objects.filter(collaboration=collaboration).order_by("pk"),
            lambda v: v.name,
            fold=self.fold,
        )
        self.imported_area: ServiceArea | None = None

    def run(self) -> ImportReport:
        self._actors()
        self._areas()
        self._categories()
        self._products()
        self._contracts()
        self._installations()
        self._integrations()
        self._report_skipped()
        return self.report

    # helpers

    def _counted(self, kind: str, action: str, text: str | None = None) -> None:
        self.report.counts[(kind, action)] += 1
        if text:
            self.report.changes.append(text)

    def _ends(self, relationship: Concept) -> tuple[Concept | None, Concept | None]:
        return self.model.concept(relationship.source), self.model.concept(relationship.target)

    def _related(
        self, kind: str, element: Concept, other_types: tuple[str, ...]
    ) -> Iterator[tuple[Concept, Concept]]:
        """Relationships of ``kind`` between ``element`` and an element of ``other_types``, in
        either direction, with the other end."""
        for relationship in self.model.touching(element.identifier):
            if relationship.type != kind:
                continue
            source, target = self._ends(relationship)
            if source is element and target is not None and target.type in other_types:
                yield relationship, target
            elif target is element and source is not None and source.type in other_types:
                yield relationship, source

    # organisations

    def _actors(self) -> None:
        members = list(
            Organisation.objects.filter(memberships__collaboration=self.collaboration).order_by(
                "pk"
            )
        )
        by_number = {o.organisation_number: o for o in members if o.organisation_number}
        by_name = _Lookup(members, lambda o: o.name, fold=self.fold)
        unknown = []
        for actor in self.model.elements_of(ACTOR):
            number = actor.get(P_ORGANISATION_NUMBER)
            organisation = by_number.get(number or "") or by_name.get(actor.name)
            if organisation is None:
                unknown.append(actor.name or actor.identifier)
                continue
            self.organisations[actor.identifier] = organisation
            self.handled.add(actor.identifier)
        if unknown and self.report.samla_file:
            raise ValidationError(
                _(
                    "Filen nevner organisasjoner som ikke er medlemmer av %(collaboration)s: "
                    "%(names)s. Legg dem til som medlemmer først; ingenting er importert."
                )
                % {"collaboration": self.collaboration, "names": ", ".join(sorted(unknown))}
            )
        for name in sorted(unknown):
            self.report.skipped.append(
                _("BusinessActor «%(name)s»: ikke medlem av samarbeidet") % {"name": name}
            )

    # catalogue

    def _areas(self) -> None:
        areas = list(ServiceArea.objects.filter(collaboration=self.collaboration).order_by("pk"))
        by_code = _Lookup(areas, lambda a: a.code, fold=self.fold)
        by_name = _Lookup(areas, lambda a: a.name, fold=self.fold)
        for grouping in self.model.elements_of(GROUPING):
            code = grouping.get(P_CODE)
            area = by_code.get(code) or by_name.get(grouping.name)
            if area is None and self.report.samla_file and grouping.name:
                # Every Grouping in a Samla file is a service area; elsewhere they can be anything.
                try:
                    area = services.service_area_save(
                        collaboration=self.collaboration,
                        code=self._free_code(ServiceArea, code),
                        name=grouping.name,
                        order=self._next_area_order(),
                    )
                except ValidationError as exc:
                    raise _described(grouping, exc, ServiceArea) from exc
                by_code.add(area)
                by_name.add(area)
                self._counted(
                    "service_area",
                    "created",
                    _("Opprettet tjenesteområdet «%(name)s»") % {"name": area.name},
                )
            if area is not None:
                self.areas[grouping.identifier] = area
                self.handled.add(grouping.identifier)

    def _next_area_order(self) -> int:
        highest = ServiceArea.objects.filter(collaboration=self.collaboration).aggregate(
            m=Max("order")
        )["m"]
        return (highest or 0) + 1

    def _imported_area(self) -> ServiceArea:
        if self.imported_area is None:
            name = IMPORTED_AREA_NAME
            area = ServiceArea.objects.filter(collaboration=self.collaboration, name=name).first()
            if area is None:
                area = services.service_area_save(
                    collaboration=self.collaboration,
                    code=self._free_code(ServiceArea, "IMPORTERT"),
                    name=name,
                    order=self._next_area_order(),
                )
                self._counted(
                    "service_area",
                    "created",
                    _("Opprettet tjenesteområdet «%(name)s»") % {"name": name},
                )
            self.imported_area = area
        return self.imported_area

    def _free_code(
        self, model: type[ServiceArea] | type[SystemCategory], wanted: str | None
    ) -> str:
        taken = {
            c.casefold()
            for c in model.objects.filter(collaboration=self.collaboration).values_list(
                "code", flat=True
            )
        }
        if wanted and len(wanted) <= 20 and wanted.casefold() not in taken:
            return wanted
        number = 1
        while f"IMP-{number}".casefold() in taken:
            number += 1
        return f"IMP-{number}"

    def _categories(self) -> None:
        categories = list(
            SystemCategory.objects.filter(collaboration=self.collaboration).order_by("pk")
        )
        by_code = _Lookup(categories, lambda c: c.code, fold=self.fold)
        by_name = _Lookup(categories, lambda c: c.name, fold=self.fold)
        for element in self.model.elements_of(*CATEGORY_TYPES):
            code = element.get(P_CODE)
            category = by_code.get(code) or by_name.get(element.name)
            if category is None:
                if not element.name:
                    continue
                area = next(
                    (
                        self.areas[grouping.identifier]
                        for _relationship, grouping in self._related(
                            "Composition", element, (GROUPING,)
                        )
                        if grouping.identifier in self.areas
                    ),
                    None,
                ) or next(
                    (
                        self.areas[grouping.identifier]
                        for _relationship, grouping in self._related(
                            "Aggregation", element, (GROUPING,)
                        )
                        if grouping.identifier in self.areas
                    ),
                    None,
                )
                area = area or self._imported_area()
                highest = SystemCategory.objects.filter(service_area=area).aggregate(
                    m=Max("order")
                )["m"]
                try:
                    category = services.category_save(
                        collaboration=self.collaboration,
                        service_area=area,
                        code=self._free_code(SystemCategory, code),
                        name=element.name,
                        description=element.documentation,
                        examples=element.get(P_EXAMPLES) or "",
                        order=(highest or 0) + 1,
                    )
                except ValidationError as exc:
                    raise _described(element, exc, SystemCategory) from exc
                by_code.add(category)
                by_name.add(category)
                self._counted(
                    "category",
                    "created",
                    _("Opprettet kategorien «%(name)s» i «%(area)s»")
                    % {"name": category.name, "area": area.name},
                )
            else:
                self._counted("category", "unchanged")
            self.categories[element.identifier] = category
            self.handled.add(element.identifier)
        for relationship in self.model.relationships_of("Composition", "Aggregation"):
            if relationship.source in self.areas and relationship.target in self.categories:
                self.handled.add(relationship.identifier)

    # vendors and products

    def _vendor(self, name: str, concept: Concept) -> Vendor:
        vendor = self.vendors.get(name)
        if vendor is None:
            try:
                vendor = services.vendor_save(collaboration=self.collaboration, name=name)
            except ValidationError as exc:
                raise _described(concept, exc, Vendor) from exc
            self.vendors.add(vendor)
            self._counted(
                "vendor", "created", _("Opprettet leverandøren «%(name)s»") % {"name": name}
            )
        return vendor

    def _products(self) -> None:
        existing = _Lookup(
            Product.objects.filter(collaboration=self.collaboration).order_by("pk"),
            lambda p: p.name,
            fold=self.fold,
        )
        for component in self.model.elements_of(COMPONENT):
            if not component.name:
                continue
            vendor_name = component.get(P_VENDOR)
            fields: dict[str, Any] = {}
            if vendor_name:
                fields["vendor"] = self._vendor(vendor_name, component)
            version = component.get(P_VERSION)
            if version:
                fields["version"] = version
            hosting = _choice(component, P_HOSTING, Product.Hosting.choices)
            if hosting:
                fields["hosting"] = hosting
            if component.documentation:
                fields["description"] = component.documentation
            product = existing.get(component.name)
            try:
                if product is None:
                    product = services.product_save(
                        collaboration=self.collaboration, name=component.name, **fields
                    )
                    existing.add(product)
                    self._counted(
                        "product",
                        "created",
                        _("Opprettet systemet «%(name)s»") % {"name": product.name},
                    )
                elif changes := _changes(product, fields):
                    product = services.product_save(
                        collaboration=self.collaboration, product=product, **changes
                    )
                    self._counted(
                        "product",
                        "updated",
                        _("Endret systemet «%(name)s»: %(fields)s")
                        % {"name": product.name, "fields": _field_list(Product, changes)},
                    )
                else:
                    self._counted("product", "unchanged")
            except ValidationError as exc:
                raise _described(component, exc, Product) from exc
            self.products[component.identifier] = product
            self.handled.add(component.identifier)
        for relationship in self.model.relationships_of("Assignment", "Realization"):
            if relationship.source in self.products and relationship.target in self.categories:
                self.handled.add(relationship.identifier)

    # contracts

    def _contracts(self) -> None:
        existing = {
            c.number: c
            for c in Contract.objects.filter(collaboration=self.collaboration).prefetch_related(
                "organisations", "products"
            )
        }
        for element in self.model.elements_of(CONTRACT):
            number, vendor_name = element.get(P_CONTRACT_NUMBER), element.get(P_VENDOR)
            if not number or not vendor_name:
                self.report.skipped.append(
                    _("%(contract)s: mangler avtalenummer eller leverandør")
                    % {"contract": element.label}
                )
                continue
            parties: dict[int, Organisation] = {}
            products: dict[int, Product] = {}
            links: list[str] = []
            for relationship, other in self._related("Association", element, (ACTOR, COMPONENT)):
                if other.identifier in self.organisations:
                    organisation = self.organisations[other.identifier]
                    parties[organisation.pk] = organisation
                    links.append(relationship.identifier)
                elif other.identifier in self.products:
                    product = self.products[other.identifier]
                    products[product.pk] = product
                    links.append(relationship.identifier)
            fields: dict[str, Any] = {
                "title": element.name or number,
                "start_date": _date(element, P_START_DATE),
                "end_date": _date(element, P_END_DATE),
                "extension_options": _integer(element, P_EXTENSION_OPTIONS),
                "extension_option_months": _integer(element, P_EXTENSION_OPTION_MONTHS),
                "notice_period_months": _integer(element, P_NOTICE_PERIOD),
                "yearly_value": _decimal(element, P_YEARLY_VALUE),
                "total_estimated_value": _decimal(element, P_TOTAL_VALUE),
                "procedure": _choice(element, P_PROCEDURE, Contract.Procedure.choices),
                "is_framework_agreement": _boolean(element, P_FRAMEWORK),
                "document_url": element.get(P_DOCUMENT_URL),
            }
            fields = {name: value for name, value in fields.items() if value is not None}
            contract = existing.get(number)
            if contract is None and not parties:
                self.report.skipped.append(
                    _("%(contract)s: ingen avtalepart er medlem av samarbeidet")
                    % {"contract": element.label}
                )
                continue
            try:
                if contract is None:
                    contract = services.contract_save(
                        collaboration=self.collaboration,
                        organisations=parties.values(),
                        products=products.values(),
                        number=number,
                        vendor=self._vendor(vendor_name, element),
                        **fields,
                    )
                    self._counted(
                        "contract",
                        "created",
                        _("Opprettet avtalen %(number)s") % {"number": number},
                    )
                else:
                    fields["vendor"] = self._vendor(vendor_name, element)
                    changes = _changes(contract, fields)
                    old_parties = {o.pk: o for o in contract.organisations.all()}
                    old_products = {p.pk: p for p in contract.products.all()}
                    if (
                        changes
                        or parties.keys() - old_parties.keys()
                        or products.keys() - old_products.keys()
                    ):
                        contract = services.contract_save(
                            collaboration=self.collaboration,
                            contract=contract,
                            organisations={**old_parties, **parties}.values(),
                            products={**old_products, **products}.values(),
                            **changes,
                        )
                        self._counted(
                            "contract",
                            "updated",
                            _("Endret avtalen %(number)s: %(fields)s")
                            % {
                                "number": number,
                                "fields": _field_list(Contract, changes)
                                or _("avtaleparter/systemer"),
                            },
                        )
                    else:
                        self._counted("contract", "unchanged")
            except ValidationError as exc:
                raise _described(element, exc, Contract) from exc
            existing[number] = contract
            self.handled.add(element.identifier)
            self.handled.update(links)

    # installations

    def _installation_fields(self, relationship: Concept) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "users": _integer(relationship, P_USERS),
            "user_groups": relationship.get(P_USER_GROUPS),
            "lifecycle": _choice(relationship, P_LIFECYCLE, Installation.Lifecycle.choices),
            "functional_fit": _integer(relationship, P_FUNCTIONAL_FIT),
            "technical_fit": _integer(relationship, P_TECHNICAL_FIT),
            "time_override": _choice(relationship, P_TIME_OVERRIDE, TimeClass.choices),
            "time_override_reason": relationship.get(P_TIME_OVERRIDE_REASON),
            "notes": relationship.documentation or None,
        }
        return {name: value for name, value in fields.items() if value is not None}

    def _categories_of(
        self, serving: Concept, component: Concept
    ) -> tuple[list[SystemCategory], list[str]]:
        """The categories of a Serving relationship: the functions associated with it, else
        those the component is assigned to or realises."""
        found: dict[int, SystemCategory] = {}
        links: list[str] = []
        for relationship in self.model.touching(serving.identifier):
            if relationship.type != "Association":
                continue
            other = (
                relationship.source
                if relationship.target == serving.identifier
                else relationship.target
            )
            if other in self.categories:
                found[self.categories[other].pk] = self.categories[other]
                links.append(relationship.identifier)
        if not found:
            for kind in ("Assignment", "Realization"):
                for _relationship, function in self._related(kind, component, CATEGORY_TYPES):
                    if function.identifier in self.categories:
                        found[self.categories[function.identifier].pk] = self.categories[
                            function.identifier
                        ]
        return list(found.values()), links

    def _installations(self) -> None:
        existing = {
            (i.organisation_id, i.category_id, i.product_id): i
            for i in Installation.objects.filter(collaboration=self.collaboration)
        }
        for relationship in self.model.relationships_of("Serving"):
            source, target = self._ends(relationship)
            if source is None or target is None or source.type != COMPONENT or target.type != ACTOR:
                continue
            if (
                source.identifier not in self.products
                or target.identifier not in self.organisations
            ):
                self.report.skipped.append(
                    _("Serving %(source)s → %(target)s: ukjent system eller organisasjon")
                    % {"source": source.label, "target": target.label}
                )
                self.handled.add(relationship.identifier)
                continue
            product, organisation = (
                self.products[source.identifier],
                self.organisations[target.identifier],
            )
            categories, links = self._categories_of(relationship, source)
            if not categories:
                self.report.skipped.append(
                    _(
                        "Serving %(source)s → %(target)s: finner ingen kategori (ApplicationFunction)"
                    )
                    % {"source": source.label, "target": target.label}
                )
                self.handled.add(relationship.identifier)
                continue
            fields = self._installation_fields(relationship)
            for category in categories:
                key = (organisation.pk, category.pk, product.pk)
                installation = existing.get(key)
                description = f"{product} – {organisation} – {category}"
                try:
                    if installation is None:
                        installation = services.installation_save(
                            collaboration=self.collaboration,
                            organisation=organisation,
                            category=category,
                            product=product,
                            **fields,
                        )
                        existing[key] = installation
                        self._counted(
                            "installation",
                            "created",
                            _("Opprettet installasjonen %(installation)s")
                            % {"installation": description},
                        )
                    elif changes := _changes(installation, fields):
                        installation = services.installation_save(
                            collaboration=self.collaboration, installation=installation, **changes
                        )
                        self._counted(
                            "installation",
                            "updated",
                            _("Endret installasjonen %(installation)s: %(fields)s")
                            % {
                                "installation": description,
                                "fields": _field_list(Installation, changes),
                            },
                        )
                    else:
                        self._counted("installation", "unchanged")
                except ValidationError as exc:
                    raise _described(relationship, exc, Installation) from exc
                self.installations[relationship.identifier].append(installation)
            self.handled.add(relationship.identifier)
            self.handled.update(links)

    def _integrations(self) -> None:
        wanted: dict[int, dict[int, Installation]] = defaultdict(dict)
        sources: dict[int, Installation] = {}
        index: dict[tuple[int, int], list[Installation]] = {}

        def by_product_and_organisation() -> dict[tuple[int, int], list[Installation]]:
            if not index:
                for items in self.installations.values():
                    for installation in items:
                        key = (installation.product_id, installation.organisation_id)
                        index.setdefault(key, []).append(installation)
            return index

        for relationship in self.model.relationships_of("Flow"):
            if relationship.source not in self.products or relationship.target not in self.products:
                continue
            start, end = relationship.get(P_FLOW_FROM), relationship.get(P_FLOW_TO)
            pairs: list[tuple[Installation, Installation]] = []
            if start and end:
                pairs = [
                    (a, b)
                    for a in self.installations.get(start, [])
                    for b in self.installations.get(end, [])
                ]
            else:
                # Without our properties, an integration joins the two systems where one
                # organisation uses both.
                by_organisation = by_product_and_organisation()
                source_product = self.products[relationship.source]
                target_product = self.products[relationship.target]
                pairs = [
                    (a, b)
                    for (product_id, organisation_id), items in by_organisation.items()
                    if product_id == source_product.pk
                    for a in items
                    for b in by_organisation.get((target_product.pk, organisation_id), [])
                ]
            pairs = [(a, b) for a, b in pairs if a.pk != b.pk]
            if not pairs:
                self.report.skipped.append(
                    _("%(flow)s: finner ingen installasjoner å knytte sammen")
                    % {"flow": relationship.label}
                )
                self.handled.add(relationship.identifier)
                continue
            for a, b in pairs:
                sources[a.pk] = a
                wanted[a.pk][b.pk] = b
            self.handled.add(relationship.identifier)
        for source_pk, targets in wanted.items():
            installation = sources[source_pk]
            current = {i.pk: i for i in installation.integrations.all()}
            new = {pk: t for pk, t in targets.items() if pk not in current}
            for _pk in targets.keys() & current.keys():
                self._counted("integration", "unchanged")
            if not new:
                continue
            services.installation_save(
                collaboration=self.collaboration,
                installation=installation,
                integrations=[*current.values(), *new.values()],
            )
            for destination in new.values():
                self._counted(
                    "integration",
                    "created",
                    _("Opprettet integrasjonen %(source)s (%(a)s) → %(target)s (%(b)s)")
                    % {
                        "source": installation.product,
                        "a": installation.organisation,
                        "target": destination.product,
                        "b": destination.organisation,
                    },
                )

    # what was left

    def _report_skipped(self) -> None:
        names: dict[str, list[str]] = defaultdict(list)
        for element in self.model.elements.values():
            if (
                element.identifier not in self.handled
                and element.type != ACTOR
                and element.type != CONTRACT
            ):
                names[element.type].append(element.name or element.identifier)
        for kind, items in sorted(names.items()):
            shown = ", ".join(f"«{n}»" for n in sorted(items)[:5]) + (
                " …" if len(items) > 5 else ""
            )
            self.report.skipped.append(
                _("%(count)s %(type)s som ikke har noe motstykke i Samla: %(names)s")
                % {"count": len(items), "type": kind, "names": shown}
            )
        kinds: Counter[tuple[str, str, str]] = Counter()
        for relationship in self.model.relationships.values():
            if relationship.identifier not in self.handled:
                kinds[
                    (
                        relationship.type,
                        self.model.concept_type(relationship.source) or "?",
                        self.model.concept_type(relationship.target) or "?",
                    )
                ] += 1
        for (kind, source, target), count in sorted(kinds.items()):
            self.report.skipped.append(
                _("%(count)s %(type)s-relasjon(er) %(source)s → %(target)s")
                % {"count": count, "type": kind, "source": source, "target": target}
            )
        if self.model.view_count:
            self.report.skipped.append(
                _("%(count)s visning(er): diagrammer importeres ikke")
                % {"count": self.model.view_count}
            )


def import_archimate(
    *, collaboration: Collaboration, data: bytes, dry_run: bool = False
) -> ImportReport:
    """Read an exchange file into the collaboration's landscape, in one transaction.

    Raises ValidationError, with nothing written, for a file that cannot be read or does not
    fit (see the module's docstring). With ``dry_run`` the changes are made and rolled back,
    so the report says exactly what an import would do.
    """
    model = parse_archimate(data)
    with transaction.atomic():
        report = _Importer(collaboration, model).run()
        report.dry_run = dry_run
        if dry_run:
            transaction.set_rollback(True)
    return report


# --- Checks against the Open Group's schemas ----------------------------------------------


def schema_errors(data: bytes, xsd_directory: Path) -> list[str]:
    """Validate against archimate3_Diagram.xsd in ``xsd_directory``, offline: xml.xsd is
    taken from the same directory and the network is never used."""
    from lxml import etree

    local_xml_xsd = str(xsd_directory / "xml.xsd")

    class LocalResolver(etree.Resolver):  # type: ignore[misc]
        def resolve(self, url: str, pubid: str | None, context: Any) -> Any:
            if url == XML_XSD_URL:
                return self.resolve_filename(local_xml_xsd, context)
            return None

    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(LocalResolver())
    schema = etree.XMLSchema(etree.parse(str(xsd_directory / "archimate3_Diagram.xsd"), parser))
    document = etree.fromstring(
        data, etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    )
    if schema.validate(document):
        return []
    return [f"{error.line}: {error.message}" for error in schema.error_log]


@dataclass(frozen=True)
class RelationshipRules:
    """Which relationship types ArchiMate allows from one concept type to another, as in
    Archi's relationships.xml (letters explained by relationships-keys.xml)."""

    allowed: dict[tuple[str, str], frozenset[str]]

    @classmethod
    def from_directory(cls, directory: Path) -> RelationshipRules:
        keys_root = defused_fromstring(
            (directory / "relationships-keys.xml").read_bytes(), forbid_dtd=True
        )
        letters = {
            key.get("char", ""): key.get("relationship", "").removesuffix("Relationship")
            for key in keys_root.iter("key")
        }
        root = defused_fromstring((directory / "relationships.xml").read_bytes(), forbid_dtd=True)
        allowed: dict[tuple[str, str], frozenset[str]] = {}
        for source in root.iter("source"):
            for target in source.iter("target"):
                allowed[(source.get("concept", ""), target.get("concept", ""))] = frozenset(
                    letters[letter] for letter in target.get("relations", "") if letter in letters
                )
        return cls(allowed)

    def allows(self, kind: str, source_type: str, target_type: str) -> bool:
        return kind in self.allowed.get((source_type, target_type), frozenset())


def relationship_violations(model: ArchimateModel, rules: RelationshipRules) -> list[str]:
    """Relationships the ArchiMate specification does not allow between their ends' types."""
    problems = []
    for relationship in model.relationships.values():
        source = model.concept_type(relationship.source)
        target = model.concept_type(relationship.target)
        if source is None or target is None:
            problems.append(f"{relationship.identifier}: {relationship.type} to an unknown concept")
        elif not rules.allows(relationship.type, source, target):
            problems.append(
                f"{relationship.identifier}: {relationship.type} {source} → {target} is not allowed"
            )
    return problems


def check_export(data: bytes, directory: Path) -> list[str]:
    """Schema errors and disallowed relationships, given the Open Group's files in ``directory``."""
    return schema_errors(data, directory) + relationship_violations(
        parse_archimate(data), RelationshipRules.from_directory(directory)
    )
