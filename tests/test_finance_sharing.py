"""The cost-sharing arithmetic: shares add up to the amount to the øre."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samla.finance.sharing import (
    SharingError,
    fixed_plus_population_weights,
    split_amount,
)

amounts = st.decimals(min_value=Decimal("-1e10"), max_value=Decimal("1e10"), places=2)
weights = st.lists(
    st.decimals(min_value=Decimal(0), max_value=Decimal("1e7"), places=4), min_size=1, max_size=40
).filter(lambda ws: sum(ws) > 0)


@given(amount=amounts, ws=weights)
def test_shares_sum_to_the_amount_to_the_ore(amount: Decimal, ws: list[Decimal]) -> None:
    shares = split_amount(amount, dict(enumerate(ws)))
    assert sum(shares.values()) == amount
    assert all(share == share.quantize(Decimal("0.01")) for share in shares.values())


@given(amount=amounts, ws=weights)
def test_each_share_is_within_one_ore_of_the_exact_share(amount: Decimal, ws: list[Decimal]) -> None:
    shares = split_amount(amount, dict(enumerate(ws)))
    total = sum(ws)
    for index, weight in enumerate(ws):
        exact = amount * weight / total
        assert abs(shares[index] - exact) < Decimal("0.01")


def test_population_split_of_seed_003_style_costs() -> None:
    population = {"Lillesand": 10_240, "Birkenes": 5_087, "Iveland": 1_317}
    shares = split_amount(Decimal("100000"), {k: Decimal(v) for k, v in population.items()})
    assert shares == {
        "Lillesand": Decimal("61523.67"),
        "Birkenes": Decimal("30563.57"),
        "Iveland": Decimal("7912.76"),
    }


def test_largest_remainder_gives_the_left_over_ore_to_the_largest_remainders() -> None:
    # 1.00 kr between three equal parties: 0.33 each, one øre left goes to the first.
    assert split_amount(Decimal("1.00"), {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)}) == {
        "a": Decimal("0.34"),
        "b": Decimal("0.33"),
        "c": Decimal("0.33"),
    }


def test_negative_amount_is_shared_like_a_cost() -> None:
    shares = split_amount(Decimal("-1.00"), {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)})
    assert shares == {"a": Decimal("-0.34"), "b": Decimal("-0.33"), "c": Decimal("-0.33")}


def test_fixed_plus_population_30_70() -> None:
    weights = fixed_plus_population_weights({"big": 90, "small": 10}, Decimal(30))
    # 30 % equally (15 % each) + 70 % by population (63 % and 7 %).
    assert weights["big"] == Decimal("0.78")
    assert weights["small"] == Decimal("0.22")


@pytest.mark.parametrize(
    "bad",
    [{}, {"a": Decimal(0)}, {"a": Decimal(-1), "b": Decimal(2)}],
)
def test_unusable_weights_raise(bad: dict[str, Decimal]) -> None:
    with pytest.raises(SharingError):
        split_amount(Decimal(100), bad)


def test_finance_does_not_import_django() -> None:
    import ast
    from pathlib import Path

    import samla.finance

    for path in Path(samla.finance.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n.startswith("django") for n in names), path
