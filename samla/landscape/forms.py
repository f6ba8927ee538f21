"""Forms for the landscape registers. They validate; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.core.forms import AmountField, DateField, DateInput
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
from samla.organisations.models import Organisation


class UuidChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset: Any, **kwargs: Any) -> None:
        super().__init__(queryset=queryset, to_field_name="uuid", **kwargs)


class UuidMultipleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, queryset: Any, **kwargs: Any) -> None:
        super().__init__(queryset=queryset, to_field_name="uuid", **kwargs)


def member_queryset(access: CollaborationAccess, *, editable_only: bool = False) -> Any:
    queryset = Organisation.objects.filter(memberships__collaboration=access.collaboration).order_by("name")
    if editable_only and not access.is_manager:
        queryset = queryset.filter(pk=access.editable_organisation_id or 0)
    return queryset


class CollaborationModelForm(forms.ModelForm):
    """A ModelForm whose choice fields only offer the collaboration's own objects."""

    def __init__(self, *args: Any, access: CollaborationAccess, **kwargs: Any) -> None:
        self.access = access
        super().__init__(*args, **kwargs)
        # The services set the collaboration; uniqueness is checked there too.
        self.instance.collaboration = access.collaboration

    def get_initial_for_field(self, field: forms.Field, field_name: str) -> Any:
        # A ModelForm's initial data holds related objects by primary key; the choice fields
        # here are keyed by uuid and say their initial value themselves. Without this an
        # edit page would show the first option selected, and saving it would change the
        # relation.
        if isinstance(field, UuidChoiceField | UuidMultipleChoiceField) and field.initial is not None:
            return field.initial
        return super().get_initial_for_field(field, field_name)


class ServiceAreaForm(CollaborationModelForm):
    class Meta:
        model = ServiceArea
        fields = ["code", "name", "order"]


class CategoryForm(CollaborationModelForm):
    class Meta:
        model = SystemCategory
        fields = ["service_area", "code", "name", "description", "examples", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_area"] = UuidChoiceField(
            ServiceArea.objects.filter(collaboration=self.access.collaboration),
            label=_("tjenesteområde"),
            initial=self.instance.service_area.uuid if self.instance.pk else None,
        )


class VendorForm(CollaborationModelForm):
    class Meta:
        model = Vendor
        fields = ["name", "organisation_number", "website"]


class ProductForm(CollaborationModelForm):
    class Meta:
        model = Product
        fields = ["name", "vendor", "version", "hosting", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"] = UuidChoiceField(
            Vendor.objects.filter(collaboration=self.access.collaboration),
            label=_("leverandør"),
            required=False,
            initial=self.instance.vendor.uuid if self.instance.pk and self.instance.vendor else None,
        )


class InstallationForm(CollaborationModelForm):
    class Meta:
        model = Installation
        fields = [
            "organisation",
            "category",
            "product",
            "users",
            "user_groups",
            "lifecycle",
            "functional_fit",
            "technical_fit",
            "time_override",
            "time_override_reason",
            "notes",
        ]
        widgets = {
            "time_override_reason": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        collaboration = self.access.collaboration
        instance = self.instance if self.instance.pk else None
        self.fields["organisation"] = UuidChoiceField(
            member_queryset(self.access, editable_only=True),
            label=_("organisasjon"),
            initial=instance.organisation.uuid if instance else None,
        )
        self.fields["category"] = UuidChoiceField(
            SystemCategory.objects.filter(collaboration=collaboration).select_related("service_area"),
            label=_("kategori"),
            initial=instance.category.uuid if instance else None,
        )
        self.fields["product"] = UuidChoiceField(
            Product.objects.filter(collaboration=collaboration),
            label=_("system"),
            initial=instance.product.uuid if instance else None,
        )
        fit_choices = [("", "–"), (1, _("1 – dårlig")), (2, _("2 – svak")), (3, _("3 – god")), (4, _("4 – svært god"))]
        for name in ("functional_fit", "technical_fit"):
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label,
                choices=fit_choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
        # Integrations are between one organisation's own installations; the choice is
        # offered once the installation exists (a national landscape has 20 000 of them).
        partners = (
            Installation.objects.filter(collaboration=collaboration, organisation=instance.organisation)
            .exclude(pk=instance.pk)
            .select_related("product", "category")
            if instance
            else Installation.objects.none()
        )
        self.fields["integrations"] = UuidMultipleChoiceField(
            partners,
            label=_("integrasjoner"),
            required=False,
            help_text=_("Organisasjonens andre installasjoner som denne utveksler data med.")
            if instance
            else _("Integrasjoner kan velges når installasjonen er lagret."),
            initial=[i.uuid for i in instance.integrations.all()] if instance else None,
        )
        self.fields["time_override"].help_text = _(
            "La stå tom for å bruke regelen. Overstyring krever begrunnelse."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("time_override") and not (data.get("time_override_reason") or "").strip():
            self.add_error("time_override_reason", _("Begrunn hvorfor TIME-klassen overstyres."))
        return data

    def _post_clean(self) -> None:
        # Uniqueness and the override constraint are checked by the service and the form's
        # clean(); skip the model's full validation here to avoid duplicate messages.
        pass


class ContractForm(CollaborationModelForm):
    yearly_value = AmountField(label=_("årlig verdi (kr)"), required=False, min_value=0, max_digits=14, decimal_places=2)
    total_estimated_value = AmountField(
        label=_("estimert totalverdi (kr)"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    start_date = DateField(label=_("startdato"), required=False)
    end_date = DateField(label=_("sluttdato"), required=False)

    class Meta:
        model = Contract
        fields = [
            "number",
            "title",
            "vendor",
            "start_date",
            "end_date",
            "extension_options",
            "extension_option_months",
            "notice_period_months",
            "yearly_value",
            "total_estimated_value",
            "procedure",
            "is_framework_agreement",
            "document_url",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        collaboration = self.access.collaboration
        instance = self.instance if self.instance.pk else None
        self.fields["vendor"] = UuidChoiceField(
            Vendor.objects.filter(collaboration=collaboration),
            label=_("leverandør"),
            initial=instance.vendor.uuid if instance else None,
        )
        self.fields["organisations"] = UuidMultipleChoiceField(
            member_queryset(self.access, editable_only=True),
            label=_("avtaleparter"),
            initial=[o.uuid for o in instance.organisations.all()] if instance else None,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
        )
        self.fields["products"] = UuidMultipleChoiceField(
            Product.objects.filter(collaboration=collaboration),
            label=_("systemer"),
            required=False,
            initial=[p.uuid for p in instance.products.all()] if instance else None,
        )
        self.order_fields(["number", "title", "vendor", "organisations", "products"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Sluttdatoen kan ikke være før startdatoen."))
        if bool(data.get("extension_options")) != bool(data.get("extension_option_months")):
            self.add_error("extension_option_months", _("Oppgi både antall opsjoner og måneder per opsjon."))
        return data

    def _post_clean(self) -> None:
        pass


class IctCostForm(CollaborationModelForm):
    amount = AmountField(
        label=_("beløp (kr)"),
        max_digits=16,
        decimal_places=2,
        help_text=_("Inntekter skrives som positivt beløp; de trekkes fra."),
    )

    class Meta:
        model = IctCost
        fields = ["organisation", "year", "kind", "category", "amount", "exposed_to_competition", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance if self.instance.pk else None
        self.fields["organisation"] = UuidChoiceField(
            member_queryset(self.access, editable_only=True),
            label=_("organisasjon"),
            initial=instance.organisation.uuid if instance else None,
        )
        if instance and instance.category == IctCost.Category.INCOME:
            self.initial["amount"] = -instance.amount

    def clean_amount(self) -> Any:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("Beløpet kan ikke være negativt. Bruk kostnadsarten «Inntekter»."))
        return amount

    def _post_clean(self) -> None:
        pass


class TargetChoiceForm(forms.Form):
    category = forms.ModelChoiceField(queryset=SystemCategory.objects.none(), to_field_name="uuid", label=_("Kategori"))
    product = forms.ModelChoiceField(queryset=Product.objects.none(), to_field_name="uuid", label=_("Målsystem"))
    decided_by = forms.CharField(label=_("Besluttet av"), max_length=200, help_text=_("For eksempel programstyret."))
    decided_on = DateField(label=_("Besluttet dato"))
    rationale = forms.CharField(label=_("Begrunnelse"), widget=forms.Textarea(attrs={"rows": 3}))
    migration_deadline = DateField(label=_("Frist for overgang"), required=False)

    def __init__(self, *args: Any, access: CollaborationAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = SystemCategory.objects.filter(collaboration=access.collaboration)  # type: ignore[attr-defined]
        self.fields["product"].queryset = Product.objects.filter(collaboration=access.collaboration)  # type: ignore[attr-defined]


class MatrixFilterForm(forms.Form):
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.none(),
        to_field_name="uuid",
        required=False,
        label=_("Tjenesteområde"),
        empty_label=_("Alle"),
    )
    time_class = forms.ChoiceField(
        choices=[("", _("Alle"))] + list(TimeClass.choices), required=False, label=_("TIME")
    )

    def __init__(self, *args: Any, access: CollaborationAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = ServiceArea.objects.filter(collaboration=access.collaboration)  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Fil (XLSX eller CSV)"))
    dry_run = forms.BooleanField(label=_("Bare kontroller – ikke lagre"), required=False, initial=True)


__all__ = [
    "CategoryForm",
    "ContractForm",
    "DateInput",
    "IctCostForm",
    "ImportForm",
    "InstallationForm",
    "MatrixFilterForm",
    "ProductForm",
    "ServiceAreaForm",
    "TargetChoiceForm",
    "VendorForm",
]
