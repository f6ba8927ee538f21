"""The landscape's registers described once: what each lists, how it is fetched, checked,
saved and deleted. The register views and the XLSX export read these descriptions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from samla.core.templatetags.samla import format_number, nodate
from samla.landscape import access as landscape_access
from samla.landscape import services
from samla.landscape.forms import (
    CategoryForm,
    ContractForm,
    IctCostForm,
    InstallationForm,
    ProductForm,
    ServiceAreaForm,
    VendorForm,
)
from samla.landscape.models import (
    Contract,
    IctCost,
    Installation,
    Product,
    ServiceArea,
    SystemCategory,
    TimeClass,
    Vendor,
)
from samla.organisations.access import CollaborationAccess


@dataclass(frozen=True)
class Column:
    label: Any
    value: Callable[[Any], Any]
    numeric: bool = False


@dataclass(frozen=True)
class Register:
    slug: str
    title: Any
    singular: Any
    model: type[models.Model]
    form: type[forms.ModelForm]
    columns: list[Column]
    queryset: Callable[[CollaborationAccess], models.QuerySet[Any]]
    fetch: Callable[..., Any]
    may_create: Callable[[CollaborationAccess], bool]
    save: Callable[..., Any]
    delete: Callable[[Any], None]
    may_change: Callable[[CollaborationAccess, Any], bool]
    extra_facts: list[Column] = field(default_factory=list)


def _kr(value: Any) -> str:
    return "" if value is None else f"{format_number(value)}\xa0kr"


def _join(items: Any) -> str:
    return ", ".join(str(i) for i in items)


def _allowed(check: Callable[[], None]) -> bool:
    from django.core.exceptions import PermissionDenied

    try:
        check()
    except PermissionDenied:
        return False
    return True


# --- Save functions: form → service ---------------------------------------------------------


def _save_simple(service: Callable[..., Any], keyword: str) -> Callable[..., Any]:
    def save(access: CollaborationAccess, form: forms.ModelForm, obj: Any | None) -> Any:
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}  # type: ignore[attr-defined]
        return service(collaboration=access.collaboration, **{keyword: obj}, **data)

    return save


def _save_installation(access: CollaborationAccess, form: forms.ModelForm, obj: Installation | None) -> Installation:
    data = {k: form.cleaned_data[k] for k in InstallationForm.Meta.fields}
    landscape_access.require_organisation(access, data["organisation"])
    return services.installation_save(
        collaboration=access.collaboration,
        installation=obj,
        integrations=form.cleaned_data.get("integrations") or [],
        **data,
    )


def _save_contract(access: CollaborationAccess, form: forms.ModelForm, obj: Contract | None) -> Contract:
    from django.core.exceptions import PermissionDenied

    data = {k: form.cleaned_data[k] for k in ContractForm.Meta.fields}
    parties = list(form.cleaned_data["organisations"])
    if not landscape_access.may_edit_contract_parties(access, parties):
        raise PermissionDenied
    return services.contract_save(
        collaboration=access.collaboration,
        contract=obj,
        organisations=parties,
        products=form.cleaned_data.get("products") or [],
        **data,
    )


def _save_cost(access: CollaborationAccess, form: forms.ModelForm, obj: IctCost | None) -> IctCost:
    data = {k: form.cleaned_data[k] for k in IctCostForm.Meta.fields}
    landscape_access.require_organisation(access, data["organisation"])
    return services.ict_cost_save(collaboration=access.collaboration, cost=obj, **data)


REGISTERS: dict[str, Register] = {}


def _register(register: Register) -> None:
    REGISTERS[register.slug] = register


_register(
    Register(
        slug="installasjoner",
        title=_("Installasjoner"),
        singular=_("installasjon"),
        model=Installation,
        form=InstallationForm,
        columns=[
            Column(_("System"), lambda i: i.product.name),
            Column(_("Organisasjon"), lambda i: i.organisation.name),
            Column(_("Kategori"), lambda i: i.category.name),
            Column(_("Brukere"), lambda i: format_number(i.users), numeric=True),
            Column(_("Funksjonell"), lambda i: i.functional_fit or "", numeric=True),
            Column(_("Teknisk"), lambda i: i.technical_fit or "", numeric=True),
            Column(_("TIME"), lambda i: i.get_time_class_display() + (" *" if i.time_override else "")),
            Column(_("Livsløp"), lambda i: i.get_lifecycle_display()),
        ],
        extra_facts=[
            Column(_("Leverandør"), lambda i: i.product.vendor or ""),
            Column(_("Brukergrupper"), lambda i: i.user_groups),
            Column(_("TIME etter regelen"), lambda i: TimeClass(i.computed_time_class).label if i.computed_time_class else "–"),
            Column(_("Begrunnelse for overstyring"), lambda i: i.time_override_reason),
            Column(_("Integrasjoner"), lambda i: _join(i.integrations.all())),
            Column(_("Merknader"), lambda i: i.notes),
        ],
        queryset=lambda a: Installation.objects.filter(collaboration=a.collaboration)
        .select_related("organisation", "category", "product")
        .order_by("category__name", "organisation__name", "product__name"),
        fetch=landscape_access.access_installation,
        may_create=landscape_access.may_edit_landscape,
        save=_save_installation,
        delete=lambda i: services.installation_delete(installation=i),
        may_change=lambda a, i: a.may_edit_organisation(i.organisation),
    )
)

_register(
    Register(
        slug="avtaler",
        title=_("Avtaler"),
        singular=_("avtale"),
        model=Contract,
        form=ContractForm,
        columns=[
            Column(_("Nummer"), lambda c: c.number),
            Column(_("Tittel"), lambda c: c.title),
            Column(_("Leverandør"), lambda c: c.vendor.name),
            Column(_("Parter"), lambda c: _join(o.name for o in c.organisations.all())),
            Column(_("Slutt"), lambda c: nodate(c.end_date)),
            Column(_("Siste frist for oppsigelse"), lambda c: nodate(c.notice_deadline)),
            Column(_("Årlig verdi"), lambda c: _kr(c.yearly_value), numeric=True),
        ],
        extra_facts=[
            Column(_("Systemer"), lambda c: _join(c.products.all())),
            Column(_("Start"), lambda c: nodate(c.start_date)),
            Column(_("Opsjoner"), lambda c: f"{c.extension_options} × {c.extension_option_months} mnd" if c.has_options else "–"),
            Column(_("Seneste slutt med opsjoner"), lambda c: nodate(c.latest_end_date)),
            Column(_("Oppsigelsestid"), lambda c: f"{c.notice_period_months} mnd"),
            Column(_("Estimert totalverdi"), lambda c: _kr(c.total_estimated_value)),
            Column(_("Prosedyre"), lambda c: c.get_procedure_display()),
            Column(_("Rammeavtale"), lambda c: _("ja") if c.is_framework_agreement else _("nei")),
            Column(_("Dokument"), lambda c: c.document_url),
        ],
        queryset=lambda a: Contract.objects.filter(collaboration=a.collaboration)
        .select_related("vendor")
        .prefetch_related("organisations")
        .order_by("end_date", "number"),
        fetch=landscape_access.access_contract,
        may_create=landscape_access.may_edit_landscape,
        save=_save_contract,
        delete=lambda c: services.contract_delete(contract=c),
        may_change=lambda a, c: landscape_access.may_edit_contract_parties(a, c.organisations.all()),
    )
)

_register(
    Register(
        slug="kostnader",
        title=_("IKT-kostnader"),
        singular=_("kostnadslinje"),
        model=IctCost,
        form=IctCostForm,
        columns=[
            Column(_("Organisasjon"), lambda c: c.organisation.name),
            Column(_("År"), lambda c: c.year),
            Column(_("Type"), lambda c: c.get_kind_display()),
            Column(_("Kostnadsart"), lambda c: c.get_category_display()),
            Column(_("Beløp"), lambda c: _kr(c.amount), numeric=True),
            Column(_("Konkurranseutsatt"), lambda c: _("ja") if c.exposed_to_competition else _("nei")),
            Column(_("Beskrivelse"), lambda c: c.description),
        ],
        queryset=lambda a: IctCost.objects.filter(collaboration=a.collaboration)
        .select_related("organisation")
        .order_by("organisation__name", "-year", "kind", "category"),
        fetch=landscape_access.access_ict_cost,
        may_create=landscape_access.may_edit_landscape,
        save=_save_cost,
        delete=lambda c: services.ict_cost_delete(cost=c),
        may_change=lambda a, c: a.may_edit_organisation(c.organisation),
    )
)

_register(
    Register(
        slug="systemer",
        title=_("Systemer"),
        singular=_("system"),
        model=Product,
        form=ProductForm,
        columns=[
            Column(_("Navn"), lambda p: p.name),
            Column(_("Leverandør"), lambda p: p.vendor or ""),
            Column(_("Versjon"), lambda p: p.version),
            Column(_("Drift"), lambda p: p.get_hosting_display()),
        ],
        extra_facts=[Column(_("Beskrivelse"), lambda p: p.description)],
        queryset=lambda a: Product.objects.filter(collaboration=a.collaboration).select_related("vendor"),
        fetch=landscape_access.access_product,
        may_create=landscape_access.may_edit_landscape,
        save=_save_simple(services.product_save, "product"),
        delete=lambda p: services.product_delete(product=p),
        may_change=lambda a, p: a.is_manager,
    )
)

_register(
    Register(
        slug="leverandorer",
        title=_("Leverandører"),
        singular=_("leverandør"),
        model=Vendor,
        form=VendorForm,
        columns=[
            Column(_("Navn"), lambda v: v.name),
            Column(_("Organisasjonsnummer"), lambda v: v.organisation_number),
            Column(_("Nettsted"), lambda v: v.website),
        ],
        queryset=lambda a: Vendor.objects.filter(collaboration=a.collaboration),
        fetch=landscape_access.access_vendor,
        may_create=landscape_access.may_edit_landscape,
        save=_save_simple(services.vendor_save, "vendor"),
        delete=lambda v: services.vendor_delete(vendor=v),
        may_change=lambda a, v: a.is_manager,
    )
)

_register(
    Register(
        slug="kategorier",
        title=_("Systemkategorier"),
        singular=_("systemkategori"),
        model=SystemCategory,
        form=CategoryForm,
        columns=[
            Column(_("Kode"), lambda c: c.code),
            Column(_("Navn"), lambda c: c.name),
            Column(_("Tjenesteområde"), lambda c: c.service_area.name),
            Column(_("Eksempler"), lambda c: c.examples),
        ],
        extra_facts=[Column(_("Beskrivelse"), lambda c: c.description)],
        queryset=lambda a: SystemCategory.objects.filter(collaboration=a.collaboration).select_related("service_area"),
        fetch=landscape_access.access_category,
        may_create=lambda a: a.is_manager,
        save=_save_simple(services.category_save, "category"),
        delete=lambda c: services.category_delete(category=c),
        may_change=lambda a, c: a.is_manager,
    )
)

_register(
    Register(
        slug="tjenesteomrader",
        title=_("Tjenesteområder"),
        singular=_("tjenesteområde"),
        model=ServiceArea,
        form=ServiceAreaForm,
        columns=[
            Column(_("Kode"), lambda s: s.code),
            Column(_("Navn"), lambda s: s.name),
            Column(_("Rekkefølge"), lambda s: s.order, numeric=True),
        ],
        queryset=lambda a: ServiceArea.objects.filter(collaboration=a.collaboration),
        fetch=landscape_access.access_service_area,
        may_create=lambda a: a.is_manager,
        save=_save_simple(services.service_area_save, "area"),
        delete=lambda s: services.service_area_delete(area=s),
        may_change=lambda a, s: a.is_manager,
    )
)
