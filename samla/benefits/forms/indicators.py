"""Forms for indicators, their intermediate targets, measurements and the measurement import.

Numbers accept what Norwegians type (``1 234,5``); dates ``2026-03-01`` and ``01.03.2026``.
A measurement's organisation is limited to the organisations the benefit accrues to, and an
editor who measures for their own organisation gets only that one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.benefits.models import Indicator, Measurement, Unit
from samla.core.forms import AmountField, DateField
from samla.governance.forms.projects import _date_field
from samla.organisations.models import Organisation


def _amount(label: Any, *, required: bool = True, help_text: Any = "") -> AmountField:
    return AmountField(
        label=label,
        required=required,
        max_digits=18,
        decimal_places=4,
        help_text=help_text,
        error_messages={"required": _("Skriv et tall.")},
    )


class IndicatorForm(forms.ModelForm):  # type: ignore[type-arg]
    baseline_value = _amount(_("Nullpunkt (verdi)"), help_text=_("Verdien før gevinsten tas ut."))
    target_value = _amount(_("Mål (verdi)"))
    kroner_per_unit = AmountField(
        label=_("Kroner per enhet"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=Indicator._meta.get_field("kroner_per_unit").help_text,
    )

    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "custom_unit",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "frequency",
            "method",
            "data_source",
            "kroner_per_unit",
        ]
        formfield_callback = _date_field
        widgets = {"method": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "custom_unit": _("Bare når enheten er «annen enhet», for eksempel «saker»."),
            "frequency": _("Gevinsteieren får en påminnelse når en måling er forfalt."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        baseline, target = data.get("baseline_value"), data.get("target_value")
        if baseline is not None and target is not None and baseline == target:
            self.add_error("target_value", _("Målet kan ikke være lik nullpunktet."))
        start, end = data.get("baseline_date"), data.get("target_date")
        if start and end and end <= start:
            self.add_error("target_date", _("Måldatoen må være etter nullpunktets dato."))
        if data.get("unit") == Unit.CUSTOM and not (data.get("custom_unit") or "").strip():
            self.add_error("custom_unit", _("Skriv navnet på enheten."))
        return data

    def _post_clean(self) -> None:
        # The service validates the model (with messages on the right fields); the form's
        # own model validation would repeat the constraint messages without a field.
        pass


class IndicatorTargetForm(forms.Form):
    date = DateField(label=_("Dato"))
    value = _amount(_("Delmål (verdi)"))


class MeasurementForm(forms.Form):
    measured_on = DateField(label=_("Målt dato"), error_messages={"required": _("Skriv datoen.")})
    value = _amount(_("Verdi"))
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        label=_("Organisasjon"),
        required=False,
        empty_label=_("Hele gevinsten"),
        error_messages={
            "invalid_choice": _("Velg en organisasjon gevinsten tilfaller."),
            "required": _("Velg organisasjonen du måler for."),
        },
    )
    comment = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    FIELDS = ("measured_on", "value", "organisation", "comment")

    def __init__(
        self,
        *args: Any,
        indicator: Indicator,
        organisations: Any,
        own_organisation_only: bool,
        instance: Measurement | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {name: getattr(instance, name) for name in self.FIELDS})
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        if own_organisation_only:
            field.required = True
            field.empty_label = None  # type: ignore[attr-defined]
            field.help_text = _("Som redaktør registrerer du målinger for egen organisasjon.")
        else:
            field.help_text = _("Tom: målt for hele gevinsten.")
        self.fields["value"].label = _("Verdi (%(unit)s)") % {"unit": indicator.unit_label}
        self.fields["measured_on"].help_text = _("Tidligst nullpunktets dato, %(date)s.") % {
            "date": indicator.baseline_date.strftime("%d.%m.%Y")
        }


class MeasurementImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (XLSX)"),
        help_text=_("Kolonner: Indikator, Dato, Verdi, Enhet, Organisasjon (valgfri), Kommentar."),
        error_messages={"required": _("Velg en fil.")},
    )
