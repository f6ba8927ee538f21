from __future__ import annotations

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

NBSP = "\xa0"


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_norwegian_numbers_amounts_and_dates() -> None:
    with translation.override("nb"):
        assert render("{{ v|number:2 }}", v=Decimal("1234567.891")) == f"1{NBSP}234{NBSP}567,89"
        assert render("{{ v|nok }}", v=38039000) == f"38{NBSP}039{NBSP}000{NBSP}kr"
        assert render("{{ v|percent }}", v=Decimal("0.662")) == f"66,2{NBSP}%"
        assert render("{{ v|nodate }}", v=datetime.date(2026, 12, 31)) == "31.12.2026"
        assert render("{{ v|number }}", v=-1500) == f"\u22121{NBSP}500"


def test_english_numbers_and_dates() -> None:
    with translation.override("en"):
        assert render("{{ v|number:2 }}", v=Decimal("1234567.891")) == "1,234,567.89"
        assert render("{{ v|nodate }}", v=datetime.date(2026, 12, 31)) == "2026-12-31"


def test_empty_values_render_empty() -> None:
    assert render("{{ v|number }}", v=None) == ""
    assert render("{{ v|nok }}", v="") == ""


def test_amount_field_reads_what_users_type() -> None:
    from samla.core.forms import AmountField

    field = AmountField()
    with translation.override("nb"):
        assert field.clean("1 234 567,89") == Decimal("1234567.89")
        assert field.clean("1234567.89") == Decimal("1234567.89")
        assert field.clean("1.234.567,89") == Decimal("1234567.89")
        assert field.clean("\u22125,5") == Decimal("-5.5")
    with translation.override("en"):
        assert field.clean("1,234,567.89") == Decimal("1234567.89")
    import pytest
    from django.core.exceptions import ValidationError

    for bad in ["mye", "1,2,3,4x", "NaN", "Infinity"]:
        with pytest.raises(ValidationError):
            field.clean(bad)
