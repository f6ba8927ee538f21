"""Forms for the business-case pages. They validate what the user typed; services write and
check the rest (a frozen version, an invalid case document)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from samla.cases.models import CaseVersion, Line
from samla.core.dates import today
from samla.core.forms import AmountField
from samla.core.templatetags.samla import format_number
from samla.landscape.models import SystemCategory
from samla.organisations.access import CollaborationAccess
from samla.organisations.models import CostSharingKey

MAX_UPLOAD_BYTES = 1024 * 1024  # 1 MB


def norwegian(value: Decimal | None, decimals: int = 2) -> str:
    """A stored number as the user would type it: ``1 234 567,5``."""
    if value is None:
        return ""
    text = format_number(value, decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


class CaseForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200)
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ModelChoiceField(
        queryset=SystemCategory.objects.none(),
        to_field_name="uuid",
        label=_("Systemkategori"),
        required=False,
        empty_label=_("Ingen"),
        help_text=_("Hva saken begrunner, for eksempel en felles løsning for én kategori."),
    )

    def __init__(self, *args: Any, access: CollaborationAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = SystemCategory.objects.filter(  # type: ignore[attr-defined]
            collaboration=access.collaboration
        ).select_related("service_area")


class CaseCreateForm(CaseForm):
    base_year = forms.IntegerField(
        label=_("Basisår"),
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
        help_text=_("Det første året i analysen; det diskonteres ikke."),
    )
    years = forms.IntegerField(
        label=_("Analyseperiode (år, basisåret medregnet)"),
        initial=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["base_year"].initial = today().year


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (YAML eller JSON)"),
        help_text=_("Formatet er beskrevet i docs/business-case-format.md. Høyst 1 MB."),
    )
    name = forms.CharField(
        label=_("Navn i Samla"),
        max_length=200,
        required=False,
        help_text=_("Tom: navnet i filen."),
    )

    def clean_file(self) -> tuple[str, str]:
        """The file's text and its syntax (``yaml`` or ``json``)."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Filen er større enn 1 MB."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("Filen må være tekst i UTF-8.")) from error
        name = (upload.name or "").lower()
        if name.endswith(".json"):
            return text, "json"
        if name.endswith((".yaml", ".yml")):
            return text, "yaml"
        raise forms.ValidationError(_("Velg en fil som slutter på .yaml, .yml eller .json."))


class VersionForm(forms.Form):
    note = forms.CharField(label=_("Merknad"), max_length=300, required=False)
    base_year = forms.IntegerField(
        label=_("Basisår"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    years = forms.IntegerField(
        label=_("Analyseperiode (år, basisåret medregnet)"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    discount_rate = AmountField(
        label=_("Kalkulasjonsrente (reell, prosent)"),
        min_value=Decimal(-50),
        max_value=Decimal(100),
        help_text=_("For eksempel 4 eller 3,5. DFØ anbefaler 4 % reell rente."),
    )
    hourly_rate = AmountField(
        label=_("Timepris (kr)"), min_value=Decimal(0), max_digits=10, decimal_places=2
    )
    tax_financing = forms.BooleanField(
        label=_("Ta med skattefinansieringskostnad"),
        required=False,
        help_text=_("20 % av netto virkning på offentlige budsjetter (DFØ)."),
    )
    optimism_bias = forms.ChoiceField(
        label=_("Påslag for optimismebias"),
        choices=CaseVersion.OptimismBias.choices,
        required=False,
    )
    split_key = forms.ModelChoiceField(
        queryset=CostSharingKey.objects.none(),
        to_field_name="uuid",
        label=_("Fordelingsnøkkel"),
        required=False,
        empty_label=_("Etter innbyggertall"),
        help_text=_("Hvordan kostnader og gevinster fordeles mellom medlemmene."),
    )
    monte_carlo_iterations = forms.IntegerField(
        label=_("Monte Carlo-trekk"),
        validators=[MinValueValidator(100), MaxValueValidator(1_000_000)],
        help_text=_("100 til 1 000 000. Store simuleringer kjøres i bakgrunnen."),
    )
    monte_carlo_seed = forms.IntegerField(
        label=_("Startverdi for tilfeldige tall"),
        min_value=0,
        max_value=2_147_483_647,
        help_text=_("Samme startverdi gir samme resultat hver gang."),
    )

    def __init__(
        self, *args: Any, access: CollaborationAccess, version: CaseVersion, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "note": version.note,
                "base_year": version.base_year,
                "years": version.years,
                "discount_rate": norwegian(version.discount_rate * 100, 4),
                "hourly_rate": norwegian(version.hourly_rate),
                "tax_financing": version.tax_financing,
                "optimism_bias": version.optimism_bias,
                "split_key": version.split_key.uuid if version.split_key else None,
                "monte_carlo_iterations": version.monte_carlo_iterations,
                "monte_carlo_seed": version.monte_carlo_seed,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["split_key"].queryset = CostSharingKey.objects.filter(  # type: ignore[attr-defined]
            collaboration=access.collaboration
        )

    def clean_discount_rate(self) -> Decimal:
        percent: Decimal = self.cleaned_data["discount_rate"]
        rate = percent / 100
        if rate != rate.quantize(Decimal("0.0001")):
            raise forms.ValidationError(
                _("Oppgi renten med høyst to desimaler, for eksempel 3,25.")
            )
        return rate


class AlternativeForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=120)
    description = forms.CharField(
        label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_zero = forms.BooleanField(
        label=_("Nullalternativet"),
        required=False,
        help_text=_("Det alternativet de andre sammenlignes med. Én per versjon."),
    )


AMOUNT_HELP = {
    "amount": _("Fast beløp, mest sannsynlig (trekant, PERT) eller forventning (normal)."),
    "low": _("Trekant, PERT og uniform."),
    "high": _("Trekant, PERT og uniform."),
    "spread": _("Bare normalfordeling."),
}


class LineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Line.Kind.choices)
    name = forms.CharField(label=_("Navn"), max_length=200)
    description = forms.CharField(label=_("Beskrivelse"), max_length=500, required=False)
    distribution = forms.ChoiceField(
        label=_("Usikkerhet"),
        choices=Line.Distribution.choices,
        help_text=_("Velg hvordan beløpet er usikkert; fyll ut feltene under som gjelder."),
    )
    amount = AmountField(
        label=_("Beløp"),
        required=False,
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
        help_text=AMOUNT_HELP["amount"],
    )
    low = AmountField(
        label=_("Lavt"),
        required=False,
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
        help_text=AMOUNT_HELP["low"],
    )
    high = AmountField(
        label=_("Høyt"),
        required=False,
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
        help_text=AMOUNT_HELP["high"],
    )
    spread = AmountField(
        label=_("Standardavvik"),
        required=False,
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
        help_text=AMOUNT_HELP["spread"],
    )
    first_year = forms.IntegerField(label=_("Fra år"))
    last_year = forms.IntegerField(label=_("Til år"))
    split_key = forms.ModelChoiceField(
        queryset=CostSharingKey.objects.none(),
        to_field_name="uuid",
        label=_("Egen fordelingsnøkkel"),
        required=False,
        empty_label=_("Versjonens nøkkel"),
    )
    affects_budget = forms.TypedChoiceField(
        label=_("Påvirker budsjett"),
        choices=[("", _("Som typen tilsier")), ("true", _("Ja")), ("false", _("Nei"))],
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
        help_text=_(
            "Som typen tilsier: investeringer, drift og gevinster påvirker budsjett; spart tid og restverdi ikke."
        ),
    )

    def __init__(
        self,
        *args: Any,
        access: CollaborationAccess,
        version: CaseVersion,
        line: Line | None = None,
        **kwargs: Any,
    ) -> None:
        if line is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": line.kind,
                    "name": line.name,
                    "description": line.description,
                    "distribution": line.distribution,
                    "amount": norwegian(line.amount),
                    "low": norwegian(line.low),
                    "high": norwegian(line.high),
                    "spread": norwegian(line.spread),
                    "first_year": line.first_year,
                    "last_year": line.last_year,
                    "split_key": line.split_key.uuid if line.split_key else None,
                    "affects_budget": ""
                    if line.affects_budget is None
                    else str(line.affects_budget).lower(),
                },
            )
        else:
            kwargs.setdefault(
                "initial",
                {
                    "distribution": Line.Distribution.POINT,
                    "first_year": version.base_year,
                    "last_year": version.last_year,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["split_key"].queryset = CostSharingKey.objects.filter(  # type: ignore[attr-defined]
            collaboration=access.collaboration
        )
        period = _("Analyseperioden er %(first)s–%(last)s.") % {
            "first": version.base_year,
            "last": version.last_year,
        }
        self.fields["first_year"].help_text = period
        self.fields["last_year"].help_text = period

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_year"), data.get("last_year")
        if first is not None and last is not None and last < first:
            self.add_error("last_year", _("Til år kan ikke være før fra år."))
        return data


SCORE_CHOICES = [
    (4, _("+4 – svært stor positiv virkning")),
    (3, "+3"),
    (2, "+2"),
    (1, "+1"),
    (0, _("0 – ingen virkning")),
    (-1, "−1"),
    (-2, "−2"),
    (-3, "−3"),
    (-4, _("−4 – svært stor negativ virkning")),
]


class EffectForm(forms.Form):
    name = forms.CharField(
        label=_("Virkning"),
        max_length=200,
        help_text=_("Bruk samme navn i alle alternativene, så havner de på samme rad."),
    )
    score = forms.TypedChoiceField(
        label=_("Vurdering"), choices=[("", "–"), *SCORE_CHOICES], coerce=int, empty_value=None
    )
    reason = forms.CharField(label=_("Begrunnelse"), widget=forms.Textarea(attrs={"rows": 3}))


class AssumptionForm(forms.Form):
    text = forms.CharField(label=_("Forutsetning"), widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(label=_("Kilde"), max_length=300, required=False)


class FreezeForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (value, label)
            for value, label in CaseVersion.Stage.choices
            if value != CaseVersion.Stage.DRAFT
        ],
        initial=CaseVersion.Stage.APPROVED,
    )


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(
        queryset=CaseVersion.objects.none(), to_field_name="uuid", label=_("Versjon A")
    )
    b = forms.ModelChoiceField(
        queryset=CaseVersion.objects.none(), to_field_name="uuid", label=_("Versjon B")
    )

    def __init__(self, *args: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            field = self.fields[name]
            field.queryset = versions  # type: ignore[attr-defined]
            field.label_from_instance = lambda v: f"v{v.number} – {v.get_stage_display()}"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("a") is not None and data.get("a") == data.get("b"):
            self.add_error("b", _("Velg to forskjellige versjoner."))
        return data
