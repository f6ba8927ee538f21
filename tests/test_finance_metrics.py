"""NPV, discounting, IRR and payback against hand computations and numpy-financial."""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from samla.finance.cashflow import DiscountSchedule, RateBand
from samla.finance.metrics import irr, irr_roots, npv, payback, sign_changes

# Amounts in whole kroner, as business cases have them.
flows_strategy = st.lists(
    st.integers(min_value=-(10**7), max_value=10**7).map(float), min_size=1, max_size=30
)
rates = st.floats(min_value=-0.5, max_value=1.0)


def test_base_year_is_not_discounted_and_year_k_is_discounted_by_1_plus_r_to_the_k() -> None:
    factors = DiscountSchedule.constant(0.04).factors(4)
    assert factors.tolist() == pytest.approx([1.0, 1 / 1.04, 1 / 1.04**2, 1 / 1.04**3], rel=1e-15)
    # 100 in the base year and 104 a year later are worth 200 today at 4 %.
    assert npv([100, 104], factors[:2]) == pytest.approx(200.0)


def test_stepped_rate_compounds_band_by_band() -> None:
    schedule = DiscountSchedule((RateBand(0.04, years=2), RateBand(0.03)))
    assert [schedule.rate_in_year(k) for k in (1, 2, 3, 4)] == [0.04, 0.04, 0.03, 0.03]
    expected = [1, 1 / 1.04, 1 / 1.04**2, 1 / (1.04**2 * 1.03), 1 / (1.04**2 * 1.03**2)]
    assert schedule.factors(5).tolist() == pytest.approx(expected, rel=1e-15)


def test_three_bands_like_dfo_40_75_years() -> None:
    schedule = DiscountSchedule((RateBand(0.04, 40), RateBand(0.03, 35), RateBand(0.02)))
    factors = schedule.factors(101)
    assert factors[40] == pytest.approx(1.04**-40)
    assert factors[75] == pytest.approx(1.04**-40 * 1.03**-35)
    assert factors[100] == pytest.approx(1.04**-40 * 1.03**-35 * 1.02**-25)


def test_rate_zero_and_negative_rate() -> None:
    assert DiscountSchedule.constant(0.0).factors(3).tolist() == [1.0, 1.0, 1.0]
    factors = DiscountSchedule.constant(-0.02).factors(3)
    assert factors.tolist() == pytest.approx([1.0, 1 / 0.98, 1 / 0.98**2])
    assert npv([0, 98, 0], factors) == pytest.approx(100.0)


@given(flows=flows_strategy, rate=rates)
def test_npv_matches_numpy_financial(flows: list[float], rate: float) -> None:
    # numpy_financial.npv treats the first value as t = 0, our convention too.
    factors = DiscountSchedule.constant(rate).factors(len(flows))
    assert npv(flows, factors) == pytest.approx(npf.npv(rate, flows), rel=1e-9, abs=1e-3)


def test_irr_by_hand() -> None:
    # -100 now, 110 next year: 10 %.
    assert irr([-100, 110]) == pytest.approx(0.10)
    # -100, 60, 60: x = 1/(1+r) solves 60x^2 + 60x - 100 = 0.
    x = (-60 + math.sqrt(60**2 + 4 * 60 * 100)) / (2 * 60)
    assert irr([-100, 60, 60]) == pytest.approx(1 / x - 1, rel=1e-12)


def test_several_irrs_are_all_reported_and_irr_is_none() -> None:
    # -1 + 5x - 6x^2 = 0 at x = 1/2 and x = 1/3: rates of 100 % and 200 %.
    assert irr_roots([-1, 5, -6]) == pytest.approx((1.0, 2.0))
    assert irr([-1, 5, -6]) is None


def test_no_sign_change_means_no_irr() -> None:
    assert irr_roots([0, 0, 0]) == ()
    assert irr_roots([100, 50]) == ()
    assert irr_roots([-100, -50, 0]) == ()
    assert irr([5]) is None


@given(
    investment=st.integers(min_value=1, max_value=10**7),
    returns=st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=25),
)
def test_conventional_flows_have_one_irr_matching_numpy_financial(
    investment: int, returns: list[int]
) -> None:
    assume(any(returns))
    flows = [-investment, *returns]
    roots = irr_roots(flows)
    assert len(roots) == 1
    assert sign_changes(flows) == 1
    # Our root zeroes the NPV at least as well as numpy-financial's, whose Newton iteration
    # stops early at large rates (for [-1, 1, 134.35] it gives 11.1109; the root is 11.1017).
    expected = npf.irr(flows)
    assert not math.isnan(expected)
    assert abs(npf.npv(roots[0], flows)) <= abs(npf.npv(expected, flows)) + 1e-9 * investment
    if expected < 1.0:
        assert roots[0] == pytest.approx(expected, rel=1e-6, abs=1e-9)


@given(flows=flows_strategy)
def test_every_reported_irr_zeroes_the_npv(flows: list[float]) -> None:
    for rate in irr_roots(flows):
        assert rate > -1
        factors = DiscountSchedule.constant(rate).factors(len(flows))
        scale = float(np.abs(flows) @ factors)  # the size of the terms that cancel
        assert abs(npv(flows, factors)) <= 1e-9 * scale


def test_payback_interpolates_between_year_ends() -> None:
    result = payback([-100, 30, 30, 30, 30])
    assert result is not None
    assert result.index == 4  # cumulative -10 after year 3, +20 after year 4
    assert result.years == pytest.approx(3 + 10 / 30)


def test_discounted_payback_is_later() -> None:
    flows = [-100, 30, 30, 30, 30, 30]
    factors = DiscountSchedule.constant(0.05).factors(6)
    # Discounted cumulative: -100, -71.43, -44.22, -18.30, +6.38 after year 4.
    cumulative_3 = -100 + 30 / 1.05 + 30 / 1.05**2 + 30 / 1.05**3
    cumulative_4 = cumulative_3 + 30 / 1.05**4
    result = payback(flows, factors)
    assert result is not None and result.index == 4
    assert result.years == pytest.approx(3 + -cumulative_3 / (cumulative_4 - cumulative_3))
    simple = payback(flows)
    assert simple is not None and simple.years == pytest.approx(3 + 10 / 30)
    assert payback(flows[:5], DiscountSchedule.constant(0.10).factors(5)) is None


def test_payback_edge_cases() -> None:
    assert payback([-100, 10, 10]) is None  # only costs remain unpaid
    assert payback([-5, -5]) is None
    only_benefits = payback([0, 10, 10])
    assert only_benefits is not None and (only_benefits.index, only_benefits.years) == (0, 0.0)
    all_zero = payback([0, 0, 0])
    assert all_zero is not None and all_zero.years == 0.0
    # A reinvestment that drives the cumulative below zero again moves payback later.
    later = payback([-100, 150, -100, 100])
    assert later is not None and later.index == 3


@given(flows=flows_strategy)
def test_payback_is_where_the_cumulative_turns_and_stays_non_negative(flows: list[float]) -> None:
    result = payback(flows)
    cumulative = np.cumsum(flows)
    tolerance = 1e-9 * max(1.0, max(abs(v) for v in flows))
    if result is None:
        assert cumulative[-1] < -tolerance
    else:
        assert np.all(cumulative[result.index :] >= -tolerance)
        if result.index > 0:
            assert cumulative[result.index - 1] < -tolerance
            assert result.index - 1 < result.years <= result.index
