"""Forms for criteria and their weights: entered directly (one number per criterion), or by
AHP (one pairwise judgement per pair on Saaty's 1–9 scale, or a whole matrix pasted from a
spreadsheet). The forms read what was typed; the services check that weights sum to 1 and
that a matrix is reciprocal, and write."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.core.forms import AmountField
from samla.portfolio.models import Criterion

# Saaty's scale as the select offers it: the first criterion more important (9 … 2), equal
# (1), the second more important (1/2 … 1/9).
INTENSITY = {
    9: _("ekstremt mye viktigere"),
    8: _("svært til ekstremt mye viktigere"),
    7: _("svært mye viktigere"),
    6: _("mye til svært mye viktigere"),
    5: _("mye viktigere"),
    4: _("litt til mye viktigere"),
    3: _("litt viktigere"),
    2: _("like til litt viktigere"),
}


def scale_value(text: str) -> float:
    """``"3"`` → 3.0, ``"1/3"`` → 0.333…, ``"0,5"`` → 0.5; ValueError otherwise."""
    text = text.strip().replace(",", ".")
    if "/" in text:
        numerator, denominator = text.split("/", 1)
        return float(numerator) / float(denominator)
    return float(text)


def scale_label(value: float) -> str:
    """The text of a stored judgement: ``3`` → ``"3"``, ``1/3`` → ``"1/3"``."""
    if value >= 1:
        return f"{value:g}"
    inverse = 1 / value
    if abs(inverse - round(inverse)) < 1e-6:
        return f"1/{round(inverse)}"
    return f"{value:.3g}".replace(".", ",")


def pair_choices(first: Criterion, second: Criterion) -> list[tuple[str, str]]:
    choices = [(str(v), f"«{first.name}» {label} ({v})") for v, label in INTENSITY.items()]
    choices.append(("1", str(_("like viktige (1)"))))
    choices += [
        (f"1/{v}", f"«{second.name}» {label} (1/{v})") for v, label in reversed(INTENSITY.items())
    ]
    return choices


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Kriterium"), max_length=200)
    description = forms.CharField(
        label=_("Hva som gir høy score"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    order = forms.IntegerField(label=_("Rekkefølge"), required=False, min_value=0, max_value=32767)

    def __init__(self, *args: Any, instance: Criterion | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "description": instance.description,
                    "order": instance.order,
                },
            )
        super().__init__(*args, **kwargs)

    def clean_order(self) -> int | None:
        return self.cleaned_data.get("order")


class WeightsForm(forms.Form):
    """One weight (0–1, comma or point) per criterion."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"weight_{criterion.pk}"] = AmountField(
                label=criterion.name,
                max_digits=7,
                decimal_places=6,
                min_value=Decimal(0),
                max_value=Decimal(1),
                initial=str(criterion.weight.normalize()).replace(".", ","),
                error_messages={
                    "min_value": _("Vekten må ligge mellom 0 og 1."),
                    "max_value": _("Vekten må ligge mellom 0 og 1."),
                    "max_decimal_places": _("Bruk høyst seks desimaler."),
                    "max_digits": _("Bruk høyst seks desimaler."),
                },
            )

    def weights(self) -> dict[Criterion, Decimal]:
        return {c: self.cleaned_data[f"weight_{c.pk}"] for c in self.criteria}


MATRIX_HELP = _(
    "Valgfritt: lim inn hele matrisen fra et regneark, én rad per linje i kriterienes "
    "rekkefølge, tall skilt med mellomrom, tabulator eller semikolon (for eksempel 1 3 1/5). "
    "Fylles dette ut, brukes det i stedet for valgene over."
)


class AhpForm(forms.Form):
    """The upper triangle of the pairwise comparison matrix, one select per pair (or a whole
    matrix pasted as text). ``matrix()`` gives the full n×n matrix."""

    def __init__(
        self,
        *args: Any,
        criteria: list[Criterion],
        stored: dict[tuple[int, int], float] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.pair_keys: list[tuple[int, int, str]] = []
        stored = stored or {}
        for i, first in enumerate(criteria):
            for j in range(i + 1, len(criteria)):
                second = criteria[j]
                name = f"pair_{first.pk}_{second.pk}"
                given = stored.get((first.pk, second.pk))
                self.fields[name] = forms.ChoiceField(
                    label=_("«%(a)s» sammenlignet med «%(b)s»")
                    % {"a": first.name, "b": second.name},
                    choices=pair_choices(first, second),
                    initial=scale_label(given) if given is not None else "1",
                    required=False,
                    error_messages={
                        "invalid_choice": _("Velg en verdi på Saatys skala fra 1/9 til 9.")
                    },
                )
                self.pair_keys.append((i, j, name))
        self.fields["matrix"] = forms.CharField(
            label=_("Hel matrise (valgfritt)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=MATRIX_HELP,
        )

    def clean_matrix(self) -> list[list[float]] | None:
        text = self.cleaned_data.get("matrix", "").strip()
        if not text:
            return None
        rows = []
        for line in text.splitlines():
            if not line.strip():
                continue
            cells = [cell for cell in re.split(r"[\s;]+", line.strip()) if cell]
            try:
                rows.append([scale_value(cell) for cell in cells])
            except (ValueError, ZeroDivisionError) as exc:
                raise forms.ValidationError(
                    _("Linjen «%(line)s» inneholder noe som ikke er et tall eller en brøk.")
                    % {"line": line.strip()}
                ) from exc
        return rows

    def matrix(self) -> list[list[float]]:
        pasted = self.cleaned_data.get("matrix")
        if pasted:
            return pasted
        n = len(self.criteria)
        full = [[1.0] * n for _ in range(n)]
        for i, j, name in self.pair_keys:
            value = scale_value(self.cleaned_data.get(name) or "1")
            full[i][j] = value
            full[j][i] = 1 / value
        return full
