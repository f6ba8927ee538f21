"""Form fields that accept what Norwegian users type."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class AmountField(forms.DecimalField):
    """A decimal that accepts ``1 234 567,89``, ``1234567.89`` and ``1 234 567``."""

    default_error_messages = {"invalid": _("Skriv et tall, for eksempel 1 234 567,89.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).strip().replace("\xa0", "").replace(" ", "").replace("\u2212", "-")
        if (get_language() or "nb").startswith("en"):
            text = text.replace(",", "")  # English: 1,234,567.89
        elif "," in text:
            text = text.replace(".", "").replace(",", ".")  # Norwegian: 1.234.567,89
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class DateField(forms.DateField):
    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d.%m.%Y"])
        super().__init__(**kwargs)


class FastSelect(forms.Select):
    """A flat select whose options are joined in Python.

    Django renders every option through a template; for a filter listing hundreds of
    projects or organisations that costs more than the rest of the page. Same markup, no
    option groups."""

    def render(  # type: ignore[override]
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        from django.forms.utils import flatatt
        from django.utils.html import format_html, format_html_join
        from django.utils.safestring import mark_safe

        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        values = value if isinstance(value, list | tuple) else [value]
        selected = {str(v) for v in values if v is not None}
        options = format_html_join(
            "",
            "<option value=\"{}\"{}>{}</option>",
            (
                (
                    "" if option is None else option,
                    mark_safe(" selected") if str("" if option is None else option) in selected else "",
                    label,
                )
                for option, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)
