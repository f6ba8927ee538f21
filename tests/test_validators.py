from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from samla.core.validators import (
    is_valid_organisation_number,
    organisation_number_check_digit,
    validate_organisation_number,
)


@pytest.mark.parametrize("number", ["974760673", "964338531", "938801363", "971524960"])
def test_real_organisation_numbers_are_valid(number: str) -> None:
    assert is_valid_organisation_number(number)


@pytest.mark.parametrize("number", ["974760674", "123456789", "12345678", "1234567890", "abcdefghi", ""])
def test_wrong_numbers_are_invalid(number: str) -> None:
    assert not is_valid_organisation_number(number)


def test_validator_messages_are_clear() -> None:
    with pytest.raises(ValidationError, match="kontrollsiffer"):
        validate_organisation_number("123456789")
    with pytest.raises(ValidationError, match="ni siffer"):
        validate_organisation_number("12345")


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_a_computed_check_digit_always_validates(first_eight: str) -> None:
    check = organisation_number_check_digit(first_eight)
    if check is None:
        # Remainder 10: no ninth digit makes this a valid number.
        assert not any(is_valid_organisation_number(first_eight + str(d)) for d in range(10))
    else:
        assert is_valid_organisation_number(first_eight + str(check))
        others = [d for d in range(10) if d != check]
        assert not any(is_valid_organisation_number(first_eight + str(d)) for d in others)
