"""Template filters for Norwegian numbers and amounts, and small helpers."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()

NBSP = "\xa0"
MINUS = "\u2212"


def _to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value: Any, decimals: int = 0, language: str | None = None) -> str:
    """``1234567.891`` → ``1 234 567,89`` in Norwegian, ``1,234,567.89`` in English."""
    number = _to_decimal(value)
    if number is None:
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = MINUS if number < 0 else ""
    integer, _, fraction = f"{abs(number):f}".partition(".")
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    english = (language or get_language() or "nb").startswith("en")
    thousands, decimal_mark = (",", ".") if english else (NBSP, ",")
    text = thousands.join(groups)
    if decimals > 0:
        text += decimal_mark + fraction
    return sign + text


@register.filter
def number(value: Any, decimals: int = 0) -> str:
    return format_number(value, int(decimals))


@register.filter
def nok(value: Any, decimals: int = 0) -> str:
    """An amount in kroner: ``1 234 567 kr``."""
    text = format_number(value, int(decimals))
    return f"{text}{NBSP}kr" if text else ""


@register.filter
def percent(value: Any, decimals: int = 1) -> str:
    """A fraction as percent: ``0.662`` → ``66,2 %``."""
    number_value = _to_decimal(value)
    if number_value is None:
        return ""
    return f"{format_number(number_value * 100, int(decimals))}{NBSP}%"


@register.filter
def nodate(value: datetime.date | None) -> str:
    """A date as ``31.12.2026`` (or ``2026-12-31`` in English); empty for none."""
    if not value:
        return ""
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@register.filter
def ds_widget(bound_field: Any) -> str:
    """Render a form widget with Designsystemet's class and the ARIA links to help and errors."""
    attrs: dict[str, str] = {"class": "ds-input"}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}-help")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(bound_field: Any) -> bool:
    return getattr(bound_field.field.widget, "input_type", "") == "checkbox"


@register.filter
def is_multi_checkbox(bound_field: Any) -> bool:
    return bound_field.field.widget.__class__.__name__ == "CheckboxSelectMultiple"


@register.filter
def thousands(value: Any, decimals: int = 0) -> str:
    """Kroner shown in thousands (``i 1000 kr``): ``38039000`` → ``38 039``."""
    number_value = _to_decimal(value)
    if number_value is None:
        return ""
    return format_number(number_value / 1000, int(decimals))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def matrix_cells(row: Any, detail_url_template: str, empty_label: str = "–") -> str:
    """The cells of one landscape-matrix row, built in Python: a matrix page can hold
    thousands of cells, too many for a template loop within the page's time budget."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    from samla.landscape.models import TimeClass

    time_labels = {value: f'<span class="samla-muted"> ({escape(str(label))})</span>' for value, label in TimeClass.choices}
    names: dict[int, str] = {}
    prefix, _, suffix = detail_url_template.partition("00000000-0000-0000-0000-000000000000")
    empty = f'<td><span class="samla-muted">{escape(empty_label)}</span></td>'
    parts = []
    for cell in row.cells:
        if not cell:
            parts.append(empty)
            continue
        links = []
        for item in cell:
            product = item.product
            name = names.get(product.pk)
            if name is None:
                name = names[product.pk] = escape(product.name)
            links.append(
                f'<a class="samla-chip samla-product-{item.colour}" href="{prefix}{item.uuid}{suffix}">'
                f"{name}{time_labels.get(item.time_class, '')}</a>"
            )
        parts.append("<td>" + "".join(links) + "</td>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    """The current address with ``side`` (page) replaced, keeping filters."""
    request = context["request"]
    query = request.GET.copy()
    query["side"] = number
    query.pop("format", None)
    return "?" + query.urlencode()
