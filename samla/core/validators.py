"""Validators for Norwegian identifiers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORGANISATION_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def organisation_number_check_digit(first_eight: str) -> int | None:
    """The MOD11 check digit of Enhetsregisteret, or None when no valid digit exists."""
    total = sum(int(d) * w for d, w in zip(first_eight, ORGANISATION_NUMBER_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    if remainder == 11:
        return 0
    if remainder == 10:
        return None
    return remainder


def is_valid_organisation_number(value: str) -> bool:
    if len(value) != 9 or not value.isdigit():
        return False
    return organisation_number_check_digit(value[:8]) == int(value[8])


def validate_organisation_number(value: str) -> None:
    if not value:
        return
    if len(value) != 9 or not value.isdigit():
        raise ValidationError(
            _("Organisasjonsnummeret må bestå av nøyaktig ni siffer."), code="format"
        )
    if not is_valid_organisation_number(value):
        raise ValidationError(
            _("Organisasjonsnummeret %(value)s har feil kontrollsiffer (MOD11)."),
            code="checksum",
            params={"value": value},
        )
