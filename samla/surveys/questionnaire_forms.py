"""Forms for the questionnaire editor. They validate and shape input; services write.

Options of a choice question are typed one per line as ``bokmål | English``; the form turns
them into the stored list ``[{"nb": …, "en": …}, …]`` and back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.core.forms import AmountField
from samla.core.templatetags.samla import format_number
from samla.surveys.models import Question, Questionnaire, Section

OPTION_MAX_LENGTH = 200
OPTIONS_MAX = 30


def options_to_text(options: list[dict[str, str]]) -> str:
    """The stored options as the textarea shows them."""
    lines = []
    for option in options:
        nb, en = option.get("nb", ""), option.get("en", "")
        lines.append(f"{nb} | {en}" if en else nb)
    return "\n".join(lines)


def parse_options(text: str) -> list[dict[str, str]]:
    """``bokmål | English`` per line into the stored list; blank lines are skipped.

    Raises ``forms.ValidationError`` naming the line for an option without bokmål, one with
    more than one ``|``, one that is too long, and for two options with the same text.
    """
    options: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.count("|") > 1:
            errors.append(
                _("Linje %(line)s har mer enn én «|». Skriv «bokmål | English».") % {"line": number}
            )
            continue
        nb, _bar, en = (part.strip() for part in line.partition("|"))
        if not nb:
            errors.append(_("Linje %(line)s mangler tekst på bokmål.") % {"line": number})
            continue
        if len(nb) > OPTION_MAX_LENGTH or len(en) > OPTION_MAX_LENGTH:
            errors.append(
                _("Linje %(line)s er for lang (høyst %(max)s tegn per språk).")
                % {"line": number, "max": OPTION_MAX_LENGTH}
            )
            continue
        key = nb.casefold()
        if key in seen:
            errors.append(
                _("«%(option)s» står både på linje %(first)s og %(line)s.")
                % {"option": nb, "first": seen[key], "line": number}
            )
            continue
        seen[key] = number
        options.append({"nb": nb, "en": en})
    if errors:
        raise forms.ValidationError(errors)
    return options


def name_taken(collaboration: Any, name: str, questionnaire: Questionnaire | None = None) -> bool:
    """Another questionnaire of the collaboration has this name (case aside)."""
    taken = Questionnaire.objects.filter(collaboration=collaboration, name__iexact=name.strip())
    if questionnaire is not None:
        taken = taken.exclude(pk=questionnaire.pk)
    return taken.exists()


def free_questionnaire_name(collaboration: Any, base: str) -> tuple[str, int]:
    """``base``, or ``base (2)``, ``base (3)`` … whichever is free; and its number (1 for base)."""
    base = base[:190]
    taken = {
        name.casefold()
        for name in Questionnaire.objects.filter(
            collaboration=collaboration, name__istartswith=base
        ).values_list("name", flat=True)
    }
    if base.casefold() not in taken:
        return base, 1
    number = 2
    while f"{base} ({number})".casefold() in taken:
        number += 1
    return f"{base} ({number})", number


class QuestionnaireForm(forms.ModelForm):
    """Name and introduction, in bokmål and English."""

    class Meta:
        model = Questionnaire
        fields = ["name", "name_en", "introduction", "introduction_en"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "introduction_en": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"introduction": _("Vises øverst i skjemaet for den som svarer.")}

    def __init__(self, *args: Any, collaboration: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.collaboration = collaboration
        self.instance.collaboration = collaboration

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if name_taken(self.collaboration, name, self.instance if self.instance.pk else None):
            raise forms.ValidationError(_("Et spørreskjema med dette navnet finnes allerede."))
        return name

    def _post_clean(self) -> None:
        # The service validates the model; the name's uniqueness is checked above with a
        # clear message instead of the constraint's.
        pass


class QuestionnaireCopyForm(forms.Form):
    name = forms.CharField(label=_("Navn på kopien"), max_length=200)

    def __init__(self, *args: Any, collaboration: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.collaboration = collaboration

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if Questionnaire.objects.filter(
            collaboration=self.collaboration, name__iexact=name
        ).exists():
            raise forms.ValidationError(_("Et spørreskjema med dette navnet finnes allerede."))
        return name


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "title_en"]

    def _post_clean(self) -> None:
        pass


def _number_text(value: Decimal | None) -> str:
    """A stored limit as a Norwegian user types it: ``200``, ``2,5``."""
    if value is None:
        return ""
    decimals = 0 if value == value.to_integral_value() else 2
    return format_number(value, decimals)


class QuestionForm(forms.Form):
    section = forms.ModelChoiceField(
        queryset=Section.objects.none(),
        to_field_name="uuid",
        label=_("Del"),
        empty_label=None,
    )
    kind = forms.ChoiceField(label=_("Spørsmålstype"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Spørsmål (bokmål)"), max_length=500)
    text_en = forms.CharField(label=_("Spørsmål (engelsk)"), max_length=500, required=False)
    help_text = forms.CharField(
        label=_("Hjelpetekst (bokmål)"),
        max_length=500,
        required=False,
        help_text=_("Vises under spørsmålet, for eksempel et eksempel eller en forklaring."),
    )
    help_text_en = forms.CharField(label=_("Hjelpetekst (engelsk)"), max_length=500, required=False)
    required = forms.BooleanField(label=_("Må besvares"), required=False)
    options = forms.CharField(
        label=_("Svaralternativer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "For «Ett valg» og «Flere valg»: ett alternativ per linje, skrevet «bokmål | English», "
            "for eksempel «Daglig | Daily». Minst to."
        ),
    )
    minimum = AmountField(
        label=_("Minste tall"),
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text=_("For «Tall». La stå tom for ingen grense. Desimalkomma går fint."),
    )
    maximum = AmountField(label=_("Største tall"), required=False, max_digits=14, decimal_places=2)
    measures = forms.ChoiceField(
        label=_("Måler"),
        choices=Question.Measures.choices,
        required=False,
        help_text=_(
            "Bare for «Skala 1–5»: hva et godkjent resultat setter på installasjonen "
            "(og dermed TIME-klassen)."
        ),
    )

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        question: Question | None = None,
        section: Section | None = None,
        **kwargs: Any,
    ) -> None:
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "section": question.section.uuid,
                "kind": question.kind,
                "text": question.text,
                "text_en": question.text_en,
                "help_text": question.help_text,
                "help_text_en": question.help_text_en,
                "required": question.required,
                "options": options_to_text(question.options),
                "minimum": _number_text(question.minimum),
                "maximum": _number_text(question.maximum),
                "measures": question.measures,
            }
        elif section is not None and "initial" not in kwargs:
            kwargs["initial"] = {"section": section.uuid, "kind": Question.Kind.LIKERT}
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = questionnaire.sections.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            try:
                options = parse_options(data.get("options") or "")
            except forms.ValidationError as exc:
                self.add_error("options", exc)
            else:
                if len(options) < 2:
                    self.add_error(
                        "options",
                        _("Et valgspørsmål trenger minst to svaralternativer, ett per linje."),
                    )
                elif len(options) > OPTIONS_MAX:
                    self.add_error(
                        "options", _("Høyst %(max)s svaralternativer.") % {"max": OPTIONS_MAX}
                    )
                data["options"] = options
        else:
            # The other kinds have no options; whatever is left in the box is not kept.
            data["options"] = []
        if kind == Question.Kind.NUMBER:
            low, high = data.get("minimum"), data.get("maximum")
            if low is not None and high is not None and high < low:
                self.add_error("maximum", _("Største tall kan ikke være mindre enn minste tall."))
        else:
            data["minimum"] = data["maximum"] = None
        if data.get("measures") and kind != Question.Kind.LIKERT:
            self.add_error("measures", _("Bare spørsmål med skala 1–5 kan måle egnethet."))
        return data

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as the service's keyword arguments."""
        data = dict(self.cleaned_data)
        data["measures"] = data.get("measures") or ""
        return data
