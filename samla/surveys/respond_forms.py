"""The respondent's form, built from the questionnaire. It validates; ``services.response_submit``
writes.

Each question is a field named ``q-<question uuid>``. A posted field that looks like a question
but is not one of this questionnaire's (a tampered or outdated form) is refused as a whole, as
is a form whose signed submission key is missing or forged: the key is what makes a second
submit of the same form count once, so it must be one the server handed out for this link.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samla.core.templatetags.samla import format_number
from samla.surveys.models import LIKERT_MAX, LIKERT_MIN, Question
from samla.surveys.services import DONT_KNOW, AnswerValue

FIELD_PREFIX = "q-"
KEY_FIELD = "submission_key"
TEXT_MAX_LENGTH = 5_000
# Answer.number holds 16 digits with 4 decimals: anything this large is not an answer.
NUMBER_LIMIT = Decimal("1e12")
NUMBER_QUANTUM = Decimal("0.0001")

REQUIRED_MESSAGE = _("Svar på dette spørsmålet.")
TAMPERED_MESSAGE = _(
    "Skjemaet inneholder svar på spørsmål som ikke finnes i denne undersøkelsen. "
    "Last inn siden på nytt og svar igjen."
)
KEY_MESSAGE = _("Skjemaet er endret eller ufullstendig. Last inn siden på nytt og svar igjen.")


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.uuid}"


def new_submission_key(salt: str) -> str:
    """A random key, signed for one link so it can be neither forged nor borrowed."""
    return signing.dumps(secrets.token_urlsafe(24), salt=salt)


def parse_number(text: str) -> Decimal:
    """``2,5``, ``2.5``, ``1 234,5`` and ``1.234,5`` all read as you would expect in Norway.

    One comma or one point is the decimal mark in either language (answers here are small
    counts, so ``1,5`` means one and a half); repeated marks or spaces group thousands.
    """
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).replace("\u2212", "-")
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(grouping, "").replace(decimal_mark, ".")
    else:
        for mark in (",", "."):
            if cleaned.count(mark) > 1:
                cleaned = cleaned.replace(mark, "")
            else:
                cleaned = cleaned.replace(mark, ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", cleaned):
        raise InvalidOperation(text)
    return Decimal(cleaned)


class NumberAnswerField(forms.Field):
    """A finite number within the question's bounds, typed with a comma or a point."""

    default_error_messages = {
        "required": REQUIRED_MESSAGE,
        "invalid": _("Skriv et tall, for eksempel 2,5."),
        "too_large": _("Tallet er for stort."),
        "below": _("Tallet kan ikke være mindre enn %(limit)s."),
        "above": _("Tallet kan ikke være større enn %(limit)s."),
    }

    def __init__(self, *, minimum: Decimal | None, maximum: Decimal | None, **kwargs: Any) -> None:
        self.minimum = minimum
        self.maximum = maximum
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        try:
            number = parse_number(str(value))
        except InvalidOperation as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not number.is_finite():  # NaN, Infinity (and what overflowed to it)
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number

    def validate(self, value: Decimal | None) -> None:
        super().validate(value)
        if value is None:
            return
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(
                self.error_messages["below"],
                code="below",
                params={"limit": format_number(self.minimum, _decimals(self.minimum))},
            )
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(
                self.error_messages["above"],
                code="above",
                params={"limit": format_number(self.maximum, _decimals(self.maximum))},
            )
        if abs(value) >= NUMBER_LIMIT:
            raise ValidationError(self.error_messages["too_large"], code="too_large")

    def clean(self, value: Any) -> Decimal | None:
        number = super().clean(value)
        return None if number is None else number.quantize(NUMBER_QUANTUM, ROUND_HALF_UP)


def _decimals(value: Decimal) -> int:
    return 0 if value == value.to_integral_value() else 2


class UniqueMultipleChoiceField(forms.TypedMultipleChoiceField):
    default_error_messages = {
        "duplicate": _("Hvert svaralternativ kan bare velges én gang."),
    }

    def validate(self, value: Any) -> None:
        super().validate(value)
        if len(set(value)) != len(value):
            raise ValidationError(self.error_messages["duplicate"], code="duplicate")


def likert_choices() -> list[tuple[str, Any]]:
    labels = {LIKERT_MIN: _("Helt uenig"), LIKERT_MAX: _("Helt enig")}
    choices: list[tuple[str, Any]] = []
    for value in range(LIKERT_MIN, LIKERT_MAX + 1):
        label = labels.get(value)
        choices.append((str(value), f"{value} – {label}" if label else str(value)))
    choices.append((DONT_KNOW, _("Vet ikke")))
    return choices


def _likert_value(value: str) -> int | str:
    return DONT_KNOW if value == DONT_KNOW else int(value)


def question_field(question: Question) -> forms.Field:
    """The form field for one question, labelled and explained in the active language."""
    common: dict[str, Any] = {
        "label": question.display_text,
        "help_text": question.display_help_text,
        "required": question.required,
    }
    kind = question.kind
    if kind == Question.Kind.LIKERT:
        return forms.TypedChoiceField(
            choices=likert_choices(),
            coerce=_likert_value,
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages={
                "required": REQUIRED_MESSAGE,
                "invalid_choice": _("Velg et tall fra 1 til 5 eller «vet ikke»."),
            },
            **common,
        )
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        choices = [(str(i), label) for i, label in enumerate(question.option_labels, start=1)]
        messages = {
            "required": REQUIRED_MESSAGE,
            "invalid_choice": _("Velg blant svaralternativene."),
            "invalid_list": _("Velg blant svaralternativene."),
        }
        if kind == Question.Kind.MULTIPLE:
            return UniqueMultipleChoiceField(
                choices=choices,
                coerce=int,
                empty_value=[],
                widget=forms.CheckboxSelectMultiple,
                error_messages=messages,
                **common,
            )
        return forms.TypedChoiceField(
            choices=choices,
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages=messages,
            **common,
        )
    if kind == Question.Kind.NUMBER:
        field = NumberAnswerField(minimum=question.minimum, maximum=question.maximum, **common)
        field.help_text = " ".join(
            t for t in (str(common["help_text"]), _range_text(question)) if t
        )
        return field
    return forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": REQUIRED_MESSAGE,
            "max_length": _("Svaret kan ha høyst %(limit_value)d tegn (det har %(show_value)d)."),
        },
        **common,
    )


def _range_text(question: Question) -> str:
    low, high = question.minimum, question.maximum
    if low is not None and high is not None:
        return str(_("Skriv et tall fra %(low)s til %(high)s.")) % {
            "low": format_number(low, _decimals(low)),
            "high": format_number(high, _decimals(high)),
        }
    if low is not None:
        return str(_("Skriv et tall fra %(low)s og oppover.")) % {
            "low": format_number(low, _decimals(low))
        }
    if high is not None:
        return str(_("Skriv et tall opp til %(high)s.")) % {
            "high": format_number(high, _decimals(high))
        }
    return ""


def _values(data: Any, name: str) -> list[Any]:
    """Every value posted under one name (a QueryDict keeps them all)."""
    if hasattr(data, "getlist"):
        return list(data.getlist(name))
    value = data.get(name)
    return value if isinstance(value, list) else [] if value is None else [value]


class ResponseForm(forms.Form):
    """All questions of one questionnaire, with the signed submission key."""

    def __init__(self, data: Any = None, *, questions: Sequence[Question], key_salt: str) -> None:
        super().__init__(data)
        self.questions = list(questions)
        self.key_salt = key_salt
        for question in self.questions:
            self.fields[field_name(question)] = question_field(question)
        self.submission_key = self._posted_key() or new_submission_key(key_salt)

    def _posted_key(self) -> str | None:
        """The posted key if it is one the server signed for this link, else None."""
        if not self.is_bound:
            return None
        signed = self.data.get(KEY_FIELD, "")
        try:
            signing.loads(signed, salt=self.key_salt)
        except signing.BadSignature:
            return None
        return str(signed)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unknown = [
            name for name in self.data if name.startswith(FIELD_PREFIX) and name not in self.fields
        ]
        if unknown:
            raise ValidationError(TAMPERED_MESSAGE, code="unknown_question")
        for name, field in self.fields.items():
            if (
                not isinstance(field, forms.MultipleChoiceField)
                and len(_values(self.data, name)) > 1
            ):
                self.add_error(name, _("Spørsmålet har fått flere svar. Gi bare ett."))
        if self._posted_key() is None:
            raise ValidationError(KEY_MESSAGE, code="submission_key")
        return cleaned

    @property
    def raw_submission_key(self) -> str:
        """The random part of a valid posted key: what the service stores (hashed)."""
        return str(signing.loads(self.data[KEY_FIELD], salt=self.key_salt))

    def answers(self) -> dict[Question, AnswerValue]:
        return {q: self.cleaned_data.get(field_name(q)) for q in self.questions}
